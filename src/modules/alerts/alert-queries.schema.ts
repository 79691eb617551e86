import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { untilSessionEnds } from '../auth/live-sessions.js';
import { alertAudienceWhere, alertRuleVisibilityWhere, requireOwnRule } from './alert.access.js';
import {
  AlertEventRef,
  AlertFilterInput,
  AlertRuleRef,
  decodeFilter,
  type FilterArg,
} from './alert.schema.js';
import { type AlertFilter, alertFilterWhere } from './alert-filter.js';
import { alertStream } from './alert-stream.js';
import { inboxWhere, unreadCount, unreadWhere } from './inbox.service.js';

// The alerts module's root queries: the live subscription, the alert history and inbox, the
// unread count and the viewer's saved rules.

export function parseCursor(value: string | null | undefined, path: string): bigint | null {
  if (value === null || value === undefined) return null;
  if (!/^\d{1,18}$/.test(value)) {
    throw ValidationError.single([path], 'is not an alert cursor (a whole number, as a string)');
  }
  return BigInt(value);
}

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
