import type { NewAlert } from '../../alert-log.js';
import type { Tx } from '../../db.js';
import type { IntelReport, Prisma } from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import { viewerForUser } from '../auth/viewer.js';
import { intelReportVisibilityWhere } from './intel.access.js';
import { reportAlert } from './intel.alerts.js';

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
 * Records matches for `reportId` (just published, or given new observables: then only those
 * are compared, so known correlations are not announced again), inside the caller's
 * transaction. Returns the alerts to record with the change: MATCH_FOUND for each new
 * match record (about the holder's own report), CORRELATION_FOUND for each agency whose report
 * shares an observable with this one and that may read this one.
 */
export async function recordMatches(
  tx: Tx,
  reportId: string,
  /** Only these observables (by hash): the ones just added to a published report. */
  onlyHashes?: readonly Uint8Array<ArrayBuffer>[],
): Promise<NewAlert[]> {
  const report = await tx.intelReport.findUniqueOrThrow({ where: { id: reportId } });
  if (report.status !== 'PUBLISHED' || report.matchingOptOut) return [];

  const observables = await tx.intelObservable.findMany({
    where: { reportId, ...(onlyHashes ? { valueHash: { in: [...onlyHashes] } } : {}) },
    select: { type: true, valueHash: true },
  });
  if (observables.length === 0) return [];

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
  if (others.length === 0) return [];

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
  const alerts = await correlationAlerts(tx, report, others, visibleToAuthor, seenByCounterpart);
  if (rows.length === 0) return alerts;
  const known = await tx.intelMatch.findMany({
    where: {
      OR: rows.map(({ reportId, counterpartReportId, observableType }) => ({
        reportId,
        counterpartReportId,
        observableType,
      })),
    },
    select: { reportId: true, counterpartReportId: true, observableType: true },
  });
  const key = (m: { reportId: string; counterpartReportId: string; observableType: string }) =>
    `${m.reportId}/${m.counterpartReportId}/${m.observableType}`;
  const knownKeys = new Set(known.map(key));
  const fresh = rows.filter((row) => !knownKeys.has(key(row)));
  await tx.intelMatch.createMany({ data: fresh, skipDuplicates: true });
  return [...alerts, ...(await matchAlerts(tx, fresh))];
}

/** One alert per agency that holds a report matched across the wall, about its own report. */
async function matchAlerts(
  tx: Tx,
  rows: readonly Prisma.IntelMatchCreateManyInput[],
): Promise<NewAlert[]> {
  const holders = new Map<string, Prisma.IntelMatchCreateManyInput[]>();
  for (const row of rows) holders.set(row.reportId, [...(holders.get(row.reportId) ?? []), row]);
  const reports = await tx.intelReport.findMany({ where: { id: { in: [...holders.keys()] } } });
  return Promise.all(
    reports.map((own) =>
      reportAlert(tx, own, 'MATCH_FOUND', 'WARNING', {
        recipientAgencyId: own.authorAgencyId,
        data: {
          matches: (holders.get(own.id) ?? []).map((m) => ({
            agencyId: m.counterpartAgencyId,
            observableType: m.observableType,
          })),
        },
      }),
    ),
  );
}

/** Agencies whose reports share observables with this one and that may read it are told. */
async function correlationAlerts(
  tx: Tx,
  report: IntelReport,
  others: readonly { report: { id: string; authorAgencyId: string } }[],
  visibleToAuthor: ReadonlySet<string>,
  seenByCounterpart: ReadonlyMap<string, boolean>,
): Promise<NewAlert[]> {
  const toAuthor = [...new Set(others.map((o) => o.report.id))].filter((id) =>
    visibleToAuthor.has(id),
  );
  const byAgency = new Map<string, Set<string>>();
  for (const other of others) {
    if (!seenByCounterpart.get(other.report.id)) continue;
    const agency = other.report.authorAgencyId;
    byAgency.set(agency, (byAgency.get(agency) ?? new Set()).add(other.report.id));
  }
  const alerts: NewAlert[] = [];
  if (toAuthor.length > 0) {
    alerts.push(
      await reportAlert(tx, report, 'CORRELATION_FOUND', 'INFO', {
        recipientAgencyId: report.authorAgencyId,
        data: { correlatedReportIds: toAuthor },
      }),
    );
  }
  for (const [agencyId, reportIds] of byAgency) {
    alerts.push(
      await reportAlert(tx, report, 'CORRELATION_FOUND', 'INFO', {
        recipientAgencyId: agencyId,
        data: { correlatedReportIds: [...reportIds] },
      }),
    );
  }
  return alerts;
}
