import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import {
  expectMember,
  globalId,
  gql,
  makeUser,
  member,
  TEST_PASSWORD,
  tokenFor,
  unique,
  yoga,
} from './support/api.js';
import { graphql } from './support/graphql.js';

// What a session alone cannot do to its account: bind an authenticator, or guess the password
// or a code without limit; what an agency admin can do when a member's factor is lost or was set
// up by someone else; and the headers every answer carries.

const START = graphql(`
  mutation AsStart($password: String) {
    startSecondFactorEnrolment(password: $password) {
      __typename
      ... on StartSecondFactorEnrolmentSuccess { enrolment { secret } }
      ... on ValidationError { issues { path } }
      ... on Error { code message }
    }
  }
`);

const CONFIRM = graphql(`
  mutation AsConfirm($code: String!) {
    confirmSecondFactorEnrolment(code: $code) { __typename }
  }
`);

const CHANGE_PASSWORD = graphql(`
  mutation AsChangePassword($current: String!, $next: String!) {
    changePassword(currentPassword: $current, newPassword: $next) {
      __typename
      ... on Error { code message }
    }
  }
`);

const TURN_OFF = graphql(`
  mutation AsTurnOff($password: String!) {
    turnOffSecondFactor(password: $password) { __typename ... on Error { code } }
  }
`);

const REPLACE_CODES = graphql(`
  mutation AsReplace($code: String!) {
    replaceRecoveryCodes(code: $code) { __typename ... on Error { code } }
  }
`);

const RESET = graphql(`
  mutation AsReset($userId: ID!) {
    resetSecondFactor(userId: $userId) {
      __typename
      ... on ResetSecondFactorSuccess { user { secondFactorEnabled } }
      ... on Error { code message }
    }
  }
`);

const MY_LOG = graphql(`
  query AsLog { me { securityLog(first: 20) { edges { node { kind ipAddress actor { id } } } } } }
`);

/** Each request from an address of its own: only the account's count can refuse it. */
const from = () => ({ headers: { 'x-forwarded-for': unique('addr') } });

async function enrolled(token: string) {
  const started = expectMember(
    (await gql(START, { password: TEST_PASSWORD }, { token })).data?.startSecondFactorEnrolment,
    'StartSecondFactorEnrolmentSuccess',
  ).enrolment;
  const code = TOTP.generate({ secret: Secret.fromBase32(started.secret) });
  const confirmed = await gql(CONFIRM, { code }, { token });
  expect(confirmed.data?.confirmSecondFactorEnrolment.__typename).toBe(
    'ConfirmSecondFactorEnrolmentSuccess',
  );
  return started.secret;
}

describe('a session alone', () => {
  it('cannot set up an authenticator without the password', async () => {
    const { user, token } = await member(['ANALYST']);
    for (const password of [null, 'not the password']) {
      const refused = (await gql(START, { password }, { token, ...from() })).data
        ?.startSecondFactorEnrolment;
      expect(expectMember(refused, 'ValidationError').issues[0]?.path).toEqual(['password']);
    }
    // Nothing was started: no secret waits for a code.
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).totpSecret).toBeNull();

    await enrolled(token);
    const log = (await gql(MY_LOG, {}, { token })).data?.me?.securityLog.edges ?? [];
    expect(log.map((edge) => edge.node.kind)).toContain('SECOND_FACTOR_ENABLED');
  });

  it('cannot guess the password or a code without limit: wrong answers count like sign-ins', async () => {
    const { user, token } = await member(['ANALYST']);
    await enrolled(token);
    // Five wrong answers in all (the account's limit), each from another address, spread over
    // the three checks that a session reaches.
    const wrong = [
      () =>
        gql(
          CHANGE_PASSWORD,
          { current: 'wrong-1', next: 'a new long password 1' },
          { token, ...from() },
        ),
      () => gql(TURN_OFF, { password: 'wrong-2' }, { token, ...from() }),
      () => gql(REPLACE_CODES, { code: '000000' }, { token, ...from() }),
      () =>
        gql(
          CHANGE_PASSWORD,
          { current: 'wrong-3', next: 'a new long password 2' },
          { token, ...from() },
        ),
      () => gql(TURN_OFF, { password: 'wrong-4' }, { token, ...from() }),
    ];
    for (const attempt of wrong) {
      const answer = await attempt();
      const payload = Object.values(answer.data ?? {})[0] as { __typename: string };
      expect(payload.__typename).toBe('ValidationError');
    }
    // Now even the right password is refused until the lockout ends, as at sign-in.
    const locked = await gql(
      CHANGE_PASSWORD,
      { current: TEST_PASSWORD, next: 'a new long password 3' },
      { token, ...from() },
    );
    expect(locked.data?.changePassword.__typename).toBe('RateLimitedError');
    const turnOff = await gql(TURN_OFF, { password: TEST_PASSWORD }, { token, ...from() });
    expect(turnOff.data?.turnOffSecondFactor.__typename).toBe('RateLimitedError');
    // The password and the factor are unchanged.
    const stored = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.totpConfirmedAt).not.toBeNull();
    expect(
      (
        await gql(
          graphql(
            'mutation AsSignIn($e: EmailAddress!, $p: String!) { signIn(email: $e, password: $p) { __typename } }',
          ),
          { e: user.email, p: TEST_PASSWORD },
          from(),
        )
      ).data?.signIn.__typename,
    ).toBe('RateLimitedError');
  });
});

describe("an agency admin's reset of a member's second factor", () => {
  it("removes it, in the member's security log, with an alert to the member; never across agencies", async () => {
    const { agency, user, token } = await member(['ANALYST']);
    await enrolled(token);
    const admin = await makeUser(agency.id, ['AGENCY_ADMIN']);
    const adminToken = await tokenFor(admin.email);
    const stranger = await member(['AGENCY_ADMIN']);

    const userId = globalId('User', user.id);
    const foreign = await gql(RESET, { userId }, { token: stranger.token });
    expect(foreign.data?.resetSecondFactor.__typename).toBe('NotFoundError');
    const notAdmin = await gql(RESET, { userId }, { token });
    expect(notAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(
      (await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).totpConfirmedAt,
    ).not.toBeNull();

    const reset = await gql(RESET, { userId }, { token: adminToken });
    expect(expectMember(reset.data?.resetSecondFactor, 'ResetSecondFactorSuccess').user).toEqual({
      secondFactorEnabled: false,
    });
    const stored = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect([stored.totpSecret, stored.totpConfirmedAt]).toEqual([null, null]);
    expect(await prisma.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    // Told by alert (to the member alone) and in the log, with the admin's name.
    const alerts = await prisma.alert.findMany({
      where: { kind: 'SECOND_FACTOR_RESET', recipientUserId: user.id },
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.title).toBe(admin.displayName);
    const log = (await gql(MY_LOG, {}, { token })).data?.me?.securityLog.edges ?? [];
    expect(log.find((edge) => edge.node.kind === 'SECOND_FACTOR_RESET')?.node.actor?.id).toBe(
      globalId('User', admin.id),
    );
    // Nothing left to reset.
    const again = await gql(RESET, { userId }, { token: adminToken });
    expect(again.data?.resetSecondFactor.__typename).toBe('ConflictError');
  });
});

describe('headers of every answer', () => {
  it('forbid framing and sniffing, for GraphiQL and for JSON alike', async () => {
    const page = await yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const json = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const health = await yoga.fetch('http://localhost/healthz');
    for (const answer of [page, json, health]) {
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('same-origin');
      expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    expect(json.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
