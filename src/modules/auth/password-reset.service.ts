import { config } from '../../config.js';
import { prisma } from '../../db.js';
import { RateLimitedError } from '../../errors.js';
import { logger } from '../../logger.js';
import { publicUrl } from '../../public-url.js';
import { rateLimiter, secondsToWait } from '../../rate-limit.js';
import { sendAccountMessage } from './account-mail.js';
import { renderAccountMessage } from './account-messages.i18n.js';
import { InvalidResetTokenError } from './auth.errors.js';
import { normaliseEmail } from './auth.service.js';
import { hashPassword } from './password.js';
import { issueToken, secretMatches, tokenParts } from './secret-token.js';
import { recordSecurityEvent } from './security-log.js';
import { sessionsEnded } from './session.service.js';

// Password reset by e-mail. The link carries `<id>.<secret>` (Lucia's token design: only a
// SHA-256 of the secret is kept), works once and for PASSWORD_RESET_MINUTES. Asking answers the
// same whether or not the address has an account, and the message goes after the answer. A
// reset ends every session of the account and every other reset link; a second factor stays
// required after it, so a reset by e-mail alone does not open an account that has one.

const RESETS_PER_ACCOUNT_PER_HOUR = 3;

let perAddress: ReturnType<typeof rateLimiter> | null = null;
let perAccount: ReturnType<typeof rateLimiter> | null = null;

/** Counts a reset request or attempt from this address; RateLimitedError past the hour's limit. */
async function throttle(address: string): Promise<void> {
  perAddress ??= rateLimiter(
    'ipnet:reset-address',
    config().PASSWORD_RESETS_PER_ADDRESS_PER_HOUR,
    3600,
  );
  const seconds = await secondsToWait(perAddress, address);
  if (seconds !== null) {
    throw new RateLimitedError(
      `Too many password resets from your address. Try again in ${Math.ceil(seconds / 60)} minute(s).`,
      seconds,
    );
  }
}

/** Whether the account may be sent another link this hour (silently not, past the limit). */
async function accountMaySend(userId: string): Promise<boolean> {
  perAccount ??= rateLimiter('ipnet:reset-account', RESETS_PER_ACCOUNT_PER_HOUR, 3600);
  return (await secondsToWait(perAccount, userId)) === null;
}

/**
 * Sends a reset link to the address when it is an active account's; answers nothing either way.
 * Only the address's own limit refuses, and it says nothing about the account. Looking the
 * account up, writing the link and sending it happen after the answer, so its time says nothing
 * either.
 */
export async function requestPasswordReset(emailInput: string, address: string): Promise<void> {
  await throttle(address);
  void sendResetLink(normaliseEmail(emailInput)).catch((error: unknown) =>
    logger.warn({ err: error }, 'could not prepare a password reset link'),
  );
}

async function sendResetLink(email: string): Promise<void> {
  const user = await prisma.user.findUnique({
    where: { email },
    select: {
      id: true,
      email: true,
      displayName: true,
      locale: true,
      active: true,
      passwordSignIn: true,
    },
  });
  // An account of single sign-on only has no password to reset.
  if (!user?.active || !user.passwordSignIn || !(await accountMaySend(user.id))) return;
  const base = publicUrl();
  if (!base) {
    logger.error('PUBLIC_URL is not set: a password reset link cannot be sent');
    return;
  }
  const { id, secretHash, token } = issueToken();
  const minutes = config().PASSWORD_RESET_MINUTES;
  await prisma.passwordReset.create({
    data: {
      id,
      secretHash,
      userId: user.id,
      expiresAt: new Date(Date.now() + minutes * 60_000),
    },
  });
  const link = `${base}/console/#reset-password/${encodeURIComponent(token)}`;
  const { subject, text } = renderAccountMessage('PASSWORD_RESET', user.locale, {
    name: user.displayName,
    email: user.email,
    minutes: String(minutes),
    link,
  });
  sendAccountMessage({ to: user.email, subject, text, kind: 'password-reset' });
}

/** Sets the new password with a live link; ends every session of the account. */
export async function resetPassword(
  token: string,
  newPassword: string,
  address: string,
): Promise<void> {
  await throttle(address);
  const parts = tokenParts(token);
  if (!parts) throw new InvalidResetTokenError();
  const { id } = parts;
  const reset = await prisma.passwordReset.findUnique({
    where: { id },
    include: { user: { select: { active: true, passwordSignIn: true } } },
  });
  if (
    !reset ||
    !secretMatches(parts.secret, reset.secretHash) ||
    reset.usedAt !== null ||
    reset.expiresAt <= new Date() ||
    !reset.user.active ||
    !reset.user.passwordSignIn
  ) {
    throw new InvalidResetTokenError();
  }
  const passwordHash = await hashPassword(newPassword);
  await prisma.$transaction(async (tx) => {
    // Used once: of two resets racing with one link, one changes the password.
    const { count } = await tx.passwordReset.updateMany({
      where: { id, usedAt: null },
      data: { usedAt: new Date() },
    });
    if (count === 0) throw new InvalidResetTokenError();
    await tx.user.update({ where: { id: reset.userId }, data: { passwordHash } });
    await tx.passwordReset.deleteMany({ where: { userId: reset.userId, id: { not: id } } });
    await tx.signInChallenge.deleteMany({ where: { userId: reset.userId } });
    await tx.session.deleteMany({ where: { userId: reset.userId } });
    await recordSecurityEvent(
      { userId: reset.userId, kind: 'PASSWORD_RESET', ipAddress: address },
      tx,
    );
  });
  sessionsEnded();
}
