import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import {
  expectMember,
  gql,
  makeAgency,
  makeUser,
  present,
  rawId,
  send,
  tokenFor,
  unique,
  yoga,
} from './support/api.js';
import { graphql } from './support/graphql.js';
import { publishedReport, uniqueContainer } from './support/intel.js';
import { expectStixRules } from './support/stix-rules.js';
import type { StixBundle } from './support/stix-schemas.js';
import { issueCredential } from './support/taxii-client.js';

// Importing STIX 2.1 bundles and MISP events: a dry run first, then one transaction; refused
// objects with their reasons; the same import twice changes nothing; and a round trip (import,
// then export) keeps the observables and the marking.

const STIX = graphql(
  'query($id: ID!) { node(id: $id) { __typename ... on IntelReport { stixBundle } } }',
);
const IMPORT_STIX = graphql(`
  mutation($document: JSON!, $dryRun: Boolean) { importStixBundle(document: $document, dryRun: $dryRun) {
    __typename
    ... on ImportStixBundleSuccess { outcome { dryRun
      reports { sourceId status title tlp audienceScope observables { type normalisedValue sourceId }
        report { id status tlp } correlatedReports { id } }
      refused { sourceId sourceType reason } } }
    ... on ValidationError { issues { path message } }
    ... on Error { code message } } }
`);
const IMPORT_MISP = graphql(`
  mutation($document: JSON!, $dryRun: Boolean) { importMispEvent(document: $document, dryRun: $dryRun) {
    __typename
    ... on ImportMispEventSuccess { outcome { dryRun
      reports { sourceId status title tlp audienceScope observables { type normalisedValue }
        report { id status tlp } correlatedReports { id } }
      refused { sourceId sourceType reason } } }
    ... on Error { code message } } }
`);

let authorToken = '';
let importer = { token: '', agencyId: '', userId: '' };
let adminB = '';

beforeAll(async () => {
  const a = await makeAgency();
  const b = await makeAgency({ regions: ['GREATER_BAY_AREA', 'PAN_PEARL_RIVER_DELTA'] });
  authorToken = await tokenFor((await makeUser(a.id, ['ANALYST'])).email);
  const analyst = await makeUser(b.id, ['ANALYST']);
  importer = { token: await tokenFor(analyst.email), agencyId: b.id, userId: analyst.id };
  adminB = await tokenFor((await makeUser(b.id, ['AGENCY_ADMIN', 'ANALYST'])).email);
});

const observableSet = (list: { type: string; normalisedValue?: string; value?: string }[]) =>
  list.map((o) => `${o.type} ${o.normalisedValue ?? o.value}`).sort();

async function exportedObservables(token: string, reportId: string) {
  const exported = await gql(STIX, { id: reportId }, { token });
  const node = present(exported.data?.node, 'the report');
  const bundle = expectMember(node, 'IntelReport').stixBundle as StixBundle;
  expectStixRules(bundle.objects);
  const report = bundle.objects.find((o) => o.type === 'report');
  return { bundle, marking: report?.object_marking_refs as string[] };
}

const draftsOf = (agencyId: string, externalId: string) =>
  prisma.intelReport.findMany({ where: { authorAgencyId: agencyId, externalId } });

describe('a STIX 2.1 bundle', () => {
  it('round-trips: exported, previewed, imported once in a transaction, exported again the same', async () => {
    const container = uniqueContainer();
    const domain = `${unique('rt')}.example`;
    const observables = [
      { type: 'DOMAIN' as const, value: domain },
      { type: 'EMAIL' as const, value: `Sales@${domain}` },
      { type: 'WEBSITE_URL' as const, value: `https://${domain}/bags?id=7` },
      { type: 'MARKETPLACE_LISTING' as const, value: `https://market.example/item/${domain}` },
      { type: 'CONTAINER_NUMBER' as const, value: container },
      { type: 'COMPANY_NAME' as const, value: "O'Neil Trading (HK) Ltd" },
    ];
    const original = await publishedReport(authorToken, {
      title: `Round trip ${domain}`,
      tlp: 'AMBER',
      observables,
    });
    const { bundle, marking } = await exportedObservables(authorToken, original);

    const preview = await send(importer.token, IMPORT_STIX, { document: bundle });
    const outcome = expectMember(preview.importStixBundle, 'ImportStixBundleSuccess').outcome;
    expect(outcome.dryRun).toBe(true);
    const [planned] = outcome.reports;
    expect(outcome.reports).toHaveLength(1);
    expect(planned).toMatchObject({
      status: 'NEW',
      tlp: 'AMBER',
      title: `Round trip ${domain}`,
      report: null,
    });
    // The author's report is public to the network, so the importer sees it correlate.
    expect(planned?.correlatedReports.map((r) => r.id)).toContain(original);
    // The sighting-free bundle brings nothing refused.
    expect(outcome.refused).toEqual([]);
    expect(await draftsOf(importer.agencyId, `report--${rawId(original)}`)).toEqual([]);

    const confirmed = await send(importer.token, IMPORT_STIX, { document: bundle, dryRun: false });
    const written = expectMember(confirmed.importStixBundle, 'ImportStixBundleSuccess').outcome;
    const imported = written.reports[0];
    expect(imported).toMatchObject({
      status: 'CREATED',
      report: { status: 'DRAFT', tlp: 'AMBER' },
    });
    const rows = await draftsOf(importer.agencyId, `report--${rawId(original)}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.authorUserId).toBe(importer.userId);

    const again = await exportedObservables(importer.token, imported?.report?.id ?? '');
    const before = observableSet(
      await prisma.intelObservable.findMany({ where: { reportId: rawId(original) } }),
    );
    const after = observableSet(
      await prisma.intelObservable.findMany({ where: { reportId: rows[0]?.id } }),
    );
    expect(after).toEqual(before);
    expect(again.marking).toEqual(marking);
    expect(
      again.bundle.objects
        .filter((o) => o.type !== 'report' && o.type !== 'identity' && o.type !== 'indicator')
        .map((o) => o.id)
        .sort(),
    ).toEqual(
      bundle.objects
        .filter((o) => o.type !== 'report' && o.type !== 'identity' && o.type !== 'indicator')
        .map((o) => o.id)
        .sort(),
    );

    // The same bundle again changes nothing.
    const repeat = await send(importer.token, IMPORT_STIX, { document: bundle, dryRun: false });
    const unchanged = expectMember(repeat.importStixBundle, 'ImportStixBundleSuccess').outcome;
    expect(unchanged.reports[0]).toMatchObject({
      status: 'ALREADY_IMPORTED',
      report: { id: imported?.report?.id },
    });
    expect(await draftsOf(importer.agencyId, `report--${rawId(original)}`)).toHaveLength(1);
  });

  it('refuses object by object, with reasons, and imports the rest', async () => {
    const id = (type: string) => `${type}--${crypto.randomUUID()}`;
    const green = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
    const custom = id('marking-definition');
    const good = id('indicator');
    const badCheckDigit = id('indicator');
    const ipv4 = id('indicator');
    const complex = id('indicator');
    const malware = id('malware');
    const reportOk = id('report');
    const reportCustom = id('report');
    const reportRed = id('report');
    const base = {
      spec_version: '2.1',
      created: '2026-11-01T00:00:00.000Z',
      modified: '2026-11-01T00:00:00.000Z',
    };
    const bundle = {
      type: 'bundle',
      id: id('bundle'),
      objects: [
        {
          ...base,
          type: 'marking-definition',
          id: custom,
          definition_type: 'statement',
          definition: { statement: 'Internal' },
        },
        {
          ...base,
          type: 'indicator',
          id: good,
          pattern: "[domain-name:value = 'Shop.Fake-Outlet.example']",
          pattern_type: 'stix',
          valid_from: base.created,
        },
        {
          ...base,
          type: 'indicator',
          id: badCheckDigit,
          pattern: "[x-ipnet-container-number:value = 'MSCU1234560']",
          pattern_type: 'stix',
          valid_from: base.created,
        },
        {
          ...base,
          type: 'indicator',
          id: ipv4,
          pattern: "[ipv4-addr:value = '198.51.100.7']",
          pattern_type: 'stix',
          valid_from: base.created,
        },
        {
          ...base,
          type: 'indicator',
          id: complex,
          pattern: "[domain-name:value = 'a.example'] OR [domain-name:value = 'b.example']",
          pattern_type: 'stix',
          valid_from: base.created,
        },
        { ...base, type: 'malware', id: malware, name: 'x', is_family: false },
        {
          ...base,
          type: 'report',
          id: reportOk,
          name: 'Fake outlet',
          published: base.created,
          object_refs: [good, badCheckDigit, ipv4, complex, malware],
          object_marking_refs: [green],
          labels: ['cosmetics'],
        },
        {
          ...base,
          type: 'report',
          id: reportCustom,
          name: 'Internal',
          published: base.created,
          object_refs: [good],
          object_marking_refs: [custom],
        },
        {
          ...base,
          type: 'report',
          id: reportRed,
          name: 'Red',
          published: base.created,
          object_refs: [good],
          object_marking_refs: ['marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1'],
        },
      ],
    };
    const result = await send(importer.token, IMPORT_STIX, { document: bundle, dryRun: false });
    const outcome = expectMember(result.importStixBundle, 'ImportStixBundleSuccess').outcome;
    expect(outcome.reports.map((r) => r.sourceId)).toEqual([reportOk]);
    expect(outcome.reports[0]).toMatchObject({
      status: 'CREATED',
      tlp: 'GREEN',
      audienceScope: 'NETWORK',
    });
    expect(outcome.reports[0]?.observables).toEqual([
      { type: 'DOMAIN', normalisedValue: 'shop.fake-outlet.example', sourceId: good },
    ]);
    const reasons = Object.fromEntries(outcome.refused.map((r) => [r.sourceId, r.reason]));
    expect(reasons[badCheckDigit]).toMatch(/check digit/i);
    expect(reasons[ipv4]).toMatch(/ipv4-addr has no IPNet observable type/);
    expect(reasons[complex]).toMatch(/only simple STIX patterns/);
    expect(reasons[malware]).toMatch(/malware has no place/);
    expect(reasons[reportCustom]).toMatch(/not a TLP marking/);
    expect(reasons[reportRed]).toMatch(/TLP:RED goes to named people/);
    const row = await prisma.intelReport.findFirstOrThrow({ where: { externalId: reportOk } });
    expect(row).toMatchObject({
      status: 'DRAFT',
      category: 'COSMETICS',
      tlp: 'GREEN',
      authorAgencyId: importer.agencyId,
    });
  });

  it('refuses what is not a bundle, and what is too large', async () => {
    const notBundle = await send(importer.token, IMPORT_STIX, { document: { type: 'report' } });
    const outcome = expectMember(notBundle.importStixBundle, 'ImportStixBundleSuccess').outcome;
    expect(outcome.reports).toEqual([]);
    expect(outcome.refused[0]?.reason).toMatch(/not a STIX 2.1 bundle/);
    const huge = {
      type: 'bundle',
      id: `bundle--${crypto.randomUUID()}`,
      objects: [],
      padding: 'x'.repeat(5_000_001),
    };
    const tooLarge = await send(importer.token, IMPORT_STIX, { document: huge });
    expect(tooLarge.importStixBundle.__typename).toBe('ValidationError');
  });
});

describe('a confirmed import', () => {
  it('is one transaction: when one report cannot be written, none is', async () => {
    const fuse = unique('fuse');
    // A database fault on the second report, as a lost connection or a full disk would be.
    await prisma.$executeRawUnsafe(`CREATE FUNCTION ${fuse.replace('-', '_')}() RETURNS trigger AS $$
      BEGIN IF NEW.title = '${fuse}' THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER ${fuse.replace('-', '_')} BEFORE INSERT ON "IntelReport" FOR EACH ROW EXECUTE FUNCTION ${fuse.replace('-', '_')}()`,
    );
    try {
      const green = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
      const at = '2026-11-01T00:00:00.000Z';
      const report = (name: string) => ({
        type: 'report',
        spec_version: '2.1',
        id: `report--${crypto.randomUUID()}`,
        created: at,
        modified: at,
        published: at,
        name,
        object_refs: [`domain-name--${crypto.randomUUID()}`],
        object_marking_refs: [green],
      });
      const first = report('Written first');
      const second = report(fuse);
      const result = await gql(
        IMPORT_STIX,
        {
          document: {
            type: 'bundle',
            id: `bundle--${crypto.randomUUID()}`,
            objects: [first, second],
          },
          dryRun: false,
        },
        { token: importer.token },
      );
      expect(result.errors?.[0]?.message).toMatch(/^Unexpected error/);
      expect(JSON.stringify(result.errors)).not.toContain('injected fault');
      expect(await draftsOf(importer.agencyId, first.id)).toEqual([]);
      expect(await draftsOf(importer.agencyId, second.id)).toEqual([]);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER ${fuse.replace('-', '_')} ON "IntelReport"`);
      await prisma.$executeRawUnsafe(`DROP FUNCTION ${fuse.replace('-', '_')}()`);
    }
  });
});

describe('a MISP event', () => {
  it('maps attributes, tags and distribution; round-trips; and imports once', async () => {
    const uuid = crypto.randomUUID();
    const domain = `${unique('misp')}.example`;
    const event = {
      Event: {
        uuid,
        info: `Counterfeit perfume shop ${domain}`,
        distribution: '1',
        Tag: [{ name: 'tlp:green' }, { name: 'misp-galaxy:sector="Retail"' }],
        Attribute: [
          { uuid: crypto.randomUUID(), type: 'domain', value: domain.toUpperCase() },
          { uuid: crypto.randomUUID(), type: 'email-src', value: `orders@${domain}` },
          { uuid: crypto.randomUUID(), type: 'ip-dst', value: '203.0.113.9' },
          { uuid: crypto.randomUUID(), type: 'domain', value: 'not a domain' },
        ],
        Object: [
          {
            name: 'url',
            Attribute: [
              { uuid: crypto.randomUUID(), type: 'url', value: `https://${domain}/perfume` },
            ],
          },
        ],
      },
    };
    const preview = await send(importer.token, IMPORT_MISP, { document: event });
    const outcome = expectMember(preview.importMispEvent, 'ImportMispEventSuccess').outcome;
    expect(outcome.reports[0]).toMatchObject({
      sourceId: uuid,
      status: 'NEW',
      tlp: 'GREEN',
      audienceScope: 'REGIONS',
    });
    expect(observableSet(outcome.reports[0]?.observables ?? [])).toEqual(
      [`DOMAIN ${domain}`, `EMAIL orders@${domain}`, `WEBSITE_URL ${domain}/perfume`].sort(),
    );
    expect(outcome.refused.map((r) => r.reason)).toEqual([
      'attribute type ip-dst has no IPNet observable type',
      expect.stringMatching(/^domain /),
    ]);
    expect(await draftsOf(importer.agencyId, uuid)).toEqual([]);

    const written = await send(importer.token, IMPORT_MISP, { document: event, dryRun: false });
    const created = expectMember(written.importMispEvent, 'ImportMispEventSuccess').outcome
      .reports[0];
    expect(created?.status).toBe('CREATED');
    const [row] = await draftsOf(importer.agencyId, uuid);
    expect(row?.audienceRegions.sort()).toEqual(['GREATER_BAY_AREA', 'PAN_PEARL_RIVER_DELTA']);
    const { bundle, marking } = await exportedObservables(
      importer.token,
      created?.report?.id ?? '',
    );
    expect(marking).toEqual(['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb']);
    expect(bundle.objects.filter((o) => o.type === 'domain-name').map((o) => o.value)).toEqual([
      domain,
    ]);
    expect(bundle.objects.filter((o) => o.type === 'email-addr').map((o) => o.value)).toEqual([
      `orders@${domain}`,
    ]);

    const again = await send(importer.token, IMPORT_MISP, { document: event, dryRun: false });
    expect(
      expectMember(again.importMispEvent, 'ImportMispEventSuccess').outcome.reports[0]?.status,
    ).toBe('ALREADY_IMPORTED');
    expect(await draftsOf(importer.agencyId, uuid)).toHaveLength(1);
  });

  it('refuses an event without a TLP tag, or with TLP:RED, writing nothing', async () => {
    for (const [tags, reason] of [
      [[], /no tlp:\* tag/],
      [[{ name: 'tlp:red' }], /TLP:RED/],
      [[{ name: 'tlp:ex:chr' }], /not a TLP marking/],
    ] as const) {
      const uuid = crypto.randomUUID();
      const result = await send(importer.token, IMPORT_MISP, {
        document: {
          Event: {
            uuid,
            info: 'x',
            Tag: tags,
            Attribute: [{ type: 'domain', value: 'a.example' }],
          },
        },
        dryRun: false,
      });
      const outcome = expectMember(result.importMispEvent, 'ImportMispEventSuccess').outcome;
      expect(outcome.reports).toEqual([]);
      expect(outcome.refused[0]?.reason).toMatch(reason);
      expect(await draftsOf(importer.agencyId, uuid)).toEqual([]);
    }
  });
});

describe('POST /import for automation', () => {
  it('takes an IMPORT credential: a dry run by default, then writes in the issuer’s name', async () => {
    const uuid = crypto.randomUUID();
    const document = {
      Event: {
        uuid,
        info: 'From a script',
        distribution: 0,
        Tag: [{ name: 'tlp:amber' }],
        Attribute: [{ type: 'domain', value: `${unique('auto')}.example` }],
      },
    };
    const credential = await issueCredential(adminB, 'AMBER', ['IMPORT']);
    const post = (path: string, auth: string | null) =>
      yoga.fetch(`http://localhost${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify(document),
      });
    expect((await post('/import/misp', null)).status).toBe(401);
    const readOnly = await issueCredential(adminB, 'AMBER', ['READ']);
    expect((await post('/import/misp', `Bearer ${readOnly.token}`)).status).toBe(403);

    const preview = await post('/import/misp', `Bearer ${credential.token}`);
    expect(preview.status).toBe(200);
    expect(await preview.json()).toMatchObject({
      dryRun: true,
      reports: [{ sourceId: uuid, status: 'NEW', audienceScope: 'AGENCIES' }],
    });
    expect(await draftsOf(importer.agencyId, uuid)).toEqual([]);

    const basic = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
    const written = await post('/import/misp?dryRun=false', basic);
    expect(written.status).toBe(201);
    const body = (await written.json()) as { reports: { status: string; reportId: string }[] };
    expect(body.reports[0]?.status).toBe('CREATED');
    const [row] = await draftsOf(importer.agencyId, uuid);
    const issuer = await prisma.apiCredential.findUniqueOrThrow({ where: { id: credential.id } });
    expect(row?.authorUserId).toBe(issuer.createdById);
    expect(body.reports[0]?.reportId).toBe(
      Buffer.from(`IntelReport:${row?.id}`).toString('base64'),
    );

    // The same TLP:AMBER event again, from a tool whose ceiling is GREEN: nothing is written,
    // and the report it would have been is not named to it.
    const greenOnly = await issueCredential(adminB, 'GREEN', ['IMPORT']);
    const again = await post('/import/misp?dryRun=false', `Bearer ${greenOnly.token}`);
    expect(await again.json()).toMatchObject({
      reports: [{ sourceId: uuid, status: 'ALREADY_IMPORTED', reportId: null }],
    });
    expect(await draftsOf(importer.agencyId, uuid)).toHaveLength(1);
  });
});
