import { prisma } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { verifyPassword } from './password.js';
import {
  assertSignInAllowed,
  recordSignInFailure,
  recordSignInSuccess,
} from './signin-throttle.js';

// Proof that the person at a session (or at a provider's answer) is the account's owner: the
// password, or a code of the account's second factor (second-factor.service.ts), asked again
// before a change to how the account signs in. Every wrong answer counts against the account and
// the address exactly as a wrong sign-in does, so holding a session, or running a provider, gives
// no unlimited guesses.

export interface Owner {
  id: string;
  email: string;
}

/**
 * Runs `check` unless the account or address is locked out (RateLimitedError); a false answer is
 * counted as a failed sign-in and thrown as ValidationError on `field` with `refusal`.
 */
export async function proveOwner(
  owner: Owner,
  address: string,
  refusal: { field: string; message: string },
  check: () => Promise<boolean>,
): Promise<void> {
  await assertSignInAllowed(owner.email, address);
  if (!(await check())) {
    await recordSignInFailure(owner.email, address);
    throw ValidationError.single([refusal.field], refusal.message);
  }
  await recordSignInSuccess(owner.email);
}

/** The account's password (never right for an account that signs in through a provider only). */
export function proveOwnerPassword(
  owner: Owner,
  password: string,
  address: string,
  field: string,
): Promise<void> {
  return proveOwner(
    owner,
    address,
    { field, message: 'is not your current password' },
    async () => {
      const user = await prisma.user.findUniqueOrThrow({
        where: { id: owner.id },
        select: { passwordHash: true, passwordSignIn: true },
      });
      return user.passwordSignIn && (await verifyPassword(user.passwordHash, password));
    },
  );
}
