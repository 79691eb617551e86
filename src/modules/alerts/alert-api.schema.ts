import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { RegionEnum } from '../agencies/agency.schema.js';
import { untilSessionEnds } from '../auth/live-sessions.js';
import { optionalText, text } from '../common/codes.js';
import { ProductCategoryEnum } from '../intel/intel.schema.js';
import { alertAudienceWhere, alertRuleVisibilityWhere, requireOwnRule } from './alert.access.js';
import {
  AlertEventRef,
  AlertFilterInput,
  AlertKindEnum,
  AlertRef,
  AlertSeverityEnum,
  alertFilterFieldsSince,
  decodeFilter,
  type FilterArg,
} from './alert.schema.js';
import { type AlertFilter, alertFilterWhere } from './alert-filter.js';
import { alertStream } from './alert-stream.js';
import { broadcastAlert } from './broadcast.service.js';
import {
  acknowledgeAlert,
  acknowledgeAll,
  createAlertRule,
  deleteAlertRule,
  inboxWhere,
  unreadCount,
  unreadWhere,
  updateAlertRule,
} from './inbox.service.js';

// The alerts API: the live subscription, the history and inbox, saved rules, acknowledgements
// and network broadcasts.

function parseCursor(value: string | null | undefined, path: string): bigint | null {
  if (value === null || value === undefined) return null;
  if (!/^\d{1,18}$/.test(value)) {
    throw ValidationError.single([path], 'is not an alert cursor (a whole number, as a string)');
  }
  return BigInt(value);
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

/** The filter a subscription or query asked for: given inline, or one of the viewer's rules. */
async function chosenFilter(
  context: Parameters<typeof signedInViewer>[0],
  filter: FilterArg | null | undefined,
  rule: { id: string } | null | undefined,
): Promise<AlertFilter | null> {
  if (filter && rule) {
    throw ValidationError.single(['rule'], 'give either a filter or a rule, not both');
  }
  if (rule) return requireOwnRule(signedInViewer(context), rule.id);
  return filter ? decodeFilter(filter) : null;
}

// ── Live ────────────────────────────────────────────────────────────────────────────────────

builder.subscriptionField('alerts', (t) =>
  t.field({
    type: AlertEventRef,
    authScopes: { signedIn: true },
    description: [
      'Alerts as they happen. With `after`, first every alert after that cursor you may receive',
      'and that matches the filter, then live ones: no gap and no duplicate, across reconnects',
      'and server instances. Each alert is checked against your access when it is delivered;',
      'if something you received alerts about becomes invisible to you, a VISIBILITY_LOST event',
      'says so. The stream ends when your session does.',
    ].join(' '),
    args: {
      filter: t.arg({ type: AlertFilterInput, required: false }),
      rule: t.arg.globalID({ for: AlertRuleRef, required: false }),
      after: t.arg.string({
        required: false,
        description: 'The cursor of the last event you received; leave out to start from now.',
      }),
    },
    subscribe: async (_parent, args, context) => {
      const viewer = signedInViewer(context);
      const after = parseCursor(args.after, 'after');
      const filter = await chosenFilter(context, args.filter, args.rule);
      return untilSessionEnds(viewer.sessionId, alertStream(viewer, filter, after));
    },
    resolve: (event) => event,
  }),
);

// ── History and inbox ───────────────────────────────────────────────────────────────────────

builder.queryField('alerts', (t) =>
  t.prismaConnection({
    type: 'Alert',
    cursor: 'cursor',
    authScopes: { signedIn: true },
    description:
      'Past alerts you may receive, latest first. `inbox`: only those of your saved rules (and those addressed to you or your agency); `unreadOnly`: only those you have not acknowledged.',
    args: {
      filter: t.arg({ type: AlertFilterInput, required: false }),
      rule: t.arg.globalID({ for: AlertRuleRef, required: false }),
      inbox: t.arg.boolean({ required: false }),
      unreadOnly: t.arg.boolean({ required: false }),
    },
    totalCount: async (_parent, args, context) =>
      prisma.alert.count({ where: await historyWhere(context, args) }),
    resolve: async (query, _parent, args, context) =>
      prisma.alert.findMany({
        ...query,
        where: await historyWhere(context, args),
        orderBy: { cursor: 'desc' },
      }),
  }),
);

async function historyWhere(
  context: Parameters<typeof signedInViewer>[0],
  args: {
    filter?: FilterArg | null;
    rule?: { id: string } | null;
    inbox?: boolean | null;
    unreadOnly?: boolean | null;
  },
) {
  const viewer = signedInViewer(context);
  const filter = await chosenFilter(context, args.filter, args.rule);
  return {
    AND: [
      args.inbox ? await inboxWhere(viewer) : alertAudienceWhere(viewer),
      alertFilterWhere(filter),
      args.unreadOnly ? await unreadWhere(viewer) : {},
    ],
  };
}

builder.queryField('unreadAlertCount', (t) =>
  t.int({
    authScopes: { signedIn: true },
    description: 'Alerts in your inbox you have not acknowledged.',
    resolve: (_parent, _args, context) => unreadCount(signedInViewer(context)),
  }),
);

builder.queryField('myAlertRules', (t) =>
  t.prismaField({
    type: ['AlertRule'],
    authScopes: { signedIn: true },
    description: 'Your saved alert rules, by name.',
    resolve: (query, _parent, _args, context) =>
      prisma.alertRule.findMany({
        ...query,
        where: alertRuleVisibilityWhere(context.viewer),
        orderBy: { name: 'asc' },
      }),
  }),
);

// ── Acknowledgements ────────────────────────────────────────────────────────────────────────

builder.mutationField('acknowledgeAlert', (t) =>
  t.field({
    type: AlertRef,
    authScopes: { signedIn: true },
    errors: { types: [NotFoundError], dataField: { name: 'alert' } },
    args: { id: t.arg.globalID({ for: AlertRef }) },
    resolve: (_parent, args, context) => acknowledgeAlert(signedInViewer(context), args.id.id),
  }),
);

const AcknowledgedRef = builder
  .objectRef<{ through: bigint; unread: number }>('AlertsAcknowledged')
  .implement({
    fields: (t) => ({
      acknowledgedThrough: t.string({ resolve: (a) => a.through.toString() }),
      unreadAlertCount: t.int({ resolve: (a) => a.unread }),
    }),
  });

builder.mutationField('acknowledgeAllAlerts', (t) =>
  t.field({
    type: AcknowledgedRef,
    authScopes: { signedIn: true },
    description: 'Marks every alert up to `through` (default: the latest) as read.',
    errors: { types: [], dataField: { name: 'result' } },
    args: { through: t.arg.string({ required: false }) },
    resolve: async (_parent, args, context) => {
      const viewer = signedInViewer(context);
      const through = await acknowledgeAll(viewer, parseCursor(args.through, 'through'));
      return { through, unread: await unreadCount(viewer) };
    },
  }),
);

// ── Saved rules ─────────────────────────────────────────────────────────────────────────────

const ruleName = (required: boolean) => ({ required, validate: text('rule name', 100) });

const AlertRuleInput = builder.inputType('AlertRuleInput', {
  fields: (t) => ({ name: t.string(ruleName(true)), ...alertFilterFieldsSince(t) }),
});

const AlertRuleChanges = builder.inputType('AlertRuleChanges', {
  description: 'Fields left out stay as they are; an empty list removes that restriction.',
  fields: (t) => ({ name: t.string(ruleName(false)), ...alertFilterFieldsSince(t) }),
});

/** A rule's fields as given: those left out of a change stay as they are. */
function decodeRule(input: FilterArg & { name?: string | null }) {
  return { ...decodeFilter(input), ...(input.name ? { name: input.name.trim() } : {}) };
}

builder.mutationField('createAlertRule', (t) =>
  t.field({
    type: AlertRuleRef,
    authScopes: { signedIn: true },
    errors: { types: [ConflictError], dataField: { name: 'rule' } },
    args: { input: t.arg({ type: AlertRuleInput }) },
    resolve: (_parent, { input }, context) =>
      createAlertRule(signedInViewer(context), { ...decodeRule(input), name: input.name.trim() }),
  }),
);

builder.mutationField('updateAlertRule', (t) =>
  t.field({
    type: AlertRuleRef,
    authScopes: { signedIn: true },
    errors: { types: [NotFoundError], dataField: { name: 'rule' } },
    args: { id: t.arg.globalID({ for: AlertRuleRef }), input: t.arg({ type: AlertRuleChanges }) },
    resolve: (_parent, { id, input }, context) =>
      updateAlertRule(signedInViewer(context), id.id, decodeRule(input)),
  }),
);

builder.mutationField('deleteAlertRule', (t) =>
  t.field({
    type: AlertRuleRef,
    authScopes: { signedIn: true },
    errors: { types: [NotFoundError], dataField: { name: 'rule' } },
    args: { id: t.arg.globalID({ for: AlertRuleRef }) },
    resolve: (_parent, { id }, context) => deleteAlertRule(signedInViewer(context), id.id),
  }),
);

// ── Broadcasts ──────────────────────────────────────────────────────────────────────────────

const BroadcastInput = builder.inputType('BroadcastInput', {
  fields: (t) => ({
    title: t.string({ validate: text('title', 200) }),
    body: t.string({ required: false, validate: optionalText(4000) }),
    severity: t.field({ type: AlertSeverityEnum }),
    regions: t.field({
      type: [RegionEnum],
      required: false,
      description: 'Lets subscribers filter by region; every member receives it regardless.',
    }),
  }),
});

builder.mutationField('broadcastAlert', (t) =>
  t.field({
    type: AlertRef,
    authScopes: { networkAdmin: true },
    description: 'Sends a BROADCAST alert to every member of the network.',
    errors: { types: [], dataField: { name: 'alert' } },
    args: { input: t.arg({ type: BroadcastInput }) },
    resolve: (_parent, { input }, context) =>
      broadcastAlert(signedInViewer(context), {
        title: input.title.trim(),
        body: input.body?.trim() || null,
        severity: input.severity,
        regions: input.regions ?? [],
      }),
  }),
);
