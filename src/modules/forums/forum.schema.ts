import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { prisma } from '../../db.js';
import {
  ApprovalStage,
  ForumEventKind,
  ForumEventStatus,
  ForumVisibility,
  RegistrationStatus,
  RegistrationType,
} from '../../generated/prisma/enums.js';
import { loadGroup } from '../common/by-id.js';
import { localizedName, localizedText } from '../i18n/locale.js';
import { LocaleEnum } from '../i18n/locale.schema.js';
import {
  eventVisibilityFor,
  mayOrganize,
  mayReadPersonalData,
  ownLatestRegistration,
  registrationVisibilityFor,
} from './forum.access.js';
import { attendeesCsv, checkInQrCode, eventCalendar } from './forum-exports.js';
import { SEATED_STATUSES } from './outbox.js';

// GraphQL types of forum events and registration. Events go through forumEventVisibilityWhere
// (anonymous readers see PUBLIC events); registrations through registrationVisibilityWhere, and
// their personal data (contact details, check-in code, QR code) only to the registrant and the
// event's organizers.

export const ForumEventKindEnum = builder.enumType(ForumEventKind, { name: 'ForumEventKind' });
export const ForumVisibilityEnum = builder.enumType(ForumVisibility, { name: 'ForumVisibility' });
export const ForumEventStatusEnum = builder.enumType(ForumEventStatus, {
  name: 'ForumEventStatus',
});
export const RegistrationTypeEnum = builder.enumType(RegistrationType, {
  name: 'RegistrationType',
});
export const RegistrationStatusEnum = builder.enumType(RegistrationStatus, {
  name: 'RegistrationStatus',
});
const ApprovalStageEnum = builder.enumType(ApprovalStage, { name: 'ApprovalStage' });

export const QrFormatEnum = builder.enumType('QrFormat', {
  values: {
    SVG: { description: 'SVG markup.' },
    PNG: { description: 'A PNG image as a data: URL.' },
  } as const,
});

interface SeatCounts {
  capacity: number | null;
  confirmed: number;
  waitlisted: number;
  available: number | null;
}

const Seats = builder.objectRef<SeatCounts>('ForumSeats').implement({
  description: 'Seats of an event or session now.',
  fields: (t) => ({
    capacity: t.exposeInt('capacity', {
      nullable: true,
      description: 'Null: as many as the event.',
    }),
    confirmed: t.exposeInt('confirmed', { description: 'Confirmed and checked-in registrations.' }),
    waitlisted: t.exposeInt('waitlisted'),
    available: t.exposeInt('available', { nullable: true }),
  }),
});

/** Seats of an event now; the events of one page are counted together. */
async function seatsOfEvent(context: Context, eventId: string, capacity: number) {
  const counts = await loadGroup(
    context,
    'ForumEvent.seats',
    {},
    (eventIds) =>
      prisma.forumRegistration.groupBy({
        by: ['eventId', 'status'],
        where: { eventId: { in: eventIds }, status: { in: [...SEATED_STATUSES, 'WAITLISTED'] } },
        _count: { _all: true },
      }),
    (count) => count.eventId,
    eventId,
  );
  const of = (status: string) => counts.find((c) => c.status === status)?._count._all ?? 0;
  const confirmed = of('CONFIRMED') + of('CHECKED_IN');
  return {
    capacity,
    confirmed,
    waitlisted: of('WAITLISTED'),
    available: Math.max(0, capacity - confirmed),
  };
}

interface Participant {
  name: string;
  organisation: string | null;
  country: string | null;
  type: RegistrationType;
}

const ForumParticipant = builder.objectRef<Participant>('ForumParticipant').implement({
  description: 'A person in the published list of participants (they agreed to be listed).',
  fields: (t) => ({
    name: t.exposeString('name'),
    organisation: t.exposeString('organisation', { nullable: true }),
    country: t.expose('country', { type: 'CountryCode', nullable: true }),
    type: t.expose('type', { type: RegistrationTypeEnum }),
  }),
});

export const ForumEventRef = builder.prismaNode('ForumEvent', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, context) => ({ id, AND: [eventVisibilityFor(context)] }),
  description:
    'A forum, workshop, training or meeting. PUBLIC events can be read without signing in.',
  fields: (t) => ({
    kind: t.expose('kind', { type: ForumEventKindEnum }),
    name: t.string({
      description: 'The name in `locale`, else in the locale of the request.',
      args: { locale: t.arg({ type: LocaleEnum, required: false }) },
      resolve: (event, args, context) =>
        localizedText(event, 'name', args.locale ?? context.locale),
    }),
    nameEn: t.exposeString('nameEn'),
    nameZhHans: t.exposeString('nameZhHans'),
    nameZhHant: t.exposeString('nameZhHant'),
    namePt: t.exposeString('namePt', { nullable: true }),
    description: t.string({
      args: { locale: t.arg({ type: LocaleEnum, required: false }) },
      resolve: (event, args, context) =>
        localizedText(event, 'description', args.locale ?? context.locale),
    }),
    descriptionEn: t.exposeString('descriptionEn'),
    descriptionZhHans: t.exposeString('descriptionZhHans'),
    descriptionZhHant: t.exposeString('descriptionZhHant'),
    descriptionPt: t.exposeString('descriptionPt', { nullable: true }),
    organizer: t.string({
      description: "The organizer agency's name in the request's locale.",
      select: { organizerAgency: true },
      resolve: (event, _args, context) => localizedName(event.organizerAgency, context.locale),
    }),
    organizerAgency: t.relation('organizerAgency', { authScopes: { signedIn: true } }),
    venue: t.exposeString('venue', { nullable: true }),
    onlineUrl: t.exposeString('onlineUrl', { nullable: true }),
    startsAt: t.expose('startsAt', { type: 'DateTime' }),
    endsAt: t.expose('endsAt', { type: 'DateTime' }),
    timeZone: t.exposeString('timeZone', { description: 'IANA time zone of the venue.' }),
    registrationOpensAt: t.expose('registrationOpensAt', { type: 'DateTime' }),
    registrationClosesAt: t.expose('registrationClosesAt', { type: 'DateTime' }),
    registrationOpen: t.boolean({
      description: 'Open now: the event is OPEN and within its registration window.',
      resolve: (event) => {
        const now = new Date();
        return (
          event.status === 'OPEN' &&
          now >= event.registrationOpensAt &&
          now < event.registrationClosesAt
        );
      },
    }),
    visibility: t.expose('visibility', { type: ForumVisibilityEnum }),
    status: t.expose('status', { type: ForumEventStatusEnum }),
    cancelReason: t.exposeString('cancelReason', { nullable: true }),
    agencyQuota: t.exposeInt('agencyQuota', {
      nullable: true,
      description: 'Seats each agency delegation may hold (null: no quota).',
    }),
    agencyQuotas: t.relation('quotas', {
      description: 'Agencies with a quota of their own.',
      authScopes: { signedIn: true },
    }),
    waitingList: t.exposeBoolean('waitingList'),
    requiresApproval: t.exposeBoolean('requiresApproval'),
    requiresAgencyApproval: t.exposeBoolean('requiresAgencyApproval'),
    seats: t.field({
      type: Seats,
      resolve: (event, _args, context) => seatsOfEvent(context, event.id, event.capacity),
    }),
    sessions: t.relation('sessions', {
      query: { orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] },
    }),
    mayOrganize: t.boolean({
      description: 'You organize this event.',
      resolve: (event, _args, context) => mayOrganize(context.viewer, event),
    }),
    myRegistration: t.prismaField({
      type: 'ForumRegistration',
      nullable: true,
      description: 'Your latest registration for this event.',
      resolve: (query, event, _args, context) => ownLatestRegistration(context, event.id, query),
    }),
    registrations: t.relatedConnection('registrations', {
      cursor: 'id',
      description:
        "Registrations you may see: all of them for the organizers, your agency's for its admins, your own otherwise.",
      args: { status: t.arg({ type: [RegistrationStatusEnum], required: false }) },
      authScopes: { signedIn: true },
      totalCount: true,
      query: (args, context) => ({
        where: {
          AND: [
            registrationVisibilityFor(context),
            args.status?.length ? { status: { in: args.status } } : {},
          ],
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    }),
    participants: t.field({
      type: [ForumParticipant],
      description:
        'The published list: confirmed participants who agreed to be listed. No contact details.',
      resolve: async (event) => {
        const listed = await prisma.forumRegistration.findMany({
          where: {
            eventId: event.id,
            listConsent: true,
            erasedAt: null,
            status: { in: [...SEATED_STATUSES] },
          },
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
          select: { name: true, organisation: true, country: true, type: true },
        });
        return listed;
      },
    }),
    icalendar: t.string({
      description:
        'The event and its sessions as an RFC 5545 calendar (also GET /forum-events/{id}/calendar.ics).',
      args: { locale: t.arg({ type: LocaleEnum, required: false }) },
      select: { sessions: { orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] } },
      resolve: (event, args, context) => eventCalendar(event, args.locale ?? context.locale),
    }),
    attendeesCsv: t.string({
      nullable: true,
      description:
        'Every registration as CSV (UTF-8 with BOM), for the organizers; null for others. Also GET /forum-events/{id}/attendees.csv.',
      resolve: (event, _args, context) =>
        context.viewer && mayOrganize(context.viewer, event)
          ? attendeesCsv(context.viewer, event.id)
          : null,
    }),
    revision: t.exposeInt('revision', {
      description: 'Raised at each change registrants were told about (iCalendar SEQUENCE).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('ForumAgencyQuota', {
  fields: (t) => ({
    agency: t.relation('agency'),
    seats: t.exposeInt('seats'),
  }),
});

export const ForumSessionRef = builder.prismaNode('ForumSession', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, context) => ({ id, event: eventVisibilityFor(context) }),
  fields: (t) => ({
    event: t.relation('event'),
    title: t.string({
      args: { locale: t.arg({ type: LocaleEnum, required: false }) },
      resolve: (session, args, context) =>
        localizedText(session, 'title', args.locale ?? context.locale),
    }),
    titleEn: t.exposeString('titleEn'),
    titleZhHans: t.exposeString('titleZhHans'),
    titleZhHant: t.exposeString('titleZhHant'),
    titlePt: t.exposeString('titlePt', { nullable: true }),
    startsAt: t.expose('startsAt', { type: 'DateTime' }),
    endsAt: t.expose('endsAt', { type: 'DateTime' }),
    room: t.exposeString('room', { nullable: true }),
    seats: t.field({
      type: Seats,
      resolve: async (session) => {
        const seated = await prisma.forumSessionChoice.count({
          where: { sessionId: session.id, registration: { status: { in: [...SEATED_STATUSES] } } },
        });
        const waiting = await prisma.forumSessionChoice.count({
          where: { sessionId: session.id, registration: { status: 'WAITLISTED' } },
        });
        return {
          capacity: session.capacity,
          confirmed: seated,
          waitlisted: waiting,
          available: session.capacity === null ? null : Math.max(0, session.capacity - seated),
        };
      },
    }),
  }),
});

/** Personal data of a registration, or null for those who may not read it. */
function personal<T>(
  context: Context,
  registration: { id: string; userId: string | null; event: { organizerAgencyId: string } },
  value: T,
): T | null {
  const byCode = context.memory.unlockedRegistrations.has(registration.id);
  return mayReadPersonalData(context.viewer, registration, registration.event, byCode)
    ? value
    : null;
}

const eventOwner = { event: { select: { organizerAgencyId: true } } } as const;

const EmailConfirmationEnum = builder.enumType('EmailConfirmation', {
  values: {
    NOT_NEEDED: { description: 'A member, or a guest invited by the organizers.' },
    PENDING: { description: 'A guest who has not confirmed the address yet.' },
    CONFIRMED: { description: 'The guest confirmed the address.' },
    LAPSED: {
      description:
        'Never confirmed: the registration ended unconfirmed (it lapsed, or was cancelled or declined first).',
    },
  } as const,
});

export const ForumRegistrationRef = builder.prismaNode('ForumRegistration', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, context) => ({ id, AND: [registrationVisibilityFor(context)] }),
  description:
    "A person's registration. Contact details, the check-in code and the QR code are shown only to the registrant and the event's organizers.",
  fields: (t) => ({
    event: t.prismaField({
      type: 'ForumEvent',
      nullable: true,
      description: 'Null while the event is a draft (invitations go out once it is published).',
      resolve: (query, registration, _args, context) =>
        prisma.forumEvent.findFirst({
          ...query,
          where: { id: registration.eventId, AND: [eventVisibilityFor(context)] },
        }),
    }),
    name: t.exposeString('name'),
    type: t.expose('type', { type: RegistrationTypeEnum }),
    status: t.expose('status', { type: RegistrationStatusEnum }),
    approvalStage: t.expose('approvalStage', {
      type: ApprovalStageEnum,
      nullable: true,
      description: 'Whose approval a PENDING_APPROVAL registration awaits.',
    }),
    guest: t.boolean({ resolve: (r) => r.userId === null && r.erasedAt === null }),
    emailConfirmation: t.field({
      type: EmailConfirmationEnum,
      description:
        'Whether a guest has confirmed the e-mail address. Until then the place is held only until `emailConfirmBy`; then it lapses.',
      resolve: (r) =>
        r.emailConfirmedAt
          ? 'CONFIRMED'
          : r.emailConfirmBy === null
            ? 'NOT_NEEDED'
            : r.status === 'CANCELLED' || r.status === 'DECLINED'
              ? 'LAPSED'
              : 'PENDING',
    }),
    emailConfirmBy: t.expose('emailConfirmBy', {
      type: 'DateTime',
      nullable: true,
      description: 'While a guest has not confirmed the address: when the place lapses.',
    }),
    agency: t.relation('agency', { nullable: true }),
    email: t.field({
      type: 'EmailAddress',
      nullable: true,
      select: eventOwner,
      resolve: (r, _args, context) => personal(context, r, r.email),
    }),
    organisation: t.string({
      nullable: true,
      select: eventOwner,
      resolve: (r, _args, context) => personal(context, r, r.organisation),
    }),
    country: t.field({
      type: 'CountryCode',
      nullable: true,
      select: eventOwner,
      resolve: (r, _args, context) => personal(context, r, r.country),
    }),
    locale: t.exposeString('locale', { description: 'Language of the messages sent.' }),
    listConsent: t.exposeBoolean('listConsent'),
    checkInCode: t.string({
      nullable: true,
      description:
        'Shown at the door. Only for confirmed registrations, to the registrant and organizers.',
      select: eventOwner,
      resolve: (r, _args, context) =>
        r.status === 'CONFIRMED' || r.status === 'CHECKED_IN'
          ? personal(context, r, r.checkInCode)
          : null,
    }),
    guestCode: t.string({
      nullable: true,
      description:
        "A guest's code for this registration, in every status: it opens it (forumRegistrationByCode) and cancels it (cancelRegistration with code). Once confirmed, it is also the check-in code. Null for members, who sign in. To the registrant and organizers only.",
      select: eventOwner,
      resolve: (r, _args, context) =>
        r.userId === null && r.erasedAt === null ? personal(context, r, r.checkInCode) : null,
    }),
    qrCode: t.string({
      nullable: true,
      description: 'The check-in code as a QR code (SVG markup or PNG data: URL).',
      args: { format: t.arg({ type: QrFormatEnum, defaultValue: 'SVG' }) },
      select: eventOwner,
      resolve: (r, args, context) => {
        const code =
          r.status === 'CONFIRMED' || r.status === 'CHECKED_IN'
            ? personal(context, r, r.checkInCode)
            : null;
        return code ? checkInQrCode(code, args.format) : null;
      },
    }),
    sessions: t.field({
      type: [ForumSessionRef],
      select: { sessions: { select: { session: true } } },
      resolve: (r) => r.sessions.map((choice) => choice.session),
    }),
    declineReason: t.exposeString('declineReason', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    confirmedAt: t.expose('confirmedAt', { type: 'DateTime', nullable: true }),
    waitlistedAt: t.expose('waitlistedAt', { type: 'DateTime', nullable: true }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true }),
    checkedInAt: t.expose('checkedInAt', { type: 'DateTime', nullable: true }),
    erasedAt: t.expose('erasedAt', { type: 'DateTime', nullable: true }),
    waitingListPosition: t.int({
      nullable: true,
      description: 'Entries ahead of yours in line, plus one; null unless WAITLISTED.',
      select: { request: { select: { seq: true } } },
      resolve: async (r) => {
        if (r.status !== 'WAITLISTED') return null;
        const ahead = await prisma.forumRequest.count({
          where: {
            eventId: r.eventId,
            seq: { lt: r.request.seq },
            registrations: { some: { status: 'WAITLISTED' } },
          },
        });
        return ahead + 1;
      },
    }),
  }),
});
