import { isUniqueViolation, prisma } from '../../db.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { Tlp } from '../../generated/prisma/enums.js';
import type { Viewer } from '../auth/viewer.js';
import { markingsUpTo } from '../credentials/api-credential.service.js';
import { intelReportVisibilityWhere } from '../intel/intel.access.js';
import { createReportWithin } from '../intel/intel.service.js';
import { createReportInput } from '../intel/intel.validation.js';
import { observableHash } from '../intel/observables.js';
import type { ImportOptions, ImportPlan, PlannedObservable, Refusal } from './import-plan.js';

// Previewing and writing an import. A preview (the default) writes nothing and says what each
// object would become, what is refused and why, and what each report correlates with among the
// reports the importer may see. A confirmed import writes every new report in one transaction,
// as drafts of the importer's agency; a report imported before (same agency, same source id) is
// found, not written again.

export type ImportStatus = 'NEW' | 'CREATED' | 'ALREADY_IMPORTED';

export interface ImportedReport {
  sourceId: string;
  status: ImportStatus;
  title: string;
  tlp: string;
  audienceScope: string;
  observables: PlannedObservable[];
  /** The report written now or by an earlier import. */
  reportId: string | null;
  /** Reports the importer may see that share an observable with this one (20 at most). */
  correlatedReportIds: string[];
  /** The report and the objects it brings that took the importer's default marking. */
  markedByDefault: string[];
}

export interface ImportOutcome {
  dryRun: boolean;
  defaultTlp: Tlp | null;
  reports: ImportedReport[];
  refused: Refusal[];
}

/**
 * The importer's choices, checked: a default marking is never TLP:RED (it goes to named people,
 * whom an import cannot name), and never above what the importer may write: a credential's
 * ceiling, for a partner tool.
 */
export function importOptions(actor: Viewer, defaultTlp: Tlp | null | undefined): ImportOptions {
  if (!defaultTlp) return { defaultTlp: null };
  if (defaultTlp === 'RED') {
    throw ValidationError.single(
      ['defaultTlp'],
      'TLP:RED is never a default: it goes to named people, whom an import cannot name (write such intelligence in IPNet, naming its recipients)',
    );
  }
  if (actor.credential && !markingsUpTo(actor.credential.tlpCeiling).includes(defaultTlp)) {
    throw ValidationError.single(
      ['defaultTlp'],
      `is above this credential's ceiling (${actor.credential.tlpCeiling}): choose ${markingsUpTo(actor.credential.tlpCeiling).join(', ')}`,
    );
  }
  return { defaultTlp };
}

function unique(observables: PlannedObservable[]): PlannedObservable[] {
  const seen = new Set<string>();
  return observables.filter((o) => {
    const key = `${o.type}:${o.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export async function runImport(
  actor: Viewer,
  plan: ImportPlan,
  options: { dryRun: boolean } & ImportOptions,
): Promise<ImportOutcome> {
  const refused = [...plan.refused];
  const accepted = plan.reports.flatMap((report) => {
    // The same checks as a report typed in: the fields as the API would take them.
    const parsed = createReportInput.safeParse({
      ...report.fields,
      audience: { scope: 'NETWORK' },
      observables: [],
    });
    if (!parsed.success) {
      refused.push({
        sourceId: report.sourceId,
        sourceType: 'report',
        reason: parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; '),
      });
      return [];
    }
    const { observables: _none, audience: _placeholder, ...fields } = parsed.data;
    return [
      {
        ...report,
        fields: { ...report.fields, ...fields },
        observables: unique(report.observables),
      },
    ];
  });

  // Every earlier import of the agency counts, so that nothing is written twice; which of them
  // the answer names follows the reader (the API resolves `report` through the rule, and a
  // partner tool is not told of one above its ceiling).
  const existing = await prisma.intelReport.findMany({
    where: { authorAgencyId: actor.agencyId, externalId: { in: accepted.map((r) => r.sourceId) } },
    select: { id: true, externalId: true, tlp: true },
  });
  const imported = new Map(existing.map((r) => [r.externalId, r.id]));
  const ceiling = actor.credential ? markingsUpTo(actor.credential.tlpCeiling) : null;
  const named = new Map(
    existing.filter((r) => !ceiling || ceiling.includes(r.tlp)).map((r) => [r.externalId, r.id]),
  );
  const correlations = await Promise.all(
    accepted.map(async (report) => {
      if (report.observables.length === 0) return [];
      const rows = await prisma.intelReport.findMany({
        where: {
          AND: [
            intelReportVisibilityWhere(actor),
            // A partner tool learns of nothing above its ceiling, not even an id.
            ...(actor.credential
              ? [{ tlp: { in: markingsUpTo(actor.credential.tlpCeiling) } }]
              : []),
            {
              observables: {
                some: {
                  valueHash: { in: report.observables.map((o) => observableHash(o.type, o.value)) },
                },
              },
            },
            ...(imported.has(report.sourceId)
              ? [{ id: { not: imported.get(report.sourceId) } }]
              : []),
          ],
        },
        select: { id: true },
        orderBy: [{ sortKey: 'desc' }, { id: 'asc' }],
        take: 20,
      });
      return rows.map((r) => r.id);
    }),
  );

  // A partner tool's reports are written in the name of the admin who issued its credential.
  const author = actor.credential ? { ...actor, userId: actor.credential.issuedById } : actor;
  const written = new Map<string, string>();
  const fresh = accepted.filter((r) => !imported.has(r.sourceId));
  if (!options.dryRun && fresh.length > 0) {
    try {
      await prisma.$transaction(
        async (tx) => {
          for (const report of fresh) {
            const created = await createReportWithin(tx, author, {
              ...report.fields,
              externalId: report.sourceId,
              observables: report.observables.map((o) => ({
                type: o.type,
                value: o.value,
                note: null,
              })),
            });
            written.set(report.sourceId, created.id);
          }
        },
        { maxWait: 10_000, timeout: 60_000 },
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new ConflictError(
        'The same objects were imported at this moment by someone else; run the import again to see them.',
      );
    }
  }

  return {
    dryRun: options.dryRun,
    defaultTlp: options.defaultTlp,
    refused,
    reports: accepted.map((report, i) => ({
      sourceId: report.sourceId,
      status: imported.has(report.sourceId)
        ? 'ALREADY_IMPORTED'
        : written.has(report.sourceId)
          ? 'CREATED'
          : 'NEW',
      title: report.fields.title,
      tlp: report.fields.tlp,
      audienceScope: report.fields.audience.scope,
      observables: report.observables,
      reportId: written.get(report.sourceId) ?? named.get(report.sourceId) ?? null,
      correlatedReportIds: correlations[i] ?? [],
      markedByDefault: report.markedByDefault,
    })),
  };
}
