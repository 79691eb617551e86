import {
  AudienceScope,
  Pap,
  Region,
  ReportStatus,
  SightingType,
} from '../../generated/prisma/enums.js';
import { publicUrl } from '../../public-url.js';

// IPNet's own STIX properties (PAP, Admiralty grading, audience, agency names in other scripts,
// jurisdictions…) travel in one STIX 2.1 property extension (section 7.3), never as top-level
// `x_` properties, which strict consumers (the OASIS `stix2` library without allow_custom,
// OpenCTI, MISP) drop or refuse. Every bundle and TAXII collection that uses the extension
// carries its definition and the network identity that defines it; the server publishes the
// extension's JSON schema at EXTENSION_SCHEMA_PATH.

export const IPNET_EXTENSION = 'extension-definition--0914c373-7a62-4633-bafe-b4e91bead402';
/** The network itself, as the identity that defines the extension. */
export const NETWORK_IDENTITY = 'identity--e87bfc30-6b14-4963-befe-ff238bdc9439';
export const EXTENSION_VERSION = '1.0.0';
/** When version 1.0.0 of the extension was defined: its `created` and `modified`. */
const DEFINED = '2026-12-07T00:00:00.000Z';

export const EXTENSION_SCHEMA_PATH = `/stix/extensions/${IPNET_EXTENSION}/schema.json`;

/** The schema's address: on PUBLIC_URL when it is known, else the server's path. */
function schemaUrl(): string {
  return `${publicUrl() ?? ''}${EXTENSION_SCHEMA_PATH}`;
}

export function networkIdentityObject() {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: NETWORK_IDENTITY,
    created: DEFINED,
    modified: DEFINED,
    name: 'GBA IPNet',
    description:
      'The network through which enforcement agencies of the Greater Bay Area and their partners share counterfeiting intelligence.',
    identity_class: 'organization',
    sectors: ['government-national'],
  };
}

export function extensionDefinitionObject() {
  return {
    type: 'extension-definition',
    spec_version: '2.1',
    id: IPNET_EXTENSION,
    created_by_ref: NETWORK_IDENTITY,
    created: DEFINED,
    modified: DEFINED,
    name: 'IPNet properties',
    description:
      "Properties of GBA IPNet's reports, agencies, observables and sightings that STIX has no property for: the report's PAP, Admiralty grading, status, retraction reason, HS code, observed country, estimated value and audience; an agency's names in English and the Chinese scripts and its jurisdiction; whether a URL is a marketplace listing; a sighting's type and country.",
    schema: schemaUrl(),
    version: EXTENSION_VERSION,
    extension_types: ['property-extension'],
  };
}

const lower = (values: Record<string, string>) => Object.values(values).map((v) => v.toLowerCase());
const kebab = (values: Record<string, string>) => lower(values).map((v) => v.replace(/_/g, '-'));
const COUNTRY = { type: 'string', pattern: '^[A-Z]{2}(-[A-Z0-9]{1,3})?$' };

/** The JSON schema (2020-12) of the extension's object, as served at EXTENSION_SCHEMA_PATH. */
export function extensionSchema() {
  const base = publicUrl();
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...(base ? { $id: `${base}${EXTENSION_SCHEMA_PATH}` } : {}),
    title: `IPNet properties ${EXTENSION_VERSION}`,
    description: `The object under extensions["${IPNET_EXTENSION}"] of an IPNet report, identity, url or sighting.`,
    type: 'object',
    properties: {
      extension_type: { const: 'property-extension' },
      pap: {
        description: "The report's permissible actions (PAP).",
        enum: lower(Pap),
      },
      admiralty: {
        description:
          'Admiralty grading: source reliability (A to F) and information credibility (1 to 6).',
        type: 'string',
        pattern: '^[A-F][1-6]$',
      },
      status: { description: "The report's state in IPNet.", enum: lower(ReportStatus) },
      retraction_reason: { description: 'Why the author retracted the report.', type: 'string' },
      hs_code: { description: 'Harmonized System code of the goods.', type: 'string' },
      observed_country: {
        description: 'Where it was observed (ISO 3166-1 alpha-2, or ISO 3166-2).',
        ...COUNTRY,
      },
      estimated_value: {
        description: 'Estimated market value of the goods.',
        type: 'object',
        properties: {
          amount: { type: 'string', pattern: '^\\d{1,16}\\.\\d{2}$' },
          currency: { description: 'ISO 4217', type: 'string', pattern: '^[A-Z]{3}$' },
        },
        required: ['amount', 'currency'],
        additionalProperties: false,
      },
      audience: {
        description:
          'Who may read the report in IPNet. Sent to the author agency only, as IPNet shows it.',
        type: 'object',
        properties: {
          scope: { enum: lower(AudienceScope) },
          regions: { type: 'array', items: { enum: kebab(Region) }, minItems: 1 },
        },
        required: ['scope'],
        additionalProperties: false,
      },
      names: {
        description: "The agency's names, each with its language (BCP 47).",
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: { lang: { type: 'string' }, name: { type: 'string' } },
          required: ['lang', 'name'],
          additionalProperties: false,
        },
      },
      jurisdiction: {
        description: "The agency's jurisdiction (ISO 3166-1 alpha-2, or ISO 3166-2).",
        ...COUNTRY,
      },
      observable_type: {
        description: 'What IPNet calls a URL that is more than a web address.',
        enum: ['marketplace-listing'],
      },
      sighting_type: { description: 'What the sighting says.', enum: kebab(SightingType) },
      country: { description: 'Where it was sighted (ISO 3166-1 alpha-2).', ...COUNTRY },
    },
    required: ['extension_type'],
    additionalProperties: false,
  };
}

/** `extensions` carrying IPNet's properties; properties left undefined are not sent. */
export function ipnetExtension(properties: Record<string, unknown>) {
  const present = Object.fromEntries(
    Object.entries(properties).filter(([, value]) => value !== undefined && value !== null),
  );
  return {
    extensions: { [IPNET_EXTENSION]: { extension_type: 'property-extension', ...present } },
  };
}

/** The `x_ipnet_*` properties of exports made before the extension, by their name in it. */
const LEGACY: ReadonlyMap<string, string> = new Map([
  ['x_ipnet_pap', 'pap'],
  ['x_ipnet_admiralty', 'admiralty'],
  ['x_ipnet_status', 'status'],
  ['x_ipnet_retraction_reason', 'retraction_reason'],
  ['x_ipnet_hs_code', 'hs_code'],
  ['x_ipnet_observed_country', 'observed_country'],
  ['x_ipnet_estimated_value', 'estimated_value'],
  ['x_ipnet_jurisdiction', 'jurisdiction'],
  ['x_ipnet_type', 'observable_type'],
  ['x_ipnet_sighting_type', 'sighting_type'],
  ['x_ipnet_country', 'country'],
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * IPNet's properties of an object read from a document: the extension's, or the `x_ipnet_*`
 * properties of an earlier export. A Map, so that names from the document are only looked up.
 */
export function ipnetPropertiesOf(object: Record<string, unknown>): ReadonlyMap<string, unknown> {
  const properties = new Map<string, unknown>();
  for (const [legacy, name] of LEGACY) {
    if (Object.hasOwn(object, legacy)) properties.set(name, object[legacy]);
  }
  const extensions = object.extensions;
  const extension =
    isRecord(extensions) && Object.hasOwn(extensions, IPNET_EXTENSION)
      ? extensions[IPNET_EXTENSION]
      : undefined;
  if (isRecord(extension)) {
    for (const [name, value] of Object.entries(extension)) properties.set(name, value);
  }
  return properties;
}
