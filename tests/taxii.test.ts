import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import {
  expectMember,
  globalId,
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
import { publishedReport, UPDATE_INTEL_REPORT, writeMatrixReports } from './support/intel.js';
import {
  expectIpnetExtension,
  IPNET_EXTENSION,
  ipnetExtensionOf,
  NETWORK_IDENTITY,
} from './support/stix-extension.js';
import { expectStixRules } from './support/stix-rules.js';
import { validate } from './support/stix-schemas.js';
import {
  type Credential,
  issueCredential,
  TAXII,
  TaxiiClient,
  type TaxiiObject,
} from './support/taxii-client.js';

// TAXII 2.1 as a partner tool uses it: a credential issued through the API, discovery, the
// collections, and every object pulled page by page. What each agency receives is the
// visibility matrix (markings × audiences) cut at the credential's ceiling, never AMBER+STRICT
// or RED, and nothing more.

type Agency = 'a' | 'b' | 'c';
const tag = unique('taxii');
const admins = {} as Record<Agency, string>;
const agencyIds = {} as Record<Agency, string>;
const agencyNames = {} as Record<Agency, string>;
const credentials = {} as Record<Agency, Credential>;
let authorToken = '';
let analystB = { id: '', token: '' };

/** Which agencies' credentials (ceiling AMBER) receive each report. */
const EXPECTED = {
  greenNetwork: ['a', 'b', 'c'],
  amberRegionPprd: ['a', 'b'],
  amberStrictAgencyB: [],
  redToB1: [],
  amberDraft: [],
  // Whoever could read it when published receives the retraction, as a revoked version.
  greenRetracted: ['a', 'b', 'c'],
  clearNetwork: ['a', 'b', 'c'],
} satisfies Record<string, Agency[]>;
type ReportName = keyof typeof EXPECTED;
const reports = {} as Record<ReportName, string>;
const rawIds = {} as Record<ReportName, string>;

const RED_OR_STRICT = [
  'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
];

beforeAll(async () => {
  const a = await makeAgency({ regions: ['GREATER_BAY_AREA'] });
  const b = await makeAgency({ regions: ['GREATER_BAY_AREA', 'PAN_PEARL_RIVER_DELTA'] });
  const c = await makeAgency({ regions: ['BELT_AND_ROAD'], jurisdiction: 'MY' });
  for (const [key, agency] of [
    ['a', a],
    ['b', b],
    ['c', c],
  ] as const) {
    agencyIds[key] = agency.id;
    agencyNames[key] = agency.nameEn;
    admins[key] = await tokenFor((await makeUser(agency.id, ['AGENCY_ADMIN'])).email);
    credentials[key] = await issueCredential(admins[key], 'AMBER');
  }
  authorToken = await tokenFor((await makeUser(a.id, ['ANALYST'])).email);
  const b1 = await makeUser(b.id, ['ANALYST']);
  analystB = { id: b1.id, token: await tokenFor(b1.email) };

  const base = {
    title: `${tag} report`,
    observables: [{ type: 'DOMAIN' as const, value: `www.${tag}.example` }],
  };
  const t = authorToken;
  Object.assign(
    reports,
    await writeMatrixReports(t, base, b.id, b1.id, 'Seals were genuine after all'),
  );
  reports.clearNetwork = await publishedReport(t, { ...base, tlp: 'CLEAR' });
  for (const [name, id] of Object.entries(reports)) {
    rawIds[name as ReportName] = rawId(id);
  }
});

/** The URL of the collection "Reports of <agency a>", found as a client would, by its title. */
async function authorCollection(client: TaxiiClient): Promise<string> {
  const root = await client.apiRoot();
  const collections = await client.collections();
  const found = collections.find((c) => c.title === `Reports of ${agencyNames.a}`);
  expect(found?.can_read).toBe(true);
  return new URL(`collections/${found?.id}/`, root).href;
}

const reportIdsOf = (objects: TaxiiObject[]) =>
  [...new Set(objects.filter((o) => o.type === 'report').map((o) => o.id.slice(8)))].sort();

describe.each(['a', 'b', 'c'] as const)('the credential of agency %s', (agency) => {
  it('pulls every report its agency may see, page by page, and nothing more', async () => {
    const client = TaxiiClient.basic(credentials[agency]);
    const collection = await authorCollection(client);
    const { objects } = await client.pullAll(collection, {}, 25);
    // Small pages end inside a report's objects and go on from there.
    const small = await client.pullAll(collection, { 'match[type]': 'report,domain-name' }, 3);
    expect(small.pages).toBeGreaterThan(1);
    expect(reportIdsOf(small.objects)).toEqual(reportIdsOf(objects));
    expect(small.objects.filter((o) => o.type === 'report')).toHaveLength(
      reportIdsOf(objects).length,
    );
    expect(small.objects.filter((o) => o.type === 'domain-name')).toHaveLength(
      objects.filter((o) => o.type === 'domain-name').length,
    );

    const expected = (Object.keys(EXPECTED) as ReportName[])
      .filter((name) => (EXPECTED[name] as Agency[]).includes(agency))
      .map((name) => rawIds[name])
      .sort();
    expect(reportIdsOf(objects)).toEqual(expected);
    for (const object of objects) {
      validate(object);
      expect(RED_OR_STRICT).not.toContain(object.id);
      for (const ref of (object.object_marking_refs as string[] | undefined) ?? []) {
        expect(RED_OR_STRICT).not.toContain(ref);
      }
    }
    expectStixRules(objects);
    await expectIpnetExtension(objects);
    // Markings and identities arrive before the objects that refer to them, and the extension's
    // definition (after the network identity that defines it) before the objects that use it.
    const definition = objects.findIndex((o) => o.id === IPNET_EXTENSION);
    expect(objects.findIndex((o) => o.id === NETWORK_IDENTITY)).toBe(0);
    expect(definition).toBe(1);
    const firstReport = objects.findIndex((o) => o.type === 'report');
    const authorIdentity = objects.findIndex((o) => o.id === `identity--${agencyIds.a}`);
    expect(authorIdentity).toBeGreaterThanOrEqual(0);
    expect(authorIdentity).toBeLessThan(firstReport);
    // No object version is sent twice in one pull (SCOs, which have no versions, are shared
    // by the reports that name the same value).
    const keys = objects.filter((o) => o.modified).map((o) => `${o.id}@${o.modified}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('credentials', () => {
  it('a lower ceiling receives less: GREEN gets CLEAR and GREEN, CLEAR only CLEAR', async () => {
    const green = await issueCredential(admins.b, 'GREEN');
    const clear = await issueCredential(admins.b, 'CLEAR');
    const greenPull = await TaxiiClient.bearer(green).pullAll(
      await authorCollection(TaxiiClient.bearer(green)),
    );
    expect(reportIdsOf(greenPull.objects)).toEqual(
      [rawIds.greenNetwork, rawIds.greenRetracted, rawIds.clearNetwork].sort(),
    );
    const markings = greenPull.objects.filter((o) => o.type === 'marking-definition');
    expect(markings.map((m) => m.name).sort()).toEqual(['TLP:CLEAR', 'TLP:GREEN']);
    const clearPull = await TaxiiClient.basic(clear).pullAll(
      await authorCollection(TaxiiClient.basic(clear)),
    );
    expect(reportIdsOf(clearPull.objects)).toEqual([rawIds.clearNetwork]);
  });

  it('refuses requests without a valid credential, and sessions of people', async () => {
    const anonymous = await new TaxiiClient(null).get('/taxii2/');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(anonymous.body).toMatchObject({ http_status: '401' });
    const wrongSecret = TaxiiClient.basic({ ...credentials.a, password: 'a'.repeat(32) });
    expect((await wrongSecret.get('/taxii2/')).status).toBe(401);
    const session = new TaxiiClient(`Bearer ${authorToken}`);
    expect((await session.get('/taxii2/')).status).toBe(401);
    // A credential is refused by GraphQL: it is not a session.
    const me = await gql(
      graphql('{ me { id } }'),
      {},
      {
        headers: { authorization: `Bearer ${credentials.a.token}` },
      },
    );
    expect(me.data?.me ?? null).toBeNull();
    // A credential without READ is refused the feed (IMPORT is issued by an admin who may write).
    const writer = await tokenFor((await makeUser(agencyIds.a, ['AGENCY_ADMIN', 'ANALYST'])).email);
    const importOnly = await issueCredential(writer, 'AMBER', ['IMPORT']);
    expect((await TaxiiClient.basic(importOnly).get('/taxii2/')).status).toBe(403);
    // A client that accepts only another media type is told so.
    const pair = Buffer.from(`${credentials.a.username}:${credentials.a.password}`).toString(
      'base64',
    );
    const xml = await yoga.fetch('http://localhost/taxii2/', {
      headers: { accept: 'application/xml', authorization: `Basic ${pair}` },
    });
    expect(xml.status).toBe(406);
  });

  it('revoking a credential ends its access at once; its last use is recorded', async () => {
    const credential = await issueCredential(admins.c, 'GREEN');
    const client = TaxiiClient.basic(credential);
    expect((await client.get('/taxii2/api/collections/')).status).toBe(200);
    const row = await prisma.apiCredential.findUniqueOrThrow({ where: { id: credential.id } });
    expect(row.lastUsedAt).not.toBeNull();
    // Only a hash of the secret is kept.
    expect(Buffer.from(row.secretHash).toString('utf8')).not.toContain(credential.password);
    expect(row.secretHash.length).toBe(32);

    const REVOKE = graphql(`mutation($id: ID!) { revokeApiCredential(id: $id) {
      __typename ... on RevokeApiCredentialSuccess { credential { revokedAt } } ... on Error { code } } }`);
    // Another agency's admin cannot revoke it, or learn that it exists.
    const foreign = await send(admins.a, REVOKE, { id: globalId('ApiCredential', credential.id) });
    expect(foreign.revokeApiCredential).toMatchObject({ __typename: 'NotFoundError' });
    const revoked = await send(admins.c, REVOKE, { id: globalId('ApiCredential', credential.id) });
    expect(
      expectMember(revoked.revokeApiCredential, 'RevokeApiCredentialSuccess').credential.revokedAt,
    ).toBeTruthy();
    expect((await client.get('/taxii2/api/collections/')).status).toBe(401);
    expect((await TaxiiClient.bearer(credential).get('/taxii2/')).status).toBe(401);
  });

  it('only agency admins issue and list them, each for their own agency', async () => {
    const LIST = graphql('{ apiCredentials { id name tlpCeiling scopes createdBy { id } } }');
    const listed = await send(admins.a, LIST, {});
    expect(listed.apiCredentials.map((c) => c.id)).toContain(
      globalId('ApiCredential', credentials.a.id),
    );
    expect(listed.apiCredentials.map((c) => c.id)).not.toContain(
      globalId('ApiCredential', credentials.b.id),
    );
    const analyst = await gql(
      graphql(
        `mutation { issueApiCredential(input: { name: "mine", scopes: [READ], tlpCeiling: GREEN }) { __typename } }`,
      ),
      {},
      { token: analystB.token },
    );
    expect(analyst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const node = await gql(
      graphql('query($id: ID!) { node(id: $id) { id } }'),
      { id: globalId('ApiCredential', credentials.b.id) },
      { token: admins.a },
    );
    expect(node.data?.node ?? null).toBeNull();
    // A ceiling above AMBER cannot even be asked for.
    const strict = await gql(
      `mutation { issueApiCredential(input: { name: "x", scopes: [READ], tlpCeiling: RED }) { __typename } }`,
      {},
      { token: admins.a },
    );
    expect(strict.errors?.[0]?.message).toMatch(/RED/);
    const empty = await gql(
      graphql(
        `mutation { issueApiCredential(input: { name: "  ", scopes: [], tlpCeiling: GREEN }) { __typename ... on ValidationError { issues { path message } } } }`,
      ),
      {},
      { token: admins.a },
    );
    expect(empty.data?.issueApiCredential).toMatchObject({ __typename: 'ValidationError' });
  });
});

describe('versions, filters and the manifest', () => {
  it('a change is a new version; earlier versions are served as they were', async () => {
    const id = await publishedReport(authorToken, {
      title: `${tag} before`,
      tlp: 'GREEN',
      observables: [{ type: 'DOMAIN', value: `v.${tag}.example` }],
    });
    const raw = rawId(id);
    const changed = await send(authorToken, UPDATE_INTEL_REPORT, {
      id,
      input: { title: `${tag} after` },
    });
    expect(changed.updateIntelReport.__typename).toBe('UpdateIntelReportSuccess');
    const client = TaxiiClient.basic(credentials.b);
    const collection = await authorCollection(client);
    const objectUrl = `${collection}objects/report--${raw}/`;

    const latest = await client.getOk<{ objects: TaxiiObject[] }>(objectUrl);
    expect(latest.body.objects.map((o) => o.name)).toEqual([`${tag} after`]);
    const all = await client.getOk<{ objects: TaxiiObject[] }>(objectUrl, {
      'match[version]': 'all',
    });
    expect(all.body.objects.map((o) => o.name)).toEqual([`${tag} before`, `${tag} after`]);
    // Every version of everything, as a tool pulling history receives it.
    const history = await client.pullAll(collection, { 'match[version]': 'all' }, 50);
    expectStixRules(history.objects);
    expect(history.objects.filter((o) => o.id === `report--${raw}`)).toHaveLength(2);
    const [first, second] = all.body.objects as [TaxiiObject, TaxiiObject];
    expect(String(first.modified) < String(second.modified)).toBe(true);
    expect(first.created).toBe(second.created);

    const versions = await client.getOk<{ versions: string[] }>(`${objectUrl}versions/`);
    expect(versions.body.versions).toEqual([first.modified, second.modified]);
    const firstOnly = await client.getOk<{ objects: TaxiiObject[] }>(objectUrl, {
      'match[version]': String(first.modified),
    });
    expect(firstOnly.body.objects.map((o) => o.name)).toEqual([`${tag} before`]);

    // A pull after the last one receives only what changed since.
    const since = all.headers.get('x-taxii-date-added-first') ?? '';
    const later = await client.getOk<{ objects?: TaxiiObject[] }>(`${collection}objects/`, {
      added_after: since,
      'match[type]': 'report',
    });
    expect(later.body.objects?.map((o) => o.name)).toContain(`${tag} after`);
    expect(later.body.objects?.map((o) => o.name)).not.toContain(`${tag} before`);
  });

  it('the retraction is the last version, revoked; the versions before it are not', async () => {
    const client = TaxiiClient.basic(credentials.c);
    const collection = await authorCollection(client);
    const all = await client.getOk<{ objects: TaxiiObject[] }>(
      `${collection}objects/report--${rawIds.greenRetracted}/`,
      { 'match[version]': 'all' },
    );
    expect(all.body.objects.map((o) => o.revoked ?? false)).toEqual([false, true]);
    expect(ipnetExtensionOf(present(all.body.objects[1], 'the retraction'))).toMatchObject({
      status: 'retracted',
      retraction_reason: 'Seals were genuine after all',
    });
    expect(ipnetExtensionOf(present(all.body.objects[0], 'the version before'))).toMatchObject({
      status: 'published',
    });
  });

  it("serves IPNet's extension definition and the network identity like the markings", async () => {
    const client = TaxiiClient.basic(credentials.a);
    const collection = await authorCollection(client);
    const byType = await client.getOk<{ objects: TaxiiObject[] }>(`${collection}objects/`, {
      'match[type]': 'extension-definition',
    });
    expect(byType.body.objects.map((o) => o.id)).toEqual([IPNET_EXTENSION]);
    for (const id of [IPNET_EXTENSION, NETWORK_IDENTITY]) {
      const one = await client.getOk<{ objects: TaxiiObject[] }>(`${collection}objects/${id}/`);
      const object = present(one.body.objects[0], id);
      expect(one.body.objects).toHaveLength(1);
      validate(object);
      const versions = await client.getOk<{ versions: string[] }>(
        `${collection}objects/${id}/versions/`,
      );
      expect(versions.body.versions).toEqual([object.modified]);
    }
  });

  it('filters by type and id, and the manifest lists what objects returns', async () => {
    const client = TaxiiClient.basic(credentials.a);
    const collection = await authorCollection(client);
    const reportsOnly = await client.pullAll(collection, { 'match[type]': 'report' }, 3);
    expect(new Set(reportsOnly.objects.map((o) => o.type))).toEqual(new Set(['report']));
    const one = await client.getOk<{ objects: TaxiiObject[] }>(`${collection}objects/`, {
      'match[id]': `report--${rawIds.greenNetwork}`,
    });
    expect(one.body.objects.map((o) => o.id)).toEqual([`report--${rawIds.greenNetwork}`]);

    const objects = await client.pullAll(collection, {}, 100);
    // The manifest, page by page as well (the shared test database may hold many agencies).
    type ManifestEntry = { id: string; version: string; media_type: string; date_added: string };
    const entries: ManifestEntry[] = [];
    let next: string | undefined;
    do {
      const page = await client.getOk<{ more?: boolean; next?: string; objects?: ManifestEntry[] }>(
        `${collection}manifest/`,
        { limit: '100', ...(next ? { next } : {}) },
      );
      entries.push(...(page.body.objects ?? []));
      next = page.body.more ? page.body.next : undefined;
    } while (next);
    const manifest = { body: { objects: entries } };
    expect(manifest.body.objects.map((m) => m.id)).toEqual(objects.objects.map((o) => o.id));
    for (const [i, entry] of manifest.body.objects.entries()) {
      const object = objects.objects[i] as TaxiiObject;
      expect(entry.media_type).toBe('application/stix+json;version=2.1');
      if (typeof object.modified === 'string') expect(entry.version).toBe(object.modified);
      expect(Number.isNaN(Date.parse(entry.date_added))).toBe(false);
    }
    // Objects it may not see are not found, as objects that do not exist.
    const strict = await client.get(`${collection}objects/report--${rawIds.amberStrictAgencyB}/`);
    expect(strict.status).toBe(404);
    const bad = await client.get(`${collection}objects/`, { limit: 'ten' });
    expect(bad.status).toBe(400);
    const badNext = await client.get(`${collection}objects/`, { next: 'not-a-token' });
    expect(badNext.status).toBe(400);
    const unknown = await client.get(
      '/taxii2/api/collections/00000000-0000-4000-8000-000000000000/',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe(TAXII);
  });

  it('the region collections hold the reports of their region', async () => {
    const client = TaxiiClient.basic(credentials.b);
    const root = await client.apiRoot();
    const collections = await client.collections();
    const gba = collections.find((c) => c.title === 'Reports from the Greater Bay Area');
    const bri = collections.find((c) => c.title === 'Reports from Belt and Road partners');
    const query = { 'match[id]': `report--${rawIds.greenNetwork}` };
    const inGba = await client.getOk<{ objects?: TaxiiObject[] }>(
      new URL(`collections/${gba?.id}/objects/`, root).href,
      query,
    );
    expect(inGba.body.objects?.map((o) => o.id)).toEqual([`report--${rawIds.greenNetwork}`]);
    const inBri = await client.getOk<{ objects?: TaxiiObject[] }>(
      new URL(`collections/${bri?.id}/objects/`, root).href,
      query,
    );
    expect(inBri.body.objects).toBeUndefined();
  });
});

describe('the access log', () => {
  it('records what a credential pulled as exports, in its issuer’s name with the credential', async () => {
    const credential = await issueCredential(admins.b, 'AMBER');
    const client = TaxiiClient.basic(credential);
    const pulled = await client.pullAll(
      await authorCollection(client),
      { 'match[type]': 'report' },
      50,
    );
    const rows = await prisma.intelAccessLog.findMany({ where: { credentialId: credential.id } });
    expect(rows.map((r) => r.reportId).sort()).toEqual(reportIdsOf(pulled.objects));
    expect(reportIdsOf(pulled.objects)).toContain(rawIds.amberRegionPprd);
    const issuer = await prisma.apiCredential.findUniqueOrThrow({ where: { id: credential.id } });
    for (const row of rows) {
      expect(row.action).toBe('EXPORT');
      expect(row.userId).toBe(issuer.createdById);
      expect(row.agencyId).toBe(agencyIds.b);
    }
  });
});
