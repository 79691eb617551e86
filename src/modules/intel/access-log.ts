import type { Context, PendingReading } from '../../context.js';
import { prisma } from '../../db.js';
import type { AccessAction } from '../../generated/prisma/enums.js';
import { isLoggedMarking } from './intel.access.js';

// Every reading of a TLP:AMBER+STRICT or TLP:RED report by someone outside the author agency
// (opening it, or counting it by a search on its words), and every export, is written to the
// access log before the answer is returned: there is no reading without its record. Within one
// request a report is logged once per action.

/** Remembers the stated purpose for reading `reportId` in this request. */
export function statePurpose(context: Context, reportId: string, purpose: string): void {
  context.memory.statedPurposes.set(reportId, purpose);
}

/** RED reports opened with a purpose in this request (see reportVisibilityFor). */
export function openRed(context: Context, reportId: string): void {
  context.memory.openedRedReports.add(reportId);
}

export async function recordAccess(
  context: Context,
  report: { id: string; tlp: string; authorAgencyId: string },
  action: AccessAction,
): Promise<void> {
  const viewer = context.viewer;
  if (!viewer) return;
  const sensitive = isLoggedMarking(report.tlp) && report.authorAgencyId !== viewer.agencyId;
  if (action !== 'EXPORT' && !sensitive) return;
  const key = `${action}:${report.id}`;
  const logged = context.memory.loggedReadings;
  if (logged.has(key)) return;
  logged.add(key);
  await batchedWrite(context, {
    reportId: report.id,
    // A partner tool's readings are its issuer's, with the credential named.
    userId: viewer.credential?.issuedById ?? viewer.userId,
    agencyId: viewer.agencyId,
    credentialId: viewer.credential?.id ?? null,
    action,
    purpose: context.memory.statedPurposes.get(report.id) ?? null,
  });
}

/**
 * Readings of one request are written together: the reports of a list page are checked in the
 * same tick, so they share one INSERT, and each waits for it before its content is returned.
 */
function batchedWrite(context: Context, entry: PendingReading): Promise<void> {
  const memory = context.memory;
  if (memory.pendingReadings) {
    memory.pendingReadings.entries.push(entry);
    return memory.pendingReadings.written;
  }
  const batch = { entries: [entry], written: Promise.resolve() };
  batch.written = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
    memory.pendingReadings = null;
    await prisma.intelAccessLog.createMany({ data: batch.entries });
  });
  memory.pendingReadings = batch;
  return batch.written;
}
