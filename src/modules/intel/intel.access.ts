import type { Context } from '../../context.js';
import type { Tx } from '../../db.js';
import { prisma } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import type { IntelReport, Prisma } from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import { loadById, lockRow, type Selection } from '../common/by-id.js';

export interface VisibilityOptions {
  /**
   * TLP:RED reports this request opened with a stated purpose (`intelReport(id:, purpose:)`).
   * A recipient reads a RED report only that way, so every reading is logged with its purpose.
   */
  openedRed?: readonly string[];
  /**
   * Count a retracted report as still published: whoever could read it when it was published
   * is told of its retraction (the retraction alert), and nothing else reads it that way.
   */
  asPublished?: boolean;
}

/**
 * THE rule for who may read which intelligence report. Every read path applies it: lists and
 * search, `node(id:)`, counts, correlations, lookups, exports, statistics and alerts.
 *
 * - TLP:RED: the author; and a named recipient, once the report is published, when they open it
 *   with a stated purpose (it never shows in their lists; `redReportsForMe` announces it).
 * - Other markings: the author agency sees its reports in every state (drafts, retracted);
 *   other agencies see a published report when they are in its audience: the whole network,
 *   one of the chosen regions, or a chosen agency (including agencies granted access on request).
 * - Nobody else, network admins included, and nobody without a session.
 */
export function intelReportVisibilityWhere(
  viewer: Viewer | null,
  options: VisibilityOptions = {},
): Prisma.IntelReportWhereInput {
  if (!viewer) return { id: { in: [] } };
  const openedRed = options.openedRed ?? [];
  const published = options.asPublished
    ? { status: { in: ['PUBLISHED' as const, 'RETRACTED' as const] } }
    : { status: 'PUBLISHED' as const };
  return {
    OR: [
      { tlp: { not: 'RED' }, authorAgencyId: viewer.agencyId },
      { tlp: 'RED', authorUserId: viewer.userId },
      ...(openedRed.length > 0
        ? [
            {
              id: { in: [...openedRed] },
              tlp: 'RED' as const,
              ...published,
              recipients: { some: { userId: viewer.userId } },
            },
          ]
        : []),
      {
        tlp: { not: 'RED' },
        ...published,
        OR: [
          { audienceScope: 'NETWORK' },
          ...(viewer.agencyRegions.length > 0
            ? [
                {
                  audienceScope: 'REGIONS' as const,
                  audienceRegions: { hasSome: [...viewer.agencyRegions] },
                },
              ]
            : []),
          { audienceAgencies: { some: { agencyId: viewer.agencyId } } },
        ],
      },
    ],
  };
}

/**
 * Fields whose changes only the author agency sees, like the audience and opt-out themselves:
 * in a report's versions, and never in the alerts that announce a change to every reader.
 */
export const AUTHOR_ONLY_CHANGES: ReadonlySet<string> = new Set([
  'audience',
  'audienceScope',
  'audienceRegions',
  'matchingOptOut',
]);

/** Recipients of AMBER+STRICT or RED may read but not export or forward. */
export function mayExport(
  viewer: Viewer,
  report: { tlp: string; authorAgencyId: string },
): boolean {
  if (report.authorAgencyId === viewer.agencyId) return true;
  return report.tlp !== 'AMBER_STRICT' && report.tlp !== 'RED';
}

/** Published TLP:RED reports addressed to the viewer (to announce them, not to show them). */
export function redAddressedToWhere(viewer: Viewer): Prisma.IntelReportWhereInput {
  return { tlp: 'RED', status: 'PUBLISHED', recipients: { some: { userId: viewer.userId } } };
}

/** Markings whose every reading by another agency is written to the access log. */
export const LOGGED_MARKINGS = ['AMBER_STRICT', 'RED'] as const;

export function isLoggedMarking(tlp: string): boolean {
  return (LOGGED_MARKINGS as readonly string[]).includes(tlp);
}

/** A match record is seen by the agency it was made for, and by nobody else. */
export function matchVisibilityWhere(viewer: Viewer | null): Prisma.IntelMatchWhereInput {
  return viewer ? { agencyId: viewer.agencyId } : { id: { in: [] } };
}

/** An access request is seen by the agency that asked and by the report's author agency. */
export function accessRequestVisibilityWhere(
  viewer: Viewer | null,
): Prisma.IntelAccessRequestWhereInput {
  if (!viewer) return { id: { in: [] } };
  return {
    OR: [{ requesterAgencyId: viewer.agencyId }, { report: { authorAgencyId: viewer.agencyId } }],
  };
}

/**
 * The access requests a viewer may decide: those for reports of the viewer's agency (and, for
 * TLP:RED, the service asks the author in person). A narrower rule than seeing them.
 */
export function decidableAccessRequestWhere(
  viewer: Viewer | null,
): Prisma.IntelAccessRequestWhereInput {
  if (!viewer || viewer.credential) return { id: { in: [] } };
  return { report: { authorAgencyId: viewer.agencyId } };
}

/** The report rule for this request's caller: RED reports it opened with a purpose included. */
export function reportVisibilityFor(context: Context): Prisma.IntelReportWhereInput {
  return intelReportVisibilityWhere(context.viewer, {
    openedRed: [...context.memory.openedRedReports],
  });
}

/** One report by id through the rule (RED ones opened in this request included), batched. */
export function visibleReport(context: Context, id: string, query: Selection = {}) {
  return loadById(
    context,
    'IntelReport',
    query,
    (ids, selection) =>
      prisma.intelReport.findMany({
        ...(selection as Prisma.IntelReportFindManyArgs),
        where: { id: { in: ids }, AND: [reportVisibilityFor(context)] },
      }),
    id,
  );
}

/** One observable by id, of a report the viewer may see; batched. */
export function visibleObservable(context: Context, id: string, query: Selection = {}) {
  return loadById(
    context,
    'IntelObservable',
    query,
    (ids, selection) =>
      prisma.intelObservable.findMany({
        ...(selection as Prisma.IntelObservableFindManyArgs),
        where: { id: { in: ids }, report: { AND: [intelReportVisibilityWhere(context.viewer)] } },
      }),
    id,
  );
}

/** A report the viewer may see, locked for a change in `tx`; NotFound otherwise. */
export async function lockVisibleReport(tx: Tx, viewer: Viewer, id: string): Promise<IntelReport> {
  await lockRow(tx, 'IntelReport', id);
  const report = await tx.intelReport.findFirst({
    where: { id, AND: [intelReportVisibilityWhere(viewer)] },
  });
  if (!report) throw new NotFoundError('intelligence report');
  return report;
}
