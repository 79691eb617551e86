import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { recordAlerts } from '../../alert-log.js';
import { isUniqueViolation, prisma } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type {
  Agency,
  ApprovalStage,
  ForumEvent,
  ForumRegistration,
  RegistrationType,
  User,
} from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import {
  mayApproveForAgency,
  mayOrganize,
  requireVisibleEvent,
  requireVisibleRegistration,
} from './forum.access.js';
import {
  DuplicateRegistrationError,
  EventFullError,
  QuotaReachedError,
  RegistrationClosedError,
  RequestAlreadyReceivedError,
} from './forum.errors.js';
import { placeSeats } from './forum-event.service.js';
import { type GuestConfirmation, guestConfirmationFor } from './guest-confirmation.js';
import {
  ACTIVE_STATUSES,
  lockEventForRegistrations,
  queueMessages,
  SEATED_STATUSES,
} from './outbox.js';

// Registration: requests for seats (a person, an agency's group, an organizer's invitations),
// approval, cancellation. A request is written first, in line (WAITLISTED) or awaiting approval;
// seats are then placed by forum_place_seats, one statement under the event's row lock. So a
// request is never lost (a crash in between leaves it in line, placed by the next pass or at
// start-up) and seats are never oversold, whatever the concurrency.

export interface Person {
  userId: string | null;
  agencyId: string | null;
  name: string;
  email: string | null;
  organisation: string | null;
  country: string | null;
  locale: string;
}

interface Request {
  event: ForumEvent;
  requesterKey: string;
  idempotencyKey: string | null;
  agencyId: string | null;
  invitation: boolean;
  people: Person[];
  type: RegistrationType;
  sessionIds: string[];
  listConsent: boolean;
  /** Whose approval the request awaits (null: none, straight into line). */
  stage: ApprovalStage | null;
  invitedById?: string;
  nominatedById?: string;
  /** The home agency's approval, given by the agency admin who nominated. */
  agencyDecidedById?: string;
  message?: string | null;
  /** A guest registering themselves: the address is confirmed before the place is kept. */
  confirmation?: GuestConfirmation;
}

/** Unguessable (120 random bits): it admits the holder and opens a guest's registration. */
export function newCheckInCode(): string {
  return encodeBase32UpperCaseNoPadding(crypto.getRandomValues(new Uint8Array(15)));
}

function personKey(person: Person): string {
  return person.userId ?? `guest:${person.email}`;
}

/** A guest is known by an e-mail address only, which anyone can type. */
function isGuestKey(key: string): boolean {
  return key.startsWith('guest:');
}

function requireOpen(event: ForumEvent, now = new Date()): void {
  if (
    event.status !== 'OPEN' ||
    now < event.registrationOpensAt ||
    now >= event.registrationClosesAt
  ) {
    throw new RegistrationClosedError(
      event.status,
      event.registrationOpensAt,
      event.registrationClosesAt,
    );
  }
}

async function checkSessions(event: ForumEvent, sessionIds: string[]): Promise<void> {
  if (sessionIds.length === 0) return;
  const known = new Set(
    (
      await prisma.forumSession.findMany({
        where: { eventId: event.id, id: { in: sessionIds } },
        select: { id: true },
      })
    ).map((session) => session.id),
  );
  sessionIds.forEach((id, index) => {
    if (!known.has(id)) {
      throw ValidationError.single(
        ['input', 'sessionIds', String(index)],
        'is not a session of this event',
      );
    }
  });
}

async function previousAnswer(request: Request): Promise<ForumRegistration[] | null> {
  if (!request.idempotencyKey) return null;
  const earlier = await prisma.forumRequest.findUnique({
    where: {
      requesterKey_idempotencyKey: {
        requesterKey: request.requesterKey,
        idempotencyKey: request.idempotencyKey,
      },
    },
    include: { registrations: { orderBy: { createdAt: 'asc' } } },
  });
  if (!earlier) return null;
  if (isGuestKey(request.requesterKey)) throw new RequestAlreadyReceivedError();
  if (earlier.eventId !== request.event.id) {
    throw ValidationError.single(
      ['input', 'idempotencyKey'],
      'this key was used for another event; use a new key for a new request',
    );
  }
  return earlier.registrations;
}

/** After a refused insert: whose active registration was in the way. */
async function refuseDuplicates(eventId: string, people: Person[]): Promise<void> {
  const existing = await prisma.forumRegistration.findFirst({
    where: {
      eventId,
      personKey: { in: people.map(personKey) },
      status: { in: [...ACTIVE_STATUSES] },
    },
    select: { name: true, personKey: true },
  });
  if (!existing) return;
  // A guest is named by the address the caller typed: the stored name is not theirs to learn.
  const guest = people.find((p) => !p.userId && personKey(p) === existing.personKey);
  throw new DuplicateRegistrationError(guest?.email ?? existing.name);
}

/** Why a request that did not fit was refused, for events without a waiting list. */
async function refusal(request: Request): Promise<Error> {
  const event = await prisma.forumEvent.findUniqueOrThrow({ where: { id: request.event.id } });
  if (event.status === 'CANCELLED' || event.endsAt <= new Date()) {
    return new RegistrationClosedError(
      event.status,
      event.registrationOpensAt,
      event.registrationClosesAt,
    );
  }
  if (request.agencyId && !request.invitation) {
    const override = await prisma.forumAgencyQuota.findUnique({
      where: { eventId_agencyId: { eventId: event.id, agencyId: request.agencyId } },
    });
    const quota = override?.seats ?? event.agencyQuota;
    if (quota !== null) {
      const held = await prisma.forumRegistration.count({
        where: {
          eventId: event.id,
          agencyId: request.agencyId,
          status: { in: [...SEATED_STATUSES] },
        },
      });
      if (held + request.people.length > quota) return new QuotaReachedError(quota, held);
    }
  }
  return new EventFullError(event.capacity);
}

/**
 * Writes a request, its registrations, their session choices and first messages in one
 * statement (all of it or nothing, and one round trip: registration bursts are the load this
 * path is built for), then places it. Returns its registrations.
 */
async function submit(request: Request): Promise<ForumRegistration[]> {
  const earlier = await previousAnswer(request);
  if (earlier) return earlier;
  const { event } = request;
  if (new Set(request.people.map(personKey)).size !== request.people.length) {
    throw ValidationError.single(['input'], 'names the same person twice');
  }
  await checkSessions(event, request.sessionIds);
  const { confirmation } = request;
  const people = request.people.map((person, n) => ({
    ...person,
    n,
    personKey: personKey(person),
    checkInCode: newCheckInCode(),
    emailConfirmBy: confirmation?.confirmBy.toISOString() ?? null,
    emailCodeHash: confirmation ? Buffer.from(confirmation.hash).toString('hex') : null,
  }));
  const status = request.stage ? 'PENDING_APPROVAL' : 'WAITLISTED';
  const firstMessage = confirmation
    ? 'EMAIL_CONFIRMATION'
    : request.invitation
      ? 'INVITED'
      : request.stage
        ? 'REGISTRATION_RECEIVED'
        : null;
  // The confirmation code waits in the outbox until it is sent, then is wiped (forum-mailer.ts).
  const messageData = JSON.stringify(
    confirmation
      ? { confirmationCode: confirmation.code }
      : request.invitation
        ? { message: request.message ?? null }
        : {},
  );
  const agencyDecidedById = request.agencyDecidedById ?? null;
  let rows: ForumRegistration[];
  try {
    rows = await prisma.$queryRaw<ForumRegistration[]>`
      WITH req AS (
        INSERT INTO "ForumRequest" (id, "eventId", "requesterKey", "idempotencyKey", "agencyId", invitation)
        VALUES (gen_random_uuid(), ${event.id}::uuid, ${request.requesterKey}, ${request.idempotencyKey},
                ${request.agencyId}::uuid, ${request.invitation})
        RETURNING id
      ), regs AS (
        INSERT INTO "ForumRegistration" (
          id, "eventId", "requestId", "userId", "agencyId", "personKey", name, email, organisation,
          country, locale, type, status, "approvalStage", "listConsent", "checkInCode",
          "invitedById", "nominatedById", "agencyDecidedById", "agencyDecidedAt",
          "emailConfirmBy", "emailCodeHash", "updatedAt")
        SELECT gen_random_uuid(), ${event.id}::uuid, req.id, p."userId", p."agencyId", p."personKey",
               p.name, p.email, p.organisation, p.country, p.locale,
               ${request.type}::"RegistrationType", ${status}::"RegistrationStatus",
               ${request.stage}::"ApprovalStage", ${request.listConsent}, p."checkInCode",
               ${request.invitedById ?? null}::uuid, ${request.nominatedById ?? null}::uuid,
               ${agencyDecidedById}::uuid,
               CASE WHEN ${agencyDecidedById}::uuid IS NULL THEN NULL ELSE now() END,
               p."emailConfirmBy", decode(p."emailCodeHash", 'hex'), now()
          FROM req, jsonb_to_recordset(${JSON.stringify(people)}::jsonb) AS p(
                 "userId" uuid, "agencyId" uuid, "personKey" text, name text, email text,
                 organisation text, country text, locale text, "checkInCode" text, n integer,
                 "emailConfirmBy" timestamptz, "emailCodeHash" text)
         ORDER BY p.n
        RETURNING *
      ), choices AS (
        INSERT INTO "ForumSessionChoice" ("registrationId", "sessionId")
        SELECT regs.id, session::uuid FROM regs, unnest(${[...new Set(request.sessionIds)]}::text[]) AS session
      ), messages AS (
        INSERT INTO "ForumMessage" (id, "eventId", "registrationId", kind, recipient, locale, data)
        SELECT gen_random_uuid(), ${event.id}::uuid, regs.id, ${firstMessage}::"ForumMessageKind",
               regs.email, regs.locale, ${messageData}::jsonb
          FROM regs WHERE ${firstMessage}::text IS NOT NULL
      )
      SELECT * FROM regs`;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // The same key raced in from a retry, or the same person from elsewhere.
    const raced = await previousAnswer(request);
    if (raced) return raced;
    await refuseDuplicates(event.id, request.people);
    throw error;
  }
  const requestId = rows[0]?.requestId;
  if (!requestId) throw new Error('a request was written without registrations');
  if (request.stage) return rows;
  await placeSeats(event.id, requestId);
  const registrations = await prisma.forumRegistration.findMany({
    where: { requestId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  if (registrations.length === 0) throw await refusal(request);
  // Same order as the people named in the request.
  const order = new Map(people.map((person, index) => [person.personKey, index]));
  return registrations.sort(
    (a, b) => (order.get(a.personKey ?? '') ?? 0) - (order.get(b.personKey ?? '') ?? 0),
  );
}

export interface RegisterInput {
  eventId: string;
  type: RegistrationType;
  sessionIds: string[];
  listConsent: boolean;
  locale: string | null;
  guest: { name: string; email: string; organisation: string; country: string } | null;
  idempotencyKey: string;
}

/** A member registers themselves, or a guest registers for a PUBLIC event. */
export async function registerForEvent(
  viewer: Viewer | null,
  input: RegisterInput,
  requestLocale: string,
  /** `byOperator`: a guest registered by the server's operator (the demo seed), not a stranger. */
  options: { byOperator?: boolean } = {},
): Promise<ForumRegistration> {
  const event = await requireVisibleEvent(viewer, input.eventId);
  requireOpen(event);
  if (event.visibility === 'INVITATION_ONLY') {
    throw new ForbiddenError('This event is by invitation only.');
  }
  let person: Person;
  let confirmation: GuestConfirmation | undefined;
  let stage: ApprovalStage | null = event.requiresApproval ? 'ORGANIZER' : null;
  if (viewer) {
    if (input.guest) {
      throw ValidationError.single(
        ['input', 'guest'],
        'signed-in members register themselves; leave guest out',
      );
    }
    const user = await prisma.user.findUniqueOrThrow({
      where: { id: viewer.userId },
      include: { agency: true },
    });
    person = memberPerson(user, input.locale ?? user.locale ?? requestLocale);
    if (event.requiresAgencyApproval) stage = 'AGENCY';
  } else {
    if (!input.guest) {
      throw ValidationError.single(
        ['input', 'guest'],
        'guests give their name, e-mail, organisation and country (members sign in first)',
      );
    }
    person = {
      userId: null,
      agencyId: null,
      ...input.guest,
      locale: input.locale ?? requestLocale,
    };
    confirmation = await guestConfirmationFor(input.guest.email, options);
  }
  const [registration] = await submit({
    event,
    requesterKey: personKey(person),
    idempotencyKey: input.idempotencyKey,
    agencyId: person.agencyId,
    invitation: false,
    people: [person],
    type: input.type,
    sessionIds: input.sessionIds,
    listConsent: input.listConsent,
    stage,
    confirmation,
  });
  if (!registration) throw new NotFoundError('registration');
  return registration;
}

/** A member as a registrant: contact details from the account and its agency. */
function memberPerson(user: User & { agency: Agency }, locale: string): Person {
  return {
    userId: user.id,
    agencyId: user.agencyId,
    name: user.displayName,
    email: user.email,
    organisation: user.agency.nameEn,
    country: user.agency.jurisdiction.slice(0, 2),
    locale,
  };
}

/**
 * The members named by id (null: a guest, left null), active and, with `agencyId`, of that
 * agency. The error names the offending position in the input list `field`.
 */
async function members(
  userIds: (string | null)[],
  agencyId: string | null,
  field: string,
): Promise<(Person | null)[]> {
  const wanted = userIds.filter((id): id is string => id !== null);
  const users = await prisma.user.findMany({
    where: { id: { in: wanted }, active: true, ...(agencyId ? { agencyId } : {}) },
    include: { agency: true },
  });
  const byId = new Map(users.map((user) => [user.id, user]));
  return userIds.map((id, index) => {
    if (id === null) return null;
    const user = byId.get(id);
    if (!user) {
      throw ValidationError.single(
        ['input', field, String(index)],
        agencyId ? 'is not an active colleague of your agency' : 'is not an active member',
      );
    }
    return memberPerson(user, user.locale ?? 'en');
  });
}

export interface NominateInput {
  eventId: string;
  userIds: string[];
  type: RegistrationType;
  sessionIds: string[];
  idempotencyKey: string;
}

/** An agency admin registers colleagues as one group: all seated together or none. */
export async function nominateDelegates(
  actor: Viewer,
  input: NominateInput,
): Promise<ForumRegistration[]> {
  const event = await requireVisibleEvent(actor, input.eventId);
  requireOpen(event);
  if (event.visibility === 'INVITATION_ONLY') {
    throw new ForbiddenError('This event is by invitation only.');
  }
  const people = (await members(input.userIds, actor.agencyId, 'userIds')) as Person[];
  return submit({
    event,
    requesterKey: actor.userId,
    idempotencyKey: input.idempotencyKey,
    agencyId: actor.agencyId,
    invitation: false,
    people,
    type: input.type,
    sessionIds: input.sessionIds,
    listConsent: false,
    // The nominating admin gives the home agency's approval.
    stage: event.requiresApproval ? 'ORGANIZER' : null,
    nominatedById: actor.userId,
    agencyDecidedById: event.requiresAgencyApproval ? actor.userId : undefined,
  });
}

export interface Invitee {
  userId: string | null;
  guest: { name: string; email: string; organisation: string; country: string } | null;
}

/** Organizers invite named people: no approval, no delegation quota; capacity still holds. */
export async function inviteToEvent(
  actor: Viewer,
  input: {
    eventId: string;
    invitees: Invitee[];
    type: RegistrationType;
    sessionIds: string[];
    message: string | null;
  },
): Promise<ForumRegistration[]> {
  const event = await requireVisibleEvent(actor, input.eventId);
  if (!mayOrganize(actor, event)) {
    throw new ForbiddenError("Only the organizer agency's ORGANIZERs may invite.");
  }
  // Invitations go out once the event is published: invitees must be able to read it.
  if (event.status === 'DRAFT' || event.status === 'CANCELLED' || event.endsAt <= new Date()) {
    throw new RegistrationClosedError(
      event.status,
      event.registrationOpensAt,
      event.registrationClosesAt,
    );
  }
  const found = await members(
    input.invitees.map((invitee) => invitee.userId),
    null,
    'invitees',
  );
  const people = input.invitees.map((invitee, index): Person => {
    const member = found[index];
    if (member) return member;
    const guest = invitee.guest as NonNullable<Invitee['guest']>;
    return { userId: null, agencyId: null, ...guest, locale: 'en' };
  });
  return submit({
    event,
    requesterKey: actor.userId,
    idempotencyKey: null,
    agencyId: null,
    invitation: true,
    people,
    type: input.type,
    sessionIds: input.sessionIds,
    listConsent: false,
    stage: null,
    invitedById: actor.userId,
    message: input.message,
  });
}

/**
 * Cancels a registration: the registrant (or a guest with the code), the event's organizers, or
 * an admin of the registrant's agency. A freed seat goes to the next in line.
 */
export async function cancelRegistration(
  viewer: Viewer | null,
  registrationId: string,
  code: string | null,
): Promise<ForumRegistration> {
  const found = await requireVisibleRegistration(viewer, registrationId, code);
  const allowed =
    code !== null ||
    found.userId === viewer?.userId ||
    mayOrganize(viewer, found.event) ||
    mayApproveForAgency(viewer, found);
  if (!allowed) throw new ForbiddenError('You may not cancel this registration.');
  const cancelled = await prisma.$transaction(async (tx) => {
    await lockEventForRegistrations(tx, found.eventId);
    const [current] = await tx.$queryRaw<ForumRegistration[]>`
      SELECT * FROM "ForumRegistration" WHERE id = ${registrationId}::uuid FOR UPDATE`;
    if (!current || !['PENDING_APPROVAL', 'CONFIRMED', 'WAITLISTED'].includes(current.status)) {
      throw new ConflictError(
        `This registration is ${current?.status.toLowerCase().replace('_', ' ')}; it cannot be cancelled.`,
      );
    }
    const alerts = await queueMessages(tx, found.eventId, 'REGISTRATION_CANCELLED', [current]);
    const updated = await tx.forumRegistration.update({
      where: { id: registrationId },
      data: { status: 'CANCELLED', cancelledAt: new Date() },
    });
    await recordAlerts(tx, alerts);
    return updated;
  });
  await placeSeats(found.eventId);
  return prisma.forumRegistration.findUniqueOrThrow({ where: { id: cancelled.id } });
}

/**
 * Approves or declines a request awaiting approval: the home agency's admins first when the
 * event asks for it, then the organizers. The decision covers the whole request (a group is
 * decided together). Approved requests join the line and are seated if they fit.
 */
export async function decideRegistration(
  viewer: Viewer,
  registrationId: string,
  approve: boolean,
  reason: string | null,
): Promise<ForumRegistration> {
  const found = await requireVisibleRegistration(viewer, registrationId, null);
  if (found.status !== 'PENDING_APPROVAL' || !found.approvalStage) {
    throw new ConflictError(
      `This registration is ${found.status.toLowerCase().replace('_', ' ')}; there is nothing to decide.`,
    );
  }
  const stage = found.approvalStage;
  const allowed =
    stage === 'AGENCY' ? mayApproveForAgency(viewer, found) : mayOrganize(viewer, found.event);
  if (!allowed) {
    throw new ForbiddenError(
      stage === 'AGENCY'
        ? "This registration awaits its home agency's approval, by that agency's admins."
        : "This registration awaits the organizers' approval.",
    );
  }
  const now = new Date();
  const queued = await prisma.$transaction(async (tx) => {
    await lockEventForRegistrations(tx, found.eventId);
    const group = await tx.$queryRaw<ForumRegistration[]>`
      SELECT * FROM "ForumRegistration"
       WHERE "requestId" = ${found.requestId}::uuid AND status = 'PENDING_APPROVAL'
         AND "approvalStage" = ${stage}::"ApprovalStage"
       FOR UPDATE`;
    if (!group.some((registration) => registration.id === registrationId)) {
      throw new ConflictError('This registration was decided meanwhile; reload it.');
    }
    const ids = group.map((registration) => registration.id);
    const decided =
      stage === 'AGENCY'
        ? { agencyDecidedById: viewer.userId, agencyDecidedAt: now }
        : { decidedById: viewer.userId, decidedAt: now };
    if (!approve) {
      await tx.forumRegistration.updateMany({
        where: { id: { in: ids } },
        data: { ...decided, status: 'DECLINED', approvalStage: null, declineReason: reason },
      });
      await recordAlerts(
        tx,
        await queueMessages(tx, found.eventId, 'REGISTRATION_DECLINED', group, { reason }),
      );
      return false;
    }
    const organizerNext = stage === 'AGENCY' && found.event.requiresApproval;
    await tx.forumRegistration.updateMany({
      where: { id: { in: ids } },
      data: organizerNext
        ? { ...decided, approvalStage: 'ORGANIZER' }
        : { ...decided, status: 'WAITLISTED', approvalStage: null },
    });
    return !organizerNext;
  });
  if (queued) await placeSeats(found.eventId);
  return prisma.forumRegistration.findUniqueOrThrow({ where: { id: registrationId } });
}

/** Personal data is erased after the event; the record stays, anonymised, for the figures. */
export async function eraseRegistrantData(
  viewer: Viewer,
  registrationId: string,
): Promise<ForumRegistration> {
  const found = await requireVisibleRegistration(viewer, registrationId, null);
  if (!mayOrganize(viewer, found.event)) {
    throw new ForbiddenError("Only the event's organizers may erase registrants' data.");
  }
  if (found.event.endsAt > new Date()) {
    throw new ConflictError(
      `Personal data is erased after the event, which ends ${found.event.endsAt.toISOString()}.`,
    );
  }
  if (found.erasedAt) return found;
  return prisma.$transaction(async (tx) => {
    await tx.forumMessage.updateMany({
      where: { registrationId },
      data: { recipient: null, data: {} },
    });
    const erased = await tx.forumRegistration.update({
      where: { id: registrationId },
      data: {
        name: 'Erased registrant',
        email: null,
        organisation: null,
        country: null,
        personKey: null,
        userId: null,
        listConsent: false,
        // The code could still admit, or open the record; a guest's request key holds the address.
        checkInCode: `ERASED-${registrationId}`,
        erasedAt: new Date(),
      },
    });
    await tx.forumRequest.updateMany({
      where: { id: erased.requestId, requesterKey: { startsWith: 'guest:' } },
      data: { requesterKey: `erased:${erased.requestId}` },
    });
    return erased;
  });
}
