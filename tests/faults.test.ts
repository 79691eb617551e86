import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseKind, prisma } from '../src/db.js';
import { maintainEmbeddedTables } from '../src/embedded-maintenance.js';
import { alertHub } from '../src/modules/alerts/alert-hub.js';
import { buildApp } from '../src/server.js';
import { globalId, gql, member, rawId } from './support/api.js';
import { type DatabaseProxy, startDatabaseProxy } from './support/db-proxy.js';
import { guest, openEvent, registered } from './support/forums.js';
import { graphql } from './support/graphql.js';
import { type Instance, post, startInstance } from './support/instance.js';
import { publishedReport } from './support/intel.js';
import { alertLogEnd, expectIncreasing, LiveStream } from './support/live.js';

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

/** A reader subscribed to one new author agency's alerts, from the log's current end. */
async function watching() {
  const author = await member(['ANALYST']);
  const reader = await member(['VIEWER']);
  const filter = { originAgencies: [globalId('Agency', author.agency.id)] };
  // From the log's current end: what follows is replayed or streamed, whatever the timing.
  const stream = live(reader.token, { filter, after: await alertLogEnd() });
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { author, reader, filter, stream };
}

const lostConnection = () => new Error('terminating connection due to administrator command');

describe('live alerts when a delivery query fails', () => {
  it('deliver the batch once the query works again: nothing lost, nothing twice', async () => {
    const { author, stream } = await watching();

    const failOnce = vi
      .spyOn(alertHub, 'deliverableFor')
      .mockRejectedValueOnce(lostConnection())
      .mockRejectedValueOnce(lostConnection());
    await publishedReport(author.token, { title: 'Written while the query fails' });
    await publishedReport(author.token, { title: 'Written after it works again' });
    await stream.received(2);
    expect(failOnce).toHaveBeenCalled();
    expect(stream.events.map((e) => e.alert?.title)).toEqual([
      'Written while the query fails',
      'Written after it works again',
    ]);
    expectIncreasing(stream.events);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stream.events).toHaveLength(2);
  });

  it('let a subscriber go with RESUME_REQUIRED when its audience keeps failing; resuming loses nothing', async () => {
    const { author, reader, filter, stream } = await watching();
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
  const CANCEL = graphql(`mutation($id: ID!) { cancelRegistration(id: $id) { __typename
    ... on CancelRegistrationSuccess { registration { id status } } ... on Error { code } } }`);
  const REGISTER = graphql(`mutation($input: RegistrationInput!) { registerForEvent(input: $input) {
    __typename ... on Error { code } } }`);

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
      const [cancellations, joins] = await Promise.all([
        Promise.all(leaving.map((r) => gql(CANCEL, { id: r.id }, { token }))),
        Promise.all(
          Array.from({ length: 10 }, () =>
            gql(REGISTER, {
              input: {
                eventId,
                type: 'DELEGATE',
                guest: guest(),
                idempotencyKey: crypto.randomUUID(),
              },
            }),
          ),
        ),
      ]);
      for (const answer of [...cancellations, ...joins])
        expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
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

// PostgreSQL behind a proxy that can take it away from a server in its own process. PGlite
// lives inside the process and cannot go away on its own.
const postgres = process.env.TEST_DATABASE_URL;

describe.runIf(postgres)('a database outage', () => {
  let proxy: DatabaseProxy;
  let instance: Instance;

  beforeAll(async () => {
    proxy = await startDatabaseProxy(postgres as string);
    instance = await startInstance({ DATABASE_URL: proxy.url, ALERT_POLL_MS: '200' });
  }, 120_000);

  afterEach(async () => {
    await proxy.restore().catch(() => {});
  });

  afterAll(async () => {
    await instance?.stop();
    await proxy?.close();
  });

  const away = (result: { errors?: { extensions?: { code?: string } }[] }) =>
    result.errors?.map((e) => e.extensions?.code);

  it('answers SERVICE_UNAVAILABLE while the database is away, changes nothing, and recovers', async () => {
    const analyst = await member(['ANALYST']);
    await proxy.cut();
    expect(away(await post(instance, graphql('{ me { id } }'), {}, analyst.token))).toEqual([
      'SERVICE_UNAVAILABLE',
    ]);
    expect(away(await post(instance, graphql('{ forumEvents(first: 1) { totalCount } }')))).toEqual(
      ['SERVICE_UNAVAILABLE'],
    );
    // A WebSocket that cannot check its session is told to come back later.
    const socket = LiveStream.ws(instance.base, analyst.token, {});
    streams.push(socket);
    await socket.until((s) => s.closeCode !== null);
    expect(socket.closeCode).toBe(1013);
    const events = LiveStream.sse(instance.base, analyst.token, {});
    streams.push(events);
    await events.until((s) => s.completed);
    // Server-sent events are refused with the same retryable answer, as HTTP 503.
    expect(events.httpStatus).toBe(503);

    await proxy.restore();
    const back = await post(instance, graphql('{ me { id } }'), {}, analyst.token);
    expect(back.data?.me?.id).toBe(globalId('User', analyst.user.id));
  });

  it('delivers the alerts written while the server could not read them, in order', async () => {
    const author = await member(['ANALYST']);
    const reader = await member(['VIEWER']);
    const filter = { originAgencies: [globalId('Agency', author.agency.id)] };
    const stream = LiveStream.ws(instance.base, reader.token, {
      filter,
      after: await alertLogEnd(),
    });
    streams.push(stream);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await proxy.cut();
    // Written by another instance (this process) while this one is cut off.
    for (const n of [1, 2, 3]) await publishedReport(author.token, { title: `Written away ${n}` });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(stream.events).toHaveLength(0);
    await proxy.restore();
    await stream.received(3, 15_000);
    expect(stream.events.map((e) => e.alert?.title)).toEqual([
      'Written away 1',
      'Written away 2',
      'Written away 3',
    ]);
    expectIncreasing(stream.events);
    expect(stream.closeCode).toBeNull();
  });

  it('cancellations cut off mid-burst answer a success or a retryable error, and agree with the database', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, { visibility: 'PUBLIC', capacity: 5 });
    const line = [];
    for (let n = 0; n < 25; n += 1) line.push(await registered(null, eventId, { guest: guest() }));
    const CANCEL = graphql(`mutation($id: ID!) { cancelRegistration(id: $id) { __typename
      ... on Error { code } } }`);
    const leaving = line.slice(0, 15);
    const pending = leaving.map((r) => post(instance, CANCEL, { id: r.id }, token));
    // Cut as soon as the first is answered: the others are under way.
    await Promise.race(pending);
    await proxy.cut();
    const answers = await Promise.all(pending);
    await proxy.restore();

    const rows = new Map(
      (await prisma.forumRegistration.findMany({ where: { eventId: rawId(eventId) } })).map((r) => [
        r.id,
        r,
      ]),
    );
    const retry: string[] = [];
    answers.forEach((answer, index) => {
      const registration = leaving[index] as { id: string };
      const stored = rows.get(rawId(registration.id));
      const codes = away(answer) ?? [];
      expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
      if (answer.data?.cancelRegistration?.__typename === 'CancelRegistrationSuccess') {
        expect(stored?.status).toBe('CANCELLED');
      } else {
        expect(codes).toEqual(['SERVICE_UNAVAILABLE']);
        retry.push(registration.id);
      }
    });
    // What was not confirmed is sent again: done now, or found done already.
    for (const id of retry) {
      const again = await post(instance, CANCEL, { id }, token);
      expect(away(again)).toBeUndefined();
      expect(['CancelRegistrationSuccess', 'ConflictError']).toContain(
        again.data?.cancelRegistration.__typename,
      );
    }
    // The next change places seats: the line is whole again.
    await registered(null, eventId, { guest: guest() });
    const after = await prisma.forumRegistration.findMany({ where: { eventId: rawId(eventId) } });
    for (const r of leaving) {
      expect(after.find((a) => a.id === rawId(r.id))?.status).toBe('CANCELLED');
    }
    expect(after.filter((r) => r.status === 'CONFIRMED')).toHaveLength(5);
  });
});

describe.runIf(databaseKind === 'pglite')('the embedded database without autovacuum', () => {
  it('keeps table statistics fresh itself, as the autovacuum daemon would', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, { visibility: 'PUBLIC', capacity: 5 });
    await maintainEmbeddedTables();
    // Past autovacuum's analyze threshold (50 rows plus 10 % of the table) whatever the earlier
    // tests of this file left in it.
    const [table] = await prisma.$queryRaw<{ tuples: number }[]>`
      SELECT greatest(reltuples, 0)::float8 AS tuples FROM pg_class WHERE relname = 'ForumRegistration'`;
    const threshold = 50 + 0.1 * (table?.tuples ?? 0);
    for (let n = 0; n < threshold + 10; n += 1) await registered(null, eventId, { guest: guest() });
    // Statistics reach the shared counters in batches; read them once they are there.
    await prisma.$executeRaw`SELECT pg_stat_force_next_flush()`;
    const stale = await prisma.$queryRaw<{ modified: number }[]>`
      SELECT n_mod_since_analyze::int AS modified FROM pg_stat_user_tables
       WHERE relname = 'ForumRegistration'`;
    expect(stale[0]?.modified).toBeGreaterThan(threshold);

    const done = await maintainEmbeddedTables();
    // Analyzed, and vacuumed too when its dead rows (from waiting-list moves) are past that threshold.
    expect(done).toContainEqual(expect.stringMatching(/^(vacuum\+)?analyze ForumRegistration$/));
    const fresh = await prisma.$queryRaw<{ modified: number; analyzed: boolean }[]>`
      SELECT n_mod_since_analyze::int AS modified, last_analyze IS NOT NULL AS analyzed
        FROM pg_stat_user_tables WHERE relname = 'ForumRegistration'`;
    expect(fresh[0]).toEqual({ modified: 0, analyzed: true });
    // Nothing past the thresholds: nothing to do.
    expect(await maintainEmbeddedTables()).not.toContainEqual(
      expect.stringMatching(/ForumRegistration$/),
    );
  });
});
