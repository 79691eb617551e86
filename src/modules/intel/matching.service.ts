import type { Viewer } from '../../context.js';
import type { Tx } from '../../db.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { viewerForUser } from '../auth/viewer.js';
import { intelReportVisibilityWhere } from './intel.access.js';

// Hit/no-hit across the wall. When a published report shares an observable (by keyed hash) with
// another agency's published report that one side may not see, each side that may not see the
// other gets a match record: "agency X holds something on this <observable type>". Neither
// report's content, id or raw value is revealed; either side may then request access.

/** The author of a report, as a viewer, to ask what they may see. */
async function authorAsViewer(tx: Tx, reportId: string): Promise<Viewer> {
  const { authorUserId } = await tx.intelReport.findUniqueOrThrow({
    where: { id: reportId },
    select: { authorUserId: true },
  });
  return viewerForUser({ id: authorUserId }, tx);
}

async function sees(tx: Tx, viewer: Viewer, reportId: string): Promise<boolean> {
  const found = await tx.intelReport.count({
    where: { id: reportId, AND: [intelReportVisibilityWhere(viewer)] },
  });
  return found > 0;
}

/**
 * Records matches for `reportId` (just published, or given new observables). Returns how many
 * match records were written. Runs inside the caller's transaction.
 */
export async function recordMatches(tx: Tx, reportId: string): Promise<number> {
  const report = await tx.intelReport.findUniqueOrThrow({
    where: { id: reportId },
    select: { id: true, status: true, matchingOptOut: true, authorAgencyId: true },
  });
  if (report.status !== 'PUBLISHED' || report.matchingOptOut) return 0;

  const observables = await tx.intelObservable.findMany({
    where: { reportId },
    select: { type: true, valueHash: true },
  });
  if (observables.length === 0) return 0;

  const others = await tx.intelObservable.findMany({
    where: {
      valueHash: { in: observables.map((o) => o.valueHash) },
      report: {
        id: { not: reportId },
        status: 'PUBLISHED',
        matchingOptOut: false,
        authorAgencyId: { not: report.authorAgencyId },
      },
    },
    select: { type: true, report: { select: { id: true, authorAgencyId: true } } },
    take: 1000,
  });
  if (others.length === 0) return 0;

  // Which of the other reports the author may read: one query for all of them.
  const otherIds = [...new Set(others.map((o) => o.report.id))];
  const author = await authorAsViewer(tx, reportId);
  const visibleToAuthor = new Set(
    (
      await tx.intelReport.findMany({
        where: { id: { in: otherIds }, AND: [intelReportVisibilityWhere(author)] },
        select: { id: true },
      })
    ).map((r) => r.id),
  );
  // Whether each other author may read this report: one check per report, not per observable.
  const seenByCounterpart = new Map<string, boolean>();
  for (const id of otherIds) {
    seenByCounterpart.set(id, await sees(tx, await authorAsViewer(tx, id), reportId));
  }

  const rows: Prisma.IntelMatchCreateManyInput[] = [];
  for (const other of others) {
    if (!visibleToAuthor.has(other.report.id)) {
      rows.push({
        agencyId: report.authorAgencyId,
        reportId,
        counterpartAgencyId: other.report.authorAgencyId,
        counterpartReportId: other.report.id,
        observableType: other.type,
      });
    }
    if (!seenByCounterpart.get(other.report.id)) {
      rows.push({
        agencyId: other.report.authorAgencyId,
        reportId: other.report.id,
        counterpartAgencyId: report.authorAgencyId,
        counterpartReportId: reportId,
        observableType: other.type,
      });
    }
  }
  if (rows.length === 0) return 0;
  const { count } = await tx.intelMatch.createMany({ data: rows, skipDuplicates: true });
  return count;
}
