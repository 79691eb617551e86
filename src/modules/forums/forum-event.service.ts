import type { z } from 'zod';
import { type NewAlert, recordAlerts } from '../../alert-log.js';
import { prisma, type Tx } from '../../db.js';
import { ConflictError, ForbiddenError, ValidationError } from '../../errors.js';
import type { ForumEvent, ForumSession } from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import { changedFields } from '../common/changes.js';
import { lockVisibleEvent, mayOrganize } from './forum.access.js';
import { placementAlerts } from './forum.alerts.js';
import { type createEventInput, eventIssues, type sessionInput } from './forum.validation.js';
import { ACTIVE_STATUSES, queueMessages, RECIPIENT, SEATED_STATUSES } from './outbox.js';

// Rules and writes of a forum event's life: drafting, publishing, changes, sessions, closing and
// cancellation. Every write is one transaction that locks the event row, the same lock under
// which seats are placed (forum_place_seats), so changes and placements happen in order.

export type EventFields = z.output<typeof createEventInput>;
export type EventChanges = Partial<EventFields>;
export type SessionFields = z.output<typeof sessionInput>;

/** Quota overrides with their agency ids decoded. */
export interface QuotaOverride {
  agencyId: string;
  seats: number;
}

/**
 * The event for a change by `actor`: NotFound when they may not see it, Forbidden unless they
 * organize it. Locks the row for the rest of the transaction.
 */
export async function lockEventToOrganize(
  tx: Tx,
  actor: Viewer,
  eventId: string,
): Promise<ForumEvent> {
  const event = await lockVisibleEvent(tx, actor, eventId);
  if (!mayOrganize(actor, event)) {
    throw new ForbiddenError("Only the organizer agency's ORGANIZERs may do this.");
  }
  return event;
}

/** An event's sessions in time order. */
export function sessionsOf(eventId: string): Promise<ForumSession[]> {
  return prisma.forumSession.findMany({
    where: { eventId },
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
  });
}

/**
 * Places waiting entries in seats, first come first served (forum_place_seats,
 * prisma/sql/forum_place_seats.sql), inside `tx`, which then holds the event row. `requestId`: a request
 * just made, removed when it did not fit and the event keeps no waiting list. Answers the
 * registrations confirmed and their alerts, for the caller to record as its last step.
 */
export async function placeSeatsWithin(
  tx: Tx,
  eventId: string,
  requestId: string | null = null,
): Promise<{ confirmed: string[]; alerts: NewAlert[] }> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "forum_place_seats"(${eventId}::uuid, ${requestId}::uuid) AS id`;
  const confirmed = rows.map((row) => row.id);
  return { confirmed, alerts: await placementAlerts(tx, eventId, confirmed) };
}

/**
 * How long a placement pass may wait for a connection and then for the event row. It runs after
 * its request is written, so giving up would answer an error for a registration that exists;
 * under a burst, passes of one event queue behind its row lock one after another.
 */
const PLACEMENT_PATIENCE = { maxWait: 60_000, timeout: 120_000 };

/** A placement pass in a transaction of its own, its alerts written with it. */
export function placeSeats(eventId: string, requestId: string | null = null): Promise<string[]> {
  return prisma.$transaction(async (tx) => {
    const placed = await placeSeatsWithin(tx, eventId, requestId);
    await recordAlerts(tx, placed.alerts);
    return placed.confirmed;
  }, PLACEMENT_PATIENCE);
}

/**
 * Runs a placement pass for every event with people in line: at start-up, so that a request
 * written just before a crash (and not yet placed) gets its seat.
 */
export async function placeWaitingEverywhere(): Promise<number> {
  const events = await prisma.forumEvent.findMany({
    where: {
      status: { not: 'CANCELLED' },
      endsAt: { gt: new Date() },
      registrations: { some: { status: 'WAITLISTED' } },
    },
    select: { id: true },
  });
  let placed = 0;
  for (const event of events) placed += (await placeSeats(event.id)).length;
  return placed;
}

function quotaRows(eventId: string, quotas: readonly QuotaOverride[]) {
  const seen = new Set<string>();
  quotas.forEach((quota, index) => {
    if (seen.has(quota.agencyId)) {
      throw ValidationError.single(
        ['input', 'agencyQuotas', String(index)],
        'this agency already has a quota in the list',
      );
    }
    seen.add(quota.agencyId);
  });
  return quotas.map((quota) => ({ eventId, agencyId: quota.agencyId, seats: quota.seats }));
}

async function checkAgencies(tx: Tx, quotas: readonly QuotaOverride[]): Promise<void> {
  const ids = quotas.map((quota) => quota.agencyId);
  const found = await tx.agency.count({ where: { id: { in: ids } } });
  if (found !== new Set(ids).size) {
    throw ValidationError.single(['input', 'agencyQuotas'], 'names an agency that does not exist');
  }
}

export async function createForumEvent(
  actor: Viewer,
  input: EventFields,
  quotas: readonly QuotaOverride[],
): Promise<ForumEvent> {
  const { agencyQuotas: _ignored, ...fields } = input;
  return prisma.$transaction(async (tx) => {
    await checkAgencies(tx, quotas);
    const event = await tx.forumEvent.create({
      data: {
        ...fields,
        status: 'DRAFT',
        organizerAgencyId: actor.agencyId,
        createdById: actor.userId,
      },
    });
    await tx.forumAgencyQuota.createMany({ data: quotaRows(event.id, quotas) });
    return event;
  });
}

/** Changes registrants are told about (and calendars see as a new SEQUENCE). */
const NOTIFIED = ['startsAt', 'endsAt', 'timeZone', 'venue', 'onlineUrl'] as const;

export async function updateForumEvent(
  actor: Viewer,
  eventId: string,
  input: EventChanges,
  quotas: readonly QuotaOverride[] | undefined,
): Promise<ForumEvent> {
  const { agencyQuotas: _ignored, ...changes } = input;
  return prisma.$transaction(async (tx) => {
    const event = await lockEventToOrganize(tx, actor, eventId);
    if (event.status === 'CANCELLED') throw new ConflictError('The event is cancelled.');
    const issues = eventIssues({ ...event, ...changes }, true);
    if (issues.length > 0) {
      throw new ValidationError(issues.map((i) => ({ ...i, path: ['input', ...i.path] })));
    }
    if (changes.capacity !== undefined) {
      const seated = await tx.forumRegistration.count({
        where: { eventId, status: { in: [...SEATED_STATUSES] } },
      });
      if (changes.capacity < seated) {
        throw ValidationError.single(
          ['input', 'capacity'],
          `${seated} seats are confirmed already; cancel registrations before lowering capacity below that`,
        );
      }
    }
    const alerts: NewAlert[] = [];
    const changed = Object.keys(changedFields(event, changes));
    const notified = changed.filter((field) => (NOTIFIED as readonly string[]).includes(field));
    const notify = notified.length > 0;
    const updated = await tx.forumEvent.update({
      where: { id: eventId },
      data: { ...changes, revision: notify ? { increment: 1 } : undefined },
    });
    if (quotas) {
      await checkAgencies(tx, quotas);
      await tx.forumAgencyQuota.deleteMany({ where: { eventId } });
      await tx.forumAgencyQuota.createMany({ data: quotaRows(eventId, quotas) });
    }
    if (notify && event.status !== 'DRAFT') {
      const recipients = await tx.forumRegistration.findMany({
        where: { eventId, status: { in: [...ACTIVE_STATUSES] } },
        select: RECIPIENT,
      });
      alerts.push(
        ...(await queueMessages(tx, eventId, 'EVENT_CHANGED', recipients, { changed: notified })),
      );
    }
    // More seats, or a larger quota, let people in line in.
    alerts.push(...(await placeSeatsWithin(tx, eventId)).alerts);
    await recordAlerts(tx, alerts);
    return updated;
  });
}

async function changeStatus(
  actor: Viewer,
  eventId: string,
  from: ForumEvent['status'],
  to: ForumEvent['status'],
): Promise<ForumEvent> {
  return prisma.$transaction(async (tx) => {
    const event = await lockEventToOrganize(tx, actor, eventId);
    if (event.status !== from) {
      throw new ConflictError(
        `The event is ${event.status.toLowerCase()}, not ${from.toLowerCase()}.`,
      );
    }
    return tx.forumEvent.update({ where: { id: eventId }, data: { status: to } });
  });
}

/** DRAFT → OPEN: the event becomes visible to its audience; registration follows its window. */
export const publishForumEvent = (actor: Viewer, eventId: string) =>
  changeStatus(actor, eventId, 'DRAFT', 'OPEN');

/** OPEN → CLOSED: no new registrations; cancellations still promote people in line. */
export const closeForumEvent = (actor: Viewer, eventId: string) =>
  changeStatus(actor, eventId, 'OPEN', 'CLOSED');

export async function cancelForumEvent(
  actor: Viewer,
  eventId: string,
  reason: string,
): Promise<ForumEvent> {
  return prisma.$transaction(async (tx) => {
    const event = await lockEventToOrganize(tx, actor, eventId);
    if (event.status === 'CANCELLED') throw new ConflictError('The event is cancelled already.');
    const recipients = await tx.forumRegistration.findMany({
      where: { eventId, status: { in: [...ACTIVE_STATUSES] } },
      select: RECIPIENT,
    });
    const now = new Date();
    await tx.forumRegistration.updateMany({
      where: { id: { in: recipients.map((r) => r.id) } },
      data: { status: 'CANCELLED', cancelledAt: now },
    });
    const alerts = await queueMessages(tx, eventId, 'EVENT_CANCELLED', recipients, { reason });
    const cancelled = await tx.forumEvent.update({
      where: { id: eventId },
      data: { status: 'CANCELLED', cancelReason: reason, revision: { increment: 1 } },
    });
    await recordAlerts(tx, alerts);
    return cancelled;
  });
}

export async function addSession(
  actor: Viewer,
  eventId: string,
  input: SessionFields,
): Promise<ForumSession> {
  return prisma.$transaction(async (tx) => {
    const event = await lockEventToOrganize(tx, actor, eventId);
    if (event.status === 'CANCELLED') throw new ConflictError('The event is cancelled.');
    if (input.startsAt < event.startsAt || input.endsAt > event.endsAt) {
      throw ValidationError.single(
        ['input', 'startsAt'],
        `a session must fall within the event (${event.startsAt.toISOString()} to ${event.endsAt.toISOString()})`,
      );
    }
    const session = await tx.forumSession.create({ data: { ...input, eventId } });
    await tx.forumEvent.update({ where: { id: eventId }, data: { revision: { increment: 1 } } });
    return session;
  });
}
