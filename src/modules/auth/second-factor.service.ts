import { prisma, type Tx } from '../../db.js';
import { ConflictError, ForbiddenError } from '../../errors.js';
import { sealSecret, tryOpenSecret } from '../../sealed-secrets.js';
import { InvalidSecondFactorError, SignInChallengeExpiredError } from './auth.errors.js';
import { type Owner, proveOwner, proveOwnerPassword } from './owner-proof.js';
import { issueToken, secretMatches, tokenParts, typedCodeHash } from './secret-token.js';
import { recordSecurityEvent } from './security-log.js';
import { acceptedTotpStep, isTotpCode, newRecoveryCodes, newTotpSecret, totpUri } from './totp.js';
import type { Viewer } from './viewer.js';

// The second factor: TOTP with recovery codes. Who must use one (policy), enrolling, and the
// sign-in challenge that stands between a correct password and a session.

const CHALLENGE_MINUTES = 5;
const CHALLENGE_MAX_FAILURES = 5;

interface FactorUser {
  id: string;
  totpConfirmedAt: Date | null;
  agency: { requireSecondFactor: boolean };
}

export async function networkRequiresSecondFactor(): Promise<boolean> {
  const settings = await prisma.networkSettings.findUnique({ where: { id: 1 } });
  return settings?.requireSecondFactorForRestricted ?? false;
}

/**
 * Why this user must give a second factor, or null when they need not. The network's
 * requirement is for every role that can read TLP:AMBER+STRICT or TLP:RED: AMBER+STRICT reaches
 * every member of the author's agency and RED any member named, whatever their roles
 * (docs/access-control.md), so it is every account.
 */
export async function secondFactorRequirement(
  user: Omit<FactorUser, 'totpConfirmedAt'>,
): Promise<'AGENCY' | 'NETWORK' | null> {
  if (user.agency.requireSecondFactor) return 'AGENCY';
  if (await networkRequiresSecondFactor()) return 'NETWORK';
  return null;
}

async function factorUser(userId: string): Promise<FactorUser> {
  return prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      id: true,
      totpConfirmedAt: true,
      agency: { select: { requireSecondFactor: true } },
    },
  });
}

/** Whether signing in as this user takes a second factor: enrolled, or required of them. */
export async function needsSecondFactor(userId: string): Promise<boolean> {
  const user = await factorUser(userId);
  return user.totpConfirmedAt !== null || (await secondFactorRequirement(user)) !== null;
}

export interface NewChallenge {
  token: string;
  expiresAt: Date;
  enrolled: boolean;
}

export async function createChallenge(userId: string): Promise<NewChallenge> {
  const user = await factorUser(userId);
  const { id, secretHash, token } = issueToken();
  const expiresAt = new Date(Date.now() + CHALLENGE_MINUTES * 60_000);
  await prisma.signInChallenge.create({ data: { id, secretHash, userId, expiresAt } });
  return { token, expiresAt, enrolled: user.totpConfirmedAt !== null };
}

/** The challenge a token stands for, alive and with attempts left; else SignInChallengeExpired. */
export async function liveChallenge(token: string) {
  const parts = tokenParts(token);
  if (!parts) throw new SignInChallengeExpiredError();
  const challenge = await prisma.signInChallenge.findUnique({
    where: { id: parts.id },
    include: { user: { select: { id: true, email: true, active: true } } },
  });
  if (
    !challenge ||
    !secretMatches(parts.secret, challenge.secretHash) ||
    challenge.expiresAt <= new Date() ||
    challenge.failures >= CHALLENGE_MAX_FAILURES ||
    !challenge.user.active
  ) {
    throw new SignInChallengeExpiredError();
  }
  return challenge;
}

/** Counts a wrong code against the challenge; answers the refusal to throw. */
export async function challengeFailed(
  challengeId: string,
): Promise<InvalidSecondFactorError | SignInChallengeExpiredError> {
  const [counted] = await prisma.$queryRaw<{ failures: number }[]>`
    UPDATE "SignInChallenge" SET failures = failures + 1 WHERE id = ${challengeId}
    RETURNING failures`;
  if (!counted) return new SignInChallengeExpiredError();
  const { failures } = counted;
  if (failures >= CHALLENGE_MAX_FAILURES) {
    await prisma.signInChallenge.deleteMany({ where: { id: challengeId } });
  }
  return new InvalidSecondFactorError(Math.max(0, CHALLENGE_MAX_FAILURES - failures));
}

export interface Enrolment {
  secret: string;
  uri: string;
}

/**
 * Starts (or starts again) setting up an authenticator: a new secret, not in use until a code
 * from it is confirmed. An account already enrolled must turn its factor off first.
 */
export async function startEnrolment(userId: string): Promise<Enrolment> {
  const user = await prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: { email: true, totpConfirmedAt: true },
  });
  if (user.totpConfirmedAt) {
    throw new ConflictError(
      'An authenticator is already set up; turn the second factor off first to set up another.',
    );
  }
  const secret = newTotpSecret();
  await prisma.user.update({
    where: { id: userId },
    data: { totpSecret: sealSecret(secret, 'totp-secrets') },
  });
  return { secret, uri: totpUri(secret, user.email) };
}

/** How recent a provider-only account's sign-in must be to set up a factor without a password. */
const RECENT_SIGN_IN_MINUTES = 10;

/**
 * Starts an enrolment for the signed-in account, after proof that its owner is at the session: the
 * password (counted like a sign-in), or, for an account that signs in through its provider only
 * and so has none, a session opened in the last few minutes. A session alone, found or stolen,
 * cannot bind an authenticator its owner does not hold.
 */
export async function startOwnEnrolment(
  viewer: Viewer,
  password: string | null,
  address: string,
): Promise<Enrolment> {
  const owner = { id: viewer.userId, email: viewer.email };
  const account = await prisma.user.findUniqueOrThrow({
    where: { id: viewer.userId },
    select: { passwordSignIn: true },
  });
  if (account.passwordSignIn || password) {
    await proveOwnerPassword(owner, password ?? '', address, 'password');
  } else {
    const session = await prisma.session.findUnique({
      where: { id: viewer.sessionId },
      select: { createdAt: true },
    });
    const since = Date.now() - RECENT_SIGN_IN_MINUTES * 60_000;
    if (!session || session.createdAt.getTime() < since) {
      throw new ForbiddenError(
        `Sign in again through your provider, then set up the authenticator within ${RECENT_SIGN_IN_MINUTES} minutes.`,
      );
    }
  }
  return startEnrolment(viewer.userId);
}

/**
 * Confirms the enrolment with a first code and answers the recovery codes, shown this once.
 * Null when the code is wrong (or no enrolment was started).
 */
export async function confirmEnrolment(
  userId: string,
  code: string,
  ipAddress: string | null,
): Promise<string[] | null> {
  const user = await prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: { totpSecret: true, totpConfirmedAt: true, totpLastStep: true },
  });
  if (user.totpConfirmedAt) {
    throw new ConflictError('An authenticator is already set up.');
  }
  const secret = user.totpSecret ? tryOpenSecret(user.totpSecret, 'totp-secrets') : null;
  const step = secret ? acceptedTotpStep(secret, code.trim(), user.totpLastStep) : null;
  if (step === null) return null;
  const { codes, hashes } = newRecoveryCodes();
  await prisma.$transaction([
    prisma.user.update({
      where: { id: userId },
      data: { totpConfirmedAt: new Date(), totpLastStep: step },
    }),
    prisma.recoveryCode.deleteMany({ where: { userId } }),
    prisma.recoveryCode.createMany({ data: hashes.map((codeHash) => ({ userId, codeHash })) }),
    recordSecurityEvent({ userId, kind: 'SECOND_FACTOR_ENABLED', ipAddress }),
  ]);
  return codes;
}

/**
 * Whether the code is a current TOTP code or an unused recovery code of this enrolled user; a
 * code accepted is used up (the TOTP step is remembered, the recovery code marked used).
 */
export async function acceptSecondFactor(userId: string, input: string): Promise<boolean> {
  const code = input.trim();
  if (isTotpCode(code)) {
    const user = await prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { totpSecret: true, totpConfirmedAt: true, totpLastStep: true },
    });
    const secret =
      user.totpConfirmedAt && user.totpSecret
        ? tryOpenSecret(user.totpSecret, 'totp-secrets')
        : null;
    const step = secret ? acceptedTotpStep(secret, code, user.totpLastStep) : null;
    if (step === null) return false;
    // Conditional on the step seen: of two sign-ins racing with one code, one wins.
    const { count } = await prisma.user.updateMany({
      where: {
        id: userId,
        OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }],
      },
      data: { totpLastStep: step },
    });
    return count === 1;
  }
  if (code.length > 40) return false;
  const { count } = await prisma.recoveryCode.updateMany({
    where: {
      userId,
      codeHash: typedCodeHash(code),
      usedAt: null,
      user: { totpConfirmedAt: { not: null } },
    },
    data: { usedAt: new Date() },
  });
  return count === 1;
}

/**
 * A current authenticator code or an unused recovery code of the account (used up), counted like a
 * sign-in when wrong (owner-proof.ts).
 */
export function proveOwnerCode(
  owner: Owner,
  code: string,
  address: string,
  field: string,
): Promise<void> {
  return proveOwner(
    owner,
    address,
    { field, message: 'is not a current code of your second factor' },
    () => acceptSecondFactor(owner.id, code),
  );
}

/** New recovery codes (the old ones stop working), after a current code (throttled). */
export async function replaceRecoveryCodes(
  viewer: Viewer,
  code: string,
  address: string,
): Promise<string[]> {
  const owner = { id: viewer.userId, email: viewer.email };
  await proveOwnerCode(owner, code, address, 'code');
  const { codes, hashes } = newRecoveryCodes();
  await prisma.$transaction([
    prisma.recoveryCode.deleteMany({ where: { userId: viewer.userId } }),
    prisma.recoveryCode.createMany({
      data: hashes.map((codeHash) => ({ userId: viewer.userId, codeHash })),
    }),
    recordSecurityEvent({
      userId: viewer.userId,
      kind: 'RECOVERY_CODES_REPLACED',
      ipAddress: address,
    }),
  ]);
  return codes;
}

/**
 * Turns the second factor off, after the password (throttled); refused while the agency or
 * network requires it.
 */
export async function turnOffSecondFactor(
  viewer: Viewer,
  password: string,
  address: string,
): Promise<void> {
  const user = await prisma.user.findUniqueOrThrow({
    where: { id: viewer.userId },
    select: { id: true, agency: { select: { requireSecondFactor: true } } },
  });
  await proveOwnerPassword({ id: user.id, email: viewer.email }, password, address, 'password');
  const requirement = await secondFactorRequirement(user);
  if (requirement) {
    throw new ForbiddenError(
      requirement === 'AGENCY'
        ? 'Your agency requires a second factor; it cannot be turned off.'
        : 'The network requires a second factor of every account; it cannot be turned off.',
    );
  }
  await prisma.$transaction([
    ...removeSecondFactor(user.id),
    recordSecurityEvent({ userId: user.id, kind: 'SECOND_FACTOR_DISABLED', ipAddress: address }),
  ]);
}

/** Removes an account's factor and recovery codes (an admin's reset, or turning it off). */
export function removeSecondFactor(userId: string, db: Tx | typeof prisma = prisma) {
  return [
    db.user.update({
      where: { id: userId },
      data: { totpSecret: null, totpConfirmedAt: null, totpLastStep: null },
    }),
    db.recoveryCode.deleteMany({ where: { userId } }),
  ] as const;
}

export async function remainingRecoveryCodes(userId: string): Promise<number> {
  return prisma.recoveryCode.count({ where: { userId, usedAt: null } });
}
