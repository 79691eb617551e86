import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../builder.js';
import { type Context, signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { AlertKind, AlertSeverity } from '../../generated/prisma/enums.js';
import { AgencyRef, RegionEnum } from '../agencies/agency.schema.js';
import { visibleEvent } from '../forums/forum.access.js';
import { localizedName } from '../i18n/locale.js';
import { LocaleEnum } from '../i18n/locale.schema.js';
import { visibleReport } from '../intel/intel.access.js';
import { ProductCategoryEnum } from '../intel/intel.schema.js';
import { visibleOperation } from '../operations/operation.access.js';
import { alertAudienceWhere, alertRuleVisibilityWhere, alertTitleFor } from './alert.access.js';
import type { AlertFilter } from './alert-filter.js';
import { alertSummary } from './alert-messages.i18n.js';
import type { AlertEvent } from './alert-stream.js';
import { acknowledgedThrough } from './inbox.service.js';

// Alert, its live event and the filter shape, shared by the queries, mutations and subscription.

export const AlertKindEnum = builder.enumType(AlertKind, { name: 'AlertKind' });
export const AlertSeverityEnum = builder.enumType(AlertSeverity, { name: 'AlertSeverity' });

// No type-level auth scope: every path that yields alerts already applies alertAudienceWhere,
// which gives nothing without a session, and a per-object check would run for every event
// delivered to every subscriber.

/** The viewer's acknowledgeAll watermark, read once per request. */
function watermarkFor(context: Context): Promise<bigint> {
  context.memory.acknowledgedThrough ??= acknowledgedThrough(signedInViewer(context).userId);
  return context.memory.acknowledgedThrough;
}

export const AlertRef = builder.prismaNode('Alert', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, context) => ({ id, AND: [alertAudienceWhere(context.viewer)] }),
  description:
    'Something that happened in the network, as you may learn of it. What it points to (report, operation, event) comes through that entity’s own visibility rule.',
  fields: (t) => ({
    cursor: t.string({
      description: 'Position in the alert log: resume a subscription `after` it.',
      resolve: (alert) => alert.cursor.toString(),
    }),
    kind: t.expose('kind', { type: AlertKindEnum }),
    severity: t.expose('severity', { type: AlertSeverityEnum }),
    title: t.string({
      description:
        'One line in the language of what it is about. For a TLP:AMBER+STRICT or TLP:RED report of another agency, a placeholder: open the report (each reading is logged).',
      resolve: (alert, _args, context) => alertTitleFor(context.viewer, alert),
    }),
    summary: t.string({
      description:
        'One sentence saying what happened, in `locale` (default: yours); the title stays as written.',
      args: { locale: t.arg({ type: LocaleEnum, required: false }) },
      select: { originAgency: true },
      resolve: (alert, args, context) => {
        const locale = args.locale ?? context.locale;
        const agency = alert.originAgency ? localizedName(alert.originAgency, locale) : '';
        return alertSummary(alert.kind, locale, {
          title: alertTitleFor(context.viewer, alert),
          agency,
        });
      },
    }),
    data: t.expose('data', {
      type: 'JSON',
      description: 'Facts by kind (names, counts, phases, reasons) for display and integrations.',
    }),
    originAgency: t.relation('originAgency', { nullable: true }),
    regions: t.expose('regions', { type: [RegionEnum] }),
    categories: t.expose('categories', { type: [ProductCategoryEnum] }),
    report: t.prismaField({
      type: 'IntelReport',
      nullable: true,
      description: 'The report it is about, while you may read it.',
      resolve: (query, alert, _args, context) =>
        alert.reportId ? visibleReport(context, alert.reportId, query) : null,
    }),
    operation: t.prismaField({
      type: 'Operation',
      nullable: true,
      description: 'The operation it is about, while you see it.',
      resolve: (query, alert, _args, context) =>
        alert.operationId ? visibleOperation(context, alert.operationId, query) : null,
    }),
    forumEvent: t.prismaField({
      type: 'ForumEvent',
      nullable: true,
      description: 'The forum event it is about, while you see it.',
      resolve: (query, alert, _args, context) =>
        alert.forumEventId ? visibleEvent(context, alert.forumEventId, query) : null,
    }),
    acknowledged: t.boolean({
      description: 'You acknowledged it (one by one, or with acknowledgeAllAlerts).',
      // The viewer's own acknowledgement comes with the alert; the watermark once per request.
      select: (_args, context) => ({
        acks: { where: { userId: signedInViewer(context).userId }, select: { cursor: true } },
      }),
      resolve: async (alert, _args, context) =>
        alert.acks.length > 0 || alert.cursor <= (await watermarkFor(context)),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const AlertEventTypeEnum = builder.enumType('AlertEventType', {
  values: {
    ALERT: { description: 'An alert you may receive.' },
    VISIBILITY_LOST: {
      description:
        'Something you received alerts about is no longer visible to you: no more alerts about it.',
    },
  },
});

export const AlertEventRef = builder.objectRef<AlertEvent>('AlertEvent').implement({
  description: 'One event of the `alerts` subscription, with its cursor.',
  fields: (t) => ({
    type: t.field({ type: AlertEventTypeEnum, resolve: (e) => e.type }),
    cursor: t.string({
      description: 'Resume after this cursor to receive what follows.',
      resolve: (e) => e.cursor.toString(),
    }),
    alert: t.field({
      type: AlertRef,
      nullable: true,
      resolve: (e) => (e.type === 'ALERT' ? e.alert : null),
    }),
    lostSubject: t.id({
      nullable: true,
      description: 'For VISIBILITY_LOST: the id of the report, operation or event.',
      resolve: (e) =>
        e.type === 'VISIBILITY_LOST' ? encodeGlobalID(e.subject.type, e.subject.id) : null,
    }),
  }),
});

type FilterFields = PothosSchemaTypes.InputFieldBuilder<
  typeof builder.$inferSchemaTypes,
  'InputObject'
>;

/**
 * The filter's fields, shared by the filter input, saved rules and webhooks (which take alerts
 * from their registration on, so have no `createdAfter`).
 */
export function alertFilterFields(t: FilterFields) {
  return {
    kinds: t.field({ type: [AlertKindEnum], required: false }),
    severities: t.field({ type: [AlertSeverityEnum], required: false }),
    regions: t.field({
      type: [RegionEnum],
      required: false,
      description: 'Regions of the agency the alert comes from, or of the report’s audience.',
    }),
    categories: t.field({ type: [ProductCategoryEnum], required: false }),
    originAgencies: t.globalIDList({ for: AgencyRef, required: false }),
  };
}

export function alertFilterFieldsSince(t: FilterFields) {
  return { ...alertFilterFields(t), createdAfter: t.field({ type: 'DateTime', required: false }) };
}

export const AlertFilterInput = builder.inputType('AlertFilterInput', {
  description: 'Lists left out or empty do not restrict; the lists given restrict together.',
  fields: (t) => alertFilterFieldsSince(t),
});

export type FilterArg = {
  kinds?: readonly AlertKind[] | null;
  severities?: readonly AlertSeverity[] | null;
  regions?: AlertFilter['regions'];
  categories?: AlertFilter['categories'];
  originAgencies?: readonly { id: string }[] | null;
  createdAfter?: Date | null;
};

/**
 * The filter as given. A field left out stays undefined (a change leaves it as it is); null or an
 * empty list does not restrict (a change removes that restriction).
 */
export function decodeFilter(arg: FilterArg): AlertFilter {
  return {
    kinds: arg.kinds,
    severities: arg.severities,
    regions: arg.regions,
    categories: arg.categories,
    originAgencyIds:
      arg.originAgencies === undefined ? undefined : (arg.originAgencies?.map((a) => a.id) ?? null),
    createdAfter: arg.createdAfter,
  };
}

export const AlertRuleRef = builder.prismaNode('AlertRule', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { signedIn: true },
  findUnique: (id, context) => ({ id, AND: [alertRuleVisibilityWhere(context.viewer)] }),
  description: 'A saved alert filter: its alerts fill your inbox; subscribe with `rule`.',
  fields: (t) => ({
    name: t.exposeString('name'),
    kinds: t.expose('kinds', { type: [AlertKindEnum] }),
    severities: t.expose('severities', { type: [AlertSeverityEnum] }),
    regions: t.expose('regions', { type: [RegionEnum] }),
    categories: t.expose('categories', { type: [ProductCategoryEnum] }),
    originAgencies: t.prismaField({
      type: ['Agency'],
      resolve: (query, rule) =>
        prisma.agency.findMany({ ...query, where: { id: { in: rule.originAgencyIds } } }),
    }),
    createdAfter: t.expose('createdAfter', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});
