import type { Context } from '../../context.js';
import { prisma, type Tx } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import type { ForumEvent, ForumRegistration, Prisma } from '../../generated/prisma/client.js';
import { hasRole } from '../auth/roles.js';
import type { Viewer } from '../auth/viewer.js';
import { loadById, loadGroup, lockRow, type Selection } from '../common/by-id.js';

/**
 * THE rule for who may see which forum event. Every read path applies it: `forumEvents`,
 * `node(id:)`, counts, the iCalendar export and its endpoint, registration.
 *
 * - PUBLIC events: anyone, signed in or not, once published.
 * - NETWORK events: every signed-in member, once published.
 * - INVITATION_ONLY events: the people registered for it (invited), and the admins of their
 *   agencies, once published.
 * - Any published event to a guest who showed the check-in code of a registration for it
 *   (`unlockedRegistrationIds`, see registrationVisibilityWhere).
 * - The organizer agency's ORGANIZERs see their agency's events in every status, drafts too.
 */
export function forumEventVisibilityWhere(
  viewer: Viewer | null,
  unlockedRegistrationIds: readonly string[] = [],
): Prisma.ForumEventWhereInput {
  const published = { status: { not: 'DRAFT' as const } };
  const rules: Prisma.ForumEventWhereInput[] = [{ ...published, visibility: 'PUBLIC' }];
  if (unlockedRegistrationIds.length > 0) {
    rules.push({
      ...published,
      registrations: { some: { id: { in: [...unlockedRegistrationIds] } } },
    });
  }
  if (viewer) {
    rules.push({ ...published, visibility: 'NETWORK' });
    rules.push({
      ...published,
      visibility: 'INVITATION_ONLY',
      registrations: { some: { userId: viewer.userId } },
    });
    if (hasRole(viewer, 'AGENCY_ADMIN')) {
      rules.push({
        ...published,
        visibility: 'INVITATION_ONLY',
        registrations: { some: { agencyId: viewer.agencyId } },
      });
    }
    if (hasRole(viewer, 'ORGANIZER')) rules.push({ organizerAgencyId: viewer.agencyId });
  }
  return { OR: rules };
}

/** Manages the event: edits, sessions, decisions, invitations, check-in, exports, erasure. */
export function mayOrganize(
  viewer: Viewer | null,
  event: Pick<ForumEvent, 'organizerAgencyId'>,
): boolean {
  return hasRole(viewer, 'ORGANIZER') && viewer?.agencyId === event.organizerAgencyId;
}

/**
 * THE rule for registrations: the registrant, the event's organizers, and the admins of the
 * registrant's agency (who nominate delegates and give the home agency's approval). Guests
 * reach their own registration with its check-in code (`unlockedIds`: the registrations whose
 * code the caller showed in this request).
 */
export function registrationVisibilityWhere(
  viewer: Viewer | null,
  unlockedIds: readonly string[] = [],
): Prisma.ForumRegistrationWhereInput {
  const rules: Prisma.ForumRegistrationWhereInput[] = [];
  if (unlockedIds.length > 0) rules.push({ id: { in: [...unlockedIds] } });
  if (!viewer) return rules.length > 0 ? { OR: rules } : { id: { in: [] } };
  rules.push({ userId: viewer.userId });
  if (hasRole(viewer, 'ORGANIZER')) {
    rules.push({ event: { organizerAgencyId: viewer.agencyId } });
  }
  if (hasRole(viewer, 'AGENCY_ADMIN')) rules.push({ agencyId: viewer.agencyId });
  return { OR: rules };
}

/**
 * Contact details (e-mail, organisation, country), the check-in code and the QR code: only the
 * registrant and the event's organizers. `unlockedByCode`: the caller showed the check-in code.
 */
export function mayReadPersonalData(
  viewer: Viewer | null,
  registration: Pick<ForumRegistration, 'userId'>,
  event: Pick<ForumEvent, 'organizerAgencyId'>,
  unlockedByCode: boolean,
): boolean {
  if (unlockedByCode) return true;
  if (!viewer) return false;
  return registration.userId === viewer.userId || mayOrganize(viewer, event);
}

/** Gives or refuses the home agency's approval: admins of the registrant's agency. */
export function mayApproveForAgency(
  viewer: Viewer | null,
  registration: Pick<ForumRegistration, 'agencyId'>,
): boolean {
  return (
    hasRole(viewer, 'AGENCY_ADMIN') &&
    registration.agencyId !== null &&
    viewer?.agencyId === registration.agencyId
  );
}

/** Opens a registration whose check-in code was given in this request (guests reach theirs so). */
export function unlockByCode(context: Context, registrationId: string): void {
  context.memory.unlockedRegistrations.add(registrationId);
}

function unlockedIds(context: Context): string[] {
  return [...context.memory.unlockedRegistrations];
}

/** The event rule for this request's caller (with the registrations their code opened). */
export function eventVisibilityFor(context: Context) {
  return forumEventVisibilityWhere(context.viewer, unlockedIds(context));
}

/** The registration rule for this request's caller. */
export function registrationVisibilityFor(context: Context) {
  return registrationVisibilityWhere(context.viewer, unlockedIds(context));
}

/** One event by id through the rule for this request's caller, batched. */
export function visibleEvent(context: Context, id: string, query: Selection = {}) {
  return loadById(
    context,
    'ForumEvent',
    query,
    (ids, selection) =>
      prisma.forumEvent.findMany({
        ...(selection as Prisma.ForumEventFindManyArgs),
        where: { id: { in: ids }, AND: [eventVisibilityFor(context)] },
      }),
    id,
  );
}

/** The viewer's own latest registration for an event, batched over a page of events. */
export async function ownLatestRegistration(
  context: Context,
  eventId: string,
  query: Selection = {},
) {
  const viewer = context.viewer;
  if (!viewer) return null;
  const withEvent = query.select ? { select: { ...query.select, eventId: true } } : query;
  const own = await loadGroup(
    context,
    'ForumRegistration.own',
    withEvent,
    (eventIds, selection) =>
      prisma.forumRegistration.findMany({
        ...(selection as Prisma.ForumRegistrationFindManyArgs),
        where: { eventId: { in: eventIds }, userId: viewer.userId },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
    (registration) => registration.eventId,
    eventId,
  );
  return own[0] ?? null;
}

/** An event the viewer may see, outside a request's batch (services); NotFound otherwise. */
export async function requireVisibleEvent(viewer: Viewer | null, id: string): Promise<ForumEvent> {
  const event = await prisma.forumEvent.findFirst({
    where: { id, AND: [forumEventVisibilityWhere(viewer)] },
  });
  if (!event) throw new NotFoundError('event');
  return event;
}

/** An event the viewer may see, locked for a change in `tx`; NotFound otherwise. */
export async function lockVisibleEvent(
  tx: Tx,
  viewer: Viewer | null,
  id: string,
): Promise<ForumEvent> {
  await lockRow(tx, 'ForumEvent', id);
  const event = await tx.forumEvent.findFirst({
    where: { id, AND: [forumEventVisibilityWhere(viewer)] },
  });
  if (!event) throw new NotFoundError('event');
  return event;
}

/**
 * A registration with its event, when the viewer may see it or `code` is its check-in code (a
 * guest reaches theirs so); NotFound otherwise, whether or not it exists.
 */
export async function requireVisibleRegistration(
  viewer: Viewer | null,
  id: string,
  code: string | null,
) {
  const registration = await prisma.forumRegistration.findFirst({
    where: { id, ...(code ? { checkInCode: code } : registrationVisibilityWhere(viewer)) },
    include: { event: true },
  });
  if (!registration) throw new NotFoundError('registration');
  return registration;
}
