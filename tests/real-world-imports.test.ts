import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import { normaliseObservable } from '../src/modules/intel/observables.js';
import { expectMember, gql, makeAgency, makeUser, tokenFor, yoga } from './support/api.js';
import { graphql } from './support/graphql.js';
import { issueCredential } from './support/taxii-client.js';

// Public documents nobody on this project wrote (tests/fixtures/real-world, with their sources
// and licences in its README), each imported with a dry run and for real: what becomes a
// report, with which marking and observables, what is refused and why, and what the database
// holds afterwards. Most arrive without a TLP marking, so the importer chooses one (defaultTlp).

const IMPORT_STIX = graphql(`
  mutation($document: JSON!, $dryRun: Boolean, $defaultTlp: Tlp) {
    importStixBundle(document: $document, dryRun: $dryRun, defaultTlp: $defaultTlp) {
      __typename
      ... on ImportStixBundleSuccess { outcome { dryRun defaultTlp
        reports { sourceId status title tlp audienceScope markedByDefault
          observables { type normalisedValue sourceId } report { id status tlp } }
        refused { sourceId sourceType reason } } }
      ... on ValidationError { message issues { path message } }
      ... on Error { code message } } }
`);
const IMPORT_MISP = graphql(`
  mutation($document: JSON!, $dryRun: Boolean, $defaultTlp: Tlp) {
    importMispEvent(document: $document, dryRun: $dryRun, defaultTlp: $defaultTlp) {
      __typename
      ... on ImportMispEventSuccess { outcome { dryRun defaultTlp
        reports { sourceId status title tlp audienceScope markedByDefault
          observables { type normalisedValue sourceId } report { id status tlp } }
        refused { sourceId sourceType reason } } }
      ... on ValidationError { message issues { path message } }
      ... on Error { code message } } }
`);

type Tlp = 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER_STRICT' | 'RED';
type Json = Record<string, unknown> & { objects?: Record<string, unknown>[] };

const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`./fixtures/real-world/${name}`, import.meta.url), 'utf8'));

let analyst = '';
let admin = '';
let agencyId = '';

beforeAll(async () => {
  const agency = await makeAgency();
  agencyId = agency.id;
  analyst = await tokenFor((await makeUser(agency.id, ['ANALYST'])).email);
  admin = await tokenFor((await makeUser(agency.id, ['AGENCY_ADMIN', 'ANALYST'])).email);
});

async function stix(document: unknown, options: { dryRun?: boolean; defaultTlp?: Tlp } = {}) {
  const result = await gql(
    IMPORT_STIX,
    { document, dryRun: options.dryRun ?? true, defaultTlp: options.defaultTlp ?? null },
    { token: analyst },
  );
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data?.importStixBundle;
}

async function misp(document: unknown, options: { dryRun?: boolean; defaultTlp?: Tlp } = {}) {
  const result = await gql(
    IMPORT_MISP,
    { document, dryRun: options.dryRun ?? true, defaultTlp: options.defaultTlp ?? null },
    { token: analyst },
  );
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data?.importMispEvent;
}

const stixOutcome = async (document: unknown, options: Parameters<typeof stix>[1] = {}) =>
  expectMember(await stix(document, options), 'ImportStixBundleSuccess').outcome;
const mispOutcome = async (document: unknown, options: Parameters<typeof misp>[1] = {}) =>
  expectMember(await misp(document, options), 'ImportMispEventSuccess').outcome;

/** The refusals as `type: reason` with how often each comes, for documents with many. */
function tally(refused: { sourceType: string; reason: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { sourceType, reason } of refused) {
    const key = `${sourceType}: ${reason}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const reasonOf = (refused: { sourceId: string | null; reason: string }[], id: string | null) =>
  refused.find((r) => r.sourceId === id)?.reason;

async function draft(externalId: string) {
  return prisma.intelReport.findFirst({
    where: { authorAgencyId: agencyId, externalId },
    include: { observables: true },
  });
}

const valuesOf = (observables: { type: string; normalisedValue?: string; value?: string }[]) =>
  observables.map((o) => `${o.type} ${o.normalisedValue ?? o.value}`).sort();

const NO_MARKING = /^no TLP marking: .*defaultTlp$/;
const NOTHING_IN_BUNDLE =
  'nothing to import: none of the objects of this bundle without reports brings an observable IPNet keeps';

describe('STIX 2.1 bundles from OASIS, MISP and the common objects', () => {
  it('an unmarked bundle of an indicator (OASIS) is refused without a default, and imports with one', async () => {
    const bundle = fixture('oasis-doc-indicator-for-malicious-url.json');
    const bundleId = 'bundle--56be2a3b-1534-4bef-8fe9-602926274089';
    const indicator = 'indicator--d81f86b9-975b-4c0b-875e-810c5ad45a4f';
    const refusals = {
      'malware: a malware has no place in an IPNet report': 1,
      'relationship: a relationship has no place in an IPNet report': 1,
    };

    const unmarked = await stixOutcome(bundle);
    expect(unmarked.reports).toEqual([]);
    expect(reasonOf(unmarked.refused, bundleId)).toMatch(NO_MARKING);
    expect(tally(unmarked.refused.filter((r) => r.sourceId !== bundleId))).toEqual(refusals);

    const preview = await stixOutcome(bundle, { defaultTlp: 'GREEN' });
    expect(preview).toMatchObject({ dryRun: true, defaultTlp: 'GREEN' });
    expect(preview.reports).toEqual([
      {
        sourceId: bundleId,
        status: 'NEW',
        title: `Imported STIX bundle ${bundleId}`,
        tlp: 'GREEN',
        audienceScope: 'NETWORK',
        markedByDefault: [bundleId, indicator],
        observables: [
          { type: 'WEBSITE_URL', normalisedValue: 'x4z9arb.cn/4712', sourceId: indicator },
        ],
        report: null,
      },
    ]);
    expect(tally(preview.refused)).toEqual(refusals);
    expect(await draft(bundleId)).toBeNull();

    const written = await stixOutcome(bundle, { defaultTlp: 'GREEN', dryRun: false });
    expect(written.reports[0]).toMatchObject({
      status: 'CREATED',
      report: { status: 'DRAFT', tlp: 'GREEN' },
    });
    const row = await draft(bundleId);
    expect(row).toMatchObject({ tlp: 'GREEN', status: 'DRAFT', audienceScope: 'NETWORK' });
    expect(valuesOf(row?.observables ?? [])).toEqual(['WEBSITE_URL x4z9arb.cn/4712']);

    const again = await stixOutcome(bundle, { defaultTlp: 'GREEN', dryRun: false });
    expect(again.reports.map((r) => r.status)).toEqual(['ALREADY_IMPORTED']);
  });

  it('an unmarked report (OASIS APT1) becomes one draft under the default, its domains kept', async () => {
    const bundle = fixture('oasis-doc-apt1.json');
    const reportId = 'report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf';

    const unmarked = await stixOutcome(bundle);
    expect(unmarked.reports).toEqual([]);
    expect(reasonOf(unmarked.refused, reportId)).toMatch(NO_MARKING);

    const written = await stixOutcome(bundle, { defaultTlp: 'AMBER', dryRun: false });
    const [report] = written.reports;
    expect(report).toMatchObject({
      sourceId: reportId,
      status: 'CREATED',
      title: "APT1: Exposing One of China's Cyber Espionage Units",
      tlp: 'AMBER',
      audienceScope: 'AGENCIES',
    });
    expect(report?.markedByDefault[0]).toBe(reportId);
    expect(report?.markedByDefault).toHaveLength(4);
    expect(valuesOf(report?.observables ?? [])).toEqual([
      'DOMAIN arrowservice.net',
      'DOMAIN hugesoft.org',
      'DOMAIN msnhome.org',
    ]);
    expect(tally(written.refused)).toEqual({
      'attack-pattern: an attack-pattern has no place in an IPNet report': 7,
      'indicator: pattern type ipv4-addr has no IPNet observable type': 4,
      "indicator: only simple STIX patterns are imported: [<type>:value = '<value>']": 5,
      'intrusion-set: an intrusion-set has no place in an IPNet report': 1,
      'malware: a malware has no place in an IPNet report': 6,
      'threat-actor: a threat-actor has no place in an IPNet report': 5,
      'tool: a tool has no place in an IPNet report': 10,
      'relationship: a relationship has no place in an IPNet report': 30,
    });
    const row = await draft(reportId);
    expect(row).toMatchObject({ tlp: 'AMBER', audienceScope: 'AGENCIES', status: 'DRAFT' });
    expect(valuesOf(row?.observables ?? [])).toEqual(valuesOf(report?.observables ?? []));
  });

  it('a bundle MISP exported (misp-stix) and a sighting bundle (OASIS) import under the default', async () => {
    const exported = fixture('misp-stix-test_event1_stix21.json');
    const bundleId = 'bundle--d402185f-c129-4f65-8678-43edb2cee1cf';
    const written = await stixOutcome(exported, { defaultTlp: 'CLEAR', dryRun: false });
    expect(written.reports).toMatchObject([
      {
        sourceId: bundleId,
        status: 'CREATED',
        tlp: 'CLEAR',
        markedByDefault: [
          bundleId,
          'domain-name--4bb235a7-7d25-4aef-802f-2c6b45c5eceb',
          'indicator--4bb235a7-7d25-4aef-802f-2c6b45c5eceb',
        ],
      },
    ]);
    expect(tally(written.refused)).toEqual({
      'grouping: a grouping has no place in an IPNet report': 2,
      'autonomous-system: an autonomous-system has no IPNet observable type': 1,
      'relationship: a relationship has no place in an IPNet report': 1,
    });
    expect(valuesOf((await draft(bundleId))?.observables ?? [])).toEqual(['DOMAIN circl.lu']);

    const sighting = fixture('oasis-doc-sighting-of-an-indicator.json');
    const sightingBundle = 'bundle--2ac7882f-76a3-4a9b-97b3-811b3af1c7c0';
    const seen = await stixOutcome(sighting, { defaultTlp: 'GREEN', dryRun: false });
    expect(valuesOf(seen.reports[0]?.observables ?? [])).toEqual([
      'WEBSITE_URL paypa1.banking.com',
    ]);
    expect(tally(seen.refused)).toEqual({
      'sighting: sightings are recorded in IPNet by the agency that made them': 1,
    });
    expect((await draft(sightingBundle))?.tlp).toBe('GREEN');
  });

  it('a bundle with nothing IPNet keeps answers "nothing to import", with or without a default', async () => {
    const cases = [
      {
        file: 'cti-stix-common-objects-marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb.json',
        refused: {
          'bundle: nothing to import: the bundle holds no report, indicator or observable, only definitions (of markings, extensions) and identities, which IPNet takes with the objects that use them': 1,
        },
      },
      {
        file: 'oasis-doc-threat-actor-leveraging-attack-patterns-and-malware.json',
        refused: {
          'threat-actor: a threat-actor has no place in an IPNet report': 1,
          'malware: a malware has no place in an IPNet report': 1,
          'attack-pattern: an attack-pattern has no place in an IPNet report': 1,
          'relationship: a relationship has no place in an IPNet report': 3,
          [`bundle: ${NOTHING_IN_BUNDLE}`]: 1,
        },
      },
      {
        file: 'oasis-schemas-indicator-for-c2-ip-address.json',
        refused: {
          'indicator: pattern type ipv4-addr has no IPNet observable type': 1,
          [`bundle: ${NOTHING_IN_BUNDLE}`]: 1,
        },
      },
    ];
    for (const { file, refused } of cases) {
      for (const defaultTlp of [undefined, 'GREEN'] as const) {
        const outcome = await stixOutcome(fixture(file), { defaultTlp, dryRun: false });
        expect(outcome.reports, file).toEqual([]);
        expect(tally(outcome.refused), file).toEqual(refused);
      }
      const bundleId = fixture(file).id as string;
      expect(await draft(bundleId)).toBeNull();
    }
  });

  it('explains statement and granular TLP 1.0 markings, which a default does not override', async () => {
    // The OASIS examples' indicators have patterns IPNet has no type for; with a domain pattern
    // in their place, the markings are what decide.
    const withDomain = (document: Json, domain: string) => ({
      ...document,
      objects: document.objects?.map((o) =>
        o.type === 'indicator' ? { ...o, pattern: `[domain-name:value = '${domain}']` } : o,
      ),
    });
    const statement = withDomain(fixture('oasis-doc-using-marking-definitions.json'), 'a.example');
    const granular = withDomain(fixture('oasis-doc-using-granular-markings.json'), 'b.example');
    for (const defaultTlp of [undefined, 'GREEN'] as const) {
      const first = await stixOutcome(statement, { defaultTlp });
      expect(first.reports).toEqual([]);
      expect(reasonOf(first.refused, 'indicator--33fe3b22-0201-47cf-85d0-97c02164528d')).toBe(
        'marking marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f is a statement ("Copyright (c) Stark Industries 2017."), not a TLP marking: IPNet keeps a TLP marking only and could not pass the statement on',
      );
      const second = await stixOutcome(granular, { defaultTlp });
      expect(second.reports).toEqual([]);
      expect(reasonOf(second.refused, 'indicator--1ed8caa7-a708-4706-b651-f1186ede6ca1')).toBe(
        'TLP:RED goes to named people: write it in IPNet, naming its recipients (TLP 1.0 red, which is TLP:RED; a granular marking on "description": IPNet keeps one marking per report, so a marking on part of an object marks the whole object)',
      );
    }
  });

  it('never lowers a marking an object carries: the report takes the strictest', async () => {
    const bundle = fixture('oasis-doc-indicator-for-malicious-url.json');
    const amber = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';
    const marked = {
      ...bundle,
      id: `bundle--${crypto.randomUUID()}`,
      objects: bundle.objects?.map((o) =>
        o.type === 'indicator' ? { ...o, object_marking_refs: [amber] } : o,
      ),
    };
    const outcome = await stixOutcome(marked, { defaultTlp: 'CLEAR' });
    expect(outcome.reports).toMatchObject([
      { tlp: 'AMBER', audienceScope: 'AGENCIES', markedByDefault: [marked.id] },
    ]);
  });
});

describe('MISP events from PyMISP and misp-stix', () => {
  it('a tagged event imports as it is; a default changes nothing in it', async () => {
    const event = fixture('pymisp-57c4445b-c548-4654-af0b-4be3950d210f.json');
    const uuid = '57c4445b-c548-4654-af0b-4be3950d210f';
    const expected = [
      'WEBSITE_URL www.virustotal.com/file/b3c4ae251f8094fa15b510051835c657eaef2a6cea46075d3aec964b14a99f68/analysis/1469554268',
      'WEBSITE_URL www.xylibox.com/2011/06/have-fun-with-trojan-ransomwin32xorist.html',
    ];
    const preview = await mispOutcome(event, { defaultTlp: 'AMBER' });
    expect(preview.reports).toMatchObject([
      {
        sourceId: uuid,
        status: 'NEW',
        tlp: 'CLEAR',
        title: 'Ransomware - Xorist',
        markedByDefault: [],
      },
    ]);
    expect(valuesOf(preview.reports[0]?.observables ?? [])).toEqual(expected);
    expect(tally(preview.refused)).toEqual(
      Object.fromEntries(
        ['comment', 'text', 'filename', 'md5', 'sha1', 'sha256', 'regkey|value'].map((type) => [
          `attribute: attribute type ${type} has no IPNet observable type`,
          1,
        ]),
      ),
    );
    await mispOutcome(event, { dryRun: false });
    const row = await draft(uuid);
    expect(row).toMatchObject({ tlp: 'CLEAR', status: 'DRAFT' });
    expect(valuesOf(row?.observables ?? [])).toEqual(expected);
  });

  it('a bare event without a tlp tag takes the default, and its url attribute is kept', async () => {
    const event = fixture('pymisp-misp_event.json');
    expect(event.Event).toBeUndefined();
    const uuid = '5758ebf5-c898-48e6-9fe9-5665c0a83866';
    const unmarked = await mispOutcome(event);
    expect(unmarked.reports).toEqual([]);
    expect(reasonOf(unmarked.refused, uuid)).toMatch(/^no tlp:\* tag: .*defaultTlp\)$/);

    const written = await mispOutcome(event, { defaultTlp: 'AMBER', dryRun: false });
    expect(written.reports).toMatchObject([
      {
        sourceId: uuid,
        status: 'CREATED',
        tlp: 'AMBER',
        audienceScope: 'AGENCIES',
        markedByDefault: [uuid, '575c8598-f1f0-4c16-a94a-0612c0a83866'],
        observables: [
          {
            type: 'WEBSITE_URL',
            normalisedValue: 'fake.website.com/malware/is/here',
            sourceId: '575c8598-f1f0-4c16-a94a-0612c0a83866',
          },
        ],
      },
    ]);
    expect(tally(written.refused)).toEqual({
      'attribute: attribute type text has no IPNet observable type': 1,
    });
    expect(await draft(uuid)).toMatchObject({ tlp: 'AMBER', title: 'A Random Event' });
  });

  it('a restSearch answer imports each event; an attribute search answer says what it is', async () => {
    const answer = fixture('misp-stix-test_events_collection_1.json');
    const [asEvent, domainEvent] = [
      'e2e6a6ea-f69b-4d93-8564-f51d67cafe51',
      'd402185f-c129-4f65-8678-43edb2cee1cf',
    ];
    const unmarked = await mispOutcome(answer);
    expect(unmarked.reports).toEqual([]);
    expect(unmarked.refused.map((r) => r.sourceId)).toEqual([asEvent, domainEvent]);
    expect(unmarked.refused[0]?.reason).toMatch(/^no tlp:\* tag: .*\(event 1 of 2\)$/);
    expect(unmarked.refused[1]?.reason).toMatch(/\(event 2 of 2\)$/);

    const written = await mispOutcome(answer, { defaultTlp: 'GREEN', dryRun: false });
    expect(
      written.reports.map((r) => [r.sourceId, r.status, r.tlp, valuesOf(r.observables)]),
    ).toEqual([
      [asEvent, 'CREATED', 'GREEN', []],
      [domainEvent, 'CREATED', 'GREEN', ['DOMAIN circl.lu']],
    ]);
    expect(written.refused).toEqual([
      {
        sourceId: '2972c3a2-dda3-4de7-aca1-e96cf7ce5544',
        sourceType: 'attribute',
        reason: 'attribute type AS has no IPNet observable type',
      },
    ]);
    expect((await draft(asEvent))?.title).toBe('MISP-STIX-Converter test event with AS attribute');
    expect(valuesOf((await draft(domainEvent))?.observables ?? [])).toEqual(['DOMAIN circl.lu']);

    // The same answer with its second event listed twice: imported once, the repeat named.
    const events = answer.response as unknown[];
    const repeated = await mispOutcome(
      { response: [...events, events[1]] },
      { defaultTlp: 'GREEN' },
    );
    expect(repeated.reports.map((r) => [r.sourceId, r.status])).toEqual([
      [asEvent, 'ALREADY_IMPORTED'],
      [domainEvent, 'ALREADY_IMPORTED'],
    ]);
    expect(repeated.refused.map((r) => [r.sourceId, r.reason])).toContainEqual([
      domainEvent,
      'the same event appears twice in the document (event 3 of 3): it is imported once',
    ]);

    const attributes = await mispOutcome(fixture('misp-stix-test_attributes_collection_1.json'), {
      defaultTlp: 'GREEN',
    });
    expect(attributes).toMatchObject({
      reports: [],
      refused: [{ sourceId: null, sourceType: 'event' }],
    });
    expect(attributes.refused[0]?.reason).toMatch(
      /^an attribute search answer \(response\.Attribute\), not events/,
    );
  });

  it('a long OSINT event keeps URLs with an IPv4 host and refuses the malformed ones', async () => {
    const event = fixture('pymisp-long_event.json');
    const uuid = '57153590-f73c-49fa-be4b-4737950d210f';
    const written = await mispOutcome(event, { dryRun: false });
    const [report] = written.reports;
    expect(report).toMatchObject({ sourceId: uuid, status: 'CREATED', tlp: 'CLEAR' });
    expect(report?.observables).toHaveLength(100);
    expect(valuesOf(report?.observables ?? [])).toContain(
      'WEBSITE_URL 198.55.120.143:7386/B/ResN32.dll',
    );
    const invalidHost = written.refused.filter((r) => r.reason.includes('host name'));
    expect(invalidHost.map((r) => r.sourceId)).toEqual([
      '571620b0-5e38-4e8c-9c29-416d950d210f',
      '57163109-6304-413e-9884-4a42950d210f',
      '57163109-1e04-4ef4-bf92-480b950d210f',
    ]);
    expect(written.refused).toHaveLength(269);
    const row = await draft(uuid);
    expect(row?.observables).toHaveLength(100);
  });
});

describe('the default marking', () => {
  it('is never RED, and never above a credential’s ceiling', async () => {
    const event = fixture('pymisp-misp_event.json');
    const red = await misp(event, { defaultTlp: 'RED' });
    expect(expectMember(red, 'ValidationError').issues).toEqual([
      {
        path: ['defaultTlp'],
        message:
          'TLP:RED is never a default: it goes to named people, whom an import cannot name (write such intelligence in IPNet, naming its recipients)',
      },
    ]);

    const green = await issueCredential(admin, 'GREEN', ['IMPORT']);
    const post = (query: string, body: unknown) =>
      yoga.fetch(`http://localhost/import/misp${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${green.token}` },
        body: JSON.stringify(body),
      });
    const refusals: [string, RegExp][] = [
      ['?defaultTlp=RED', /^defaultTlp: TLP:RED is never a default/],
      [
        '?defaultTlp=amber',
        /^defaultTlp: is above this credential's ceiling \(GREEN\): choose CLEAR, GREEN$/,
      ],
      ['?defaultTlp=purple', /^defaultTlp: must be one of CLEAR, GREEN, AMBER, AMBER_STRICT$/],
    ];
    for (const [query, message] of refusals) {
      const answer = await post(`${query}&dryRun=false`, event);
      expect(answer.status, query).toBe(400);
      expect(((await answer.json()) as { error: string }).error).toMatch(message);
    }

    const otherEvent = { ...event, uuid: crypto.randomUUID() };
    const written = await post('?defaultTlp=TLP:GREEN&dryRun=false', otherEvent);
    expect(written.status).toBe(201);
    expect(await written.json()).toMatchObject({
      dryRun: false,
      defaultTlp: 'GREEN',
      reports: [
        {
          status: 'CREATED',
          tlp: 'GREEN',
          markedByDefault: [otherEvent.uuid, '575c8598-f1f0-4c16-a94a-0612c0a83866'],
        },
      ],
    });
    expect((await draft(otherEvent.uuid))?.tlp).toBe('GREEN');
  });
});

describe('web addresses', () => {
  it('take IPv4 hosts written as four numbers and IPv6 hosts in brackets, and refuse garbage', () => {
    const accepted = {
      'http://198.55.120.143:7386/B/x.dll': '198.55.120.143:7386/B/x.dll',
      'http://[2001:db8::1]:8080/x': '[2001:db8::1]:8080/x',
      'https://[2001:0DB8:0:0::1]/': '[2001:db8::1]',
      '198.51.100.7/login': '198.51.100.7/login',
    };
    for (const [raw, value] of Object.entries(accepted)) {
      expect(normaliseObservable('WEBSITE_URL', raw), raw).toEqual({ ok: true, value });
    }
    for (const raw of [
      'http://107.183.86/',
      'http://3325256815/',
      'http://0x7f.1/',
      'http://01.2.3.4/',
      'http://999.1.1.1/',
      'http://[zz]/',
      'Data/dtl.dat',
      'http://-a-/',
    ]) {
      expect(normaliseObservable('WEBSITE_URL', raw).ok, raw).toBe(false);
    }
    // A domain is a name: an address is not one.
    expect(normaliseObservable('DOMAIN', '198.55.120.143').ok).toBe(false);
  });
});
