import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import { expectMember, expectType, globalId, member, rawId } from './support/api.js';
import { guest, openEvent } from './support/forums.js';
import { graphql } from './support/graphql.js';
import { type Instance, post, startInstance } from './support/instance.js';
import { expectIncreasing, LiveStream } from './support/live.js';

// Two server processes against one PostgreSQL and one Redis, as behind a load balancer. The
// alert log is read only on a Redis wake-up here (the periodic read is set to ten minutes), so
// an alert crossing instances proves the Redis path; PGlite cannot be shared between processes.

const postgres = process.env.TEST_DATABASE_URL;
const redis = process.env.TEST_REDIS_URL;

describe.skipIf(!postgres || !redis)('several instances over Redis', () => {
  let a: Instance;
  let b: Instance;
  const streams: LiveStream[] = [];

  beforeAll(async () => {
    const env = {
      DATABASE_URL: postgres as string,
      REDIS_URL: redis as string,
      ALERT_POLL_MS: '600000',
    };
    const started = await Promise.allSettled([startInstance(env), startInstance(env)]);
    const instances = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failure = started.find((r) => r.status === 'rejected');
    if (failure) {
      await Promise.all(instances.map((i) => i.stop()));
      throw (failure as PromiseRejectedResult).reason;
    }
    [a, b] = instances as [Instance, Instance];
  }, 120_000);

  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close().catch(() => {})));
    await Promise.all([a?.stop(), b?.stop()]);
  });

  const BROADCAST =
    graphql(`mutation($title: String!) { broadcastAlert(input: { title: $title, severity: URGENT }) {
    __typename ... on BroadcastAlertSuccess { alert { cursor } } } }`);

  it('ends a session signed out on A at once on B, where it was just in use', async () => {
    const { token } = await member(['VIEWER']);
    const ME = graphql('{ me { id } }');
    expect((await post(b, ME, {}, token)).data?.me).not.toBeNull();
    expect((await post(a, graphql('mutation { signOut }'), {}, token)).data?.signOut).toBe(true);
    // No instance remembers sessions when there are several (SESSION_CACHE_MS is off with Redis).
    expect((await post(b, ME, {}, token)).data?.me).toBeNull();
  });

  it('holds registration capacity across instances', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, { capacity: 7, visibility: 'PUBLIC' });
    const REGISTER =
      graphql(`mutation($input: RegistrationInput!) { registerForEvent(input: $input) {
        __typename ... on RegisterForEventSuccess { registration { status } } } }`);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        post(i % 2 === 0 ? a : b, REGISTER, {
          input: {
            eventId,
            type: 'DELEGATE',
            idempotencyKey: randomUUID(),
            guest: guest({ name: `Guest ${i}` }),
          },
        }),
      ),
    );
    const statuses = results.map((r) => {
      const answer = r.data?.registerForEvent;
      return answer?.__typename === 'RegisterForEventSuccess'
        ? answer.registration.status
        : answer?.__typename;
    });
    expect(statuses.filter((s) => s === 'CONFIRMED')).toHaveLength(7);
    expect(statuses.filter((s) => s === 'WAITLISTED')).toHaveLength(53);
    const rows = await prisma.forumRegistration.groupBy({
      by: ['status'],
      where: { eventId: rawId(eventId) },
      _count: true,
    });
    expect(Object.fromEntries(rows.map((r) => [r.status, r._count]))).toEqual({
      CONFIRMED: 7,
      WAITLISTED: 53,
    });
  });

  it('delivers an alert caused on A to a subscriber on B, and resumes on A after B dies', async () => {
    const admin = await member(['NETWORK_ADMIN']);
    const listener = await member(['VIEWER']);
    const filter = { originAgencies: [globalId('Agency', admin.agency.id)] };
    const start = (await prisma.alert.findFirst({ orderBy: { cursor: 'desc' } }))?.cursor ?? 0n;

    const onB = LiveStream.ws(b.base, listener.token, { filter, after: start.toString() });
    streams.push(onB);
    const sent = await post(a, BROADCAST, { title: 'Seizure at Huanggang' }, admin.token);
    expectMember(sent.data?.broadcastAlert, 'BroadcastAlertSuccess');
    await onB.received(1);
    expect(onB.events[0]?.alert?.title).toBe('Seizure at Huanggang');

    // B goes away without a goodbye; alerts keep coming through A meanwhile.
    await b.stop('SIGKILL');
    await onB.until((s) => s.closeCode !== null || s.completed);
    for (const title of ['While B was down 1', 'While B was down 2']) {
      expectType(
        (await post(a, BROADCAST, { title }, admin.token)).data?.broadcastAlert,
        'BroadcastAlertSuccess',
      );
    }
    const onA = LiveStream.ws(a.base, listener.token, { filter, after: onB.lastCursor });
    streams.push(onA);
    await onA.received(2);
    expectType(
      (await post(a, BROADCAST, { title: 'Live on A' }, admin.token)).data?.broadcastAlert,
      'BroadcastAlertSuccess',
    );
    await onA.received(3);

    const all = [...onB.events, ...onA.events];
    expectIncreasing(all);
    const logged = await prisma.alert.findMany({
      where: { originAgencyId: admin.agency.id, cursor: { gt: start } },
      orderBy: { cursor: 'asc' },
    });
    expect(all.map((e) => e.cursor)).toEqual(logged.map((r) => r.cursor.toString()));
    expect(all.map((e) => e.alert?.title)).toEqual([
      'Seizure at Huanggang',
      'While B was down 1',
      'While B was down 2',
      'Live on A',
    ]);
  });
});
