import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import {
  expectMember,
  globalId,
  gql,
  makeUser,
  member,
  present,
  send,
  TEST_PASSWORD,
  unique,
} from './support/api.js';
import { graphql } from './support/graphql.js';

// The second factor: enrolling an authenticator (TOTP, RFC 6238) signed in or while signing in,
// a sign-in answered with a code or a recovery code, replay and lockout, and the agency's
// requirement. The network's requirement is tested on a server of its own (identity.test.ts):
// it would reach every other test's sign-ins here.

const SIGN_IN = graphql(`
  mutation SignInStep($email: EmailAddress!, $password: String!) {
    signIn(email: $email, password: $password) {
      __typename
      ... on SignInSuccess { session { token } }
      ... on SecondFactorRequiredError { challenge expiresAt enrolled code message }
      ... on Error { code message }
    }
  }
`);

const COMPLETE = graphql(`
  mutation Complete($challenge: String!, $code: String!) {
    completeSignIn(challenge: $challenge, code: $code) {
      __typename
      ... on CompleteSignInSuccess { session { token recoveryCodes user { email } } }
      ... on InvalidSecondFactorError { attemptsLeft message }
      ... on Error { code message }
    }
  }
`);

const START = graphql(`
  mutation Start($challenge: String, $password: String) {
    startSecondFactorEnrolment(challenge: $challenge, password: $password) {
      __typename
      ... on StartSecondFactorEnrolmentSuccess { enrolment { secret uri } }
      ... on Error { code message }
    }
  }
`);

const CONFIRM = graphql(`
  mutation Confirm($code: String!) {
    confirmSecondFactorEnrolment(code: $code) {
      __typename
      ... on ConfirmSecondFactorEnrolmentSuccess { recoveryCodes }
      ... on ValidationError { issues { path message } }
      ... on Error { code message }
    }
  }
`);

const TURN_OFF = graphql(`
  mutation TurnOff($password: String!) {
    turnOffSecondFactor(password: $password) {
      __typename
      ... on TurnOffSecondFactorSuccess { user { secondFactorEnabled } }
      ... on Error { code message }
    }
  }
`);

const ME = graphql('query { me { email secondFactorEnabled recoveryCodesLeft } }');

/** The code an authenticator shows `steps` periods of 30 seconds from now. */
function codeFrom(secret: string, steps = 0): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secret),
    timestamp: Date.now() + steps * 30_000,
  });
}

async function signInStep(email: string, address = unique('addr'), password = TEST_PASSWORD) {
  const answer = await gql(
    SIGN_IN,
    { email, password },
    { headers: { 'x-forwarded-for': address } },
  );
  return present(answer.data?.signIn, 'signIn');
}

async function complete(challenge: string, code: string, address = unique('addr')) {
  const answer = await gql(
    COMPLETE,
    { challenge, code },
    { headers: { 'x-forwarded-for': address } },
  );
  return present(answer.data?.completeSignIn, 'completeSignIn');
}

async function enrol(token: string) {
  const started = expectMember(
    (await send(token, START, { challenge: null, password: TEST_PASSWORD }))
      .startSecondFactorEnrolment,
    'StartSecondFactorEnrolmentSuccess',
  ).enrolment;
  const confirmed = expectMember(
    (await send(token, CONFIRM, { code: codeFrom(started.secret) })).confirmSecondFactorEnrolment,
    'ConfirmSecondFactorEnrolmentSuccess',
  );
  return { secret: started.secret, uri: started.uri, recoveryCodes: confirmed.recoveryCodes };
}

describe('second factor', () => {
  it('enrols an authenticator, then signs in with a code once and with a recovery code once', async () => {
    const { user, token } = await member(['ANALYST']);

    const started = expectMember(
      (await send(token, START, { challenge: null, password: TEST_PASSWORD }))
        .startSecondFactorEnrolment,
      'StartSecondFactorEnrolmentSuccess',
    ).enrolment;
    expect(started.uri).toMatch(
      new RegExp(`^otpauth://totp/GBA%20IPNet:${encodeURIComponent(user.email)}\\?`),
    );
    expect(started.uri).toContain(`secret=${started.secret}`);
    // Stored sealed, not as the secret itself.
    const stored = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.totpSecret).toMatch(/^v1\./);
    expect(stored.totpSecret).not.toContain(started.secret);

    // A wrong first code changes nothing; signing in still takes only the password.
    const wrong = (await send(token, CONFIRM, { code: '000000' })).confirmSecondFactorEnrolment;
    expect(expectMember(wrong, 'ValidationError').issues[0]?.path).toEqual(['code']);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).totpConfirmedAt).toBe(
      null,
    );
    expect((await signInStep(user.email)).__typename).toBe('SignInSuccess');

    const firstCode = codeFrom(started.secret);
    const confirmed = expectMember(
      (await send(token, CONFIRM, { code: firstCode })).confirmSecondFactorEnrolment,
      'ConfirmSecondFactorEnrolmentSuccess',
    );
    expect(confirmed.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.recoveryCodes).size).toBe(10);
    const rows = await prisma.recoveryCode.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(10);
    const storedText = JSON.stringify(rows.map((r) => Buffer.from(r.codeHash).toString()));
    for (const code of confirmed.recoveryCodes) expect(storedText).not.toContain(code);
    expect((await send(token, ME, {})).me).toMatchObject({
      secondFactorEnabled: true,
      recoveryCodesLeft: 10,
    });

    // The password alone opens no session now.
    const sessionsBefore = await prisma.session.count({ where: { userId: user.id } });
    const step = expectMember(await signInStep(user.email), 'SecondFactorRequiredError');
    expect(step).toMatchObject({ enrolled: true, code: 'UNAUTHENTICATED' });
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(sessionsBefore);

    // The code that confirmed the enrolment is used up; the next one works, once.
    const replayed = expectMember(
      await complete(step.challenge, firstCode),
      'InvalidSecondFactorError',
    );
    expect(replayed.attemptsLeft).toBe(4);
    const done = expectMember(
      await complete(step.challenge, codeFrom(started.secret, 1)),
      'CompleteSignInSuccess',
    );
    expect(done.session.user.email).toBe(user.email);
    expect(done.session.recoveryCodes).toBeNull();
    expect((await send(done.session.token, ME, {})).me?.email).toBe(user.email);
    expect((await complete(step.challenge, codeFrom(started.secret, 1))).__typename).toBe(
      'SignInChallengeExpiredError',
    );

    // A recovery code, typed in lower case with a space, works once.
    const recovery = present(confirmed.recoveryCodes[3], 'a recovery code');
    const typed = recovery.toLowerCase().replace('-', ' ');
    const again = expectMember(await signInStep(user.email), 'SecondFactorRequiredError');
    expect((await complete(again.challenge, typed)).__typename).toBe('CompleteSignInSuccess');
    const third = expectMember(await signInStep(user.email), 'SecondFactorRequiredError');
    expect((await complete(third.challenge, recovery)).__typename).toBe('InvalidSecondFactorError');
    expect(
      await prisma.recoveryCode.count({ where: { userId: user.id, usedAt: { not: null } } }),
    ).toBe(1);

    // Turned off with the password (not required here): the password alone signs in again.
    const off = expectMember(
      (await send(done.session.token, TURN_OFF, { password: TEST_PASSWORD })).turnOffSecondFactor,
      'TurnOffSecondFactorSuccess',
    );
    expect(off.user?.secondFactorEnabled).toBe(false);
    expect(await prisma.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect((await signInStep(user.email)).__typename).toBe('SignInSuccess');
  });

  it('counts wrong codes towards the account lockout, so a known password does not buy endless guesses', async () => {
    const { user, token } = await member(['ANALYST']);
    const { secret } = await enrol(token);
    const step = expectMember(await signInStep(user.email), 'SecondFactorRequiredError');
    const wrong = codeFrom(secret, 10);
    const answers = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      answers.push((await complete(step.challenge, wrong)).__typename);
    }
    expect(answers).toEqual(Array(5).fill('InvalidSecondFactorError'));
    // The challenge is spent, and the account is locked: even the right password and code wait.
    expect((await complete(step.challenge, codeFrom(secret))).__typename).toBe(
      'SignInChallengeExpiredError',
    );
    const locked = await signInStep(user.email);
    expect(locked).toMatchObject({ __typename: 'RateLimitedError', code: 'RATE_LIMITED' });
    expect(await prisma.signInChallenge.count({ where: { userId: user.id } })).toBe(0);
  });

  it("enforces the agency's requirement: a member without a factor enrols while signing in", async () => {
    const admin = await member(['AGENCY_ADMIN']);
    const colleague = await makeUser(admin.agency.id, ['VIEWER']);
    const SET = graphql(`
      mutation Require($agencyId: ID!, $required: Boolean!) {
        setAgencySecondFactorRequirement(agencyId: $agencyId, required: $required) {
          __typename
          ... on SetAgencySecondFactorRequirementSuccess { agency { requiresSecondFactor } }
          ... on Error { code message }
        }
      }
    `);
    const agencyId = globalId('Agency', admin.agency.id);

    // Another agency's admin may not change it, and learns nothing of it.
    const stranger = await member(['AGENCY_ADMIN']);
    const refused = (await send(stranger.token, SET, { agencyId, required: true }))
      .setAgencySecondFactorRequirement;
    expect(refused.__typename).toBe('NotFoundError');
    expect(
      (await prisma.agency.findUniqueOrThrow({ where: { id: admin.agency.id } }))
        .requireSecondFactor,
    ).toBe(false);

    const set = (await send(admin.token, SET, { agencyId, required: true }))
      .setAgencySecondFactorRequirement;
    expect(
      expectMember(set, 'SetAgencySecondFactorRequirementSuccess').agency?.requiresSecondFactor,
    ).toBe(true);

    const step = expectMember(await signInStep(colleague.email), 'SecondFactorRequiredError');
    expect(step.enrolled).toBe(false);
    const enrolment = expectMember(
      (await gql(START, { challenge: step.challenge })).data?.startSecondFactorEnrolment,
      'StartSecondFactorEnrolmentSuccess',
    ).enrolment;
    const done = expectMember(
      await complete(step.challenge, codeFrom(enrolment.secret)),
      'CompleteSignInSuccess',
    );
    expect(done.session.recoveryCodes).toHaveLength(10);
    expect(
      (await prisma.user.findUniqueOrThrow({ where: { id: colleague.id } })).totpConfirmedAt,
    ).not.toBeNull();

    // Required by the agency, it cannot be turned off.
    const off = (await send(done.session.token, TURN_OFF, { password: TEST_PASSWORD }))
      .turnOffSecondFactor;
    expect(off).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });

    // A challenge is no session: it opens nothing by itself.
    const other = expectMember(await signInStep(admin.user.email), 'SecondFactorRequiredError');
    const asToken = await gql(ME, {}, { token: other.challenge });
    expect(asToken.data?.me ?? null).toBeNull();
  });

  it('refuses a wrong password before any second-factor step, as before', async () => {
    const { user, token } = await member(['ANALYST']);
    await enrol(token);
    const answer = await signInStep(user.email, unique('addr'), 'not the password at all');
    expect(answer.__typename).toBe('InvalidCredentialsError');
    expect(await prisma.signInChallenge.count({ where: { userId: user.id } })).toBe(0);
  });
});
