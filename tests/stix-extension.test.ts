import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import {
  expectMember,
  globalId,
  gql,
  makeUser,
  member,
  present,
  rawId,
  send,
  tokenFor,
  unique,
  yoga,
} from './support/api.js';
import { graphql } from './support/graphql.js';
import { publishedReport, uniqueContainer } from './support/intel.js';
import {
  expectIpnetExtension,
  extensionValidator,
  IPNET_EXTENSION,
  ipnetExtensionOf,
  NETWORK_IDENTITY,
} from './support/stix-extension.js';
import { expectStixRules } from './support/stix-rules.js';
import { type StixBundle, type StixObject, validate } from './support/stix-schemas.js';

// IPNet's own properties travel in its STIX 2.1 property extension, whose JSON schema the
// server publishes; importing our own exports reads them back, and documents exported before the
// extension (`x_ipnet_*`) still import.

const STIX = graphql(
  'query($id: ID!) { node(id: $id) { __typename ... on IntelReport { stixBundle } } }',
);
const IMPORT_STIX = graphql(`
  mutation($document: JSON!, $dryRun: Boolean) { importStixBundle(document: $document, dryRun: $dryRun) {
    __typename
    ... on ImportStixBundleSuccess { outcome { dryRun
      reports { sourceId status tlp audienceScope report { id } }
      refused { sourceId sourceType reason } } }
    ... on Error { code message } } }
`);

let author: Awaited<ReturnType<typeof member>>;
let colleague = '';
let reader: Awaited<ReturnType<typeof member>>;

beforeAll(async () => {
  author = await member(['ANALYST'], { regions: ['GREATER_BAY_AREA'] });
  colleague = await tokenFor((await makeUser(author.agency.id, ['ANALYST'])).email);
  reader = await member(['ANALYST'], { regions: ['GREATER_BAY_AREA'] });
});

async function bundleOf(token: string, reportId: string): Promise<StixBundle> {
  const result = await gql(STIX, { id: reportId }, { token });
  expect(result.errors).toBeUndefined();
  const bundle = expectMember(present(result.data?.node, 'the report'), 'IntelReport')
    .stixBundle as StixBundle;
  validate(bundle);
  for (const object of bundle.objects) validate(object);
  expectStixRules(bundle.objects);
  await expectIpnetExtension(bundle.objects);
  return bundle;
}

const only = (bundle: StixBundle, type: string): StixObject[] =>
  bundle.objects.filter((o) => o.type === type);

async function importAll(token: string, document: unknown) {
  const data = await send(token, IMPORT_STIX, { document, dryRun: false });
  return expectMember(data.importStixBundle, 'ImportStixBundleSuccess').outcome;
}

const importedRow = (id: string | undefined) =>
  prisma.intelReport.findUniqueOrThrow({
    where: { id: rawId(present(id, 'the imported report')) },
    include: { observables: true, audienceAgencies: true },
  });

describe("IPNet's STIX extension", () => {
  it('publishes its JSON schema to anyone, as JSON with the security headers', async () => {
    const response = await yoga.fetch(
      `http://localhost/stix/extensions/${IPNET_EXTENSION}/schema.json`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/schema+json');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const schema = (await response.json()) as { $schema: string; properties: object };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    // Compiles under ajv's strict mode, and refuses what IPNet does not write.
    const check = await extensionValidator(`/stix/extensions/${IPNET_EXTENSION}/schema.json`);
    expect(check({ extension_type: 'property-extension', pap: 'amber', admiralty: 'B2' })).toBe(
      true,
    );
    expect(check({ extension_type: 'property-extension', pap: 'purple' })).toBe(false);
    expect(check({ extension_type: 'property-extension', x_other: 1 })).toBe(false);
    expect(check({ pap: 'amber' })).toBe(false);
  });

  it("carries a report's properties, and its audience to the author agency only", async () => {
    const listing = `https://market.example/item/${unique('bag')}`;
    const reportId = await publishedReport(author.token, {
      title: unique('extension'),
      tlp: 'GREEN',
      pap: 'RED',
      language: 'zh-Hans',
      sourceReliability: 'C',
      infoCredibility: 3,
      hsCode: '6403.99',
      observedCountry: 'HK',
      estimatedValue: { amount: '125000.5', currency: 'HKD' },
      audience: { scope: 'REGIONS', regions: ['GREATER_BAY_AREA'] },
      observables: [
        { type: 'MARKETPLACE_LISTING', value: listing },
        { type: 'CONTAINER_NUMBER', value: uniqueContainer() },
      ],
    });
    const own = await bundleOf(author.token, reportId);
    const report = present(only(own, 'report')[0], 'the report');
    expect(report.lang).toBe('zh-Hans');
    expect(ipnetExtensionOf(report)).toEqual({
      extension_type: 'property-extension',
      pap: 'red',
      admiralty: 'C3',
      status: 'published',
      hs_code: '640399',
      observed_country: 'HK',
      estimated_value: { amount: '125000.50', currency: 'HKD' },
      audience: { scope: 'regions', regions: ['greater-bay-area'] },
    });
    const identity = present(
      own.objects.find((o) => o.id === `identity--${author.agency.id}`),
      "the author's identity",
    );
    expect(ipnetExtensionOf(identity)).toEqual({
      extension_type: 'property-extension',
      names: [
        { lang: 'en', name: author.agency.nameEn },
        { lang: 'zh-Hans', name: author.agency.nameZhHans },
        { lang: 'zh-Hant', name: author.agency.nameZhHant },
      ],
      jurisdiction: author.agency.jurisdiction,
    });
    expect(ipnetExtensionOf(present(only(own, 'url')[0], 'the listing'))).toEqual({
      extension_type: 'property-extension',
      observable_type: 'marketplace-listing',
    });
    for (const indicator of only(own, 'indicator')) {
      expect(indicator.name).toEqual(expect.any(String));
      expect(indicator.description).toEqual(expect.any(String));
    }
    // The definition and its definer come first, before anything that uses them.
    expect(own.objects.slice(0, 2).map((o) => o.id)).toEqual([NETWORK_IDENTITY, IPNET_EXTENSION]);
    const definition = present(own.objects[1], 'the definition');
    expect(String(definition.schema)).toMatch(
      new RegExp(`/stix/extensions/${IPNET_EXTENSION}/schema\\.json$`),
    );

    const theirs = await bundleOf(reader.token, reportId);
    const seen = ipnetExtensionOf(present(only(theirs, 'report')[0], 'the report'));
    expect(seen).not.toHaveProperty('audience');
    expect(seen).toMatchObject({ pap: 'red', admiralty: 'C3' });
  });

  it('round-trips: an export imported keeps PAP, grading, audience, HS code, country, value and listings', async () => {
    const listing = `https://market.example/item/${unique('rt')}`;
    const reportId = await publishedReport(author.token, {
      title: unique('round trip'),
      tlp: 'GREEN',
      pap: 'CLEAR',
      sourceReliability: 'A',
      infoCredibility: 4,
      hsCode: '8507.60',
      observedCountry: 'MO',
      estimatedValue: { amount: '9800', currency: 'MOP' },
      audience: { scope: 'REGIONS', regions: ['GREATER_BAY_AREA', 'PAN_PEARL_RIVER_DELTA'] },
      observables: [{ type: 'MARKETPLACE_LISTING', value: listing }],
    });
    const outcome = await importAll(colleague, await bundleOf(author.token, reportId));
    expect(outcome.refused).toEqual([]);
    const row = await importedRow(outcome.reports[0]?.report?.id);
    expect(row).toMatchObject({
      status: 'DRAFT',
      tlp: 'GREEN',
      pap: 'CLEAR',
      sourceReliability: 'A',
      infoCredibility: 4,
      hsCode: '850760',
      observedCountry: 'MO',
      currency: 'MOP',
      audienceScope: 'REGIONS',
    });
    expect([...row.audienceRegions].sort()).toEqual(['GREATER_BAY_AREA', 'PAN_PEARL_RIVER_DELTA']);
    expect(row.estimatedValue?.toFixed(2)).toBe('9800.00');
    expect(row.observables.map((o) => o.type)).toEqual(['MARKETPLACE_LISTING']);

    // Another agency's export carries no audience: the marking's default applies, the rest stays.
    const other = await importAll(reader.token, await bundleOf(reader.token, reportId));
    const theirs = await importedRow(other.reports[0]?.report?.id);
    expect(theirs).toMatchObject({
      pap: 'CLEAR',
      sourceReliability: 'A',
      infoCredibility: 4,
      audienceScope: 'NETWORK',
    });
  });

  it('never widens the audience the marking allows the importer', async () => {
    const amber = await publishedReport(author.token, {
      title: unique('amber network'),
      tlp: 'AMBER',
      audience: { scope: 'NETWORK' },
    });
    const bundle = await bundleOf(author.token, amber);
    expect(ipnetExtensionOf(present(only(bundle, 'report')[0], 'the report'))?.audience).toEqual({
      scope: 'network',
    });
    const outcome = await importAll(colleague, bundle);
    const row = await importedRow(outcome.reports[0]?.report?.id);
    expect(row.audienceScope).toBe('AGENCIES');
    expect(row.audienceAgencies.map((a) => a.agencyId)).toEqual([author.agency.id]);

    // Named agencies are not told: the importer's agency is the audience, to be widened by hand.
    const named = await publishedReport(author.token, {
      title: unique('named'),
      tlp: 'GREEN',
      audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', reader.agency.id)] },
    });
    const namedBundle = await bundleOf(author.token, named);
    expect(
      ipnetExtensionOf(present(only(namedBundle, 'report')[0], 'the report'))?.audience,
    ).toEqual({ scope: 'agencies' });
    const namedRow = await importedRow(
      (await importAll(colleague, namedBundle)).reports[0]?.report?.id,
    );
    expect(namedRow.audienceScope).toBe('AGENCIES');
    expect(namedRow.audienceAgencies.map((a) => a.agencyId)).toEqual([author.agency.id]);
  });

  it('still reads the x_ipnet_* properties of documents exported before the extension', async () => {
    const reportUuid = randomUUID();
    const listing = `https://market.example/item/${unique('legacy')}`;
    const urlId = `url--${randomUUID()}`;
    const green = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
    const legacy = {
      type: 'bundle',
      id: `bundle--${randomUUID()}`,
      objects: [
        {
          type: 'identity',
          spec_version: '2.1',
          id: `identity--${randomUUID()}`,
          created: '2026-01-01T00:00:00.000Z',
          modified: '2026-01-01T00:00:00.000Z',
          name: 'An agency',
          identity_class: 'organization',
          x_ipnet_names: { en: 'An agency', 'zh-Hans': '机构', 'zh-Hant': '機構' },
          x_ipnet_jurisdiction: 'HK',
        },
        {
          type: 'report',
          spec_version: '2.1',
          id: `report--${reportUuid}`,
          created: '2026-01-01T00:00:00.000Z',
          modified: '2026-01-01T00:00:00.000Z',
          name: unique('legacy export'),
          description: 'Exported before the extension.',
          published: '2026-01-01T00:00:00.000Z',
          object_refs: [urlId],
          object_marking_refs: [green],
          x_ipnet_pap: 'green',
          x_ipnet_admiralty: 'D5',
          x_ipnet_status: 'published',
          x_ipnet_hs_code: '6403',
        },
        {
          type: 'url',
          spec_version: '2.1',
          id: urlId,
          value: listing,
          object_marking_refs: [green],
          x_ipnet_type: 'marketplace-listing',
        },
      ],
    };
    const outcome = await importAll(colleague, legacy);
    expect(outcome.refused).toEqual([]);
    const row = await importedRow(outcome.reports[0]?.report?.id);
    expect(row).toMatchObject({
      pap: 'GREEN',
      sourceReliability: 'D',
      infoCredibility: 5,
      hsCode: '6403',
      externalId: `report--${reportUuid}`,
    });
    expect(row.observables.map((o) => o.type)).toEqual(['MARKETPLACE_LISTING']);
  });

  it('other producers: an extension-definition is not an object to import, and nothing of ours is assumed', async () => {
    const green = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
    const domain = `${unique('foreign')}.example`;
    const domainId = `domain-name--${randomUUID()}`;
    const foreign = {
      type: 'bundle',
      id: `bundle--${randomUUID()}`,
      objects: [
        {
          type: 'extension-definition',
          spec_version: '2.1',
          id: `extension-definition--${randomUUID()}`,
          created_by_ref: `identity--${randomUUID()}`,
          created: '2026-01-01T00:00:00.000Z',
          modified: '2026-01-01T00:00:00.000Z',
          name: 'Someone else',
          schema: 'https://example.org/schema.json',
          version: '1.0',
          extension_types: ['property-extension'],
        },
        {
          type: 'report',
          spec_version: '2.1',
          id: `report--${randomUUID()}`,
          created: '2026-01-01T00:00:00.000Z',
          modified: '2026-01-01T00:00:00.000Z',
          name: unique('foreign'),
          published: '2026-01-01T00:00:00.000Z',
          confidence: 80,
          object_refs: [domainId],
          object_marking_refs: [green],
          // Another producer's extension, and one that borrows our id with values we never write.
          extensions: {
            [IPNET_EXTENSION]: {
              extension_type: 'property-extension',
              pap: 'purple',
              admiralty: 'Z9',
              hs_code: 'not a code',
              observed_country: 'Hong Kong',
              estimated_value: { amount: 'lots', currency: 'HKD' },
              audience: { scope: 'everyone' },
            },
          },
        },
        { type: 'domain-name', spec_version: '2.1', id: domainId, value: domain },
      ],
    };
    const outcome = await importAll(colleague, foreign);
    expect(outcome.refused).toEqual([]);
    const row = await importedRow(outcome.reports[0]?.report?.id);
    expect(row).toMatchObject({
      pap: 'AMBER',
      sourceReliability: 'F',
      infoCredibility: 2,
      hsCode: null,
      observedCountry: null,
      estimatedValue: null,
      audienceScope: 'NETWORK',
    });
  });
});
