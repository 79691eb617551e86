import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { getOperationAST } from 'graphql';
import type { Plugin as YogaPlugin } from 'graphql-yoga';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { config } from './config.js';
import type { Context } from './context.js';
import { poolUse, prisma } from './db.js';

// What an operator scrapes at /metrics (Prometheus text format, prom-client): requests and their
// duration by operation, errors by code, live subscribers and alert delivery lag, the webhook
// and mail queues, the database pool, and Node's own process metrics. The endpoint answers only
// with METRICS_TOKEN as a bearer token (docs/deployment.md#metrics), and does not exist without it.

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** Operation names are the client's to choose: past this many, new ones count as `other`. */
const MAX_OPERATION_NAMES = 200;
const knownNames = new Set<string>();

/** A bounded label for a client-chosen operation name. */
function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'other';
  if (knownNames.has(name)) return name;
  if (knownNames.size >= MAX_OPERATION_NAMES) return 'other';
  knownNames.add(name);
  return name;
}

const requests = new Counter({
  name: 'ipnet_graphql_operations_total',
  help: 'GraphQL operations executed, by operation name and type.',
  labelNames: ['operation', 'type'],
  registers: [registry],
});
const duration = new Histogram({
  name: 'ipnet_graphql_operation_duration_seconds',
  help: 'Time to execute a GraphQL operation (subscriptions: until the stream is set up).',
  labelNames: ['operation', 'type'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});
const errors = new Counter({
  name: 'ipnet_graphql_errors_total',
  help: 'Errors in GraphQL answers, by extensions.code.',
  labelNames: ['code'],
  registers: [registry],
});
const alertLag = new Histogram({
  name: 'ipnet_alert_delivery_lag_seconds',
  help: 'From the writing of an alert to its hand-over to live subscribers.',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

/** Called by the alert hub for every batch it hands over. */
export function observeAlertDelivery(createdAt: readonly Date[]): void {
  const now = Date.now();
  for (const at of createdAt) alertLag.observe(Math.max(0, now - at.getTime()) / 1000);
}

/** Live subscribers, read when scraped (the alert hub registers its count). */
let liveSubscribers: () => number = () => 0;
export function countLiveSubscribersWith(count: () => number): void {
  liveSubscribers = count;
}
new Gauge({
  name: 'ipnet_live_subscribers',
  help: 'Alert subscriptions open on this instance (WebSocket and SSE).',
  registers: [registry],
  collect() {
    this.set(liveSubscribers());
  },
});

// The queues are tables: they are counted when scraped, so every instance reports the same.
new Gauge({
  name: 'ipnet_webhook_deliveries',
  help: 'Webhook deliveries in the database, by status (PENDING is the queue).',
  labelNames: ['status'],
  registers: [registry],
  async collect() {
    const rows = await prisma.webhookDelivery.groupBy({ by: ['status'], _count: { _all: true } });
    for (const status of ['PENDING', 'DELIVERED', 'FAILED']) {
      this.set({ status }, rows.find((r) => r.status === status)?._count._all ?? 0);
    }
  },
});
new Gauge({
  name: 'ipnet_mail_outbox',
  help: 'Forum messages in the outbox, by status (PENDING: waiting to be sent).',
  labelNames: ['status'],
  registers: [registry],
  async collect() {
    const rows = await prisma.forumMessage.groupBy({ by: ['status'], _count: { _all: true } });
    for (const row of rows) this.set({ status: row.status }, row._count._all);
  },
});
new Gauge({
  name: 'ipnet_db_pool_connections',
  help: 'PostgreSQL pool connections by state (open, idle, waiting queries, max); absent on the embedded database.',
  labelNames: ['state'],
  registers: [registry],
  collect() {
    const pool = poolUse();
    if (!pool) return;
    for (const [state, value] of Object.entries(pool)) this.set({ state }, value);
  },
});

function errorCodes(result: unknown): string[] {
  const list = (result as { errors?: readonly { extensions?: { code?: unknown } }[] } | null)
    ?.errors;
  return (list ?? []).map((e) =>
    typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL',
  );
}

/** Records operations, their duration and errors; serves /metrics to the holder of the token. */
export function useMetrics(): YogaPlugin<Context> {
  const token = config().METRICS_TOKEN;
  const expected = token ? new TextEncoder().encode(`Bearer ${token}`) : null;
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== '/metrics' || !expected) return;
      const given = new TextEncoder().encode(request.headers.get('authorization') ?? '');
      if (given.length !== expected.length || !constantTimeEqual(given, expected)) {
        endResponse(
          new fetchAPI.Response('Send the METRICS_TOKEN as Authorization: Bearer <token>.\n', {
            status: 401,
            headers: { 'www-authenticate': 'Bearer' },
          }),
        );
        return;
      }
      endResponse(
        new fetchAPI.Response(await registry.metrics(), {
          headers: { 'content-type': registry.contentType },
        }),
      );
    },
    onExecute({ args }) {
      const started = performance.now();
      const operation = getOperationAST(args.document, args.operationName);
      const labels = {
        operation: operationLabel(args.operationName ?? operation?.name?.value),
        type: operation?.operation ?? 'unknown',
      };
      return {
        onExecuteDone() {
          requests.inc(labels);
          duration.observe(labels, (performance.now() - started) / 1000);
        },
      };
    },
    onResultProcess({ result }) {
      if (Array.isArray(result) || !result || typeof result !== 'object') return;
      if (Symbol.asyncIterator in result) return;
      for (const code of errorCodes(result)) errors.inc({ code });
    },
  };
}
