import { builder } from '../../builder.js';
import { type Context, signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import type { Prisma, RegistrationStatus } from '../../generated/prisma/client.js';
import { hasRole } from '../auth/roles.js';
import {
  eventVisibilityFor,
  registrationVisibilityFor,
  registrationVisibilityWhere,
  unlockByCode,
} from './forum.access.js';
import {
  ForumEventKindEnum,
  ForumEventStatusEnum,
  RegistrationStatusEnum,
} from './forum.schema.js';
import { throttleGuest } from './guest-throttle.js';

// Reading forum events and registrations. Lists and counts go through the same rules as
// node(id:): forumEventVisibilityWhere and registrationVisibilityWhere.

const ForumEventFilter = builder.inputType('ForumEventFilter', {
  fields: (t) => ({
    kind: t.field({ type: [ForumEventKindEnum], required: false }),
    status: t.field({ type: [ForumEventStatusEnum], required: false }),
    startsAfter: t.field({ type: 'DateTime', required: false }),
    startsBefore: t.field({ type: 'DateTime', required: false }),
    organizedByMyAgency: t.boolean({ required: false }),
    search: t.string({ required: false, description: 'Words in the name, in any language.' }),
  }),
});

type Filter = typeof ForumEventFilter.$inferInput;

function filterWhere(
  filter: Filter | null | undefined,
  agencyId: string | undefined,
): Prisma.ForumEventWhereInput[] {
  if (!filter) return [];
  const and: Prisma.ForumEventWhereInput[] = [];
  if (filter.kind?.length) and.push({ kind: { in: filter.kind } });
  if (filter.status?.length) and.push({ status: { in: filter.status } });
  if (filter.startsAfter) and.push({ startsAt: { gte: filter.startsAfter } });
  if (filter.startsBefore) and.push({ startsAt: { lt: filter.startsBefore } });
  if (filter.organizedByMyAgency) and.push({ organizerAgencyId: agencyId ?? '' });
  const words = filter.search?.trim().split(/\s+/).filter(Boolean) ?? [];
  for (const word of words.slice(0, 10)) {
    and.push({
      OR: (['nameEn', 'nameZhHans', 'nameZhHant', 'namePt'] as const).map((field) => ({
        [field]: { contains: word, mode: 'insensitive' as const },
      })),
    });
  }
  return and;
}

builder.queryField('forumEvents', (t) =>
  t.prismaConnection({
    type: 'ForumEvent',
    cursor: 'id',
    description:
      'Forum events you may see, soonest first. Without signing in: published PUBLIC events.',
    args: { filter: t.arg({ type: ForumEventFilter, required: false }) },
    totalCount: (_parent, args, context) =>
      prisma.forumEvent.count({
        where: {
          AND: [eventVisibilityFor(context), ...filterWhere(args.filter, context.viewer?.agencyId)],
        },
      }),
    resolve: (query, _parent, args, context) =>
      prisma.forumEvent.findMany({
        ...query,
        where: {
          AND: [eventVisibilityFor(context), ...filterWhere(args.filter, context.viewer?.agencyId)],
        },
        orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      }),
  }),
);

function myRegistrationsWhere(
  context: Context,
  status: readonly RegistrationStatus[] | null | undefined,
): Prisma.ForumRegistrationWhereInput {
  return {
    AND: [
      registrationVisibilityFor(context),
      { userId: signedInViewer(context).userId },
      status?.length ? { status: { in: [...status] } } : {},
    ],
  };
}

builder.queryField('myRegistrations', (t) =>
  t.prismaConnection({
    type: 'ForumRegistration',
    cursor: 'id',
    description: 'Your own registrations, latest first.',
    authScopes: { signedIn: true },
    args: { status: t.arg({ type: [RegistrationStatusEnum], required: false }) },
    totalCount: (_parent, args, context) =>
      prisma.forumRegistration.count({ where: myRegistrationsWhere(context, args.status) }),
    resolve: (query, _parent, args, context) =>
      prisma.forumRegistration.findMany({
        ...query,
        where: myRegistrationsWhere(context, args.status),
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      }),
  }),
);

/** Requests awaiting a decision the viewer may take. */
function awaitingWhere(
  viewer: ReturnType<typeof signedInViewer>,
): Prisma.ForumRegistrationWhereInput {
  const rules: Prisma.ForumRegistrationWhereInput[] = [];
  if (hasRole(viewer, 'AGENCY_ADMIN')) {
    rules.push({ approvalStage: 'AGENCY', agencyId: viewer.agencyId });
  }
  if (hasRole(viewer, 'ORGANIZER')) {
    rules.push({ approvalStage: 'ORGANIZER', event: { organizerAgencyId: viewer.agencyId } });
  }
  return {
    status: 'PENDING_APPROVAL',
    AND: [registrationVisibilityWhere(viewer), { OR: rules.length ? rules : [{ id: { in: [] } }] }],
  };
}

builder.queryField('registrationsAwaitingMyDecision', (t) =>
  t.prismaConnection({
    type: 'ForumRegistration',
    cursor: 'id',
    description:
      "Registrations awaiting your approval: your agency's members (agency admins) and your agency's events (organizers). Oldest first.",
    authScopes: { signedIn: true },
    totalCount: (_parent, _args, context) =>
      prisma.forumRegistration.count({ where: awaitingWhere(signedInViewer(context)) }),
    resolve: (query, _parent, _args, context) =>
      prisma.forumRegistration.findMany({
        ...query,
        where: awaitingWhere(signedInViewer(context)),
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
  }),
);

builder.queryField('forumRegistrationByCode', (t) =>
  t.prismaField({
    type: 'ForumRegistration',
    nullable: true,
    description:
      'A registration by its check-in code (sent to the registrant): how guests see and cancel theirs. Null for an unknown code.',
    args: { code: t.arg.string() },
    resolve: async (query, _parent, args, context) => {
      await throttleGuest(context);
      const code = args.code.trim().toUpperCase();
      if (!/^[A-Z2-7]{16,40}$/.test(code)) return null;
      const registration = await prisma.forumRegistration.findUnique({
        ...query,
        where: { checkInCode: code },
      });
      if (registration) unlockByCode(context, registration.id);
      return registration;
    },
  }),
);
