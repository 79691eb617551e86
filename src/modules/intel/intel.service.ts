import { recordAlerts } from '../../alert-log.js';
import { prisma, type Tx } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type {
  AudienceScope,
  IntelReport,
  ObservableType,
  Region,
  Tlp,
} from '../../generated/prisma/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import { changedFields } from '../common/changes.js';
import { AUTHOR_ONLY_CHANGES, isLoggedMarking, lockVisibleReport } from './intel.access.js';
import { recordReportAlert, reportAlert } from './intel.alerts.js';
import { recordMatches } from './matching.service.js';
import { observableHash } from './observables.js';
import { foldForSearch } from './search-text.js';

// Rules and writes of intelligence reports. Every write is one transaction: a refused or failed
// change leaves nothing behind. Changes to a published report are kept as versions.

export interface AudienceChoice {
  scope: AudienceScope;
  regions?: Region[] | null;
  agencyIds?: string[] | null;
  recipientIds?: string[] | null;
}

export interface ObservableEntry {
  type: ObservableType;
  value: string;
  note: string | null;
}

export interface ReportFields {
  title: string;
  summary: string;
  language: string;
  ipRight: IntelReport['ipRight'];
  category: IntelReport['category'];
  hsCode?: string | null;
  brands?: string[] | null;
  observedCountry?: string | null;
  route?: { origin?: string | null; transit?: string[] | null; destination?: string | null } | null;
  observedFrom?: Date | null;
  observedTo?: Date | null;
  estimatedQuantity?: number | null;
  quantityUnit?: string | null;
  estimatedValue?: { amount: string; currency: string } | null;
  sourceReliability: IntelReport['sourceReliability'];
  infoCredibility: number;
  tlp: Tlp;
  pap: IntelReport['pap'];
  audience: AudienceChoice;
  matchingOptOut?: boolean | null;
}

/** Scalar columns a report input sets; absent keys leave the column as it is. */
function columns(fields: Partial<ReportFields>): Prisma.IntelReportUncheckedUpdateInput {
  const data: Prisma.IntelReportUncheckedUpdateInput = {};
  const copy = [
    'title',
    'summary',
    'language',
    'ipRight',
    'category',
    'hsCode',
    'observedCountry',
    'observedFrom',
    'observedTo',
    'estimatedQuantity',
    'quantityUnit',
    'sourceReliability',
    'infoCredibility',
    'tlp',
    'pap',
  ] as const;
  for (const key of copy)
    if (fields[key] !== undefined) Object.assign(data, { [key]: fields[key] });
  if (fields.brands !== undefined) data.brands = fields.brands ?? [];
  if (fields.matchingOptOut !== undefined) data.matchingOptOut = fields.matchingOptOut ?? false;
  if (fields.route !== undefined) {
    data.originCountry = fields.route?.origin ?? null;
    data.transitCountries = fields.route?.transit ?? [];
    data.destinationCountry = fields.route?.destination ?? null;
  }
  if (fields.estimatedValue !== undefined) {
    data.estimatedValue = fields.estimatedValue
      ? new Prisma.Decimal(fields.estimatedValue.amount)
      : null;
    data.currency = fields.estimatedValue?.currency ?? null;
  }
  if (fields.audience) {
    data.audienceScope = fields.audience.scope;
    data.audienceRegions =
      fields.audience.scope === 'REGIONS' ? (fields.audience.regions ?? []) : [];
  }
  return data;
}

function searchTextOf(report: { title: string; summary: string; brands: string[] }): string {
  return foldForSearch([report.title, report.summary, ...report.brands].join('\n'));
}

/** Marking and audience must agree: RED goes to named people, everything else to agencies. */
async function checkAudience(tx: Tx, tlp: Tlp, audience: AudienceChoice): Promise<void> {
  const issue = (field: string, message: string) =>
    new ValidationError([{ path: ['input', 'audience', field], message }]);
  if (tlp === 'RED' && audience.scope !== 'RECIPIENTS') {
    throw issue('scope', 'a TLP:RED report goes to named recipients only: use RECIPIENTS');
  }
  if (tlp !== 'RED' && audience.scope === 'RECIPIENTS') {
    throw issue(
      'scope',
      'named recipients are for TLP:RED reports; choose NETWORK, REGIONS or AGENCIES',
    );
  }
  if (audience.scope === 'REGIONS' && !audience.regions?.length) {
    throw issue('regions', 'choose at least one region');
  }
  if (audience.scope === 'AGENCIES') {
    const ids = audience.agencyIds ?? [];
    if (ids.length === 0) throw issue('agencyIds', 'choose at least one agency');
    if ((await tx.agency.count({ where: { id: { in: ids } } })) !== new Set(ids).size) {
      throw issue('agencyIds', 'one of the agencies does not exist');
    }
  }
  if (audience.scope === 'RECIPIENTS') {
    const ids = audience.recipientIds ?? [];
    if (ids.length === 0) throw issue('recipientIds', 'name at least one recipient');
    // One answer for an id that names nobody and one that names a deactivated account: the check
    // reveals nothing about accounts the author may not see.
    const active = await tx.user.findMany({
      where: { id: { in: ids }, active: true },
      select: { id: true },
    });
    const position = ids.findIndex((id) => !active.some((u) => u.id === id));
    if (position >= 0) {
      throw issue(
        'recipientIds',
        `recipient ${position + 1} cannot be named: no active account has this id (it may not exist, or be deactivated)`,
      );
    }
  }
}

/** Replaces the author-chosen audience rows; grants made on request stay. */
async function writeAudience(tx: Tx, reportId: string, audience: AudienceChoice): Promise<void> {
  await tx.intelAudienceAgency.deleteMany({ where: { reportId, grantedVia: 'AUTHOR' } });
  await tx.intelRecipient.deleteMany({ where: { reportId, grantedVia: 'AUTHOR' } });
  if (audience.scope === 'AGENCIES') {
    await tx.intelAudienceAgency.createMany({
      data: [...new Set(audience.agencyIds ?? [])].map((agencyId) => ({ reportId, agencyId })),
      skipDuplicates: true,
    });
  }
  if (audience.scope === 'RECIPIENTS') {
    await tx.intelRecipient.createMany({
      data: [...new Set(audience.recipientIds ?? [])].map((userId) => ({ reportId, userId })),
      skipDuplicates: true,
    });
  }
}

async function writeObservables(tx: Tx, reportId: string, entries: ObservableEntry[]) {
  if (entries.length === 0) return 0;
  const { count } = await tx.intelObservable.createMany({
    data: entries.map((entry) => ({
      reportId,
      type: entry.type,
      value: entry.value,
      note: entry.note,
      valueHash: observableHash(entry.type, entry.value),
    })),
    skipDuplicates: true,
  });
  return count;
}

export async function createIntelReport(
  actor: Viewer,
  input: ReportFields & { observables?: ObservableEntry[] | null },
): Promise<IntelReport> {
  return prisma.$transaction((tx) => createReportWithin(tx, actor, input));
}

/**
 * A new draft of the actor's agency, within the caller's transaction (an import writes many in
 * one). `externalId` records where an imported report came from.
 */
export async function createReportWithin(
  tx: Tx,
  actor: Viewer,
  input: ReportFields & { observables?: ObservableEntry[] | null; externalId?: string | null },
): Promise<IntelReport> {
  await checkAudience(tx, input.tlp, input.audience);
  const data = columns(input) as Prisma.IntelReportUncheckedCreateInput;
  const report = await tx.intelReport.create({
    data: {
      ...data,
      audienceScope: input.audience.scope,
      // Matching tells another agency that this agency holds something on a value it guessed;
      // for reports whose very existence is restricted, that is the author's choice to make.
      matchingOptOut: input.matchingOptOut ?? isLoggedMarking(input.tlp),
      searchText: searchTextOf({ ...input, brands: input.brands ?? [] }),
      externalId: input.externalId ?? null,
      authorAgencyId: actor.agencyId,
      authorUserId: actor.userId,
    },
  });
  await writeAudience(tx, report.id, input.audience);
  await writeObservables(tx, report.id, input.observables ?? []);
  return report;
}

/**
 * The report for a change by `actor`: NotFound when they may not see it, Forbidden when they
 * may see it but their agency did not write it. Locks the row for the rest of the transaction.
 */
async function reportForChange(tx: Tx, actor: Viewer, reportId: string): Promise<IntelReport> {
  // Locked: concurrent changes of one report happen in order (versions are numbered so).
  const locked = await lockVisibleReport(tx, actor, reportId);
  if (locked.authorAgencyId !== actor.agencyId) {
    throw new ForbiddenError('Only the author agency may change this report.');
  }
  if (locked.status === 'RETRACTED') {
    throw new ConflictError('This report was retracted; it can no longer be changed.');
  }
  return locked;
}

async function recordVersion(
  tx: Tx,
  report: IntelReport,
  actor: Viewer,
  changes: Record<string, unknown>,
): Promise<number> {
  const version = report.version + 1;
  await tx.intelReportVersion.create({
    data: {
      reportId: report.id,
      version,
      changedById: actor.userId,
      changes: changes as Prisma.InputJsonValue,
    },
  });
  return version;
}

async function audienceSnapshot(tx: Tx, reportId: string) {
  const [agencies, recipients] = await Promise.all([
    tx.intelAudienceAgency.findMany({
      where: { reportId, grantedVia: 'AUTHOR' },
      select: { agencyId: true },
    }),
    tx.intelRecipient.findMany({
      where: { reportId, grantedVia: 'AUTHOR' },
      select: { userId: true },
    }),
  ]);
  return {
    agencyIds: agencies.map((a) => a.agencyId).sort(),
    recipientIds: recipients.map((r) => r.userId).sort(),
  };
}

export async function updateIntelReport(
  actor: Viewer,
  reportId: string,
  input: Partial<ReportFields>,
): Promise<IntelReport> {
  return prisma.$transaction(async (tx) => {
    const report = await reportForChange(tx, actor, reportId);
    const tlp = input.tlp ?? report.tlp;
    if (input.tlp && !input.audience && (tlp === 'RED') !== (report.tlp === 'RED')) {
      throw new ValidationError([
        {
          path: ['input', 'audience'],
          message: 'changing to or from TLP:RED needs a new audience',
        },
      ]);
    }
    const data = columns(input);
    const changes: Record<string, unknown> = changedFields(report, data as Record<string, unknown>);
    if (input.audience) {
      await checkAudience(tx, tlp, input.audience);
      const before = await audienceSnapshot(tx, report.id);
      await writeAudience(tx, report.id, input.audience);
      const after = await audienceSnapshot(tx, report.id);
      if (JSON.stringify(before) !== JSON.stringify(after))
        changes.audience = { from: before, to: after };
    }
    if (Object.keys(changes).length === 0) return report;

    const merged = { ...report, ...(data as Partial<IntelReport>) };
    if (input.title !== undefined || input.summary !== undefined || input.brands !== undefined) {
      data.searchText = searchTextOf(merged);
    }
    if (report.status !== 'PUBLISHED')
      return tx.intelReport.update({ where: { id: report.id }, data });
    data.version = await recordVersion(tx, report, actor, changes);
    const updated = await tx.intelReport.update({ where: { id: report.id }, data });
    // Who could read it before and can no longer learns that from the live stream, as
    // VISIBILITY_LOST; the alert itself reaches the audience as it now is.
    // The alert reaches every reader: it names only the changes every reader may see.
    await recordReportAlert(tx, updated, 'INTEL_UPDATED', 'INFO', {
      data: { changed: Object.keys(changes).filter((field) => !AUTHOR_ONLY_CHANGES.has(field)) },
    });
    return updated;
  });
}

export async function publishIntelReport(actor: Viewer, reportId: string): Promise<IntelReport> {
  return prisma.$transaction(async (tx) => {
    const report = await reportForChange(tx, actor, reportId);
    if (report.status !== 'DRAFT') throw new ConflictError('Only a draft can be published.');
    const now = new Date();
    const published = await tx.intelReport.update({
      where: { id: report.id },
      data: { status: 'PUBLISHED', publishedAt: now, sortKey: now },
    });
    const found = await recordMatches(tx, report.id);
    await recordAlerts(tx, [
      await reportAlert(tx, published, 'INTEL_PUBLISHED', 'INFO', { data: { pap: published.pap } }),
      ...found,
    ]);
    return published;
  });
}

export async function retractIntelReport(
  actor: Viewer,
  reportId: string,
  reason: string,
): Promise<IntelReport> {
  return prisma.$transaction(async (tx) => {
    const report = await reportForChange(tx, actor, reportId);
    if (report.status !== 'PUBLISHED') {
      throw new ConflictError('Only a published report can be retracted.');
    }
    const version = await recordVersion(tx, report, actor, {
      status: { from: 'PUBLISHED', to: 'RETRACTED' },
      retractionReason: { from: null, to: reason },
    });
    const retracted = await tx.intelReport.update({
      where: { id: report.id },
      data: { status: 'RETRACTED', retractedAt: new Date(), retractionReason: reason, version },
    });
    await recordReportAlert(tx, retracted, 'INTEL_RETRACTED', 'WARNING', { data: { reason } });
    return retracted;
  });
}

export async function addObservables(
  actor: Viewer,
  reportId: string,
  entries: ObservableEntry[],
): Promise<IntelReport> {
  return prisma.$transaction(async (tx) => {
    const report = await reportForChange(tx, actor, reportId);
    const hashes = entries.map((e) => observableHash(e.type, e.value));
    const present = await tx.intelObservable.findMany({
      where: { reportId: report.id, valueHash: { in: hashes } },
      select: { valueHash: true },
    });
    const added = await writeObservables(tx, report.id, entries);
    if (added === 0 || report.status !== 'PUBLISHED') return report;
    const version = await recordVersion(tx, report, actor, {
      observablesAdded: entries.map((e) => ({ type: e.type, value: e.value })),
    });
    const hex = (hash: Uint8Array) => Buffer.from(hash).toString('hex');
    const known = new Set(present.map((o) => hex(o.valueHash)));
    const fresh = hashes.filter((h) => !known.has(hex(h)));
    const found = await recordMatches(tx, report.id, fresh);
    const updated = await tx.intelReport.update({ where: { id: report.id }, data: { version } });
    await recordAlerts(tx, [
      await reportAlert(tx, updated, 'INTEL_UPDATED', 'INFO', {
        data: { changed: ['observables'] },
      }),
      ...found,
    ]);
    return updated;
  });
}

export async function removeObservable(actor: Viewer, observableId: string): Promise<IntelReport> {
  return prisma.$transaction(async (tx) => {
    const observable = await tx.intelObservable.findUnique({ where: { id: observableId } });
    if (!observable) throw new NotFoundError('observable');
    const report = await reportForChange(tx, actor, observable.reportId);
    await tx.intelObservable.delete({ where: { id: observable.id } });
    if (report.status !== 'PUBLISHED') return report;
    const version = await recordVersion(tx, report, actor, {
      observableRemoved: { type: observable.type, value: observable.value },
    });
    const updated = await tx.intelReport.update({ where: { id: report.id }, data: { version } });
    await recordReportAlert(tx, updated, 'INTEL_UPDATED', 'INFO', {
      data: { changed: ['observables'] },
    });
    return updated;
  });
}
