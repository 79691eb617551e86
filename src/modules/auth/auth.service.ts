import { prisma } from '../../db.js';
import { InvalidCredentialsError } from '../../errors.js';
import { SecondFactorRequiredError, SignInChallengeExpiredError } from './auth.errors.js';
import { verifyAgainstDecoy, verifyPassword } from './password.js';
import {
  acceptSecondFactor,
  challengeFailed,
  confirmEnrolment,
  createChallenge,
  liveChallenge,
  needsSecondFactor,
} from './second-factor.service.js';
import { createSession, type NewSession } from './session.service.js';
import {
  assertSignInAllowed,
  recordSignInFailure,
  recordSignInSuccess,
} from './signin-throttle.js';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface SignInMeta {
  ipAddress: string;
  userAgent: string | null;
}

export interface SignInResult {
  session: NewSession;
  userId: string;
  /** Recovery codes of an authenticator set up during this sign-in, shown this once. */
  recoveryCodes: string[] | null;
}

/**
 * The end of a first factor (a password, or an identity provider): a session, or, when the
 * account takes a second factor, SecondFactorRequiredError with a challenge to answer.
 */
export async function afterFirstFactor(userId: string, meta: SignInMeta): Promise<SignInResult> {
  if (await needsSecondFactor(userId)) {
    const challenge = await createChallenge(userId);
    throw new SecondFactorRequiredError(challenge.token, challenge.expiresAt, challenge.enrolled);
  }
  return { session: await createSession(userId, meta), userId, recoveryCodes: null };
}

/**
 * Checks the password and opens a session. Every refusal looks the same (no such account, wrong
 * password, deactivated account, an account that signs in through its provider only) and takes
 * the same time, so accounts cannot be enumerated. A
 * correct password does not clear the account's failure count when a second factor follows: the
 * code's failures count with the password's, so the lockout bounds guessing the code too.
 */
export async function signIn(
  emailInput: string,
  password: string,
  meta: SignInMeta,
): Promise<SignInResult> {
  const email = normaliseEmail(emailInput);
  await assertSignInAllowed(email, meta.ipAddress);

  const user = await prisma.user.findUnique({
    where: { email },
    select: { id: true, passwordHash: true, active: true, passwordSignIn: true },
  });
  let passwordMatches = false;
  if (user) passwordMatches = await verifyPassword(user.passwordHash, password);
  else await verifyAgainstDecoy(password);

  if (!user || !passwordMatches || !user.active || !user.passwordSignIn) {
    await recordSignInFailure(email, meta.ipAddress);
    throw new InvalidCredentialsError();
  }
  const result = await afterFirstFactor(user.id, meta);
  await recordSignInSuccess(email);
  return result;
}

/**
 * Answers a sign-in challenge with a TOTP code or a recovery code (or, for an account enrolling
 * as it signs in, the first code of the new authenticator) and opens the session.
 */
export async function completeSignIn(
  challengeToken: string,
  code: string,
  meta: SignInMeta,
): Promise<SignInResult> {
  const challenge = await liveChallenge(challengeToken);
  const { email } = challenge.user;
  await assertSignInAllowed(email, meta.ipAddress);
  const enrolled = await prisma.user.count({
    where: { id: challenge.userId, totpConfirmedAt: { not: null } },
  });
  // Not enrolled yet (required of the account): the code confirms the new authenticator.
  const recoveryCodes = enrolled
    ? null
    : await confirmEnrolment(challenge.userId, code, meta.ipAddress);
  const accepted = enrolled
    ? await acceptSecondFactor(challenge.userId, code)
    : recoveryCodes !== null;
  if (!accepted) {
    await recordSignInFailure(email, meta.ipAddress);
    throw await challengeFailed(challenge.id);
  }
  // Used once: of two answers racing with one challenge, one opens a session.
  const { count } = await prisma.signInChallenge.deleteMany({ where: { id: challenge.id } });
  if (count === 0) throw new SignInChallengeExpiredError();
  await recordSignInSuccess(email);
  return {
    session: await createSession(challenge.userId, meta),
    userId: challenge.userId,
    recoveryCodes,
  };
}

/** Removes sign-in challenges, reset links and provider round trips past their life. */
export async function deleteExpiredSignInSteps(): Promise<void> {
  const expired = { expiresAt: { lte: new Date() } };
  await prisma.$transaction([
    prisma.signInChallenge.deleteMany({ where: expired }),
    prisma.passwordReset.deleteMany({ where: expired }),
    prisma.oidcSignIn.deleteMany({ where: expired }),
  ]);
}
