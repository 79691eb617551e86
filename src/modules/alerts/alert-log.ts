import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../context.js';
import { prisma, type Tx } from '../../db.js';
import type { Alert, AlertSeverity, Prisma, Region } from '../../generated/prisma/client.js';

// The alert log is written like an outbox: in the transaction of the change that causes the
// alert, as that transaction's last step. `alert_log_lock()` (see the alerts migration) makes
// cursors follow commit order, which is what lets every reader resume "after cursor N" safely;
// taking it last keeps it from ever waiting behind a row lock, and so from deadlocking.

export type NewAlert = Omit<Prisma.AlertCreateManyInput, 'cursor' | 'id' | 'createdAt'>;

async function lockAlertLog(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT alert_log_lock()`;
}

export async function recordAlerts(tx: Tx, alerts: readonly NewAlert[]): Promise<void> {
  if (alerts.length === 0) return;
  await lockAlertLog(tx);
  await tx.alert.createMany({ data: [...alerts] });
}

/** The highest cursor committed so far (0 when the log is empty). */
export async function latestCursor(): Promise<bigint> {
  const last = await prisma.alert.findFirst({
    orderBy: { cursor: 'desc' },
    select: { cursor: true },
  });
  return last?.cursor ?? 0n;
}

export interface Broadcast {
  title: string;
  body: string | null;
  severity: AlertSeverity;
  regions: Region[];
}

/**
 * A network admin's message to every member. One statement takes the lock and inserts, so the
 * lock is held only inside the database, never across a round trip to a busy server.
 */
export async function broadcastAlert(actor: Viewer, message: Broadcast): Promise<Alert> {
  const id = randomUUID();
  // The sender's agency is the alert's origin; the person is not named to the whole network.
  const data = JSON.stringify({ body: message.body });
  await prisma.$executeRaw`
    INSERT INTO "Alert" (id, kind, severity, title, data, "originAgencyId", regions)
    SELECT ${id}::uuid, 'BROADCAST', ${message.severity}::"AlertSeverity", ${message.title},
           ${data}::jsonb, ${actor.agencyId}::uuid, ${message.regions}::text[]::"Region"[]
      FROM (SELECT alert_log_lock()) AS locked`;
  return prisma.alert.findUniqueOrThrow({ where: { id } });
}
