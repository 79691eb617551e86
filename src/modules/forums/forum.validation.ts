import { z } from 'zod';
import type { FieldIssue } from '../../errors.js';
import { ForumEventKind, ForumVisibility, RegistrationType } from '../../generated/prisma/enums.js';
import { globalIdArg, optionalText, text, timeZone } from '../common/codes.js';
import { LOCALES } from '../i18n/locale.js';

// Input rules of forum events and registration, checked as whole inputs so that every problem
// is reported at once. Rules that need the database (status, capacity, who) live in the services.

const seats = (label: string) =>
  z
    .number()
    .int()
    .min(1, { error: `${label} must be at least 1` })
    .max(100_000, { error: `${label} must be at most 100000` });

const onlineUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => /^https:\/\/[^\s/]+\.[^\s]+$/.test(value), {
    error: 'must be an https:// address',
  })
  .nullish()
  .transform((value) => value ?? null);

const eventFields = {
  kind: z.enum(ForumEventKind),
  nameEn: text('English name', 300),
  nameZhHans: text('Simplified Chinese name', 300),
  nameZhHant: text('Traditional Chinese name', 300),
  namePt: optionalText(300),
  descriptionEn: text('English description', 20_000),
  descriptionZhHans: text('Simplified Chinese description', 20_000),
  descriptionZhHant: text('Traditional Chinese description', 20_000),
  descriptionPt: optionalText(20_000),
  venue: optionalText(500),
  onlineUrl,
  startsAt: z.date(),
  endsAt: z.date(),
  timeZone,
  registrationOpensAt: z.date(),
  registrationClosesAt: z.date(),
  visibility: z.enum(ForumVisibility),
  capacity: seats('capacity'),
  agencyQuota: seats('a quota').nullish(),
  waitingList: z.boolean(),
  requiresApproval: z.boolean(),
  requiresAgencyApproval: z.boolean(),
};

type EventTimes = {
  startsAt?: Date | null;
  endsAt?: Date | null;
  registrationOpensAt?: Date | null;
  registrationClosesAt?: Date | null;
  venue?: string | null;
  onlineUrl?: string | null;
};

/** Problems with an event's times and place; the service runs it again on merged changes. */
export function eventIssues(value: EventTimes, placeRequired: boolean): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const issue = (field: string, message: string) => issues.push({ path: [field], message });
  const { startsAt, endsAt, registrationOpensAt: opens, registrationClosesAt: closes } = value;
  if (startsAt && endsAt && endsAt <= startsAt) issue('endsAt', 'must be after startsAt');
  if (opens && closes && closes <= opens) {
    issue('registrationClosesAt', 'must be after registrationOpensAt');
  }
  if (closes && endsAt && closes > endsAt) {
    issue('registrationClosesAt', 'must not be after the end of the event');
  }
  if (placeRequired && !value.venue && !value.onlineUrl) {
    issue('venue', 'give a venue, an online link or both');
  }
  return issues;
}

const refineEvent = (placeRequired: boolean) => (value: EventTimes, ctx: z.RefinementCtx) => {
  for (const issue of eventIssues(value, placeRequired)) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
};

const quotaOverride = z.object({
  agencyId: globalIdArg,
  seats: z.number().int().min(0, { error: 'must be 0 or more' }).max(100_000),
});

export const createEventInput = z
  .object({
    ...eventFields,
    waitingList: z
      .boolean()
      .nullish()
      .transform((v) => v ?? true),
    requiresApproval: z
      .boolean()
      .nullish()
      .transform((v) => v ?? false),
    requiresAgencyApproval: z
      .boolean()
      .nullish()
      .transform((v) => v ?? false),
    agencyQuotas: z.array(quotaOverride).max(500).nullish(),
  })
  .superRefine(refineEvent(true));

// partial(): a field left out stays undefined (it is not run through its transform to null).
export const updateEventInput = z
  .object({ ...eventFields, agencyQuotas: z.array(quotaOverride).max(500) })
  .partial()
  .superRefine(refineEvent(false));

export const sessionInput = z
  .object({
    titleEn: text('English title', 300),
    titleZhHans: text('Simplified Chinese title', 300),
    titleZhHant: text('Traditional Chinese title', 300),
    titlePt: optionalText(300),
    startsAt: z.date(),
    endsAt: z.date(),
    room: optionalText(200),
    capacity: seats('capacity').nullish(),
  })
  .superRefine((session, ctx) => {
    if (session.endsAt <= session.startsAt) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
  });

export const guestInput = z.object({
  name: text('name', 200),
  email: z.string(),
  organisation: text('organisation', 300),
  country: z.string(),
});

/** Types people choose themselves; SPEAKER is given by the organizers (invitations). */
const SELF_TYPES = ['DELEGATE', 'OBSERVER', 'PRESS'] as const;

const idempotencyKey = z
  .string()
  .trim()
  .min(8, { error: 'must be at least 8 characters (a UUID is best)' })
  .max(200);

const sessionIds = z.array(globalIdArg).max(100).nullish();

export const registerInput = z.object({
  eventId: globalIdArg,
  type: z.enum(SELF_TYPES, { error: 'choose DELEGATE, OBSERVER or PRESS (speakers are invited)' }),
  sessionIds,
  listConsent: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  locale: z.enum(LOCALES).nullish(),
  guest: guestInput.nullish(),
  idempotencyKey,
});

export const nominateInput = z.object({
  eventId: globalIdArg,
  userIds: z
    .array(globalIdArg)
    .min(1, { error: 'name at least one colleague' })
    .max(100, { error: 'nominate at most 100 people at once' }),
  type: z.enum(RegistrationType),
  sessionIds,
  idempotencyKey,
});

export const inviteeInput = z
  .object({
    userId: globalIdArg.nullish(),
    guest: guestInput.nullish(),
  })
  .refine((invitee) => Boolean(invitee.userId) !== Boolean(invitee.guest), {
    error: 'name either a member (userId) or a guest',
  });

export const inviteInput = z.object({
  eventId: globalIdArg,
  invitees: z
    .array(inviteeInput)
    .min(1, { error: 'name at least one person' })
    .max(200, { error: 'invite at most 200 people at once' }),
  type: z.enum(RegistrationType),
  sessionIds,
  message: optionalText(2000),
});

export const declineReason = optionalText(2000);
