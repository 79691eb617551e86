import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput, guest } from './support/forums.js';
import { type Instance, startInstance } from './support/instance.js';

// Requests without an account (guest registration, look-ups and cancellations by check-in code)
// are counted per client address, on a server of its own with a limit of 3 a minute.

const LIMIT = 3;

describe('guest requests per address', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ipnet-guest-throttle-'));
  let instance: Instance;
  let eventId: string;

  async function call(query: string, variables: object, from: string, token?: string) {
    const response = await fetch(instance.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': from,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as any;
  }

  const REGISTER = `mutation($input: RegistrationInput!) { registerForEvent(input: $input) {
    __typename ... on RateLimitedError { code retryAfterSeconds }
    ... on RegisterForEventSuccess { registration { status checkInCode } } } }`;
  const asGuest = (name: string) => ({
    input: { eventId, type: 'DELEGATE', idempotencyKey: randomUUID(), guest: guest({ name }) },
  });
  const COUNT = `query($id: ID!) { node(id: $id) { ... on ForumEvent { registrations(first: 1) { totalCount } } } }`;

  let organizer: string;
  beforeAll(async () => {
    instance = await startInstance({
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      SEED_DEMO: 'auto',
      DEMO_PASSWORD: 'guest-throttle-demo',
      GUEST_REQUESTS_PER_MINUTE: String(LIMIT),
    });
    const signedIn = await call(
      `mutation($e: EmailAddress!, $p: String!) { signIn(email: $e, password: $p) { ... on SignInSuccess { session { token } } } }`,
      { e: 'organizer@gz-amr.demo', p: 'guest-throttle-demo' },
      '10.0.0.1',
    );
    organizer = signedIn.data.signIn.session.token;
    const created = await call(
      `mutation($input: ForumEventInput!) { createForumEvent(input: $input) { ... on CreateForumEventSuccess { event { id } } } }`,
      { input: eventInput({ visibility: 'PUBLIC' }) },
      '10.0.0.1',
      organizer,
    );
    eventId = created.data.createForumEvent.event.id;
    await call(
      'mutation($id: ID!) { publishForumEvent(id: $id) { __typename } }',
      { id: eventId },
      '10.0.0.1',
      organizer,
    );
  }, 90_000);

  afterAll(async () => {
    await instance?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses the guest past the limit with RATE_LIMITED and writes nothing, other addresses go on', async () => {
    const answers = [];
    for (let i = 0; i < LIMIT + 2; i += 1) {
      answers.push(
        (await call(REGISTER, asGuest(`Guest ${i}`), '198.51.100.7')).data.registerForEvent,
      );
    }
    expect(answers.slice(0, LIMIT).map((a) => a.__typename)).toEqual(
      Array(LIMIT).fill('RegisterForEventSuccess'),
    );
    for (const refused of answers.slice(LIMIT)) {
      expect(refused).toMatchObject({ __typename: 'RateLimitedError', code: 'RATE_LIMITED' });
      expect(refused.retryAfterSeconds).toBeGreaterThan(0);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    const stored = await call(COUNT, { id: eventId }, '10.0.0.1', organizer);
    expect(stored.data.node.registrations.totalCount).toBe(LIMIT);

    const elsewhere = await call(REGISTER, asGuest('Another guest'), '203.0.113.9');
    expect(elsewhere.data.registerForEvent.__typename).toBe('RegisterForEventSuccess');

    // The code look-up from the limited address is refused too, with when to come back.
    const code = answers[0].registration.checkInCode;
    const lookUp = await call(
      'query($c: String!) { forumRegistrationByCode(code: $c) { status } }',
      { c: code },
      '198.51.100.7',
    );
    expect(lookUp.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(lookUp.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    // A signed-in member is not counted as a guest.
    const member = await call(
      'query($c: String!) { forumRegistrationByCode(code: $c) { status } }',
      { c: code },
      '198.51.100.7',
      organizer,
    );
    expect(member.errors).toBeUndefined();
  });
});
