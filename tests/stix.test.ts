import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import {
  expectMember,
  globalId,
  gql,
  member,
  present,
  rawId,
  unique,
  yoga,
} from './support/api.js';
import { graphql } from './support/graphql.js';
import { publishedReport, uniqueContainer } from './support/intel.js';
import { expectIpnetExtension } from './support/stix-extension.js';
import { expectStixRules } from './support/stix-rules.js';
import { type StixBundle, validate } from './support/stix-schemas.js';

// The export must be a valid STIX 2.1 bundle by the OASIS JSON schemas, object by object.

const STIX = graphql(
  'query($id: ID!) { node(id: $id) { __typename ... on IntelReport { stixBundle } } }',
);
let author: Awaited<ReturnType<typeof member>>;
let reader: Awaited<ReturnType<typeof member>>;
let reportId = '';
/** Its title, with a character no file name may hold and Chinese (names travel as UTF-8). */
const title = `${unique('stix')} 假冒/手袋`;

beforeAll(async () => {
  author = await member(['ANALYST']);
  reader = await member(['ANALYST']);
  reportId = await publishedReport(author.token, {
    title,
    tlp: 'AMBER',
    language: 'zh-Hant',
    estimatedValue: { amount: '980000', currency: 'HKD' },
    observables: [
      { type: 'DOMAIN', value: 'fake-brand-outlet.example' },
      { type: 'WEBSITE_URL', value: 'http://fake-brand-outlet.example/bags?id=42' },
      { type: 'EMAIL', value: 'seller@fake-brand-outlet.example' },
      { type: 'CONTAINER_NUMBER', value: uniqueContainer() },
      { type: 'COMPANY_NAME', value: "O'Neil Trading (HK) Ltd" },
    ],
  });
  await gql(
    graphql(
      `mutation($id: ID!) { reportSighting(reportId: $id, input: { type: TRUE_POSITIVE, seenAt: "2026-11-20T08:00:00Z", quantity: 120 }) { __typename } }`,
    ),
    { id: reportId },
    { token: author.token },
  );
});

describe('STIX 2.1 export', () => {
  it('validates against the OASIS schemas, with the official TLP 2.0 marking', async () => {
    const result = await gql(STIX, { id: reportId }, { token: author.token });
    expect(result.errors).toBeUndefined();
    const bundle = expectMember(result.data?.node, 'IntelReport').stixBundle as StixBundle;
    validate(bundle);
    for (const object of bundle.objects) validate(object);
    expectStixRules(bundle.objects);
    await expectIpnetExtension(bundle.objects);

    const types = bundle.objects.map((o) => o.type).sort();
    expect(types).toEqual(
      [
        'domain-name',
        'email-addr',
        'extension-definition',
        'identity',
        'identity',
        'indicator',
        'indicator',
        'marking-definition',
        'report',
        'sighting',
        'url',
      ].sort(),
    );
    const marking = present(
      bundle.objects.find((o) => o.type === 'marking-definition'),
      'the marking',
    );
    expect(marking.id).toBe('marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421');
    expect(marking.extensions).toEqual({
      'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': {
        extension_type: 'property-extension',
        tlp_2_0: 'amber',
      },
    });
    const report = present(
      bundle.objects.find((o) => o.type === 'report'),
      'the report',
    );
    expect(report.object_marking_refs).toEqual([marking.id]);
    expect(report.lang).toBe('zh-Hant');
    expect(report.confidence).toBe(80);
    for (const ref of report.object_refs as string[]) {
      expect(bundle.objects.map((o) => o.id)).toContain(ref);
    }
    const pattern = present(
      bundle.objects.find((o) => String(o.pattern ?? '').includes('company-name')),
      'the company-name indicator',
    ).pattern;
    expect(pattern).toBe("[x-ipnet-company-name:value = 'O\\'Neil Trading (HK) Ltd']");
  });

  it('is served over HTTP with the STIX media type, and each export is logged', async () => {
    const dbId = rawId(reportId);
    const before = await prisma.intelAccessLog.count({
      where: { reportId: dbId, action: 'EXPORT' },
    });
    const response = await yoga.fetch(
      `http://localhost/stix/reports/${encodeURIComponent(reportId)}`,
      {
        headers: { authorization: `Bearer ${reader.token}` },
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/stix+json');
    // Saved under the report's title (RFC 6266: an ASCII fallback and the UTF-8 name).
    const saved = `${title.replace(' 假冒/手袋', '-假冒-手袋')}.stix.json`;
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="${saved.replace(/[^\x20-\x7e]/g, '?')}"; filename*=UTF-8''${encodeURIComponent(saved)}`,
    );
    validate((await response.json()) as any);
    expect(await prisma.intelAccessLog.count({ where: { reportId: dbId, action: 'EXPORT' } })).toBe(
      before + 1,
    );

    const anonymous = await yoga.fetch(
      `http://localhost/stix/reports/${encodeURIComponent(reportId)}`,
    );
    expect(anonymous.status).toBe(401);
  });

  it('is refused to recipients of AMBER+STRICT, by GraphQL and HTTP, and allowed to the author', async () => {
    const strict = await publishedReport(author.token, {
      tlp: 'AMBER_STRICT',
      audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', reader.agency.id)] },
    });
    const refused = await gql(STIX, { id: strict }, { token: reader.token });
    expect(expectMember(refused.data?.node, 'IntelReport').stixBundle).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.errors?.[0]?.message).toMatch(/TLP:AMBER\+STRICT/);
    const http = await yoga.fetch(`http://localhost/stix/reports/${encodeURIComponent(strict)}`, {
      headers: { authorization: `Bearer ${reader.token}` },
    });
    expect(http.status).toBe(403);

    const own = await gql(STIX, { id: strict }, { token: author.token });
    validate(expectMember(own.data?.node, 'IntelReport').stixBundle);
  });

  it('answers 404 for a report one may not see', async () => {
    const outsider = await member(['ANALYST'], { regions: ['BELT_AND_ROAD'] });
    const hidden = await publishedReport(author.token, {
      tlp: 'AMBER',
      audience: { scope: 'REGIONS', regions: ['GREATER_BAY_AREA'] },
    });
    const http = await yoga.fetch(`http://localhost/stix/reports/${encodeURIComponent(hidden)}`, {
      headers: { authorization: `Bearer ${outsider.token}` },
    });
    expect(http.status).toBe(404);
    // Ids that are not a report's (another type, or not a UUID inside) are 404, not a crash.
    for (const id of [
      globalId('Agency', author.agency.id),
      globalId('IntelReport', 'x1'),
      'nope',
    ]) {
      const bad = await yoga.fetch(`http://localhost/stix/reports/${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${outsider.token}` },
      });
      expect(bad.status).toBe(404);
    }
  });
});
