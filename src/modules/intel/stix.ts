import { v4 as uuidv4, v5 as uuidv5 } from 'uuid';
import type { Context } from '../../context.js';
import { prisma } from '../../db.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { Agency, IntelReport, IntelSighting } from '../../generated/prisma/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { ObservableType, Tlp } from '../../generated/prisma/enums.js';
import { recordAccess } from './access-log.js';
import { intelReportVisibilityWhere, mayExport } from './intel.access.js';
import {
  extensionDefinitionObject,
  ipnetExtension,
  networkIdentityObject,
} from './stix-extension.js';

// STIX 2.1 export of a report, for MISP, OpenCTI and any TAXII consumer: the report, the author
// agency as an identity, observables as SCOs (domain, URL, e-mail) or as indicators with a STIX
// pattern over an `x-ipnet-*` object (identifiers STIX has no object for), sightings, and the
// official OASIS TLP 2.0 marking definitions. IPNet's own properties travel in its property
// extension (stix-extension.ts), whose definition every bundle carries.

export const TLP_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** The OASIS TLP 2.0 marking-definition objects, as published (cti-stix-common-objects). */
export const TLP_MARKINGS: Record<Tlp, { id: string; name: string; value: string }> = {
  CLEAR: {
    id: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
    name: 'TLP:CLEAR',
    value: 'clear',
  },
  GREEN: {
    id: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
    name: 'TLP:GREEN',
    value: 'green',
  },
  AMBER: {
    id: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
    name: 'TLP:AMBER',
    value: 'amber',
  },
  AMBER_STRICT: {
    id: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
    name: 'TLP:AMBER+STRICT',
    value: 'amber+strict',
  },
  RED: {
    id: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
    name: 'TLP:RED',
    value: 'red',
  },
};

export function tlpMarkingObject(tlp: Tlp) {
  const marking = TLP_MARKINGS[tlp];
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: marking.id,
    created: '2022-10-01T00:00:00.000Z',
    name: marking.name,
    extensions: {
      [TLP_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: marking.value },
    },
  };
}

/** The namespace STIX 2.1 gives for deterministic SCO identifiers (section 2.9). */
const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
/** Our namespace for the ids of indicators derived from observables. */
const IPNET_NAMESPACE = '6f0c6a4e-3a5b-5f7e-9b1d-2c4e8a7d9f10';

const scoId = (type: string, value: string) =>
  `${type}--${uuidv5(JSON.stringify({ value }), SCO_NAMESPACE)}`;

export const stixTime = (date: Date) => date.toISOString();

/** Admiralty information credibility as STIX confidence (STIX 2.1 appendix B). */
const CONFIDENCE: Record<number, number | undefined> = {
  1: 100,
  2: 80,
  3: 50,
  4: 30,
  5: 10,
  6: undefined,
};

/** STIX confidence back as Admiralty credibility: the grade whose confidence is nearest; 6 (cannot be judged) when none is given. */
export function credibilityFromConfidence(confidence: unknown): number {
  if (typeof confidence !== 'number' || !Number.isFinite(confidence)) return 6;
  let nearest = 6;
  let distance = Number.POSITIVE_INFINITY;
  for (const [grade, value] of Object.entries(CONFIDENCE)) {
    if (value !== undefined && Math.abs(value - confidence) < distance) {
      nearest = Number(grade);
      distance = Math.abs(value - confidence);
    }
  }
  return nearest;
}

export function observableObject(
  observable: { id: string; reportId: string; type: ObservableType; value: string },
  created: Date,
  common: Record<string, unknown>,
) {
  switch (observable.type) {
    case 'DOMAIN':
      return {
        type: 'domain-name',
        spec_version: '2.1',
        id: scoId('domain-name', observable.value),
        value: observable.value,
      };
    case 'WEBSITE_URL':
    case 'MARKETPLACE_LISTING': {
      const value = `https://${observable.value}`;
      return {
        type: 'url',
        spec_version: '2.1',
        id: scoId('url', value),
        value,
        // A listing is a web address with a meaning of its own; an import reads it back.
        ...(observable.type === 'MARKETPLACE_LISTING'
          ? ipnetExtension({ observable_type: 'marketplace-listing' })
          : {}),
      };
    }
    case 'EMAIL':
      return {
        type: 'email-addr',
        spec_version: '2.1',
        id: scoId('email-addr', observable.value),
        value: observable.value,
      };
    default: {
      const words = observable.type.replace(/_/g, ' ').toLowerCase();
      const objectType = `x-ipnet-${observable.type.toLowerCase().replace(/_/g, '-')}`;
      const escaped = observable.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
      return {
        type: 'indicator',
        spec_version: '2.1',
        // An indicator is its author's claim, made in one report: its id is the report's too, so
        // two reports naming one value are two indicators (one SCO), each with its own times.
        id: `indicator--${uuidv5(
          `${observable.reportId}:${observable.type}:${observable.value}`,
          IPNET_NAMESPACE,
        )}`,
        created: stixTime(created),
        modified: stixTime(created),
        name: `${words}: ${observable.value}`,
        description: `The ${words} ${observable.value}, named in an IPNet intelligence report on counterfeit goods.`,
        indicator_types: ['attribution'],
        pattern: `[${objectType}:value = '${escaped}']`,
        pattern_type: 'stix',
        valid_from: stixTime(created),
        ...common,
      };
    }
  }
}

/** An agency as a STIX identity: authors, and agencies that sighted. */
export function identityObject(agency: Agency) {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${agency.id}`,
    created: stixTime(agency.createdAt),
    modified: stixTime(agency.updatedAt),
    name: agency.nameEn,
    identity_class: 'organization',
    sectors: ['government-national'],
    ...ipnetExtension({
      names: [
        { lang: 'en', name: agency.nameEn },
        { lang: 'zh-Hans', name: agency.nameZhHans },
        { lang: 'zh-Hant', name: agency.nameZhHant },
        ...(agency.namePt ? [{ lang: 'pt', name: agency.namePt }] : []),
      ],
      jurisdiction: agency.jurisdiction,
    }),
  };
}

/** A sighting of a report by an agency, under the report's marking. */
export function sightingObject(sighting: IntelSighting, reportId: string, tlp: Tlp) {
  return {
    type: 'sighting',
    spec_version: '2.1',
    id: `sighting--${sighting.id}`,
    created: stixTime(sighting.createdAt),
    modified: stixTime(sighting.createdAt),
    created_by_ref: `identity--${sighting.agencyId}`,
    object_marking_refs: [TLP_MARKINGS[tlp].id],
    sighting_of_ref: `report--${reportId}`,
    first_seen: stixTime(sighting.seenAt),
    last_seen: stixTime(sighting.seenAt),
    ...(sighting.quantity ? { count: Math.min(sighting.quantity, 999_999_999) } : {}),
    where_sighted_refs: [`identity--${sighting.agencyId}`],
    ...ipnetExtension({
      sighting_type: sighting.type.toLowerCase().replace(/_/g, '-'),
      country: sighting.country,
    }),
  };
}

/** What a report's STIX object is made of: the row, or the row as it stood at a version. */
export type ReportState = Pick<
  IntelReport,
  | 'id'
  | 'title'
  | 'summary'
  | 'language'
  | 'category'
  | 'ipRight'
  | 'brands'
  | 'infoCredibility'
  | 'sourceReliability'
  | 'tlp'
  | 'pap'
  | 'status'
  | 'hsCode'
  | 'observedCountry'
  | 'currency'
  | 'retractionReason'
  | 'audienceScope'
  | 'audienceRegions'
  | 'authorAgencyId'
  | 'createdAt'
  | 'publishedAt'
> & { estimatedValue: Prisma.Decimal | string | number | null };

/** Observables rendered for a report, with the properties its objects share. */
export function reportCommon(report: Pick<ReportState, 'authorAgencyId' | 'tlp'>) {
  return {
    created_by_ref: `identity--${report.authorAgencyId}`,
    object_marking_refs: [TLP_MARKINGS[report.tlp].id],
  };
}

/**
 * The STIX report object. `modified` is the version's time; a retracted report's last version
 * is `revoked`, so a pulling tool can follow the retraction. The audience is told to the author
 * agency only (`forAgencyId`), as IPNet shows it.
 */
export function reportObject(
  report: ReportState,
  objectRefs: string[],
  modified: Date,
  forAgencyId: string | null = null,
) {
  const confidence = CONFIDENCE[report.infoCredibility];
  const money =
    report.estimatedValue !== null && report.currency
      ? new Prisma.Decimal(report.estimatedValue.toString()).toFixed(2)
      : null;
  return {
    type: 'report',
    spec_version: '2.1',
    id: `report--${report.id}`,
    created: stixTime(report.createdAt),
    modified: stixTime(modified),
    name: report.title,
    description: report.summary,
    lang: report.language,
    report_types: ['threat-report'],
    published: stixTime(report.publishedAt ?? report.createdAt),
    object_refs: [`identity--${report.authorAgencyId}`, ...objectRefs],
    labels: [report.category.toLowerCase(), report.ipRight.toLowerCase(), ...report.brands],
    ...(confidence !== undefined ? { confidence } : {}),
    ...(report.status === 'RETRACTED' ? { revoked: true } : {}),
    ...reportCommon(report),
    ...ipnetExtension({
      pap: report.pap.toLowerCase(),
      admiralty: `${report.sourceReliability}${report.infoCredibility}`,
      status: report.status.toLowerCase(),
      retraction_reason: report.retractionReason || undefined,
      hs_code: report.hsCode || undefined,
      observed_country: report.observedCountry || undefined,
      estimated_value:
        money && report.currency ? { amount: money, currency: report.currency } : undefined,
      audience:
        forAgencyId === report.authorAgencyId
          ? {
              scope: report.audienceScope.toLowerCase(),
              ...(report.audienceScope === 'REGIONS' && report.audienceRegions.length > 0
                ? {
                    regions: report.audienceRegions.map((r) => r.toLowerCase().replace(/_/g, '-')),
                  }
                : {}),
            }
          : undefined,
    }),
  };
}

/**
 * When a report's current version was shared: its last change after publication, else its
 * publication; a draft's, its last change. TAXII versions and the bundle agree on it.
 */
export function currentVersionTime(
  report: Pick<IntelReport, 'publishedAt' | 'updatedAt'>,
  lastChange: Date | null,
): Date {
  return lastChange ?? report.publishedAt ?? report.updatedAt;
}

/**
 * The STIX 2.1 bundle of one report, for a viewer who may read and export it. Refused (Forbidden)
 * for recipients of AMBER+STRICT and RED; every export is written to the access log.
 */
export async function stixBundle(context: Context, reportId: string) {
  const viewer = context.viewer;
  const report = await prisma.intelReport.findFirst({
    where: { id: reportId, AND: [intelReportVisibilityWhere(viewer)] },
    include: {
      authorAgency: true,
      observables: { orderBy: [{ type: 'asc' }, { createdAt: 'asc' }] },
      sightings: { include: { agency: true }, orderBy: { seenAt: 'asc' } },
      versions: { select: { changedAt: true }, orderBy: { version: 'desc' }, take: 1 },
    },
  });
  if (!viewer || !report) throw new NotFoundError('intelligence report');
  if (!mayExport(viewer, report)) {
    throw new ForbiddenError(
      `${TLP_MARKINGS[report.tlp].name} is for its recipients only: it may be read, not exported or forwarded.`,
    );
  }
  await recordAccess(context, report, 'EXPORT');

  const common = reportCommon(report);
  const agencies = new Map([[report.authorAgency.id, report.authorAgency]]);
  for (const s of report.sightings) agencies.set(s.agency.id, s.agency);
  const observables = report.observables.map((o) => observableObject(o, o.createdAt, common));
  const modified = currentVersionTime(report, report.versions[0]?.changedAt ?? null);
  return {
    type: 'bundle',
    id: `bundle--${uuidv4()}`,
    objects: [
      networkIdentityObject(),
      extensionDefinitionObject(),
      tlpMarkingObject(report.tlp),
      ...[...agencies.values()].map(identityObject),
      reportObject(
        report,
        observables.map((o) => o.id),
        modified,
        viewer.agencyId,
      ),
      ...observables,
      ...report.sightings.map((s) => sightingObject(s, report.id, report.tlp)),
    ],
  };
}
