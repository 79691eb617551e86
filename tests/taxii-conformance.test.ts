import { beforeAll, describe, expect, it } from 'vitest';
import { sqlStatements } from '../src/db.js';
import {
  expectMember,
  globalId,
  gql,
  makeAgency,
  makeUser,
  rawId,
  send,
  tokenFor,
  unique,
} from './support/api.js';
import { graphql } from './support/graphql.js';
import {
  type ObservableInput,
  publishedReport,
  retractReport,
  UPDATE_INTEL_REPORT,
  uniqueContainer,
} from './support/intel.js';
import { expectStixRules } from './support/stix-rules.js';
import {
  type Credential,
  issueCredential,
  type ManifestRecord,
  TaxiiClient,
  type TaxiiObject,
  versionOf,
} from './support/taxii-client.js';

// A TAXII 2.1 client written to the specification walks every collection its credential reads:
// discovery, the API root, the collections, the objects page by page, and for every object Get
// an Object (§5.6), Get Object Versions (§5.8) and its manifest record (§5.7). Every object a
// collection lists is served by id, each id once under `last` and `first`, each version once
// under `all`, the manifest agrees with the objects, and what the credential may not see is a
// 404 by id and by versions, answered as for an object that does not exist.

type Agency = 'a' | 'b' | 'c';
const tag = unique('conformance');
const agencyIds = {} as Record<Agency, string>;
const agencyNames = {} as Record<Agency, string>;
const analysts = {} as Record<Agency, string>;
const credentials = {} as Record<'a' | 'aGreen' | 'b' | 'c', Credential>;

/** Values several reports name: one SCO each, served once per collection. */
const sharedDomain = `shared.${tag}.example`;
const sharedEmail = `desk@${tag}.example`;
const sharedUrl = `shop.${tag}.example/listing/1`;
/** Values only the restricted report of agency C names. */
const hiddenDomain = `hidden.${tag}.example`;
const hiddenContainer = uniqueContainer();
/** Values only the AMBER report of agency A names (above a GREEN ceiling). */
const amberDomain = `amber.${tag}.example`;
const amberContainer = uniqueContainer();

const reports = {} as Record<
  'changed' | 'fromB' | 'retracted' | 'restrictedC' | 'amberA' | 'plainC',
  string
>;

const SIGHT = graphql(
  `mutation($id: ID!, $input: SightingInput!) { reportSighting(reportId: $id, input: $input) { __typename ... on Error { code message } } }`,
);
const ADD_OBSERVABLES = graphql(
  `mutation($id: ID!, $observables: [ObservableInput!]!) { addObservables(reportId: $id, observables: $observables) { __typename ... on Error { code message } } }`,
);

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
    analysts[key] = await tokenFor((await makeUser(agency.id, ['ANALYST'])).email);
    const admin = await tokenFor((await makeUser(agency.id, ['AGENCY_ADMIN'])).email);
    credentials[key] = await issueCredential(admin, 'AMBER');
    if (key === 'a') credentials.aGreen = await issueCredential(admin, 'GREEN');
  }
  const shared: ObservableInput[] = [
    { type: 'DOMAIN', value: sharedDomain },
    { type: 'EMAIL', value: sharedEmail },
    { type: 'WEBSITE_URL', value: sharedUrl },
  ];

  // A report of A with three versions: published, changed, then given another observable.
  reports.changed = await publishedReport(analysts.a, {
    title: `${tag} changed`,
    tlp: 'GREEN',
    observables: [...shared, { type: 'CONTAINER_NUMBER', value: uniqueContainer() }],
  });
  const changed = await send(analysts.a, UPDATE_INTEL_REPORT, {
    id: reports.changed,
    input: { title: `${tag} changed again` },
  });
  expect(changed.updateIntelReport.__typename).toBe('UpdateIntelReportSuccess');
  const added = await send(analysts.a, ADD_OBSERVABLES, {
    id: reports.changed,
    observables: [{ type: 'PHONE', value: '+85221234567' }],
  });
  expect(added.addObservables.__typename).toBe('AddObservablesSuccess');
  // B names the same values in a report of its own; C sights A's report.
  reports.fromB = await publishedReport(analysts.b, {
    title: `${tag} from B`,
    tlp: 'GREEN',
    observables: [...shared, { type: 'CONTAINER_NUMBER', value: uniqueContainer() }],
  });
  const sighted = await send(analysts.c, SIGHT, {
    id: reports.changed,
    input: { type: 'SEEN', seenAt: '2026-11-20T08:00:00Z', country: 'MY', quantity: 40 },
  });
  expect(sighted.reportSighting.__typename).toBe('ReportSightingSuccess');
  // A retracted report naming the shared domain: its last version is the retraction.
  reports.retracted = await publishedReport(analysts.a, {
    title: `${tag} retracted`,
    tlp: 'GREEN',
    observables: [{ type: 'DOMAIN', value: sharedDomain }],
  });
  await retractReport(analysts.a, reports.retracted, 'Not counterfeit after all');
  // C's report for B only, and A's AMBER report (above a GREEN ceiling).
  reports.restrictedC = await publishedReport(analysts.c, {
    title: `${tag} restricted`,
    tlp: 'AMBER',
    audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', b.id)] },
    observables: [
      { type: 'DOMAIN', value: hiddenDomain },
      { type: 'CONTAINER_NUMBER', value: hiddenContainer },
      { type: 'DOMAIN', value: sharedDomain },
    ],
  });
  reports.amberA = await publishedReport(analysts.a, {
    title: `${tag} amber`,
    tlp: 'AMBER',
    observables: [
      { type: 'DOMAIN', value: amberDomain },
      { type: 'CONTAINER_NUMBER', value: amberContainer },
    ],
  });
  reports.plainC = await publishedReport(analysts.c, {
    title: `${tag} plain`,
    tlp: 'CLEAR',
    observables: [{ type: 'EMAIL', value: sharedEmail }],
  });
}, 120_000);

const ours = () => new Set(Object.values(agencyIds).map((id) => `identity--${id}`));

/**
 * The collections a client walks: every one the credential reads, except the collections of
 * agencies other tests made (a shared PostgreSQL database holds theirs too).
 */
async function walkedCollections(client: TaxiiClient) {
  const root = await client.apiRoot();
  const collections = await client.collections();
  const others = collections.filter(
    (c) =>
      c.title.startsWith('Reports of ') &&
      !Object.values(agencyNames).some((name) => c.title === `Reports of ${name}`),
  );
  const walked = collections.filter((c) => !others.includes(c));
  expect(walked.length).toBeGreaterThanOrEqual(1 + 3 + 3);
  for (const c of walked) expect(c.can_read).toBe(true);
  return walked.map((c) => ({ title: c.title, url: new URL(`collections/${c.id}/`, root).href }));
}

/** The objects of this test (and the markings): in a shared database, others' are left alone. */
function oursOnly(objects: TaxiiObject[]): TaxiiObject[] {
  const authors = ours();
  const ourReports = objects.filter(
    (o) => o.type === 'report' && authors.has(String(o.created_by_ref)),
  );
  const referenced = new Set(ourReports.flatMap((r) => r.object_refs as string[]));
  return objects.filter(
    (o) =>
      o.type === 'marking-definition' ||
      authors.has(o.id) ||
      authors.has(String(o.created_by_ref)) ||
      referenced.has(o.id),
  );
}

const idsOf = (objects: { id: string }[]) => objects.map((o) => o.id);
const repeated = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);

describe.each(['a', 'aGreen', 'b', 'c'] as const)(
  'a spec client with the credential %s walks every collection',
  (who) => {
    it('every listed object is served by id, with its versions and its manifest record', async () => {
      const client = TaxiiClient.basic(credentials[who]);
      for (const collection of await walkedCollections(client)) {
        const where = `${who} in ${collection.title}`;
        const latest = (await client.pullAll(collection.url, {}, 7)).objects;
        expect(repeated(idsOf(latest)), `${where}: ids repeated under last`).toEqual([]);
        expectStixRules(latest);
        const first = (await client.pullAll(collection.url, { 'match[version]': 'first' }, 7))
          .objects;
        expect(repeated(idsOf(first)), `${where}: ids repeated under first`).toEqual([]);
        expect(new Set(idsOf(first))).toEqual(new Set(idsOf(latest)));
        const history = (await client.pullAll(collection.url, { 'match[version]': 'all' }, 7))
          .objects;
        const historyKeys = history.map((o) => `${o.id}@${versionOf(o)}`);
        expect(repeated(historyKeys), `${where}: versions repeated under all`).toEqual([]);
        expectStixRules(history);

        // The manifest agrees with Get Objects, record for object, under last and all.
        const manifest = await client.manifest(collection.url, {}, 7);
        expect(idsOf(manifest)).toEqual(idsOf(latest));
        const manifestAll = await client.manifest(collection.url, { 'match[version]': 'all' }, 7);
        expect(idsOf(manifestAll)).toEqual(idsOf(history));
        const records = new Map<string, ManifestRecord>(manifest.map((m) => [m.id, m]));

        for (const object of oursOnly(latest)) {
          const what = `${where}: ${object.id}`;
          const record = records.get(object.id) as ManifestRecord;
          const stamp = versionOf(object);
          if (stamp) expect(record.version, what).toBe(stamp);
          // Get an Object: the latest version by default, the listed one.
          const byId = await client.object(collection.url, object.id);
          expect(byId, what).toEqual([object]);
          // Get Object Versions: every version, the latest last, as the manifest tells them.
          const versions = await client.versions(collection.url, object.id, {}, 2);
          expect(versions.at(-1), what).toBe(record.version);
          const all = await client.object(
            collection.url,
            object.id,
            { 'match[version]': 'all' },
            2,
          );
          expect(all, what).toEqual(history.filter((o) => o.id === object.id));
          expect(all.length, what).toBe(versions.length);
          const manifestVersions = manifestAll.filter((m) => m.id === object.id);
          expect(
            manifestVersions.map((m) => m.version),
            what,
          ).toEqual(versions);
          expect(
            await client.object(collection.url, object.id, { 'match[version]': 'first' }),
          ).toEqual(first.filter((o) => o.id === object.id));
          // Each version by its timestamp, and the object's manifest record by match[id].
          for (const version of versions) {
            const one = await client.object(collection.url, object.id, {
              'match[version]': version,
            });
            expect(one, `${what}@${version}`).toHaveLength(1);
          }
          const own = await client.manifest(collection.url, { 'match[id]': object.id });
          expect(own, what).toEqual([record]);
        }
      }
    }, 600_000);
  },
);

describe('one object named by several reports', () => {
  it('is listed once in the collections holding them all, and by id once', async () => {
    const client = TaxiiClient.basic(credentials.b);
    for (const collection of await walkedCollections(client)) {
      const { objects } = await client.pullAll(collection.url, {}, 50);
      const domains = objects.filter((o) => o.type === 'domain-name' && o.value === sharedDomain);
      const emails = objects.filter((o) => o.type === 'email-addr' && o.value === sharedEmail);
      expect(domains.length, collection.title).toBeLessThanOrEqual(1);
      expect(emails.length, collection.title).toBeLessThanOrEqual(1);
    }
    const all = (await walkedCollections(client)).find(
      (c) => c.title === 'All shared intelligence',
    );
    const { objects } = await client.pullAll(String(all?.url), {}, 50);
    const domain = objects.find((o) => o.type === 'domain-name' && o.value === sharedDomain);
    const url = objects.find((o) => o.type === 'url' && o.value === `https://${sharedUrl}`);
    expect(domain).toBeDefined();
    expect(url).toBeDefined();
    // Every report naming it refers to it, and it is there to be referred to.
    const naming = objects.filter(
      (o) => o.type === 'report' && (o.object_refs as string[]).includes(String(domain?.id)),
    );
    expect(naming.map((r) => String(r.name)).sort()).toEqual(
      [`${tag} changed again`, `${tag} from B`, `${tag} restricted`, `${tag} retracted`].sort(),
    );
    const history = await client.object(String(all?.url), String(domain?.id), {
      'match[version]': 'all',
    });
    expect(history).toEqual([domain]);
    expect(await client.versions(String(all?.url), String(domain?.id))).toHaveLength(1);
  });

  it('an indicator of a report with three versions is one object with one version', async () => {
    const client = TaxiiClient.basic(credentials.a);
    const all = (await walkedCollections(client)).find(
      (c) => c.title === 'All shared intelligence',
    );
    const history = (await client.pullAll(String(all?.url), { 'match[version]': 'all' }, 50))
      .objects;
    const versions = history.filter((o) => o.id === `report--${rawId(reports.changed)}`);
    expect(versions.map((v) => v.name)).toEqual([
      `${tag} changed`,
      `${tag} changed again`,
      `${tag} changed again`,
    ]);
    const latest = versions.at(-1) as TaxiiObject;
    const indicators = history.filter(
      (o) => o.type === 'indicator' && (latest.object_refs as string[]).includes(o.id),
    );
    expect(indicators).toHaveLength(2);
    for (const indicator of indicators) {
      expect(history.filter((o) => o.id === indicator.id)).toEqual([indicator]);
    }
    // Under all, only versioned objects repeat: reports, one object per version.
    expect(repeated(idsOf(history)).filter((id) => !id.startsWith('report--'))).toEqual([]);
  });
});

describe('Get an Object and its versions, paged and filtered (§5.6, §5.8)', () => {
  it('limit and next page through the versions; added_after leaves out the earlier ones', async () => {
    const client = TaxiiClient.basic(credentials.b);
    const all = (await walkedCollections(client)).find(
      (c) => c.title === 'All shared intelligence',
    );
    const url = String(all?.url);
    const id = `report--${rawId(reports.changed)}`;
    const paged = await client.allPages<TaxiiObject>(
      `${url}objects/${id}/`,
      'objects',
      { 'match[version]': 'all' },
      1,
    );
    expect(paged.pages).toBe(3);
    expect(paged.items.map((o) => o.modified)).toEqual(
      [...paged.items.map((o) => String(o.modified))].sort(),
    );
    const versions = await client.allPages<string>(
      `${url}objects/${id}/versions/`,
      'versions',
      {},
      1,
    );
    expect(versions.pages).toBe(3);
    expect(versions.items).toEqual(paged.items.map((o) => o.modified));
    // After the first version was added: the two later ones.
    const after = await client.object(url, id, {
      'match[version]': 'all',
      added_after: String(paged.dateAdded[0]),
    });
    expect(after.map((o) => o.modified)).toEqual(versions.items.slice(1));
    const afterVersions = await client.versions(url, id, {
      added_after: String(paged.dateAdded[0]),
    });
    expect(afterVersions).toEqual(versions.items.slice(1));
    // A sighting, by id.
    const { objects } = await client.pullAll(url, { 'match[type]': 'sighting' }, 50);
    const sighting = objects.find((o) => o.sighting_of_ref === id) as TaxiiObject;
    expect(sighting).toBeDefined();
    expect(await client.object(url, sighting.id)).toEqual([sighting]);
    expect(await client.versions(url, sighting.id)).toEqual([sighting.modified]);
    // Get an Object names its object in the path: match[type] and match[id] are not its parameters.
    expect(
      await client.object(url, sighting.id, { 'match[type]': 'report', 'match[id]': id }),
    ).toEqual([sighting]);
  });

  it('match[id] of Get Objects finds indicators, SCOs and sightings as Get an Object does', async () => {
    const client = TaxiiClient.basic(credentials.b);
    const all = (await walkedCollections(client)).find(
      (c) => c.title === 'All shared intelligence',
    );
    const url = String(all?.url);
    const { objects } = await client.pullAll(url, {}, 50);
    const picked = oursOnly(objects).filter((o) =>
      ['indicator', 'domain-name', 'url', 'email-addr', 'sighting'].includes(o.type),
    );
    expect(new Set(picked.map((o) => o.type)).size).toBe(5);
    const listed = await client.pullAll(url, { 'match[id]': idsOf(picked).join(',') }, 3);
    expect(listed.objects).toEqual(picked);
  });
});

describe('what a credential may not see', () => {
  /** The 404 of an object that does not exist, to compare the others with. */
  async function missing(client: TaxiiClient, url: string, type: string) {
    const id = `${type}--${crypto.randomUUID()}`;
    const object = await client.get(`${url}objects/${id}/`);
    const versions = await client.get(`${url}objects/${id}/versions/`);
    return {
      object: { status: object.status, body: object.body },
      versions: { status: versions.status, body: versions.body },
    };
  }

  async function expectHidden(client: TaxiiClient, url: string, id: string) {
    const absent = await missing(client, url, id.split('--')[0] as string);
    expect(absent.object.status).toBe(404);
    expect(absent.versions.status).toBe(404);
    const queries: Record<string, string>[] = [
      {},
      { 'match[version]': 'all' },
      { 'match[version]': 'first' },
    ];
    for (const query of queries) {
      const object = await client.get(`${url}objects/${id}/`, query);
      expect({ status: object.status, body: object.body }, id).toEqual(absent.object);
    }
    const versions = await client.get(`${url}objects/${id}/versions/`);
    expect({ status: versions.status, body: versions.body }, id).toEqual(absent.versions);
    const listed = await client.getOk<{ objects?: unknown[] }>(`${url}objects/`, {
      'match[id]': id,
    });
    expect(listed.body.objects).toBeUndefined();
    const manifest = await client.getOk<{ objects?: unknown[] }>(`${url}manifest/`, {
      'match[id]': id,
    });
    expect(manifest.body.objects).toBeUndefined();
  }

  /** The objects of one report as a credential that may see it receives them. */
  async function objectsOf(credential: Credential, reportId: string) {
    const client = TaxiiClient.basic(credential);
    const all = (await walkedCollections(client)).find(
      (c) => c.title === 'All shared intelligence',
    );
    const { objects } = await client.pullAll(String(all?.url), {}, 50);
    const report = objects.find((o) => o.id === `report--${rawId(reportId)}`) as TaxiiObject;
    expect(report).toBeDefined();
    const refs = new Set(report.object_refs as string[]);
    return { report, objects: objects.filter((o) => refs.has(o.id)) };
  }

  it("another agency's restricted report, its indicator and its own SCO are 404 by id and by versions", async () => {
    const seen = await objectsOf(credentials.b, reports.restrictedC);
    const indicator = seen.objects.find((o) => o.type === 'indicator') as TaxiiObject;
    const domain = seen.objects.find(
      (o) => o.type === 'domain-name' && o.value === hiddenDomain,
    ) as TaxiiObject;
    expect(indicator.pattern).toContain(hiddenContainer);
    expect(domain).toBeDefined();
    const client = TaxiiClient.basic(credentials.a);
    for (const collection of await walkedCollections(client)) {
      for (const id of [seen.report.id, indicator.id, domain.id]) {
        await expectHidden(client, collection.url, id);
      }
    }
  });

  it('objects above the ceiling are 404 by id and by versions; the same credential at AMBER gets them', async () => {
    const seen = await objectsOf(credentials.a, reports.amberA);
    const indicator = seen.objects.find((o) => o.type === 'indicator') as TaxiiObject;
    const domain = seen.objects.find((o) => o.value === amberDomain) as TaxiiObject;
    expect(indicator.pattern).toContain(amberContainer);
    const green = TaxiiClient.basic(credentials.aGreen);
    const amber = TaxiiClient.basic(credentials.a);
    for (const collection of await walkedCollections(green)) {
      for (const id of [seen.report.id, indicator.id, domain.id]) {
        await expectHidden(green, collection.url, id);
      }
    }
    const all = (await walkedCollections(amber)).find((c) => c.title === 'All shared intelligence');
    expect(await amber.object(String(all?.url), indicator.id)).toEqual([indicator]);
    expect(await amber.object(String(all?.url), domain.id)).toEqual([domain]);
  });
});

describe('statements', () => {
  it('Get an Object of an SCO costs the same statements whether two reports name it or ten', async () => {
    const few = `few.${tag}.example`;
    const many = `many.${tag}.example`;
    for (let i = 0; i < 10; i += 1) {
      await publishedReport(analysts.b, {
        title: `${tag} named ${i}`,
        tlp: 'GREEN',
        observables: [
          { type: 'DOMAIN', value: many },
          ...(i < 2 ? [{ type: 'DOMAIN' as const, value: few }] : []),
        ],
      });
    }
    const client = TaxiiClient.basic(credentials.a);
    const all = (await walkedCollections(client)).find(
      (c) => c.title === 'All shared intelligence',
    );
    const url = String(all?.url);
    const { objects } = await client.pullAll(url, { 'match[type]': 'domain-name' }, 100);
    const idOf = (value: string) =>
      (objects.find((o) => o.value === value) as TaxiiObject | undefined)?.id as string;
    const cost = async (id: string) => {
      await client.object(url, id); // the credential's first use is recorded once
      const before = sqlStatements.count;
      const found = await client.object(url, id);
      expect(found).toHaveLength(1);
      return sqlStatements.count - before;
    };
    const two = await cost(idOf(few));
    const ten = await cost(idOf(many));
    expect(ten, `${two} statements for two reports, ${ten} for ten`).toBe(two);
  });
});

describe('the test data', () => {
  it('is what the walk expects: a restricted report B sees and A does not', async () => {
    const restricted = await gql(
      graphql('query($id: ID!) { node(id: $id) { id } }'),
      { id: reports.restrictedC },
      { token: analysts.a },
    );
    expect(restricted.data?.node ?? null).toBeNull();
    const forB = await gql(
      graphql('query($id: ID!) { node(id: $id) { __typename } }'),
      { id: reports.restrictedC },
      { token: analysts.b },
    );
    expectMember(forB.data?.node, 'IntelReport');
  });
});
