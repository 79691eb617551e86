import { z } from 'zod';
import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '../../errors.js';
import { AgencyRef } from '../agencies/agency.schema.js';
import { reason } from '../common/codes.js';
import { ErrorInterface } from '../common/errors.schema.js';
import { LocaleEnum } from '../i18n/locale.schema.js';
import { UserRef } from '../users/user.schema.js';
import { checkIn } from './check-in.service.js';
import { eventVisibilityFor, unlockByCode } from './forum.access.js';
import {
  CheckInRefusedError,
  DuplicateRegistrationError,
  EventFullError,
  QuotaReachedError,
  RegistrationClosedError,
  RequestAlreadyReceivedError,
} from './forum.errors.js';
import {
  ForumEventKindEnum,
  ForumEventRef,
  ForumEventStatusEnum,
  ForumRegistrationRef,
  ForumSessionRef,
  ForumVisibilityEnum,
  RegistrationStatusEnum,
  RegistrationTypeEnum,
} from './forum.schema.js';
import {
  createEventInput,
  declineReason,
  inviteInput,
  nominateInput,
  registerInput,
  sessionInput,
  updateEventInput,
} from './forum.validation.js';
import {
  addSession,
  cancelForumEvent,
  closeForumEvent,
  createForumEvent,
  publishForumEvent,
  updateForumEvent,
} from './forum-event.service.js';
import { confirmGuestEmail } from './guest-confirmation.js';
import { throttleGuest } from './guest-throttle.js';
import {
  cancelRegistration,
  decideRegistration,
  eraseRegistrantData,
  inviteToEvent,
  nominateDelegates,
  registerForEvent,
} from './registration.service.js';

// Mutations of forum events and registration. Each returns its payload or a typed error; a
// refused mutation changes nothing (see the services).

builder.objectType(RegistrationClosedError, {
  name: 'RegistrationClosedError',
  description: 'The event does not take registrations now; nothing was registered.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    status: t.field({ type: ForumEventStatusEnum, resolve: (e) => e.status }),
    opensAt: t.field({ type: 'DateTime', resolve: (e) => e.opensAt }),
    closesAt: t.field({ type: 'DateTime', resolve: (e) => e.closesAt }),
  }),
});

builder.objectType(EventFullError, {
  name: 'EventFullError',
  description: 'No seat is free and the event keeps no waiting list; nothing was registered.',
  interfaces: [ErrorInterface],
  fields: (t) => ({ capacity: t.int({ resolve: (e) => e.capacity }) }),
});

builder.objectType(QuotaReachedError, {
  name: 'QuotaReachedError',
  description:
    "Your agency's delegation quota is used up and the event keeps no waiting list; nothing was registered.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    quota: t.int({ resolve: (e) => e.quota }),
    held: t.int({ resolve: (e) => e.held }),
  }),
});

builder.objectType(DuplicateRegistrationError, {
  name: 'DuplicateRegistrationError',
  description: 'That person is registered already (one active registration per event).',
  interfaces: [ErrorInterface],
  fields: (t) => ({ person: t.string({ resolve: (e) => e.person }) }),
});

builder.objectType(RequestAlreadyReceivedError, {
  name: 'RequestAlreadyReceivedError',
  description:
    'A guest repeated a request with the same idempotency key: it was received already, and its details went to the e-mail address given.',
  interfaces: [ErrorInterface],
});

builder.objectType(CheckInRefusedError, {
  name: 'CheckInRefusedError',
  description: 'The registration does not admit its holder (not confirmed).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    status: t.field({ type: RegistrationStatusEnum, resolve: (e) => e.status }),
  }),
});

const common = [ForbiddenError, NotFoundError, ConflictError];
const registrationErrors = [
  ...common,
  RegistrationClosedError,
  EventFullError,
  QuotaReachedError,
  DuplicateRegistrationError,
  RequestAlreadyReceivedError,
];

type InputFields = PothosSchemaTypes.InputFieldBuilder<
  typeof builder.$inferSchemaTypes,
  'InputObject'
>;

const AgencyQuotaInput = builder.inputType('AgencyQuotaInput', {
  fields: (t) => ({
    agencyId: t.globalID({ for: AgencyRef }),
    seats: t.int({ description: '0 keeps the agency out.' }),
  }),
});

/** Fields of an event: required to create it, optional for changes. */
function eventFields(t: InputFields, required: boolean) {
  return {
    kind: t.field({ type: ForumEventKindEnum, required }),
    nameEn: t.string({ required }),
    nameZhHans: t.string({ required }),
    nameZhHant: t.string({ required }),
    namePt: t.string({ required: false }),
    descriptionEn: t.string({ required }),
    descriptionZhHans: t.string({ required }),
    descriptionZhHant: t.string({ required }),
    descriptionPt: t.string({ required: false }),
    venue: t.string({ required: false }),
    onlineUrl: t.string({ required: false, description: 'An https:// link.' }),
    startsAt: t.field({ type: 'DateTime', required }),
    endsAt: t.field({ type: 'DateTime', required }),
    timeZone: t.string({ required, description: 'IANA time zone of the venue.' }),
    registrationOpensAt: t.field({ type: 'DateTime', required }),
    registrationClosesAt: t.field({ type: 'DateTime', required }),
    visibility: t.field({ type: ForumVisibilityEnum, required }),
    capacity: t.int({ required }),
    agencyQuota: t.int({
      required: false,
      description: 'Seats each agency delegation may hold at most; leave out for no quota.',
    }),
    agencyQuotas: t.field({
      type: [AgencyQuotaInput],
      required: false,
      description: 'Agencies with a quota of their own (replaces the list when changing).',
    }),
    waitingList: t.boolean({ required: false, description: 'Default true.' }),
    requiresApproval: t.boolean({ required: false, description: 'Default false.' }),
    requiresAgencyApproval: t.boolean({
      required: false,
      description: "Members' home agencies approve first. Default false.",
    }),
  };
}

const ForumEventInput = builder
  .inputType('ForumEventInput', {
    fields: (t) => eventFields(t, true),
  })
  .validate(createEventInput);

const ForumEventChanges = builder
  .inputType('ForumEventChanges', {
    description: 'Fields left out stay as they are.',
    fields: (t) => eventFields(t, false),
  })
  .validate(updateEventInput);

type QuotaArg = { agencyId: { id: string }; seats: number };
const decodeQuotas = (quotas: readonly QuotaArg[] | null | undefined) =>
  quotas?.map((q) => ({ agencyId: q.agencyId.id, seats: q.seats }));

builder.mutationField('createForumEvent', (t) =>
  t.field({
    type: ForumEventRef,
    description: 'Drafts an event organized by your agency. Publish it to open it.',
    authScopes: { role: 'ORGANIZER' },
    errors: { types: common, dataField: { name: 'event' } },
    args: { input: t.arg({ type: ForumEventInput }) },
    resolve: (_parent, { input }, context) =>
      createForumEvent(signedInViewer(context), input, decodeQuotas(input.agencyQuotas) ?? []),
  }),
);

builder.mutationField('updateForumEvent', (t) =>
  t.field({
    type: ForumEventRef,
    description:
      'Changes an event your agency organizes. Registrants hear of changed times or place; more seats let people in line in.',
    authScopes: { role: 'ORGANIZER' },
    errors: { types: common, dataField: { name: 'event' } },
    args: {
      id: t.arg.globalID({ for: ForumEventRef }),
      input: t.arg({ type: ForumEventChanges }),
    },
    resolve: (_parent, { id, input }, context) =>
      updateForumEvent(signedInViewer(context), id.id, input, decodeQuotas(input.agencyQuotas)),
  }),
);

for (const [name, description, change] of [
  [
    'publishForumEvent',
    'DRAFT → OPEN: the event becomes visible to its audience.',
    publishForumEvent,
  ],
  ['closeForumEvent', 'OPEN → CLOSED: no new registrations.', closeForumEvent],
] as const) {
  builder.mutationField(name, (t) =>
    t.field({
      type: ForumEventRef,
      description,
      authScopes: { role: 'ORGANIZER' },
      errors: { types: common, dataField: { name: 'event' } },
      args: { id: t.arg.globalID({ for: ForumEventRef }) },
      resolve: (_parent, { id }, context) => change(signedInViewer(context), id.id),
    }),
  );
}

builder.mutationField('cancelForumEvent', (t) =>
  t.field({
    type: ForumEventRef,
    description: 'Cancels the event; every registrant is told, with the reason.',
    authScopes: { role: 'ORGANIZER' },
    errors: { types: common, dataField: { name: 'event' } },
    args: {
      id: t.arg.globalID({ for: ForumEventRef }),
      reason: t.arg.string({ validate: reason }),
    },
    resolve: (_parent, { id, reason }, context) =>
      cancelForumEvent(signedInViewer(context), id.id, reason),
  }),
);

const ForumSessionInput = builder
  .inputType('ForumSessionInput', {
    fields: (t) => ({
      titleEn: t.string(),
      titleZhHans: t.string(),
      titleZhHant: t.string(),
      titlePt: t.string({ required: false }),
      startsAt: t.field({ type: 'DateTime' }),
      endsAt: t.field({ type: 'DateTime' }),
      room: t.string({ required: false }),
      capacity: t.int({ required: false, description: 'Leave out: as many as the event.' }),
    }),
  })
  .validate(sessionInput);

builder.mutationField('addSession', (t) =>
  t.field({
    type: ForumSessionRef,
    description: 'Adds a session (track) within the event’s times.',
    authScopes: { role: 'ORGANIZER' },
    errors: { types: common, dataField: { name: 'session' } },
    args: {
      eventId: t.arg.globalID({ for: ForumEventRef }),
      input: t.arg({ type: ForumSessionInput }),
    },
    resolve: (_parent, { eventId, input }, context) =>
      addSession(signedInViewer(context), eventId.id, input),
  }),
);

const GuestInput = builder.inputType('GuestInput', {
  description: 'A person without an account.',
  fields: (t) => ({
    name: t.string(),
    email: t.field({ type: 'EmailAddress' }),
    organisation: t.string(),
    country: t.field({ type: 'CountryCode' }),
  }),
});

const RegistrationInput = builder
  .inputType('RegistrationInput', {
    fields: (t) => ({
      eventId: t.globalID({ for: ForumEventRef }),
      type: t.field({ type: RegistrationTypeEnum }),
      sessionIds: t.globalIDList({ for: ForumSessionRef, required: false }),
      listConsent: t.boolean({
        required: false,
        description: 'Appear in the published list of participants. Default false.',
      }),
      locale: t.field({ type: LocaleEnum, required: false, description: 'Language of messages.' }),
      guest: t.field({
        type: GuestInput,
        required: false,
        description: 'Required without signing in (PUBLIC events); refused when signed in.',
      }),
      idempotencyKey: t.string({
        description: 'A fresh key (a UUID) per request: a retry with it returns the first answer.',
      }),
    }),
  })
  .validate(registerInput);

const ids = (list: readonly { id: string }[] | null | undefined) => list?.map((x) => x.id) ?? [];

builder.mutationField('registerForEvent', (t) =>
  t.field({
    type: ForumRegistrationRef,
    description:
      'Registers you (signed in) or a guest (PUBLIC events). Beyond capacity or quota the request waits in line; with approval it waits for a decision.',
    errors: {
      types: [...registrationErrors, RateLimitedError],
      dataField: { name: 'registration' },
    },
    args: { input: t.arg({ type: RegistrationInput }) },
    resolve: async (_parent, { input }, context) => {
      await throttleGuest(context);
      const registration = await registerForEvent(
        context.viewer,
        {
          eventId: input.eventId.id,
          type: input.type,
          sessionIds: ids(input.sessionIds),
          listConsent: input.listConsent ?? false,
          locale: input.locale ?? null,
          guest: input.guest ?? null,
          idempotencyKey: input.idempotencyKey,
        },
        context.locale,
      );
      // The guest who registered sees their own contact details and code in the answer.
      if (!context.viewer) unlockByCode(context, registration.id);
      return registration;
    },
  }),
);

const NominationInput = builder
  .inputType('NominationInput', {
    fields: (t) => ({
      eventId: t.globalID({ for: ForumEventRef }),
      userIds: t.globalIDList({ for: UserRef }),
      type: t.field({ type: RegistrationTypeEnum }),
      sessionIds: t.globalIDList({ for: ForumSessionRef, required: false }),
      idempotencyKey: t.string(),
    }),
  })
  .validate(nominateInput);

builder.mutationField('nominateDelegates', (t) =>
  t.field({
    type: [ForumRegistrationRef],
    description:
      "Registers colleagues of your agency as one delegation (agency admins): seated together or waiting together as one entry. The nomination is your agency's approval.",
    authScopes: { role: 'AGENCY_ADMIN' },
    errors: { types: registrationErrors, dataField: { name: 'registrations' } },
    args: { input: t.arg({ type: NominationInput }) },
    resolve: (_parent, { input }, context) =>
      nominateDelegates(signedInViewer(context), {
        eventId: input.eventId.id,
        userIds: ids(input.userIds),
        type: input.type,
        sessionIds: ids(input.sessionIds),
        idempotencyKey: input.idempotencyKey,
      }),
  }),
);

const InviteeInput = builder.inputType('InviteeInput', {
  description: 'A member (userId) or a guest, not both.',
  fields: (t) => ({
    userId: t.globalID({ for: UserRef, required: false }),
    guest: t.field({ type: GuestInput, required: false }),
  }),
});

const EventInvitationInput = builder
  .inputType('EventInvitationInput', {
    fields: (t) => ({
      eventId: t.globalID({ for: ForumEventRef }),
      invitees: t.field({ type: [InviteeInput] }),
      type: t.field({ type: RegistrationTypeEnum }),
      sessionIds: t.globalIDList({ for: ForumSessionRef, required: false }),
      message: t.string({ required: false }),
    }),
  })
  .validate(inviteInput);

builder.mutationField('inviteToEvent', (t) =>
  t.field({
    type: [ForumRegistrationRef],
    description:
      'Invites named people (organizers): registered without approval and outside delegation quotas; capacity still holds.',
    authScopes: { role: 'ORGANIZER' },
    errors: { types: registrationErrors, dataField: { name: 'registrations' } },
    args: { input: t.arg({ type: EventInvitationInput }) },
    resolve: (_parent, { input }, context) =>
      inviteToEvent(signedInViewer(context), {
        eventId: input.eventId.id,
        invitees: input.invitees.map((invitee) => ({
          userId: invitee.userId?.id ?? null,
          guest: invitee.guest ?? null,
        })),
        type: input.type,
        sessionIds: ids(input.sessionIds),
        message: input.message ?? null,
      }),
  }),
);

builder.mutationField('cancelRegistration', (t) =>
  t.field({
    type: ForumRegistrationRef,
    description:
      "Cancels a registration: yours, a guest's with its check-in code, your agency's (agency admins), or any of your event's (organizers). The seat goes to the next in line.",
    errors: { types: [...common, RateLimitedError], dataField: { name: 'registration' } },
    args: {
      id: t.arg.globalID({ for: ForumRegistrationRef }),
      code: t.arg.string({ required: false, description: 'Guests: the check-in code.' }),
    },
    resolve: async (_parent, { id, code }, context) => {
      await throttleGuest(context);
      const normalised = code?.trim().toUpperCase() || null;
      const registration = await cancelRegistration(context.viewer, id.id, normalised);
      if (normalised) unlockByCode(context, registration.id);
      return registration;
    },
  }),
);

builder.mutationField('confirmGuestEmail', (t) =>
  t.field({
    type: ForumRegistrationRef,
    description: `Confirms a guest's e-mail address with the code sent to it, which keeps the place (a seat, a place in line, a request awaiting approval); the messages about it follow. Unconfirmed, the place lapses after GUEST_CONFIRM_MINUTES (30 unless configured).`,
    errors: { types: [ValidationError, RateLimitedError], dataField: { name: 'registration' } },
    args: { code: t.arg.string({ validate: z.string().trim().min(1).max(40) }) },
    resolve: async (_parent, { code }, context) => {
      await throttleGuest(context);
      const registration = await confirmGuestEmail(code);
      unlockByCode(context, registration.id);
      return registration;
    },
  }),
);

const DecisionEnum = builder.enumType('RegistrationDecision', {
  values: ['APPROVE', 'DECLINE'] as const,
});

builder.mutationField('decideRegistration', (t) =>
  t.field({
    type: ForumRegistrationRef,
    description:
      "Approves or declines a registration awaiting approval, with the rest of its group: the home agency's admins first (when the event asks), then the organizers.",
    authScopes: { signedIn: true },
    errors: { types: common, dataField: { name: 'registration' } },
    args: {
      id: t.arg.globalID({ for: ForumRegistrationRef }),
      decision: t.arg({ type: DecisionEnum }),
      reason: t.arg.string({ required: false, validate: declineReason }),
    },
    resolve: (_parent, { id, decision, reason }, context) =>
      decideRegistration(signedInViewer(context), id.id, decision === 'APPROVE', reason ?? null),
  }),
);

interface SessionCheckInShape {
  sessionId: string;
  alreadyCheckedIn: boolean;
  checkedInAt: Date;
}

const SessionCheckInRef = builder.objectRef<SessionCheckInShape>('SessionCheckIn').implement({
  fields: (t) => ({
    session: t.prismaField({
      type: 'ForumSession',
      resolve: (query, entry, _args, context) =>
        prisma.forumSession.findFirstOrThrow({
          ...query,
          where: { id: entry.sessionId, event: eventVisibilityFor(context) },
        }),
    }),
    alreadyCheckedIn: t.exposeBoolean('alreadyCheckedIn'),
    checkedInAt: t.expose('checkedInAt', { type: 'DateTime' }),
  }),
});

const CheckInRef = builder.objectRef<Awaited<ReturnType<typeof checkIn>>>('CheckIn').implement({
  description: 'Who came in, and whether they had come in before (then nothing changed).',
  fields: (t) => ({
    registration: t.field({ type: ForumRegistrationRef, resolve: (c) => c.registration }),
    alreadyCheckedIn: t.exposeBoolean('alreadyCheckedIn'),
    checkedInAt: t.expose('checkedInAt', { type: 'DateTime' }),
    sessions: t.field({ type: [SessionCheckInRef], resolve: (c) => c.sessions }),
  }),
});

builder.mutationField('checkIn', (t) =>
  t.field({
    type: CheckInRef,
    description:
      'Checks a registrant in by their code (organizers), at the event and at the sessions listed. Scanning again is harmless: it says when they came in.',
    authScopes: { role: 'ORGANIZER' },
    errors: { types: [...common, CheckInRefusedError], dataField: { name: 'checkIn' } },
    args: {
      code: t.arg.string(),
      sessionIds: t.arg.globalIDList({ for: ForumSessionRef, required: false }),
    },
    resolve: (_parent, { code, sessionIds }, context) =>
      checkIn(signedInViewer(context), code, ids(sessionIds)),
  }),
);

builder.mutationField('eraseRegistrantData', (t) =>
  t.field({
    type: ForumRegistrationRef,
    description:
      "Erases a registrant's personal data after the event (organizers); the record stays, anonymised.",
    authScopes: { role: 'ORGANIZER' },
    errors: { types: common, dataField: { name: 'registration' } },
    args: { id: t.arg.globalID({ for: ForumRegistrationRef }) },
    resolve: (_parent, { id }, context) => eraseRegistrantData(signedInViewer(context), id.id),
  }),
);
