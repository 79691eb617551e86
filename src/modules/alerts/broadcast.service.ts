import { randomUUID } from 'node:crypto';
import { prisma } from '../../db.js';
import type { Alert, AlertSeverity, Region } from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';

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
