import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { prisma } from '../src/db.js';
import { alertHub } from '../src/modules/alerts/alert-hub.js';
import { buildApp } from '../src/server.js';
import { globalId, gql, member, rawId } from './support/api.js';
import { guest, openEvent, registered } from './support/forums.js';
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

describe('cancellations at the head of the waiting list', () => {
  const CANCEL = `mutation($id: ID!) { cancelRegistration(id: $id) { __typename
    ... on CancelRegistrationSuccess { registration { id status } } ... on Error { code } } }`;
  const REGISTER = `mutation($input: RegistrationInput!) { registerForEvent(input: $input) {
    __typename ... on Error { code } } }`;

  it('answer every request while seats are placed, and what they say is what the database holds', async () => {
    const { token } = await member(['ORGANIZER']);
    for (let round = 0; round < 3; round += 1) {
      const eventId = await openEvent(token, { visibility: 'PUBLIC', capacity: 5 });
      const line = [];
      for (let n = 0; n < 30; n += 1)
        line.push(await registered(null, eventId, { guest: guest() }));
      expect(line.slice(0, 5).every((r) => r.status === 'CONFIRMED')).toBe(true);
      // The seated and the head of the line cancel at once, while newcomers join: every
      // cancellation of a seated person places the next in line, who may be cancelling too.
      const leaving = line.slice(0, 20);
      const answers = await Promise.all([
        ...leaving.map((r) => gql(CANCEL, { id: r.id }, { token })),
        ...Array.from({ length: 10 }, () =>
          gql(REGISTER, {
            input: {
              eventId,
              type: 'DELEGATE',
              guest: guest(),
              idempotencyKey: crypto.randomUUID(),
            },
          }),
        ),
      ]);
      for (const answer of answers)
        expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
      const cancellations = answers.slice(0, leaving.length);
      for (const answer of cancellations) {
        expect(answer.data?.cancelRegistration.__typename).toBe('CancelRegistrationSuccess');
      }
      const rows = await prisma.forumRegistration.findMany({ where: { eventId: rawId(eventId) } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const r of leaving) expect(byId.get(rawId(r.id))?.status).toBe('CANCELLED');
      const seated = rows.filter((r) => r.status === 'CONFIRMED').length;
      const waiting = rows.filter((r) => r.status === 'WAITLISTED').length;
      expect(seated).toBe(Math.min(5, seated + waiting));
      expect(seated).toBe(5);
    }
  });
});
