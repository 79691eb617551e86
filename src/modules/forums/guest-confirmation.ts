import { recordAlerts } from '../../alert-log.js';
import { config } from '../../config.js';
import { prisma } from '../../db.js';
import { RateLimitedError, ValidationError } from '../../errors.js';
import type { ForumMessageKind, ForumRegistration } from '../../generated/prisma/client.js';
import { logger } from '../../logger.js';
import { rateLimiter, secondsToWait } from '../../rate-limit.js';
import { newTypedCode, typedCodeHash } from '../auth/secret-token.js';
import { placeSeats } from './forum-event.service.js';
import { lockEventForRegistrations, queueMessages } from './outbox.js';

// A guest registers with an e-mail address anyone can type. The place (a seat, a place in line,
// a request awaiting approval) is held for GUEST_CONFIRM_MINUTES while a code goes to the
// address; confirmed, it stays and the messages it calls for follow; unconfirmed, it lapses
// (CANCELLED) and a held seat goes to the next in line. Until then the address receives the
// confirmation only, and an address can be registered a few times an hour at most, so invented
// guests can neither hold a forum nor make it write to a stranger's inbox.

export interface GuestConfirmation {
  code: string;
  hash: Uint8Array<ArrayBuffer>;
  confirmBy: Date;
}

let perEmail: ReturnType<typeof rateLimiter> | null = null;

/**
 * Counts one registration of the address; RateLimitedError past the hour's limit. Registrations
 * the server's operator makes (the demo seed) are not a stranger's and are not counted.
 */
export async function guestConfirmationFor(
  email: string,
  options: { byOperator?: boolean } = {},
): Promise<GuestConfirmation> {
  const cfg = config();
  perEmail ??= rateLimiter('ipnet:guest-email', cfg.GUEST_REGISTRATIONS_PER_EMAIL_PER_HOUR, 3600);
  const seconds = options.byOperator
    ? null
    : await secondsToWait(perEmail, email.trim().toLowerCase());
  if (seconds !== null) {
    throw new RateLimitedError(
      `This e-mail address was registered too often in the last hour. Try again in ${Math.ceil(seconds / 60)} minute(s).`,
      seconds,
    );
  }
  const code = newTypedCode();
  return {
    code,
    hash: typedCodeHash(code),
    confirmBy: new Date(Date.now() + cfg.GUEST_CONFIRM_MINUTES * 60_000),
  };
}

/** The message a registration's place calls for, once its guest has confirmed the address. */
function messageForPlace(registration: ForumRegistration): ForumMessageKind | null {
  switch (registration.status) {
    case 'PENDING_APPROVAL':
      return 'REGISTRATION_RECEIVED';
    case 'WAITLISTED':
      return 'REGISTRATION_WAITLISTED';
    case 'CONFIRMED':
      return registration.waitlistedAt ? 'REGISTRATION_PROMOTED' : 'REGISTRATION_CONFIRMED';
    default:
      return null;
  }
}

function invalidCode(): ValidationError {
  return ValidationError.single(
    ['code'],
    'is not a confirmation code of a registration waiting for one (it may have lapsed: register again)',
  );
}

/** Confirms the guest's address with the code sent to it; the place is kept. */
export async function confirmGuestEmail(code: string): Promise<ForumRegistration> {
  const normalised = code.trim();
  if (!/^[A-Za-z2-7]{5}[\s-]?[A-Za-z2-7]{5}$/.test(normalised)) throw invalidCode();
  const found = await prisma.forumRegistration.findUnique({
    where: { emailCodeHash: typedCodeHash(normalised) },
    select: { id: true, eventId: true },
  });
  if (!found) throw invalidCode();
  return prisma.$transaction(async (tx) => {
    await lockEventForRegistrations(tx, found.eventId);
    const [current] = await tx.$queryRaw<ForumRegistration[]>`
      SELECT * FROM "ForumRegistration" WHERE id = ${found.id}::uuid FOR UPDATE`;
    if (
      !current?.emailConfirmBy ||
      current.emailConfirmBy <= new Date() ||
      !['PENDING_APPROVAL', 'CONFIRMED', 'WAITLISTED'].includes(current.status)
    ) {
      throw invalidCode();
    }
    const confirmed = await tx.forumRegistration.update({
      where: { id: current.id },
      data: { emailConfirmBy: null, emailCodeHash: null, emailConfirmedAt: new Date() },
    });
    const kind = messageForPlace(confirmed);
    if (kind) await recordAlerts(tx, await queueMessages(tx, confirmed.eventId, kind, [confirmed]));
    return confirmed;
  });
}

/**
 * Lets the places of guests who did not confirm in time lapse, event by event, and gives freed
 * seats to the next in line. Returns how many lapsed.
 */
export async function releaseUnconfirmedGuests(now = new Date()): Promise<number> {
  const events = await prisma.forumRegistration.findMany({
    where: {
      emailConfirmBy: { lte: now },
      status: { in: ['PENDING_APPROVAL', 'CONFIRMED', 'WAITLISTED'] },
    },
    distinct: ['eventId'],
    select: { eventId: true },
  });
  let released = 0;
  for (const { eventId } of events) {
    const { count } = await prisma.$transaction(async (tx) => {
      await lockEventForRegistrations(tx, eventId);
      return tx.forumRegistration.updateMany({
        where: {
          eventId,
          emailConfirmBy: { lte: now },
          status: { in: ['PENDING_APPROVAL', 'CONFIRMED', 'WAITLISTED'] },
        },
        data: { status: 'CANCELLED', cancelledAt: now, emailCodeHash: null },
      });
    });
    released += count;
    if (count > 0) await placeSeats(eventId);
  }
  if (released > 0) logger.info({ released }, 'unconfirmed guest registrations lapsed');
  return released;
}

/** Runs the release every half minute; returns a stop. */
export function startGuestConfirmationSweep(): () => void {
  const timer = setInterval(() => {
    releaseUnconfirmedGuests().catch((error: unknown) =>
      logger.warn({ err: error }, 'releasing unconfirmed guests failed'),
    );
  }, 30_000);
  timer.unref();
  return () => clearInterval(timer);
}
