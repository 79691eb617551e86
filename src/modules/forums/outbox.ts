import type { NewAlert } from '../../alert-log.js';
import type { Tx } from '../../db.js';
import type { ForumMessageKind, Prisma } from '../../generated/prisma/client.js';
import { registrantAlerts } from './forum.alerts.js';

// Messages to registrants are written to the outbox in the transaction of the change that causes
// them (seat placements write theirs in SQL, prisma/sql/forum_place_seats.sql), and delivered later
// by the mailer. They keep kind, recipient and locale only: the text is rendered at delivery.
// Registrants who are members hear of some of them as alerts too (forum.alerts.ts).

export interface Recipient {
  id: string;
  userId: string | null;
  email: string | null;
  locale: string;
  /** Set while a guest has not confirmed the address: nothing but the confirmation goes to it. */
  emailConfirmBy: Date | null;
}

/** What a recipient list reads of each registration. */
export const RECIPIENT = {
  id: true,
  userId: true,
  email: true,
  locale: true,
  emailConfirmBy: true,
} as const;

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

/**
 * Writes one message of `kind` to each recipient, and answers the alerts that go with them, for
 * the caller to record as its transaction's last step (`recordAlerts`).
 */
export async function queueMessages(
  tx: Tx,
  eventId: string,
  kind: ForumMessageKind,
  recipients: readonly Recipient[],
  data: Record<string, unknown> = {},
): Promise<NewAlert[]> {
  const reached = recipients.filter((r) => r.emailConfirmBy === null);
  if (reached.length === 0) return [];
  await tx.forumMessage.createMany({
    data: reached.map((r) => ({
      eventId,
      registrationId: r.id,
      kind,
      recipient: r.email,
      locale: r.locale,
      data: data as Prisma.InputJsonValue,
    })),
  });
  return registrantAlerts(
    tx,
    eventId,
    reached.map((registrant) => ({ registrant, kind })),
    data,
  );
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
