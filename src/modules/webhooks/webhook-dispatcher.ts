import { encodeGlobalID } from '@pothos/plugin-relay';
import { config } from '../../config.js';
import { prisma, type Tx } from '../../db.js';
import type { Alert, WebhookEndpoint } from '../../generated/prisma/client.js';
import { liveBus } from '../../live-bus.js';
import { logger } from '../../logger.js';
import { openSecret } from '../../sealed-secrets.js';
import { alertAudienceWhere, alertTitleFor } from '../alerts/alert.access.js';
import { alertFilterWhere } from '../alerts/alert-filter.js';
import { hasRole } from '../auth/roles.js';
import type { Viewer } from '../auth/viewer.js';
import { viewerForUser } from '../auth/viewer.js';
import { signatureHeader } from './webhook.crypto.js';
import { describeFailure, postDelivery } from './webhook-send.js';

// Webhook delivery runs beside the writes, never inside them: a write only appends to the alert
// log. This dispatcher (1) scans the log for each active endpoint past its `scannedThrough`,
// keeping what the endpoint's creator may receive and its filter selects, as PENDING
// deliveries; (2) sends due deliveries, signed, and retries failures with exponential backoff
// until DELIVERED or FAILED. Rows are claimed with FOR UPDATE SKIP LOCKED, so several instances
// share the work without sending anything twice at the same time.

export interface DispatcherOptions {
  /** Delay before the first retry; each further retry waits twice as long (capped at 6 h). */
  retryBaseMs?: number;
  maxAttempts?: number;
  timeoutMs?: number;
}

const SCAN_BATCH = 500;
const SEND_BATCH = 50;
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 6 * 3_600_000;

function settings(options: DispatcherOptions) {
  const cfg = config();
  return {
    retryBaseMs: options.retryBaseMs ?? cfg.WEBHOOK_RETRY_BASE_MS,
    maxAttempts: options.maxAttempts ?? cfg.WEBHOOK_MAX_ATTEMPTS,
    timeoutMs: options.timeoutMs ?? cfg.WEBHOOK_TIMEOUT_MS,
  };
}

/** The creator's view of the network, while they are an active admin of the agency. */
async function ownerViewer(endpoint: WebhookEndpoint, db: Tx = prisma) {
  const owner = await db.user.findUnique({
    where: { id: endpoint.createdById },
    select: { active: true, agencyId: true },
  });
  if (!owner?.active || owner.agencyId !== endpoint.agencyId) return null;
  const viewer = await viewerForUser({ id: endpoint.createdById }, db);
  return hasRole(viewer, 'AGENCY_ADMIN') ? viewer : null;
}

/** Turns new alerts into deliveries, endpoint by endpoint; returns how many were queued. */
export async function scanAlertsForWebhooks(): Promise<number> {
  const endpoints = await prisma.webhookEndpoint.findMany({
    where: { active: true },
    select: { id: true },
  });
  let queued = 0;
  for (const { id } of endpoints) {
    queued += await prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM "WebhookEndpoint" WHERE id = ${id}::uuid AND active FOR UPDATE SKIP LOCKED`;
      if (locked.length === 0) return 0;
      const endpoint = await tx.webhookEndpoint.findUniqueOrThrow({ where: { id } });
      // Paused (nothing scanned, nothing lost) while its creator may not act for the agency.
      const viewer = await ownerViewer(endpoint, tx);
      if (!viewer) return 0;
      const batch = await tx.alert.findMany({
        where: { cursor: { gt: endpoint.scannedThrough } },
        orderBy: { cursor: 'asc' },
        take: SCAN_BATCH,
        select: { cursor: true },
      });
      const through = batch.at(-1)?.cursor;
      if (through === undefined) return 0;
      const selected = await tx.alert.findMany({
        where: {
          cursor: { gt: endpoint.scannedThrough, lte: through },
          AND: [alertAudienceWhere(viewer), alertFilterWhere(endpoint)],
        },
        select: { cursor: true },
      });
      await tx.webhookDelivery.createMany({
        data: selected.map((a) => ({ endpointId: id, cursor: a.cursor })),
        skipDuplicates: true,
      });
      await tx.webhookEndpoint.update({ where: { id }, data: { scannedThrough: through } });
      return selected.length;
    });
  }
  return queued;
}

interface Claimed {
  id: string;
  endpointId: string;
  cursor: string;
  attempts: number;
}

async function claimDue(limit: number): Promise<Claimed[]> {
  return prisma.$queryRaw<Claimed[]>`
    UPDATE "WebhookDelivery"
       SET attempts = attempts + 1,
           "nextAttemptAt" = now() + make_interval(secs => ${LEASE_MS / 1000})
     WHERE id IN (
       SELECT id FROM "WebhookDelivery"
        WHERE status = 'PENDING' AND "nextAttemptAt" <= now()
        ORDER BY "nextAttemptAt", cursor
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
    RETURNING id, "endpointId", cursor::text AS cursor, attempts`;
}

/** The JSON body: the alert as the API shows it, with global ids. */
export function webhookPayload(alert: Alert, deliveryId: string, attempt: number, viewer: Viewer) {
  const subject = (type: string, id: string | null) => (id ? encodeGlobalID(type, id) : null);
  return {
    delivery: deliveryId,
    attempt,
    alert: {
      id: encodeGlobalID('Alert', alert.id),
      cursor: alert.cursor.toString(),
      kind: alert.kind,
      severity: alert.severity,
      title: alertTitleFor(viewer, alert),
      data: alert.data,
      regions: alert.regions,
      categories: alert.categories,
      originAgency: subject('Agency', alert.originAgencyId),
      report: subject('IntelReport', alert.reportId),
      operation: subject('Operation', alert.operationId),
      forumEvent: subject('ForumEvent', alert.forumEventId),
      createdAt: alert.createdAt.toISOString(),
    },
  };
}

async function send(claimed: Claimed, options: ReturnType<typeof settings>): Promise<void> {
  const endpoint = await prisma.webhookEndpoint.findUnique({ where: { id: claimed.endpointId } });
  const alert = await prisma.alert.findUnique({ where: { cursor: BigInt(claimed.cursor) } });
  if (!endpoint || !alert) return;
  const finish = (data: Parameters<typeof prisma.webhookDelivery.update>[0]['data']) =>
    prisma.webhookDelivery.update({ where: { id: claimed.id }, data });

  // Authorised again now: the creator's access may have changed since the alert was queued.
  const viewer = endpoint.active ? await ownerViewer(endpoint) : null;
  const allowed =
    viewer &&
    (await prisma.alert.count({
      where: { cursor: alert.cursor, AND: [alertAudienceWhere(viewer)] },
    })) > 0;
  if (!allowed) {
    await finish({
      status: 'FAILED',
      lastError: 'withheld: the endpoint is paused or its creator may no longer receive this alert',
    });
    return;
  }

  const body = JSON.stringify(webhookPayload(alert, claimed.id, claimed.attempts, viewer));
  const timestamp = Math.floor(Date.now() / 1000);
  const outcome = await postDelivery(
    new URL(endpoint.url),
    {
      'content-type': 'application/json',
      'user-agent': 'GBA-IPNet-Webhooks/1',
      'x-ipnet-delivery': claimed.id,
      'x-ipnet-alert-kind': alert.kind,
      'x-ipnet-signature': signatureHeader(
        openSecret(endpoint.secret, 'webhook-secrets'),
        timestamp,
        body,
      ),
    },
    body,
    options.timeoutMs,
  );
  const problem = outcome.ok ? null : outcome.failure;
  // In production a client sees the status class and a generic reason only: the record must not
  // become a way to read what some service answered. The log keeps the detail.
  const production = config().NODE_ENV === 'production';
  const statusCode = production ? null : outcome.status;

  if (!problem) {
    await finish({
      status: 'DELIVERED',
      lastStatusCode: statusCode,
      lastError: null,
      deliveredAt: new Date(),
    });
    return;
  }
  const giveUp = claimed.attempts >= options.maxAttempts;
  const wait = Math.min(options.retryBaseMs * 2 ** (claimed.attempts - 1), MAX_BACKOFF_MS);
  await finish({
    status: giveUp ? 'FAILED' : 'PENDING',
    lastStatusCode: statusCode,
    lastError: problem && describeFailure(problem, production),
    nextAttemptAt: new Date(Date.now() + wait),
  });
  logger.warn(
    {
      deliveryId: claimed.id,
      endpointId: endpoint.id,
      attempt: claimed.attempts,
      giveUp,
      problem,
    },
    'webhook delivery failed',
  );
}

/** Sends what is due; returns how many deliveries were attempted. */
export async function sendDueWebhooks(options: DispatcherOptions = {}): Promise<number> {
  const resolved = settings(options);
  const due = await claimDue(SEND_BATCH);
  await Promise.all(due.map((claimed) => send(claimed, resolved)));
  return due.length;
}

/** Runs the dispatcher: on every alert wake-up and every WEBHOOK_POLL_MS. Returns a stop. */
export function startWebhookDispatcher(options: DispatcherOptions & { pollMs?: number } = {}) {
  let running = false;
  let again = false;
  const tick = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await scanAlertsForWebhooks();
        while ((await sendDueWebhooks(options)) === SEND_BATCH) {}
      } while (again);
    } catch (error) {
      logger.warn({ err: error }, 'webhook dispatcher pass failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), options.pollMs ?? config().WEBHOOK_POLL_MS);
  timer.unref();
  const signals = liveBus().subscribe('alerts:written');
  void (async () => {
    for await (const _ of signals) void tick();
  })();
  return () => {
    clearInterval(timer);
    void signals.return?.();
  };
}
