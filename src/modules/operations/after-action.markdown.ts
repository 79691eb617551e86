import { term, type Words } from './after-action.i18n.js';
import type { AfterActionDocument } from './after-action.js';
import type { DocumentTotals } from './result-totals.js';

// The after-action report as Markdown, written from its JSON document alone: both forms always
// say the same. Dates are shown in the operation's time zone, numbers and money in the reader's
// locale (amounts stay exact: they are formatted from their decimal strings).

export function renderMarkdown(doc: AfterActionDocument, words: Words): string {
  const { locale, operation } = doc;
  const when = (iso: string) =>
    new Intl.DateTimeFormat(locale, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: operation.timeZone,
    }).format(new Date(iso));
  // Intl formats decimal strings exactly (no conversion to floating point).
  const number = (decimal: string | number) =>
    new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(decimal as number);
  const money = (amount: string, currency: string) =>
    new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount as never);
  const marking = (tlp: string) => `TLP:${tlp.replace('_', '+')}`;
  const cell = (value: string) => value.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);

  push(`# ${words.title}: ${operation.codeName}`, '', `**${operation.title}**`, '');
  push(`- ${words.marking}: ${marking(doc.marking)}`);
  push(`- ${words.phase}: ${term(words, operation.phase)}`);
  push(`- ${words.lead}: ${operation.leadAgency.name}`);
  push(
    `- ${words.window}: ${when(operation.plannedStart)} – ${when(operation.plannedEnd)} (${operation.timeZone})`,
  );
  const targets = [
    ...operation.targetCountries,
    ...operation.targetRegions.map((r) => term(words, r)),
  ];
  if (targets.length > 0) push(`- ${words.targets}: ${targets.join(', ')}`);
  push(`- ${words.generated}: ${when(doc.generatedAt)}`, '');
  push(`## ${words.objective}`, '', operation.objective, '');
  if (operation.legalBasis) push(`## ${words.legalBasis}`, '', operation.legalBasis, '');

  push(`## ${words.timeline}`, '');
  for (const change of doc.timeline) {
    const to = term(words, change.to);
    const label = change.from ? `${term(words, change.from)} → ${to}` : `${words.proposed}: ${to}`;
    push(`- ${when(change.at)}: ${label}${change.note ? ` — ${change.note}` : ''}`);
  }
  push('', `## ${words.participants}`, '');
  for (const p of doc.participants) {
    const removed = p.status === 'REMOVED' ? ` (${words.removed})` : '';
    const conditions = p.conditions ? ` (${words.conditions}: ${p.conditions})` : '';
    push(`- ${p.agency.name} — ${term(words, p.role)}${removed}${conditions}`);
  }

  push('', `## ${words.tasks}`, '');
  if (doc.tasks.length === 0) push(words.noTasks);
  for (const task of doc.tasks) {
    const due = task.dueAt ? `, ${words.due} ${when(task.dueAt)}` : '';
    const outcome = task.outcome ? `; ${words.outcome}: ${task.outcome}` : '';
    push(
      `- [${task.status === 'DONE' ? 'x' : ' '}] ${task.title} — ${task.assigneeAgency.name}, ${term(words, task.status)}${due}${outcome}`,
    );
  }

  push('', `## ${words.results}`, '');
  if (doc.results.length === 0) push(words.noResults);
  else {
    push(`| ${words.resultColumns.join(' | ')} |`, '| --- | --- | --- | --- | --- |');
    for (const r of doc.results) {
      const what =
        r.kind === 'SEIZURE'
          ? `${term(words, r.productCategory ?? 'OTHER')}: ${number(r.quantity ?? 0)} ${term(words, r.unit ?? 'PIECE')}`
          : String(r.count);
      const value = r.marketValue ? money(r.marketValue.amount, r.marketValue.currency) : '';
      const where = [r.detectionPoint ? term(words, r.detectionPoint) : '', r.description ?? '']
        .filter(Boolean)
        .join('; ');
      push(
        `| ${cell(r.agency.name)} | ${term(words, r.kind)} | ${cell(what)} | ${value} | ${cell(where)} |`,
      );
    }
  }

  const totalLines = (t: DocumentTotals, indent = '') => {
    for (const k of t.byKind) push(`${indent}- ${term(words, k.kind)}: ${number(k.count)}`);
    for (const s of t.seizures)
      push(
        `${indent}- ${words.seized} ${term(words, s.productCategory)}: ${number(s.quantity)} ${term(words, s.unit)} (${s.seizures} ${words.seizures})`,
      );
    for (const v of t.marketValue)
      push(`${indent}- ${words.marketValue}: ${money(v.amount, v.currency)}`);
  };
  push('', `## ${words.totals}`, '');
  totalLines(doc.totals.total);
  if (doc.totals.byAgency.length > 1) {
    push('', `### ${words.byAgency}`, '');
    for (const a of doc.totals.byAgency) {
      push(`- **${a.agency.name}**`);
      totalLines(a, '  ');
    }
  }

  push('', `## ${words.linkedIntel}`, '');
  if (doc.linkedIntel.visible.length === 0) push(words.noLinkedIntel);
  for (const report of doc.linkedIntel.visible) {
    push(`- ${report.title} (${marking(report.tlp)}, ${term(words, report.category)})`);
  }
  if (doc.linkedIntel.notExportableCount > 0) {
    push('', words.readOnlyIntel(doc.linkedIntel.notExportableCount));
  }
  if (doc.linkedIntel.notVisibleCount > 0) {
    push('', words.hiddenIntel(doc.linkedIntel.notVisibleCount));
  }
  push('');
  return lines.join('\n');
}
