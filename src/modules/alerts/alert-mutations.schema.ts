import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { RegionEnum } from '../agencies/agency.schema.js';
import { optionalText, text } from '../common/codes.js';
import {
  AlertRef,
  AlertRuleRef,
  AlertSeverityEnum,
  alertFilterFieldsSince,
  decodeFilter,
  type FilterArg,
} from './alert.schema.js';
import { parseCursor } from './alert-queries.schema.js';
import { broadcastAlert } from './broadcast.service.js';
import {
  acknowledgeAlert,
  acknowledgeAll,
  createAlertRule,
  deleteAlertRule,
  unreadCount,
  updateAlertRule,
} from './inbox.service.js';

// The alerts module's mutations: acknowledgements, saved rules and broadcasts.

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
