import { type NewAlert, recordAlerts } from '../../alert-log.js';
import type { Tx } from '../../db.js';
import type {
  AlertKind,
  AlertSeverity,
  IntelReport,
  Prisma,
} from '../../generated/prisma/client.js';

// Alerts about intelligence reports. They point to the report, so the intelligence visibility
// rule decides who receives them (see alert.access.ts); the title is the report's own.

export type ReportFacts = Pick<
  IntelReport,
  'id' | 'title' | 'category' | 'tlp' | 'version' | 'authorAgencyId' | 'audienceRegions'
>;

interface Extra {
  data?: Record<string, unknown>;
  recipientAgencyId?: string;
}

export async function reportAlert(
  tx: Tx,
  report: ReportFacts,
  kind: AlertKind,
  severity: AlertSeverity,
  extra: Extra = {},
): Promise<NewAlert> {
  const author = await tx.agency.findUniqueOrThrow({
    where: { id: report.authorAgencyId },
    select: { regions: true },
  });
  return {
    kind,
    severity,
    title: report.title,
    reportId: report.id,
    originAgencyId: report.authorAgencyId,
    regions: [...new Set([...author.regions, ...report.audienceRegions])],
    categories: [report.category],
    recipientAgencyId: extra.recipientAgencyId ?? null,
    data: { tlp: report.tlp, version: report.version, ...extra.data } as Prisma.InputJsonValue,
  };
}

/** Records one alert about a report, as the transaction's last step. */
export async function recordReportAlert(
  tx: Tx,
  report: ReportFacts,
  kind: AlertKind,
  severity: AlertSeverity,
  extra: Extra = {},
): Promise<void> {
  await recordAlerts(tx, [await reportAlert(tx, report, kind, severity, extra)]);
}
