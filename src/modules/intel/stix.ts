import { v4 as uuidv4, v5 as uuidv5 } from 'uuid';
import type { Context } from '../../context.js';
import { prisma } from '../../db.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { ObservableType, Tlp } from '../../generated/prisma/enums.js';
import { recordAccess } from './access-log.js';
import { intelReportVisibilityWhere, mayExport } from './intel.access.js';

// STIX 2.1 export of a report, for MISP, OpenCTI and any TAXII consumer: the report, the author
// agency as an identity, observables as SCOs (domain, URL, e-mail) or as indicators with a STIX
// pattern over an `x-ipnet-*` object (identifiers STIX has no object for), sightings, and the
// official OASIS TLP 2.0 marking definitions.

const TLP_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

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

function tlpMarkingObject(tlp: Tlp) {
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

const stixTime = (date: Date) => date.toISOString();

/** Admiralty information credibility as STIX confidence (STIX 2.1 appendix B). */
const CONFIDENCE: Record<number, number | undefined> = {
  1: 100,
  2: 80,
  3: 50,
  4: 30,
  5: 10,
  6: undefined,
};

function observableObject(
  observable: { id: string; type: ObservableType; value: string },
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
      return { type: 'url', spec_version: '2.1', id: scoId('url', value), value };
    }
    case 'EMAIL':
      return {
        type: 'email-addr',
        spec_version: '2.1',
        id: scoId('email-addr', observable.value),
        value: observable.value,
      };
    default: {
      const objectType = `x-ipnet-${observable.type.toLowerCase().replace(/_/g, '-')}`;
      const escaped = observable.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
      return {
        type: 'indicator',
        spec_version: '2.1',
        id: `indicator--${uuidv5(`${observable.type}:${observable.value}`, IPNET_NAMESPACE)}`,
        created: stixTime(created),
        modified: stixTime(created),
        name: `${observable.type.replace(/_/g, ' ').toLowerCase()}: ${observable.value}`,
        indicator_types: ['attribution'],
        pattern: `[${objectType}:value = '${escaped}']`,
        pattern_type: 'stix',
        valid_from: stixTime(created),
        ...common,
      };
    }
  }
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
    },
  });
  if (!viewer || !report) throw new NotFoundError('intelligence report');
  if (!mayExport(viewer, report)) {
    throw new ForbiddenError(
      `${TLP_MARKINGS[report.tlp].name} is for its recipients only: it may be read, not exported or forwarded.`,
    );
  }
  await recordAccess(context, report, 'EXPORT');

  const marking = TLP_MARKINGS[report.tlp].id;
  const author = `identity--${report.authorAgency.id}`;
  const common = { created_by_ref: author, object_marking_refs: [marking] };
  const created = report.createdAt;
  const modified = report.updatedAt;

  const agencies = new Map([[report.authorAgency.id, report.authorAgency]]);
  for (const s of report.sightings) agencies.set(s.agency.id, s.agency);
  const identities = [...agencies.values()].map((agency) => ({
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${agency.id}`,
    created: stixTime(agency.createdAt),
    modified: stixTime(agency.updatedAt),
    name: agency.nameEn,
    identity_class: 'organization',
    sectors: ['government-national'],
    x_ipnet_names: {
      en: agency.nameEn,
      'zh-Hans': agency.nameZhHans,
      'zh-Hant': agency.nameZhHant,
    },
    x_ipnet_jurisdiction: agency.jurisdiction,
  }));

  const observables = report.observables.map((o) => observableObject(o, o.createdAt, common));
  const sightings = report.sightings.map((s) => ({
    type: 'sighting',
    spec_version: '2.1',
    id: `sighting--${s.id}`,
    created: stixTime(s.createdAt),
    modified: stixTime(s.createdAt),
    created_by_ref: `identity--${s.agency.id}`,
    object_marking_refs: [marking],
    sighting_of_ref: `report--${report.id}`,
    first_seen: stixTime(s.seenAt),
    last_seen: stixTime(s.seenAt),
    ...(s.quantity ? { count: Math.min(s.quantity, 999_999_999) } : {}),
    where_sighted_refs: [`identity--${s.agency.id}`],
    x_ipnet_sighting_type: s.type.toLowerCase().replace(/_/g, '-'),
    ...(s.country ? { x_ipnet_country: s.country } : {}),
  }));

  const confidence = CONFIDENCE[report.infoCredibility];
  const stixReport = {
    type: 'report',
    spec_version: '2.1',
    id: `report--${report.id}`,
    created: stixTime(created),
    modified: stixTime(modified),
    name: report.title,
    description: report.summary,
    lang: report.language,
    report_types: ['threat-report'],
    published: stixTime(report.publishedAt ?? created),
    object_refs: [author, ...observables.map((o) => o.id)],
    labels: [report.category.toLowerCase(), report.ipRight.toLowerCase(), ...report.brands],
    ...(confidence !== undefined ? { confidence } : {}),
    ...common,
    x_ipnet_pap: report.pap.toLowerCase(),
    x_ipnet_admiralty: `${report.sourceReliability}${report.infoCredibility}`,
    x_ipnet_status: report.status.toLowerCase(),
    ...(report.hsCode ? { x_ipnet_hs_code: report.hsCode } : {}),
    ...(report.observedCountry ? { x_ipnet_observed_country: report.observedCountry } : {}),
    ...(report.estimatedValue && report.currency
      ? {
          x_ipnet_estimated_value: {
            amount: report.estimatedValue.toFixed(2),
            currency: report.currency,
          },
        }
      : {}),
  };

  return {
    type: 'bundle',
    id: `bundle--${uuidv4()}`,
    objects: [
      tlpMarkingObject(report.tlp),
      ...identities,
      stixReport,
      ...observables,
      ...sightings,
    ],
  };
}
