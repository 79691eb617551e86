import { v5 as uuidv5 } from 'uuid';
import { prisma } from '../../db.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { Region } from '../../generated/prisma/enums.js';
import { alertRuleVisibilityWhere } from '../alerts/alert.access.js';
import { reportsSelectedBy } from '../alerts/alert-filter.js';
import type { Viewer } from '../auth/viewer.js';
import { markingsUpTo } from '../credentials/api-credential.service.js';
import { intelReportVisibilityWhere } from '../intel/intel.access.js';

// TAXII collections are views, not copies: each is a filter over the reports a credential's
// agency may see, decided per request by the intelligence rule. One for everything, one per
// region and per origin agency, and one per alert rule saved by the credential's issuer.

/** Our namespace for collection ids: the same view has the same id on every request. */
const COLLECTION_NAMESPACE = 'b3c1f0a2-6d1e-5b7a-9c4f-1e2d3c4b5a69';

export interface Collection {
  id: string;
  title: string;
  description: string;
  /** The reports of this view, before the rule and the credential's ceiling. */
  reports: Prisma.IntelReportWhereInput;
}

const REGION_TITLES: Record<Region, string> = {
  GREATER_BAY_AREA: 'the Greater Bay Area',
  PAN_PEARL_RIVER_DELTA: 'the Pan-Pearl River Delta',
  BELT_AND_ROAD: 'Belt and Road partners',
};

const idOf = (key: string) => uuidv5(key, COLLECTION_NAMESPACE);

/** The collections a credential's viewer sees, in a stable order. */
export async function collectionsFor(viewer: Viewer): Promise<Collection[]> {
  const issuer = viewer.credential ? { ...viewer, userId: viewer.credential.issuedById } : viewer;
  const [agencies, rules] = await Promise.all([
    prisma.agency.findMany({
      select: { id: true, nameEn: true },
      orderBy: [{ nameEn: 'asc' }, { id: 'asc' }],
    }),
    prisma.alertRule.findMany({
      where: alertRuleVisibilityWhere(issuer),
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    }),
  ]);
  return [
    {
      id: idOf('all'),
      title: 'All shared intelligence',
      description: 'Every report your agency may see, with its observables and sightings.',
      reports: {},
    },
    ...Object.values(Region).map((region) => ({
      id: idOf(`region:${region}`),
      title: `Reports from ${REGION_TITLES[region]}`,
      description: `Reports written by agencies of ${REGION_TITLES[region]}.`,
      reports: { authorAgency: { regions: { has: region } } },
    })),
    ...agencies.map((agency) => ({
      id: idOf(`agency:${agency.id}`),
      title: `Reports of ${agency.nameEn}`,
      description: `Reports written by ${agency.nameEn}.`,
      reports: { authorAgencyId: agency.id },
    })),
    ...rules.map((rule) => ({
      id: idOf(`rule:${rule.id}`),
      title: `Alert rule: ${rule.name}`,
      description: 'Reports whose alerts this saved rule lets through.',
      reports: reportsSelectedBy(rule),
    })),
  ];
}

/**
 * The reports a TAXII reader receives from a view: shared versions only (published, and
 * retracted ones as revoked), through the intelligence rule, and at or under the credential's
 * ceiling, which never reaches AMBER+STRICT or RED.
 */
export function sharedReportsWhere(
  viewer: Viewer,
  collection: Collection,
): Prisma.IntelReportWhereInput {
  return {
    AND: [
      intelReportVisibilityWhere(viewer, { asPublished: true }),
      { status: { in: ['PUBLISHED', 'RETRACTED'] } },
      { tlp: { in: markingsUpTo(viewer.credential?.tlpCeiling ?? 'CLEAR') } },
      collection.reports,
    ],
  };
}
