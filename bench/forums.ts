// Forum registration under a burst: N guests register at once for an event of S seats. Measures
// the wall time of the whole burst and the latency of each request, then checks the database:
// exactly S confirmed, the rest waiting, none lost, none doubled.
import { randomUUID } from 'node:crypto';
import { graphql } from './http.js';

export interface BurstResult {
  requests: number;
  seats: number;
  seconds: number;
  median: number;
  p99: number;
  answered: Record<string, number>;
}

/** The fields this benchmark reads from its answers. */
interface Answer {
  createForumEvent: { event: { id: string } };
  registerForEvent: { __typename: string; registration?: { status: string } };
}

const post = (base: string, query: string, variables: object, token?: string) =>
  graphql<Answer>(base, token ?? null, query, variables);

/** Creates and publishes a PUBLIC event of `seats` seats as the organizer; returns its id. */
async function openEvent(base: string, token: string, seats: number): Promise<string> {
  const start = new Date(Date.now() + 30 * 86_400_000);
  const created = await post(
    base,
    `mutation($input: ForumEventInput!) { createForumEvent(input: $input) {
       ... on CreateForumEventSuccess { event { id } } ... on Error { message } } }`,
    {
      input: {
        kind: 'FORUM',
        nameEn: `Benchmark forum ${randomUUID().slice(0, 8)}`,
        nameZhHans: '基准论坛',
        nameZhHant: '基準論壇',
        descriptionEn: 'Registration burst.',
        descriptionZhHans: '报名压力测试。',
        descriptionZhHant: '報名壓力測試。',
        venue: 'Guangzhou',
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 86_400_000).toISOString(),
        timeZone: 'Asia/Shanghai',
        registrationOpensAt: new Date(Date.now() - 60_000).toISOString(),
        registrationClosesAt: start.toISOString(),
        visibility: 'PUBLIC',
        capacity: seats,
      },
    },
    token,
  );
  const id = created.createForumEvent.event.id as string;
  await post(
    base,
    'mutation($id: ID!) { publishForumEvent(id: $id) { __typename } }',
    { id },
    token,
  );
  return id;
}

const REGISTER = `mutation($input: RegistrationInput!) { registerForEvent(input: $input) {
  __typename ... on RegisterForEventSuccess { registration { status } } } }`;

export async function registrationBurst(
  base: string,
  organizerToken: string,
  requests: number,
  seats: number,
): Promise<BurstResult & { eventId: string }> {
  const eventId = await openEvent(base, organizerToken, seats);
  const latencies: number[] = [];
  const answered: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: requests }, async (_, i) => {
      const t = performance.now();
      try {
        const data = await post(base, REGISTER, {
          input: {
            eventId,
            type: 'OBSERVER',
            idempotencyKey: randomUUID(),
            guest: {
              name: `Guest ${i}`,
              email: `burst-${i}-${randomUUID().slice(0, 6)}@example.test`,
              organisation: 'Benchmark',
              country: 'HK',
            },
          },
        });
        const status =
          data.registerForEvent.registration?.status ?? data.registerForEvent.__typename;
        answered[status] = (answered[status] ?? 0) + 1;
      } catch (error) {
        answered.error = (answered.error ?? 0) + 1;
        if (answered.error === 1) console.error(`  first error: ${String(error).slice(0, 300)}`);
      }
      latencies.push(performance.now() - t);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { eventId, requests, seats, seconds, median: at(0.5), p99: at(0.99), answered };
}
