import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import { importWork } from '../src/modules/imports/import-plan.js';
import { expectMember, gql, makeAgency, makeUser, tokenFor, unique, yoga } from './support/api.js';
import { graphql } from './support/graphql.js';
import { issueCredential } from './support/taxii-client.js';

// Imports built to hurt: documents that would take the server's time, lower a marking, or end
// as a server error. Each is answered through GraphQL (an analyst signed in) and through
// `POST /import/…` (an IMPORT credential) with a plan or a refusal a person can act on.

const IMPORT_STIX = graphql(`
  mutation($document: JSON!, $dryRun: Boolean) { importStixBundle(document: $document, dryRun: $dryRun) {
    __typename
    ... on ImportStixBundleSuccess { outcome { dryRun
      reports { sourceId status tlp audienceScope observables { type normalisedValue sourceId }
        report { id tlp } }
      refused { sourceId sourceType reason } } }
    ... on ValidationError { message issues { path message } }
    ... on Error { code message } } }
`);
const IMPORT_MISP = graphql(`
  mutation($document: JSON!, $dryRun: Boolean) { importMispEvent(document: $document, dryRun: $dryRun) {
    __typename
    ... on ImportMispEventSuccess { outcome { dryRun
      reports { sourceId status tlp observables { type normalisedValue } report { id tlp } }
      refused { sourceId sourceType reason } } }
    ... on ValidationError { message issues { path message } }
    ... on Error { code message } } }
`);

const TLP = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  AMBER_STRICT: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};
const at = '2026-11-01T00:00:00.000Z';
const base = { spec_version: '2.1', created: at, modified: at };
const stixId = (type: string) => `${type}--${crypto.randomUUID()}`;

const domain = (value = `${unique('d')}.example`, extra: Record<string, unknown> = {}) => ({
  type: 'domain-name',
  spec_version: '2.1',
  id: stixId('domain-name'),
  value,
  ...extra,
});
const observedData = (refs: string[], extra: Record<string, unknown> = {}) => ({
  ...base,
  type: 'observed-data',
  id: stixId('observed-data'),
  first_observed: at,
  last_observed: at,
  number_observed: 1,
  object_refs: refs,
  ...extra,
});
const indicator = (pattern: string, extra: Record<string, unknown> = {}) => ({
  ...base,
  type: 'indicator',
  id: stixId('indicator'),
  pattern,
  pattern_type: 'stix',
  valid_from: at,
  ...extra,
});
const report = (refs: string[], marking = TLP.GREEN, extra: Record<string, unknown> = {}) => ({
  ...base,
  type: 'report',
  id: stixId('report'),
  name: unique('Imported'),
  published: at,
  object_refs: refs,
  object_marking_refs: [marking],
  ...extra,
});
const bundle = (objects: unknown[]) => ({ type: 'bundle', id: stixId('bundle'), objects });

let analyst = '';
let agencyId = '';
let importToken = '';

beforeAll(async () => {
  const agency = await makeAgency();
  agencyId = agency.id;
  analyst = await tokenFor((await makeUser(agency.id, ['ANALYST'])).email);
  const admin = await tokenFor((await makeUser(agency.id, ['AGENCY_ADMIN', 'ANALYST'])).email);
  importToken = (await issueCredential(admin, 'AMBER', ['IMPORT'])).token;
});

async function stixPlan(document: unknown, dryRun = true) {
  const result = await gql(IMPORT_STIX, { document, dryRun }, { token: analyst });
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return expectMember(result.data?.importStixBundle, 'ImportStixBundleSuccess').outcome;
}

async function mispPlan(document: unknown, dryRun = true) {
  const result = await gql(IMPORT_MISP, { document, dryRun }, { token: analyst });
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return expectMember(result.data?.importMispEvent, 'ImportMispEventSuccess').outcome;
}

/** `POST /import/<format>` with the IMPORT credential; the body as given when it is text. */
async function post(format: 'stix' | 'misp', body: unknown, query = '') {
  const response = await yoga.fetch(`http://localhost/import/${format}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${importToken}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const reasonsBySource = (refused: { sourceId: string | null; reason: string }[]) =>
  Object.fromEntries(refused.map((r) => [r.sourceId, r.reason]));

describe('an import that would take the server’s time', () => {
  /** observed-data whose object_refs name the previous one ten times, `depth` deep. */
  function chain(depth: number) {
    const bottom = domain();
    const objects: { id: string }[] = [bottom];
    for (let level = 0; level < depth; level += 1) {
      objects.push(observedData(Array(10).fill(objects.at(-1)?.id)));
    }
    const top = report([objects.at(-1)?.id ?? '']);
    return { document: bundle([...objects, top]), bottom, top, count: objects.length + 1 };
  }

  it('plans a deep chain of observed-data expanding each object once', async () => {
    const { document, bottom, top, count } = chain(8);
    const before = importWork.expansions;
    const outcome = await stixPlan(document);
    // Ten paths at each of eight levels lead to the bottom: 10^8 if each were walked.
    expect(importWork.expansions - before).toBeLessThanOrEqual(count);
    expect(outcome.reports).toMatchObject([
      {
        sourceId: top.id,
        tlp: 'GREEN',
        observables: [{ type: 'DOMAIN', normalisedValue: bottom.value, sourceId: bottom.id }],
      },
    ]);

    const again = chain(8);
    const viaHttp = importWork.expansions;
    const answered = await post('stix', again.document);
    expect(answered.status).toBe(200);
    expect(importWork.expansions - viaHttp).toBeLessThanOrEqual(again.count);
    expect(answered.body.reports).toMatchObject([{ sourceId: again.top.id }]);
  });

  it('refuses observed-data that names itself, or a cycle, and imports the rest', async () => {
    const kept = domain();
    const selfish = observedData([]);
    selfish.object_refs = [selfish.id, kept.id];
    const first = observedData([]);
    const second = observedData([first.id]);
    first.object_refs = [second.id];
    const top = report([selfish.id, first.id, kept.id]);
    const document = bundle([kept, selfish, first, second, top]);

    for (const outcome of [await stixPlan(document), (await post('stix', document)).body]) {
      const { reports, refused } = outcome as Awaited<ReturnType<typeof stixPlan>>;
      expect(reports).toMatchObject([{ sourceId: top.id, observables: [{ sourceId: kept.id }] }]);
      const reasons = reasonsBySource(refused);
      for (const looped of [selfish, first, second]) {
        expect(reasons[looped.id]).toMatch(/cycle/);
      }
    }
  });

  it('bounds the observables of one import, whatever the reports share', async () => {
    const scos = Array.from({ length: 500 }, () => domain());
    const shared = observedData(scos.map((s) => s.id));
    const reports = Array.from({ length: 11 }, () => report([shared.id]));
    const outcome = await stixPlan(bundle([...scos, shared, ...reports]));
    expect(outcome.reports).toHaveLength(10);
    const reasons = reasonsBySource(outcome.refused);
    expect(reasons[reports[10]?.id ?? '']).toMatch(/5,000 observables in all/);
  });
});

describe('markings on what a report carries', () => {
  it('refuses a TLP:RED object inside a GREEN report, and raises the report to cover the rest', async () => {
    const red = indicator(`[domain-name:value = '${unique('red')}.example']`, {
      object_marking_refs: [TLP.RED],
    });
    const strict = indicator(`[domain-name:value = '${unique('strict')}.example']`, {
      object_marking_refs: [TLP.AMBER_STRICT],
    });
    const plain = domain();
    const greenWithRed = report([red.id, plain.id]);
    const clearWithStrict = report([strict.id], TLP.CLEAR);
    const amberSco = domain(undefined, { object_marking_refs: [TLP.AMBER] });
    const viaObserved = observedData([amberSco.id], { object_marking_refs: [TLP.GREEN] });
    const greenViaObserved = report([viaObserved.id]);
    const granular = report([plain.id], TLP.GREEN, {
      granular_markings: [{ marking_ref: TLP.AMBER, selectors: ['name'] }],
    });
    const document = bundle([
      red,
      strict,
      plain,
      amberSco,
      viaObserved,
      greenWithRed,
      clearWithStrict,
      greenViaObserved,
      granular,
    ]);

    const outcome = await stixPlan(document, false);
    const bySource = Object.fromEntries(outcome.reports.map((r) => [r.sourceId, r]));
    expect(bySource[greenWithRed.id]).toMatchObject({
      tlp: 'GREEN',
      audienceScope: 'NETWORK',
      observables: [{ sourceId: plain.id }],
    });
    expect(reasonsBySource(outcome.refused)[red.id]).toMatch(/TLP:RED goes to named people/);
    expect(bySource[clearWithStrict.id]).toMatchObject({
      tlp: 'AMBER_STRICT',
      audienceScope: 'AGENCIES',
      observables: [{ sourceId: strict.id }],
    });
    expect(bySource[greenViaObserved.id]).toMatchObject({
      tlp: 'AMBER',
      audienceScope: 'AGENCIES',
    });
    expect(bySource[granular.id]).toMatchObject({ tlp: 'AMBER', audienceScope: 'AGENCIES' });

    const rows = await prisma.intelReport.findMany({
      where: { authorAgencyId: agencyId, externalId: { in: Object.keys(bySource) } },
    });
    const stored = Object.fromEntries(rows.map((r) => [r.externalId, r]));
    expect(stored[greenWithRed.id]?.tlp).toBe('GREEN');
    const carried = await prisma.intelObservable.findMany({
      where: { reportId: stored[greenWithRed.id]?.id },
    });
    expect(carried.map((o) => o.value)).toEqual([plain.value]);
    expect(stored[clearWithStrict.id]?.tlp).toBe('AMBER_STRICT');
    expect(stored[greenViaObserved.id]?.tlp).toBe('AMBER');
    expect(stored[granular.id]?.tlp).toBe('AMBER');
  });

  it('takes MISP attribute tags into account, in the event and in its objects', async () => {
    const uuid = crypto.randomUUID();
    const redTop = crypto.randomUUID();
    const redInObject = crypto.randomUUID();
    const keep = `${unique('keep')}.example`;
    const event = {
      Event: {
        uuid,
        info: 'Green event',
        distribution: 3,
        Tag: [{ name: 'tlp:green' }],
        Attribute: [
          { uuid: redTop, type: 'domain', value: 'red.example', Tag: [{ name: 'tlp:red' }] },
          { uuid: crypto.randomUUID(), type: 'domain', value: keep },
        ],
        Object: [
          {
            name: 'domain-ip',
            Attribute: [
              {
                uuid: redInObject,
                type: 'domain',
                value: 'red-in-object.example',
                Tag: [{ name: 'tlp:red' }],
              },
            ],
          },
        ],
      },
    };
    const outcome = await mispPlan(event, false);
    expect(outcome.reports).toMatchObject([
      { sourceId: uuid, tlp: 'GREEN', observables: [{ normalisedValue: keep }] },
    ]);
    const reasons = reasonsBySource(outcome.refused);
    expect(reasons[redTop]).toMatch(/TLP:RED/);
    expect(reasons[redInObject]).toMatch(/TLP:RED/);

    const amber = {
      Event: {
        ...event.Event,
        uuid: crypto.randomUUID(),
        Attribute: [],
        Object: [
          {
            name: 'domain-ip',
            Attribute: [{ type: 'domain', value: keep, Tag: [{ name: 'tlp:amber' }] }],
          },
        ],
      },
    };
    const raised = await mispPlan(amber, false);
    expect(raised.reports).toMatchObject([{ tlp: 'AMBER', report: { tlp: 'AMBER' } }]);
    const row = await prisma.intelReport.findFirstOrThrow({
      where: { authorAgencyId: agencyId, externalId: amber.Event.uuid },
    });
    expect(row.tlp).toBe('AMBER');
  });
});

describe('hostile documents', () => {
  it('refuses MISP attribute types and tags named after object properties, one by one', async () => {
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
    const event = {
      Event: {
        uuid: crypto.randomUUID(),
        info: 'Properties',
        distribution: { valueOf: 1, toString: 1 },
        Tag: [{ name: 'tlp:green' }, { name: 'constructor' }, { name: 'toString' }],
        Attribute: [
          ...names.map((type) => ({ uuid: crypto.randomUUID(), type, value: 'x.example' })),
          { type: { toString: 1 }, value: 'x.example' },
        ],
      },
    };
    const outcomes = [await mispPlan(event), (await post('misp', event)).body];
    for (const outcome of outcomes) {
      const { reports, refused } = outcome as Awaited<ReturnType<typeof mispPlan>>;
      expect(reports).toMatchObject([{ tlp: 'GREEN', observables: [] }]);
      expect(refused.map((r) => r.reason)).toEqual([
        ...names.map((type) => `attribute type ${type} has no IPNet observable type`),
        'attribute type (not text) has no IPNet observable type',
      ]);
    }
  });

  it('refuses STIX patterns, types and ids that are not what they claim', async () => {
    const proto = indicator("[constructor:value = 'x']");
    const underscored = indicator("[__proto__:value = 'x']");
    const protoType = { ...domain(), type: '__proto__', id: `__proto__--${crypto.randomUUID()}` };
    const longId = `report--${'a'.repeat(12_000)}`;
    const longReport = { ...report([proto.id]), id: longId };
    const badMarking = report([underscored.id], 'constructor');
    const ok = report([proto.id, underscored.id, protoType.id]);
    const document = bundle([proto, underscored, protoType, longReport, badMarking, ok]);

    for (const outcome of [
      await stixPlan(document, false),
      (await post('stix', document, '?dryRun=false')).body,
    ]) {
      const { reports, refused } = outcome as Awaited<ReturnType<typeof stixPlan>>;
      expect(reports.map((r) => r.sourceId)).toEqual([ok.id]);
      const reasons = reasonsBySource(refused);
      expect(reasons[proto.id]).toBe('pattern type constructor has no IPNet observable type');
      expect(reasons[underscored.id]).toMatch(/only simple STIX patterns/);
      expect(reasons[badMarking.id]).toMatch(/marking constructor is not a TLP marking/);
      const malformed = refused.filter((r) => r.sourceId === null).map((r) => r.reason);
      expect(malformed).toEqual([
        'not a STIX object: its id must be <type>--<UUID>',
        'not a STIX object: its id must be <type>--<UUID>',
      ]);
      expect(JSON.stringify(refused)).not.toContain('a'.repeat(1000));
    }
    expect(
      await prisma.intelReport.count({ where: { externalId: { startsWith: 'report--aaaa' } } }),
    ).toBe(0);
  });

  it('refuses 100,000 nested arrays in POST /import and in the GraphQL variable, signed in or not', async () => {
    const nested = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    for (const format of ['stix', 'misp'] as const) {
      const answered = await post(format, `{"type":"bundle","Event":${nested}}`);
      expect(answered.status).toBe(400);
      expect(answered.body.error).toMatch(/nested more than 100 levels/);
    }
    for (const token of [analyst, null]) {
      const response = await yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: `{"query":"mutation($d: JSON!) { importStixBundle(document: $d) { __typename } }","variables":{"d":${nested}}}`,
      });
      const body = (await response.json()) as {
        errors?: { message: string; extensions?: { code?: string } }[];
      };
      expect(body.errors?.[0]?.extensions?.code, JSON.stringify(body)).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.message).toMatch(/"document.*nested more than 100 levels/);
    }
  });

  it('refuses NUL bytes and lone surrogates the same way over HTTP as over GraphQL', async () => {
    for (const [title, problem] of [
      ['Fake\u0000shop', /NUL/],
      ['Fake\ud800shop', /lone surrogate/],
    ] as const) {
      const uuid = crypto.randomUUID();
      const event = {
        Event: {
          uuid,
          info: title,
          Tag: [{ name: 'tlp:green' }],
          Attribute: [{ type: 'domain', value: `${unique('nul')}.example` }],
        },
      };
      const overHttp = await post('misp', event, '?dryRun=false');
      expect(overHttp.status).toBe(400);
      expect(overHttp.body.error).toMatch(problem);
      expect(overHttp.body.error).toMatch(/Event\.info/);
      const overGraphql = await gql(
        IMPORT_MISP,
        { document: event, dryRun: false },
        { token: analyst },
      );
      expect(overGraphql.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(overGraphql.errors?.[0]?.message).toMatch(problem);
      expect(await prisma.intelReport.count({ where: { externalId: uuid } })).toBe(0);
    }
  });
});

describe('the size of an import', () => {
  it('is the request body limit, answered with the limit named through GraphQL and HTTP', async () => {
    const document = bundle([]) as Record<string, unknown>;
    document.padding = 'x'.repeat(1_200_000);
    const overHttp = await post('stix', document);
    expect(overHttp.status).toBe(413);
    expect(overHttp.body.error).toMatch(/at most 1,000,000 bytes/);
    const result = await gql(IMPORT_STIX, { document }, { token: analyst });
    const refused = expectMember(result.data?.importStixBundle, 'ValidationError');
    expect(refused.message).toMatch(/at most 1,000,000 bytes/);
  });
});
