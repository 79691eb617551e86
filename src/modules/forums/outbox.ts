import type { Tx } from '../../db.js';
import type { ForumMessageKind, Prisma } from '../../generated/prisma/client.js';

// Messages to registrants are written to the outbox in the transaction of the change that causes
// them (seat placements write theirs in SQL, see the forum_events migration), and delivered later
// by the mailer. They keep kind, recipient and locale only: the text is rendered at delivery.

export interface Recipient {
  id: string;
  email: string | null;
  locale: string;
}

/**
 * The lock order of every change to an event's registrations: the event row first, then the
 * registrations. Seat placement (`forum_place_seats`) locks the event row FOR UPDATE and then
 * updates registrations, and writing an outbox row takes a KEY SHARE lock on the event (its
 * foreign key). A transaction that locked a registration first and then wrote its message would
 * wait for placement while placement waited for it: a deadlock. Taking the event's KEY SHARE
 * lock first makes placement wait instead; key-share locks do not wait for each other, so
 * cancellations and decisions still run side by side.
 */
export async function lockEventForRegistrations(tx: Tx, eventId: string): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM "ForumEvent" WHERE id = ${eventId}::uuid FOR KEY SHARE`;
}

export async function queueMessages(
  tx: Tx,
  eventId: string,
  kind: ForumMessageKind,
  recipients: readonly Recipient[],
  data: Record<string, unknown> = {},
): Promise<void> {
  if (recipients.length === 0) return;
  await tx.forumMessage.createMany({
    data: recipients.map((r) => ({
      eventId,
      registrationId: r.id,
      kind,
      recipient: r.email,
      locale: r.locale,
      data: data as Prisma.InputJsonValue,
    })),
  });
}

/** Registrations still counting on the event: they hear about changes and cancellation. */
export const ACTIVE_STATUSES = [
  'PENDING_APPROVAL',
  'CONFIRMED',
  'WAITLISTED',
  'CHECKED_IN',
] as const;

/** Registrations that hold a seat. */
export const SEATED_STATUSES = ['CONFIRMED', 'CHECKED_IN'] as const;
