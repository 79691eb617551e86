import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { alertHub } from '../src/modules/alerts/alert-hub.js';
import { buildApp } from '../src/server.js';
import { globalId, member } from './support/api.js';
import { publishedReport } from './support/intel.js';
import { expectIncreasing, LiveStream } from './support/live.js';

// Faults injected while the server works: what was acknowledged is never lost, and every answer
// is a success or a typed error.

const app = buildApp({ port: 0, host: '127.0.0.1' });
let base = '';
const streams: LiveStream[] = [];

function live(token: string, variables: Record<string, unknown>) {
  const stream = LiveStream.ws(base, token, variables);
  streams.push(stream);
  return stream;
}

beforeAll(async () => {
  const { port } = await app.start();
  base = `http://127.0.0.1:${port}`;
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await Promise.all(streams.map((s) => s.close().catch(() => {})));
  await app.stop();
});

const lostConnection = () => new Error('terminating connection due to administrator command');

describe('live alerts when a delivery query fails', () => {
  it('deliver the batch once the query works again: nothing lost, nothing twice', async () => {
    const author = await member(['ANALYST']);
    const reader = await member(['VIEWER']);
    const filter = { originAgencies: [globalId('Agency', author.agency.id)] };
    const stream = live(reader.token, { filter });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const failOnce = vi
      .spyOn(alertHub, 'deliverableFor')
      .mockRejectedValueOnce(lostConnection())
      .mockRejectedValueOnce(lostConnection());
    const first = await publishedReport(author.token, { title: 'Written while the query fails' });
    const second = await publishedReport(author.token, { title: 'Written after it works again' });
    await stream.received(2);
    expect(failOnce).toHaveBeenCalled();
    expect(stream.events.map((e) => e.alert?.title)).toEqual([
      'Written while the query fails',
      'Written after it works again',
    ]);
    expectIncreasing(stream.events);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stream.events).toHaveLength(2);
    expect(first).not.toBe(second);
  });

  it('let a subscriber go with RESUME_REQUIRED when its audience keeps failing; resuming loses nothing', async () => {
    const author = await member(['ANALYST']);
    const reader = await member(['VIEWER']);
    const filter = { originAgencies: [globalId('Agency', author.agency.id)] };
    const stream = live(reader.token, { filter });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await publishedReport(author.token, { title: 'Before the failures' });
    await stream.received(1);

    vi.spyOn(alertHub, 'deliverableFor').mockRejectedValue(lostConnection());
    await publishedReport(author.token, { title: 'During the failures' });
    await stream.until((s) => s.errors.length > 0 || s.completed);
    expect(stream.errors[0]?.extensions?.code).toBe('RESUME_REQUIRED');
    const resumeAfter = stream.errors[0]?.extensions?.resumeAfter as string;
    expect(resumeAfter).toBe(stream.lastCursor);
    vi.restoreAllMocks();

    const resumed = live(reader.token, { filter, after: resumeAfter });
    await resumed.received(1);
    expect(resumed.events.map((e) => e.alert?.title)).toEqual(['During the failures']);
  });
});
