import { encodeGlobalID } from '@pothos/plugin-relay';
import { type Context, signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { type Locale, localizedName, writtenLocale } from '../i18n/locale.js';
import { recordAccess } from '../intel/access-log.js';
import { intelReportVisibilityWhere, mayExport } from '../intel/intel.access.js';
import { wordsFor } from './after-action.i18n.js';
import { renderMarkdown } from './after-action.markdown.js';
import { operationWorkWhere } from './operation.access.js';
import { resultTotals, withoutDrawn } from './result-totals.js';

// The after-action report: built on request from the operation as the reader may see it
// (linked reports they may not read are counted, never described), as JSON and as Markdown,
// in the reader's language. Available from EVALUATION on.

/** The report as data: what the JSON endpoint serves and the Markdown is written from. */
export type AfterActionDocument = Awaited<ReturnType<typeof afterActionDocument>>;

export interface AfterActionReport {
  locale: string;
  generatedAt: Date;
  json: AfterActionDocument;
  markdown: string;
}

export async function buildAfterActionReport(
  context: Context,
  operationId: string,
  requestedLocale: Locale | null,
): Promise<AfterActionReport> {
  const json = await afterActionDocument(context, operationId, requestedLocale);
  return {
    locale: json.locale,
    generatedAt: new Date(json.generatedAt),
    json,
    markdown: renderMarkdown(json, wordsFor(json.locale)),
  };
}

async function afterActionDocument(
  context: Context,
  operationId: string,
  requestedLocale: Locale | null,
) {
  const operation = await prisma.operation.findFirst({
    where: { id: operationId, AND: [operationWorkWhere(context.viewer)] },
    include: {
      leadAgency: true,
      phaseChanges: { orderBy: [{ changedAt: 'asc' }, { id: 'asc' }] },
      participants: {
        where: { status: { in: ['ACCEPTED', 'REMOVED'] } },
        include: { agency: true },
        orderBy: [{ invitedAt: 'asc' }, { id: 'asc' }],
      },
      tasks: {
        include: { assigneeAgency: true },
        orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }, { id: 'asc' }],
      },
      results: {
        where: { supersededAt: null },
        include: { agency: true },
        orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }],
      },
      intelLinks: { select: { reportId: true } },
    },
  });
  if (!operation) throw new NotFoundError('operation');
  if (operation.phase !== 'EVALUATION' && operation.phase !== 'CLOSED') {
    throw new ConflictError(
      `The after-action report is built from EVALUATION on; this operation is ${operation.phase}.`,
    );
  }
  const locale = writtenLocale(requestedLocale ?? context.locale);

  const linkedIds = operation.intelLinks.map((l) => l.reportId);
  const visibleReports = await prisma.intelReport.findMany({
    where: { id: { in: linkedIds }, AND: [intelReportVisibilityWhere(context.viewer)] },
    orderBy: [{ sortKey: 'desc' }, { id: 'asc' }],
  });
  // The after-action report is a document to take away: each report in it is exported, and
  // logged as such. Reports the reader may read but not export (TLP:AMBER+STRICT and TLP:RED of
  // other agencies) are counted, never described.
  const viewer = signedInViewer(context);
  const exported = visibleReports.filter((report) => mayExport(viewer, report));
  await Promise.all(exported.map((report) => recordAccess(context, report, 'EXPORT')));
  const totals = await resultTotals({ operationId });
  const agencyNames = new Map(
    [
      operation.leadAgency,
      ...operation.participants.map((p) => p.agency),
      ...operation.tasks.map((t) => t.assigneeAgency),
      ...operation.results.map((r) => r.agency),
    ].map((agency) => [agency.id, localizedName(agency, locale)]),
  );
  const agency = (id: string) => ({
    id: encodeGlobalID('Agency', id),
    name: agencyNames.get(id) ?? id,
  });
  const day = (date: Date | null) => date?.toISOString().slice(0, 10) ?? null;

  return {
    locale,
    generatedAt: new Date().toISOString(),
    marking: operation.tlp,
    operation: {
      id: encodeGlobalID('Operation', operation.id),
      codeName: operation.codeName,
      title: operation.title,
      objective: operation.objective,
      legalBasis: operation.legalBasis,
      phase: operation.phase,
      leadAgency: agency(operation.leadAgencyId),
      targetCountries: operation.targetCountries,
      targetRegions: operation.targetRegions,
      plannedStart: operation.plannedStart.toISOString(),
      plannedEnd: operation.plannedEnd.toISOString(),
      timeZone: operation.timeZone,
    },
    timeline: operation.phaseChanges.map((c) => ({
      at: c.changedAt.toISOString(),
      from: c.fromPhase,
      to: c.toPhase,
      note: c.note,
    })),
    participants: operation.participants.map((p) => ({
      agency: agency(p.agencyId),
      role: p.role,
      status: p.status,
      conditions: p.conditions,
      joinedAt: p.respondedAt?.toISOString() ?? null,
    })),
    tasks: operation.tasks.map((task) => ({
      title: task.title,
      assigneeAgency: agency(task.assigneeAgencyId),
      status: task.status,
      dueAt: task.dueAt?.toISOString() ?? null,
      completedAt: task.completedAt?.toISOString() ?? null,
      outcome: task.outcome,
    })),
    results: operation.results.map((r) => ({
      agency: agency(r.agencyId),
      kind: r.kind,
      count: r.count,
      occurredOn: day(r.occurredOn),
      description: r.description,
      productCategory: r.productCategory,
      hsCode: r.hsCode,
      quantity: r.quantity?.toString() ?? null,
      unit: r.unit,
      marketValue:
        r.marketValue && r.currency
          ? {
              amount: r.marketValue.toFixed(2),
              currency: r.currency,
              valuationDate: day(r.valuationDate),
            }
          : null,
      detectionPoint: r.detectionPoint,
    })),
    totals: {
      total: withoutDrawn(totals.total),
      byAgency: totals.byAgency.map(({ agencyId, ...rest }) => ({
        agency: agency(agencyId),
        ...withoutDrawn(rest),
      })),
    },
    linkedIntel: {
      visible: exported.map((report) => ({
        id: encodeGlobalID('IntelReport', report.id),
        title: report.title,
        tlp: report.tlp,
        category: report.category,
        publishedAt: report.publishedAt?.toISOString() ?? null,
      })),
      notVisibleCount: linkedIds.length - visibleReports.length,
      notExportableCount: visibleReports.length - exported.length,
    },
  };
}
