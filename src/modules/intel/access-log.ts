import type { Context } from '../../context.js';
import { prisma } from '../../db.js';
import type { AccessAction } from '../../generated/prisma/enums.js';
import { isLoggedMarking } from './intel.access.js';

// Every reading of a TLP:AMBER+STRICT or TLP:RED report by someone outside the author agency
// (opening it, or counting it by a search on its words), and every export, is written to the
// access log before the answer is returned: there is no reading without its record. Within one
// request a report is logged once per action.

const logged = new WeakMap<Context, Set<string>>();
const purposes = new WeakMap<Context, Map<string, string>>();
const openedRed = new WeakMap<Context, Set<string>>();

/** Remembers the stated purpose for reading `reportId` in this request. */
export function statePurpose(context: Context, reportId: string, purpose: string): void {
  const map = purposes.get(context) ?? new Map<string, string>();
  map.set(reportId, purpose);
  purposes.set(context, map);
}

/** RED reports opened with a purpose in this request (see intelReportVisibilityWhere). */
export function openRed(context: Context, reportId: string): void {
  const set = openedRed.get(context) ?? new Set<string>();
  set.add(reportId);
  openedRed.set(context, set);
}

export function openedRedReports(context: Context): string[] {
  return [...(openedRed.get(context) ?? [])];
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
  const seen = logged.get(context) ?? new Set<string>();
  if (seen.has(key)) return;
  seen.add(key);
  logged.set(context, seen);
  await batchedWrite(context, {
    reportId: report.id,
    userId: viewer.userId,
    agencyId: viewer.agencyId,
    action,
    purpose: purposes.get(context)?.get(report.id) ?? null,
  });
}

type Entry = {
  reportId: string;
  userId: string;
  agencyId: string;
  action: AccessAction;
  purpose: string | null;
};
const pending = new WeakMap<Context, { entries: Entry[]; written: Promise<void> }>();

/**
 * Readings of one request are written together: the reports of a list page are checked in the
 * same tick, so they share one INSERT, and each waits for it before its content is returned.
 */
function batchedWrite(context: Context, entry: Entry): Promise<void> {
  const open = pending.get(context);
  if (open) {
    open.entries.push(entry);
    return open.written;
  }
  const batch = { entries: [entry], written: Promise.resolve() };
  batch.written = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
    pending.delete(context);
    await prisma.intelAccessLog.createMany({ data: batch.entries });
  });
  pending.set(context, batch);
  return batch.written;
}
