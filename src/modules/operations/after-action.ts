import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Context } from '../../context.js';
import { prisma } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { isLocale, localizedName } from '../i18n/locale.js';
import { recordAccess } from '../intel/access-log.js';
import { intelReportVisibilityWhere } from '../intel/intel.access.js';
import { reportLocale, term, wordsFor } from './after-action.i18n.js';
import { operationWorkWhere } from './operation.access.js';
import { type ResultTotals, resultTotals } from './result-totals.js';

// The after-action report: built on request from the operation as the reader may see it
// (linked reports they may not read are counted, never described), as JSON and as Markdown,
// in the reader's language. Available from EVALUATION on.

export interface AfterActionReport {
  locale: string;
  generatedAt: Date;
  json: Record<string, unknown>;
  markdown: string;
}

export async function buildAfterActionReport(
  context: Context,
  operationId: string,
  requestedLocale: string | null,
): Promise<AfterActionReport> {
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
  const locale = reportLocale(
    requestedLocale && isLocale(requestedLocale) ? requestedLocale : context.locale,
  );
  const words = wordsFor(locale);

  const linkedIds = operation.intelLinks.map((l) => l.reportId);
  const visibleReports = await prisma.intelReport.findMany({
    where: { id: { in: linkedIds }, AND: [intelReportVisibilityWhere(context.viewer)] },
    orderBy: [{ sortKey: 'desc' }, { id: 'asc' }],
  });
  // Reading a sensitive report through the report is a reading like any other.
  await Promise.all(visibleReports.map((report) => recordAccess(context, report, 'VIEW')));
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

  const json = {
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
      total: totals.total,
      byAgency: totals.byAgency.map(({ agencyId, ...rest }) => ({
        agency: agency(agencyId),
        ...rest,
      })),
    },
    linkedIntel: {
      visible: visibleReports.map((report) => ({
        id: encodeGlobalID('IntelReport', report.id),
        title: report.title,
        tlp: report.tlp,
        category: report.category,
        publishedAt: report.publishedAt?.toISOString() ?? null,
      })),
      notVisibleCount: linkedIds.length - visibleReports.length,
    },
  };

  // ── Markdown ──
  const when = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: operation.timeZone,
  });
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
  const money = (amount: string, currency: string) =>
    new Intl.NumberFormat(locale, { style: 'currency', currency }).format(
      amount as unknown as number,
    );
  const cell = (value: string) => value.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);

  push(`# ${words.title}: ${operation.codeName}`, '', `**${operation.title}**`, '');
  push(`- ${words.marking}: TLP:${operation.tlp.replace('_', '+')}`);
  push(`- ${words.phase}: ${term(words, operation.phase)}`);
  push(`- ${words.lead}: ${agency(operation.leadAgencyId).name}`);
  push(
    `- ${words.window}: ${when.format(operation.plannedStart)} – ${when.format(operation.plannedEnd)} (${operation.timeZone})`,
  );
  const targets = [
    ...operation.targetCountries,
    ...operation.targetRegions.map((r) => term(words, r)),
  ];
  if (targets.length > 0) push(`- ${words.targets}: ${targets.join(', ')}`);
  push(`- ${words.generated}: ${when.format(new Date(json.generatedAt))}`, '');
  push(`## ${words.objective}`, '', operation.objective, '');
  if (operation.legalBasis) push(`## ${words.legalBasis}`, '', operation.legalBasis, '');

  push(`## ${words.timeline}`, '');
  for (const change of operation.phaseChanges) {
    const to = term(words, change.toPhase);
    const label = change.fromPhase
      ? `${term(words, change.fromPhase)} → ${to}`
      : `${words.proposed}: ${to}`;
    push(`- ${when.format(change.changedAt)}: ${label}${change.note ? ` — ${change.note}` : ''}`);
  }
  push('');

  push(`## ${words.participants}`, '');
  for (const p of json.participants) {
    const status = p.status === 'REMOVED' ? ' (removed)' : '';
    push(
      `- ${p.agency.name} — ${term(words, p.role)}${status}${p.conditions ? ` (${words.conditions}: ${p.conditions})` : ''}`,
    );
  }
  push('');

  push(`## ${words.tasks}`, '');
  if (operation.tasks.length === 0) push(words.noTasks);
  for (const task of operation.tasks) {
    const due = task.dueAt ? `, ${words.due} ${when.format(task.dueAt)}` : '';
    push(
      `- [${task.status === 'DONE' ? 'x' : ' '}] ${task.title} — ${agency(task.assigneeAgencyId).name}, ${term(words, task.status)}${due}${task.outcome ? `; ${words.outcome}: ${task.outcome}` : ''}`,
    );
  }
  push('');

  push(`## ${words.results}`, '');
  if (operation.results.length === 0) push(words.noResults, '');
  else {
    push('| | | | | |', '| --- | --- | --- | --- | --- |');
    for (const r of json.results) {
      const what =
        r.kind === 'SEIZURE'
          ? `${term(words, r.productCategory ?? 'OTHER')}: ${number.format(r.quantity as unknown as number)} ${term(words, r.unit ?? 'PIECE')}`
          : String(r.count);
      const value = r.marketValue ? money(r.marketValue.amount, r.marketValue.currency) : '';
      push(
        `| ${cell(r.agency.name)} | ${term(words, r.kind)} | ${cell(what)} | ${value} | ${cell([r.detectionPoint ? term(words, r.detectionPoint) : '', r.description ?? ''].filter(Boolean).join('; '))} |`,
      );
    }
    push('');
  }

  const totalLines = (t: ResultTotals, indent = '') => {
    for (const k of t.byKind) push(`${indent}- ${term(words, k.kind)}: ${number.format(k.count)}`);
    for (const s of t.seizures)
      push(
        `${indent}- ${words.seized} ${term(words, s.productCategory)}: ${number.format(s.quantity as unknown as number)} ${term(words, s.unit)} (${s.seizures} ${words.seizures})`,
      );
    for (const v of t.marketValue)
      push(`${indent}- ${words.marketValue}: ${money(v.amount, v.currency)}`);
  };
  push(`## ${words.totals}`, '');
  totalLines(totals.total);
  if (json.totals.byAgency.length > 1) {
    push('', `### ${words.byAgency}`, '');
    for (const a of json.totals.byAgency) {
      push(`- **${a.agency.name}**`);
      totalLines(a, '  ');
    }
  }
  push('');

  push(`## ${words.linkedIntel}`, '');
  if (visibleReports.length === 0) push(words.noLinkedIntel);
  for (const report of visibleReports) {
    push(
      `- ${report.title} (TLP:${report.tlp.replace('_', '+')}, ${term(words, report.category)})`,
    );
  }
  if (json.linkedIntel.notVisibleCount > 0)
    push('', words.hiddenIntel(json.linkedIntel.notVisibleCount));
  push('');

  return {
    locale,
    generatedAt: new Date(json.generatedAt),
    json,
    markdown: lines.join('\n'),
  };
}
