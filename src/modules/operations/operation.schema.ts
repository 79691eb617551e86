import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../builder.js';
import { type Context, signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import {
  DetectionPoint,
  OperationLogKind,
  OperationPhase,
  ParticipantRole,
  ParticipationStatus,
  QuantityUnit,
  ResultKind,
  TaskStatus,
} from '../../generated/prisma/enums.js';
import { RegionEnum } from '../agencies/agency.schema.js';
import { LocaleEnum } from '../i18n/locale.schema.js';
import { intelReportVisibilityWhere } from '../intel/intel.access.js';
import { Money, ProductCategoryEnum, TlpEnum } from '../intel/intel.schema.js';
import { visibleUser } from '../users/user.access.js';
import { buildAfterActionReport } from './after-action.js';
import {
  type Membership,
  mayLead,
  operationPartWhere,
  operationVisibilityWhere,
  participantVisibilityWhere,
} from './operation.access.js';
import { allowedTransitions } from './phases.js';
import { type AgencyResultTotals, type ResultTotals, resultTotals } from './result-totals.js';

// GraphQL types of joint operations. `Operation` is the summary every invited agency sees;
// `Operation.workspace` (the OperationWorkspace variant of the same row) holds the working data
// and is null until the viewer's agency has accepted.

export const OperationPhaseEnum = builder.enumType(OperationPhase, { name: 'OperationPhase' });
export const ParticipantRoleEnum = builder.enumType(ParticipantRole, { name: 'ParticipantRole' });
export const ParticipationStatusEnum = builder.enumType(ParticipationStatus, {
  name: 'ParticipationStatus',
});
export const TaskStatusEnum = builder.enumType(TaskStatus, { name: 'TaskStatus' });
export const ResultKindEnum = builder.enumType(ResultKind, { name: 'ResultKind' });
export const DetectionPointEnum = builder.enumType(DetectionPoint, { name: 'DetectionPoint' });
export const QuantityUnitEnum = builder.enumType(QuantityUnit, { name: 'QuantityUnit' });
const OperationLogKindEnum = builder.enumType(OperationLogKind, { name: 'OperationLogKind' });

/** The viewer's agency's place in an operation, loaded once per operation and request. */
function membershipOf(context: Context, operationId: string): Promise<Membership | null> {
  const viewer = context.viewer;
  if (!viewer) return Promise.resolve(null);
  const memberships = context.memory.memberships;
  let found = memberships.get(operationId);
  if (!found) {
    found = prisma.operationParticipant.findUnique({
      where: { operationId_agencyId: { operationId, agencyId: viewer.agencyId } },
      select: { role: true, status: true },
    });
    memberships.set(operationId, found);
  }
  return found;
}

export const OperationRef = builder.prismaNode('Operation', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { signedIn: true },
  findUnique: (id, context) => ({ id, AND: [operationVisibilityWhere(context.viewer)] }),
  description:
    'A cross-border joint operation. Invited agencies see this summary; `workspace` holds the working data for agencies taking part.',
  fields: (t) => ({
    codeName: t.exposeString('codeName'),
    title: t.exposeString('title'),
    objective: t.exposeString('objective'),
    leadAgency: t.relation('leadAgency'),
    targetCountries: t.expose('targetCountries', { type: ['Iso3166Code'] }),
    targetRegions: t.expose('targetRegions', { type: [RegionEnum] }),
    plannedStart: t.expose('plannedStart', { type: 'DateTime' }),
    plannedEnd: t.expose('plannedEnd', { type: 'DateTime' }),
    timeZone: t.exposeString('timeZone', {
      description: 'IANA time zone the window is planned in, e.g. Asia/Hong_Kong.',
    }),
    tlp: t.expose('tlp', { type: TlpEnum }),
    phase: t.expose('phase', { type: OperationPhaseEnum }),
    cancelReason: t.exposeString('cancelReason', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    myParticipation: t.prismaField({
      type: 'OperationParticipant',
      nullable: true,
      description: "Your agency's place: its role, and its invitation and answer.",
      resolve: (query, operation, _args, context) =>
        prisma.operationParticipant.findUnique({
          ...query,
          where: {
            operationId_agencyId: {
              operationId: operation.id,
              agencyId: signedInViewer(context).agencyId,
            },
          },
        }),
    }),
    nextPhases: t.field({
      type: [OperationPhaseEnum],
      description: 'The phases you may move the operation to now (lead coordinators only).',
      resolve: async (operation, _args, context) => {
        const membership = await membershipOf(context, operation.id);
        return context.viewer && mayLead(context.viewer, membership)
          ? allowedTransitions(operation.phase)
          : [];
      },
    }),
    workspace: t.variant(OperationWorkspaceRef, {
      description: 'Working data; null until your agency has accepted its invitation.',
      isNull: async (operation, _args, context) =>
        (await membershipOf(context, operation.id))?.status !== 'ACCEPTED',
    }),
  }),
});

export const OperationParticipantRef = builder.prismaNode('OperationParticipant', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { signedIn: true },
  findUnique: (id, context) => ({ id, AND: [participantVisibilityWhere(context.viewer)] }),
  description: "An agency's place in an operation: the lead, or an invitation and its answer.",
  fields: (t) => ({
    agency: t.relation('agency'),
    role: t.expose('role', { type: ParticipantRoleEnum }),
    status: t.expose('status', { type: ParticipationStatusEnum }),
    message: t.exposeString('message', {
      nullable: true,
      description: "The lead's message with the invitation.",
    }),
    conditions: t.exposeString('conditions', {
      nullable: true,
      description: 'Conditions the agency attached to its acceptance.',
    }),
    reason: t.exposeString('reason', {
      nullable: true,
      description: 'Why the agency declined, or why the lead withdrew or removed it.',
    }),
    invitedAt: t.expose('invitedAt', { type: 'DateTime' }),
    respondedAt: t.expose('respondedAt', { type: 'DateTime', nullable: true }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.prismaObject('OperationPhaseChange', {
  fields: (t) => ({
    from: t.expose('fromPhase', { type: OperationPhaseEnum, nullable: true }),
    to: t.expose('toPhase', { type: OperationPhaseEnum }),
    note: t.exposeString('note', { nullable: true }),
    changedAt: t.expose('changedAt', { type: 'DateTime' }),
    changedBy: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'Null when you may not see the person (another agency).',
      resolve: (query, change, _args, context) => visibleUser(context, change.changedById, query),
    }),
  }),
});

export const OperationTaskRef = builder.prismaNode('OperationTask', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { signedIn: true },
  findUnique: (id, context) => ({ id, ...operationPartWhere(context.viewer) }),
  fields: (t) => ({
    operation: t.relation('operation'),
    title: t.exposeString('title'),
    description: t.exposeString('description', { nullable: true }),
    assigneeAgency: t.relation('assigneeAgency'),
    assigneeUser: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'The person at the assignee agency, when one is named and you may see them.',
      resolve: (query, task, _args, context) => visibleUser(context, task.assigneeUserId, query),
    }),
    dueAt: t.expose('dueAt', { type: 'DateTime', nullable: true }),
    status: t.expose('status', { type: TaskStatusEnum }),
    outcome: t.exposeString('outcome', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    comments: t.relation('comments', {
      description: 'Oldest first; append-only.',
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    }),
  }),
});

builder.prismaObject('OperationTaskComment', {
  fields: (t) => ({
    id: t.exposeID('id'),
    body: t.exposeString('body'),
    agency: t.relation('agency'),
    author: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'Null when you may not see the person (another agency).',
      resolve: (query, comment, _args, context) => visibleUser(context, comment.authorId, query),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const OperationLogEntryRef = builder.prismaObject('OperationLogEntry', {
  description: 'A message among participants, or an automatic record of a change. Append-only.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.expose('kind', { type: OperationLogKindEnum }),
    event: t.exposeString('event', {
      nullable: true,
      description:
        'For EVENT entries: PHASE_CHANGED, AGENCY_INVITED, TASK_CREATED, RESULT_RECORDED…',
    }),
    body: t.exposeString('body', { nullable: true, description: 'The text of a MESSAGE.' }),
    data: t.expose('data', { type: 'JSON', nullable: true, description: 'Details of an EVENT.' }),
    agency: t.relation('agency'),
    actor: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'Null when you may not see the person (another agency).',
      resolve: (query, entry, _args, context) => visibleUser(context, entry.actorId, query),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const OperationResultRef = builder.prismaNode('OperationResult', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { signedIn: true },
  findUnique: (id, context) => ({ id, ...operationPartWhere(context.viewer) }),
  description: 'A result a participant recorded. A correction supersedes it; both are kept.',
  fields: (t) => ({
    agency: t.relation('agency'),
    kind: t.expose('kind', { type: ResultKindEnum }),
    count: t.exposeInt('count', {
      description: 'Arrests, premises, takedowns or cases; 1 for a seizure.',
    }),
    occurredOn: t.string({
      nullable: true,
      description: 'ISO 8601 date.',
      resolve: (r) => r.occurredOn?.toISOString().slice(0, 10) ?? null,
    }),
    description: t.exposeString('description', { nullable: true }),
    productCategory: t.expose('productCategory', { type: ProductCategoryEnum, nullable: true }),
    hsCode: t.exposeString('hsCode', { nullable: true }),
    quantity: t.string({
      nullable: true,
      description: 'Decimal string.',
      resolve: (r) => r.quantity?.toString() ?? null,
    }),
    unit: t.expose('unit', { type: QuantityUnitEnum, nullable: true }),
    marketValue: t.field({
      type: Money,
      nullable: true,
      description: 'Estimated market value at valuationDate.',
      resolve: (r) =>
        r.marketValue && r.currency
          ? { amount: r.marketValue.toFixed(2), currency: r.currency }
          : null,
    }),
    valuationDate: t.string({
      nullable: true,
      description: 'ISO 8601 date of the valuation.',
      resolve: (r) => r.valuationDate?.toISOString().slice(0, 10) ?? null,
    }),
    detectionPoint: t.expose('detectionPoint', { type: DetectionPointEnum, nullable: true }),
    recordedAt: t.expose('recordedAt', { type: 'DateTime' }),
    recordedBy: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'Null when you may not see the person (another agency).',
      resolve: (query, r, _args, context) => visibleUser(context, r.recordedById, query),
    }),
    corrects: t.relation('corrects', { nullable: true }),
    correctionReason: t.exposeString('correctionReason', { nullable: true }),
    superseded: t.boolean({ resolve: (r) => r.supersededAt !== null }),
  }),
});

const KindTotalRef = builder
  .objectRef<{ kind: ResultKind; count: number }>('ResultKindTotal')
  .implement({
    fields: (t) => ({
      kind: t.expose('kind', { type: ResultKindEnum }),
      count: t.exposeInt('count', {
        description: 'Sum of counts; for SEIZURE, the number of seizures.',
      }),
    }),
  });

const SeizureTotalRef = builder
  .objectRef<ResultTotals['seizures'][number]>('SeizureTotal')
  .implement({
    description: 'Seized quantity of one product category in one unit.',
    fields: (t) => ({
      productCategory: t.expose('productCategory', { type: ProductCategoryEnum }),
      unit: t.expose('unit', { type: QuantityUnitEnum }),
      quantity: t.exposeString('quantity', { description: 'Decimal string.' }),
      seizures: t.exposeInt('seizures'),
    }),
  });

const ValueTotalRef = builder
  .objectRef<ResultTotals['marketValue'][number]>('MarketValueTotal')
  .implement({
    description: 'Estimated market value of seizures in one currency; currencies are never mixed.',
    fields: (t) => ({
      amount: t.exposeString('amount', { description: 'Decimal string.' }),
      currency: t.expose('currency', { type: 'Currency' }),
      seizures: t.exposeInt('seizures'),
    }),
  });

const CategoryValueTotalRef = builder
  .objectRef<ResultTotals['marketValueByCategory'][number]>('CategoryMarketValueTotal')
  .implement({
    fields: (t) => ({
      productCategory: t.expose('productCategory', { type: ProductCategoryEnum }),
      amount: t.exposeString('amount', { description: 'Decimal string.' }),
      currency: t.expose('currency', { type: 'Currency' }),
      seizures: t.exposeInt('seizures'),
    }),
  });

export const ResultTotalsRef = builder.objectRef<ResultTotals>('ResultTotals').implement({
  description: 'Totals of current results (corrections replace what they correct).',
  fields: (t) => ({
    byKind: t.field({ type: [KindTotalRef], resolve: (r) => r.byKind }),
    seizures: t.field({ type: [SeizureTotalRef], resolve: (r) => r.seizures }),
    marketValue: t.field({ type: [ValueTotalRef], resolve: (r) => r.marketValue }),
    marketValueByCategory: t.field({
      type: [CategoryValueTotalRef],
      resolve: (r) => r.marketValueByCategory,
    }),
  }),
});

const AgencyResultTotalsRef = builder
  .objectRef<AgencyResultTotals>('AgencyResultTotals')
  .implement({
    fields: (t) => ({
      agency: t.prismaField({
        type: 'Agency',
        resolve: (query, totals) =>
          prisma.agency.findUniqueOrThrow({ ...query, where: { id: totals.agencyId } }),
      }),
      totals: t.field({ type: ResultTotalsRef, resolve: (totals) => totals }),
    }),
  });

const OperationTotalsRef = builder
  .objectRef<{ total: ResultTotals; byAgency: AgencyResultTotals[] }>('OperationResultTotals')
  .implement({
    fields: (t) => ({
      total: t.field({ type: ResultTotalsRef, resolve: (r) => r.total }),
      byAgency: t.field({ type: [AgencyResultTotalsRef], resolve: (r) => r.byAgency }),
    }),
  });

builder.prismaObject('OperationIntelLink', {
  description:
    'A report linked to the operation. `report` is null when you may not see it: ask with requestAccess.',
  fields: (t) => ({
    reportId: t.id({
      description: 'Global id of the report, for requestAccess.',
      resolve: (link) => encodeGlobalID('IntelReport', link.reportId),
    }),
    report: t.prismaField({
      type: 'IntelReport',
      nullable: true,
      resolve: (query, link, _args, context) =>
        prisma.intelReport.findFirst({
          ...query,
          where: { id: link.reportId, AND: [intelReportVisibilityWhere(context.viewer)] },
        }),
    }),
    note: t.exposeString('note', { nullable: true }),
    linkedAgency: t.relation('linkedAgency'),
    linkedAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const AfterActionReportRef = builder
  .objectRef<{ markdown: string; json: unknown; locale: string; generatedAt: Date }>(
    'AfterActionReport',
  )
  .implement({
    description:
      'The after-action report, built from the operation as you may see it. Also at GET /operations/{id}/after-action.md and .json.',
    fields: (t) => ({
      locale: t.exposeString('locale'),
      generatedAt: t.expose('generatedAt', { type: 'DateTime' }),
      markdown: t.exposeString('markdown'),
      json: t.expose('json', { type: 'JSON' }),
    }),
  });

const OperationWorkspaceRef = builder.prismaObject('Operation', {
  variant: 'OperationWorkspace',
  description: "An operation's working data, for agencies taking part.",
  fields: (t) => ({
    legalBasis: t.exposeString('legalBasis', { nullable: true }),
    participants: t.relation('participants', {
      description: 'The lead and every invitation with its answer.',
      query: { orderBy: [{ invitedAt: 'asc' }, { id: 'asc' }] },
    }),
    phaseHistory: t.relation('phaseChanges', {
      query: { orderBy: [{ changedAt: 'asc' }, { id: 'asc' }] },
    }),
    tasks: t.relation('tasks', {
      args: { status: t.arg({ type: [TaskStatusEnum], required: false }) },
      query: (args) => ({
        where: args.status?.length ? { status: { in: args.status } } : {},
        orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }, { id: 'asc' }],
      }),
    }),
    log: t.relatedConnection('log', {
      cursor: 'id',
      totalCount: true,
      description: 'Messages and automatic entries, oldest first.',
      query: { orderBy: [{ seq: 'asc' }] },
    }),
    results: t.relation('results', {
      args: {
        includeSuperseded: t.arg.boolean({
          defaultValue: false,
          description: 'Also list results that a correction replaced.',
        }),
      },
      query: (args) => ({
        where: args.includeSuperseded ? {} : { supersededAt: null },
        orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }],
      }),
    }),
    resultTotals: t.field({
      type: OperationTotalsRef,
      description: 'Totals per operation and per participant; money per currency.',
      resolve: (operation) => resultTotals({ operationId: operation.id }),
    }),
    linkedIntel: t.relation('intelLinks', {
      query: { orderBy: [{ createdAt: 'asc' }, { reportId: 'asc' }] },
    }),
    afterActionReport: t.field({
      type: AfterActionReportRef,
      nullable: true,
      description: 'Built from EVALUATION on; null before.',
      args: {
        locale: t.arg({
          type: LocaleEnum,
          required: false,
          description: 'Defaults to your locale; Portuguese readers get English.',
        }),
      },
      resolve: (operation, args, context) =>
        operation.phase === 'EVALUATION' || operation.phase === 'CLOSED'
          ? buildAfterActionReport(context, operation.id, args.locale ?? null)
          : null,
    }),
  }),
});
