import { z } from 'zod';
import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { AccessRequestStatus, SightingType } from '../../generated/prisma/enums.js';
import { visibleUser } from '../users/user.access.js';
import { decideAccessRequest, requestAccess } from './access-request.service.js';
import {
  accessRequestVisibilityWhere,
  intelReportVisibilityWhere,
  matchVisibilityWhere,
} from './intel.access.js';
import { IntelReportRef, ObservableTypeEnum } from './intel.schema.js';
import { reportSighting } from './sighting.service.js';

// Sharing beyond the report: sightings, hit/no-hit matches and access requests.

export const SightingTypeEnum = builder.enumType(SightingType, { name: 'SightingType' });
const AccessRequestStatusEnum = builder.enumType(AccessRequestStatus, {
  name: 'AccessRequestStatus',
});

builder.prismaObject('IntelSighting', {
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.expose('type', { type: SightingTypeEnum }),
    seenAt: t.expose('seenAt', { type: 'DateTime' }),
    country: t.expose('country', { type: 'Iso3166Code', nullable: true }),
    quantity: t.exposeInt('quantity', { nullable: true }),
    note: t.exposeString('note', { nullable: true }),
    agency: t.relation('agency'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const SightingInput = builder
  .inputType('SightingInput', {
    fields: (t) => ({
      type: t.field({ type: SightingTypeEnum }),
      seenAt: t.field({ type: 'DateTime' }),
      country: t.field({ type: 'Iso3166Code', required: false }),
      quantity: t.int({ required: false }),
      note: t.string({ required: false }),
    }),
  })
  .validate(
    z.object({
      type: z.enum(SightingType),
      seenAt: z.date().refine((d) => d.getTime() <= Date.now() + 3_600_000, {
        error: 'cannot be in the future',
      }),
      country: z.string().nullish(),
      quantity: z.number().int().min(0, { error: 'cannot be negative' }).nullish(),
      note: z.string().trim().max(2000).nullish(),
    }),
  );

builder.mutationField('reportSighting', (t) =>
  t.field({
    type: IntelReportRef,
    description: 'Records that your agency saw this too (or that it was a false positive).',
    authScopes: { role: 'ANALYST' },
    errors: { types: [NotFoundError, ConflictError], dataField: { name: 'report' } },
    args: {
      reportId: t.arg.globalID({ for: IntelReportRef }),
      input: t.arg({ type: SightingInput }),
    },
    resolve: async (_parent, { reportId, input }, context) => {
      await reportSighting(signedInViewer(context), reportId.id, input);
      return prisma.intelReport.findUniqueOrThrow({ where: { id: reportId.id } });
    },
  }),
);

// ─── Hit/no-hit ────────────────────────────────────────────────────────────────────────────

export const IntelMatchRef = builder.prismaNode('IntelMatch', {
  id: { field: 'id' },
  nullable: true,
  description:
    'Another agency holds a report that shares an observable of this type with one of yours, and you may not read it. Nothing else about it is revealed.',
  authScopes: { signedIn: true },
  // A match is seen by its own agency only.
  findUnique: (id, context) => ({ id, AND: [matchVisibilityWhere(context.viewer)] }),
  fields: (t) => ({
    report: t.prismaField({
      type: 'IntelReport',
      nullable: true,
      description: 'Your report that matched (null if you personally may not read it).',
      resolve: (query, match, _args, context) =>
        prisma.intelReport.findFirst({
          ...query,
          where: { id: match.reportId, AND: [intelReportVisibilityWhere(context.viewer)] },
        }),
    }),
    counterpartAgency: t.relation('counterpartAgency'),
    observableType: t.expose('observableType', { type: ObservableTypeEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    accessRequest: t.prismaField({
      type: 'IntelAccessRequest',
      nullable: true,
      description: 'Your latest request for access through this match.',
      resolve: (query, match) =>
        prisma.intelAccessRequest.findFirst({
          ...query,
          where: { matchId: match.id },
          orderBy: { createdAt: 'desc' },
        }),
    }),
  }),
});

builder.queryField('intelMatches', (t) =>
  t.prismaConnection({
    type: 'IntelMatch',
    cursor: 'id',
    description: "Your agency's hit/no-hit matches, newest first.",
    authScopes: { signedIn: true },
    totalCount: (_parent, _args, context) =>
      prisma.intelMatch.count({ where: matchVisibilityWhere(context.viewer) }),
    resolve: (query, _parent, _args, context) =>
      prisma.intelMatch.findMany({
        ...query,
        where: matchVisibilityWhere(context.viewer),
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      }),
  }),
);

// ─── Access requests ───────────────────────────────────────────────────────────────────────

export const IntelAccessRequestRef = builder.prismaNode('IntelAccessRequest', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { signedIn: true },
  findUnique: (id, context) => ({ id, AND: [accessRequestVisibilityWhere(context.viewer)] }),
  fields: (t) => ({
    status: t.expose('status', { type: AccessRequestStatusEnum }),
    justification: t.exposeString('justification'),
    requesterAgency: t.relation('requesterAgency'),
    requester: t.prismaField({
      type: 'User',
      nullable: true,
      resolve: (query, request, _args, context) => visibleUser(context, request.requesterId, query),
    }),
    requesterName: t.string({
      description: 'Shown to the author agency, which must know who asks.',
      select: { requester: { select: { displayName: true } } },
      resolve: (request) => request.requester.displayName,
    }),
    report: t.prismaField({
      type: 'IntelReport',
      nullable: true,
      description: 'The report asked for: null until you may read it.',
      resolve: (query, request, _args, context) =>
        prisma.intelReport.findFirst({
          ...query,
          where: { id: request.reportId, AND: [intelReportVisibilityWhere(context.viewer)] },
        }),
    }),
    decisionReason: t.exposeString('decisionReason', { nullable: true }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const AccessRequestDirection = builder.enumType('AccessRequestDirection', {
  values: {
    INCOMING: { description: "Requests for your agency's reports." },
    OUTGOING: { description: 'Requests your agency made.' },
  },
});

builder.queryField('intelAccessRequests', (t) =>
  t.prismaConnection({
    type: 'IntelAccessRequest',
    cursor: 'id',
    authScopes: { signedIn: true },
    args: {
      direction: t.arg({ type: AccessRequestDirection }),
      status: t.arg({ type: AccessRequestStatusEnum, required: false }),
    },
    totalCount: (_parent, args, context) =>
      prisma.intelAccessRequest.count({ where: requestWhere(context, args) }),
    resolve: (query, _parent, args, context) =>
      prisma.intelAccessRequest.findMany({
        ...query,
        where: requestWhere(context, args),
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      }),
  }),
);

/** One direction of the requests the viewer may see (accessRequestVisibilityWhere). */
function requestWhere(
  context: Parameters<typeof signedInViewer>[0],
  args: { direction: 'INCOMING' | 'OUTGOING'; status?: AccessRequestStatus | null },
): Prisma.IntelAccessRequestWhereInput {
  const agencyId = signedInViewer(context).agencyId;
  return {
    AND: [
      accessRequestVisibilityWhere(context.viewer),
      args.direction === 'INCOMING'
        ? { report: { authorAgencyId: agencyId } }
        : { requesterAgencyId: agencyId },
      args.status ? { status: args.status } : {},
    ],
  };
}

builder.mutationField('requestAccess', (t) =>
  t.field({
    type: IntelAccessRequestRef,
    description: 'Asks the other side of a match for access to its report, saying why.',
    authScopes: { role: 'ANALYST' },
    errors: { types: [NotFoundError, ConflictError], dataField: { name: 'request' } },
    args: {
      matchId: t.arg.globalID({ for: IntelMatchRef }),
      justification: t.arg.string({
        validate: z
          .string()
          .trim()
          .min(20, { error: 'explain the need in at least 20 characters' })
          .max(2000),
      }),
    },
    resolve: (_parent, { matchId, justification }, context) =>
      requestAccess(signedInViewer(context), matchId.id, justification),
  }),
);

const AccessDecisionEnum = builder.enumType('AccessDecision', {
  values: ['APPROVE', 'DECLINE'] as const,
});

builder.mutationField('decideAccessRequest', (t) =>
  t.field({
    type: IntelAccessRequestRef,
    description:
      'Approves (widening the audience to the requester) or declines (with a reason) a request for one of your reports.',
    authScopes: { role: 'ANALYST' },
    errors: {
      types: [NotFoundError, ConflictError, ForbiddenError],
      dataField: { name: 'request' },
    },
    args: {
      requestId: t.arg.globalID({ for: IntelAccessRequestRef }),
      decision: t.arg({ type: AccessDecisionEnum }),
      reason: t.arg.string({
        required: false,
        description: 'Required when declining.',
        validate: z.string().trim().max(2000).optional(),
      }),
    },
    resolve: (_parent, { requestId, decision, reason }, context) =>
      decideAccessRequest(signedInViewer(context), requestId.id, decision, reason ?? null),
  }),
);
