import { prisma, type Tx } from './db.js';
import type { Prisma } from './generated/prisma/client.js';

// The alert log sits below every module that causes alerts (intel, operations) and below the
// alerts module that reads it, as the live bus does: writing an alert needs nothing of the
// alerts module, so no module and the alerts module import each other. It is written like an
// outbox: in the transaction of the change that causes the alert, as that transaction's last
// step. `alert_log_lock()` (see the alerts migration) makes cursors follow commit order, which is
// what lets every reader resume "after cursor N" safely; taking it last keeps it from ever
// waiting behind a row lock, and so from deadlocking.

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
