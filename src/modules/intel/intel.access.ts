import type { Viewer } from '../../context.js';
import type { Prisma } from '../../generated/prisma/client.js';

/**
 * THE rule for who may read which intelligence report. Every read path applies it: lists and
 * search, `node(id:)`, counts, correlations, lookups, exports, statistics and alerts.
 *
 * - TLP:RED: the author, and the named recipients once the report is published.
 * - Other markings: the author agency sees its reports in every state (drafts, retracted);
 *   other agencies see a published report when they are in its audience: the whole network,
 *   one of the chosen regions, or a chosen agency (including agencies granted access on request).
 * - Nobody else, network admins included, and nobody without a session.
 */
export function intelReportVisibilityWhere(viewer: Viewer | null): Prisma.IntelReportWhereInput {
  if (!viewer) return { id: { in: [] } };
  return {
    OR: [
      { tlp: { not: 'RED' }, authorAgencyId: viewer.agencyId },
      { tlp: 'RED', authorUserId: viewer.userId },
      { tlp: 'RED', status: 'PUBLISHED', recipients: { some: { userId: viewer.userId } } },
      {
        tlp: { not: 'RED' },
        status: 'PUBLISHED',
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

/** Recipients of AMBER+STRICT or RED may read but not export or forward. */
export function mayExport(
  viewer: Viewer,
  report: { tlp: string; authorAgencyId: string },
): boolean {
  if (report.authorAgencyId === viewer.agencyId) return true;
  return report.tlp !== 'AMBER_STRICT' && report.tlp !== 'RED';
}
