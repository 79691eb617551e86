import { prisma } from '../../db.js';
import { InvalidCredentialsError } from '../../errors.js';
import { verifyAgainstDecoy, verifyPassword } from './password.js';
import { createSession, type NewSession } from './session.service.js';
import {
  assertSignInAllowed,
  recordSignInFailure,
  recordSignInSuccess,
} from './signin-throttle.js';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface SignInResult {
  session: NewSession;
  userId: string;
}

/**
 * Checks the password and opens a session. Every refusal looks the same (no such account, wrong
 * password, deactivated account) and takes the same time, so accounts cannot be enumerated.
 */
export async function signIn(
  emailInput: string,
  password: string,
  meta: { ipAddress: string; userAgent: string | null },
): Promise<SignInResult> {
  const email = normaliseEmail(emailInput);
  await assertSignInAllowed(email, meta.ipAddress);

  const user = await prisma.user.findUnique({
    where: { email },
    select: { id: true, passwordHash: true, active: true },
  });
  let passwordMatches = false;
  if (user) passwordMatches = await verifyPassword(user.passwordHash, password);
  else await verifyAgainstDecoy(password);

  if (!user || !passwordMatches || !user.active) {
    await recordSignInFailure(email, meta.ipAddress);
    throw new InvalidCredentialsError();
  }
  await recordSignInSuccess(email);
  const session = await createSession(user.id, meta);
  return { session, userId: user.id };
}
