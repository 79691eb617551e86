import { describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import {
  errorCode,
  expectMember,
  expectType,
  globalId,
  gql,
  makeUser,
  member,
  present,
  rawId,
  unique,
} from './support/api.js';
import { graphql } from './support/graphql.js';
import { createReport, publishedReport, reportInput, retractReport } from './support/intel.js';

const CREATE = graphql(`
  mutation($input: IntelReportInput!) {
    createIntelReport(input: $input) {
      __typename
      ... on CreateIntelReportSuccess {
        report { id status tlp grading { code } estimatedValue { amount currency } route { origin transit destination }
                 observables { type value } audience { scope regions } hsCode language }
      }
      ... on ValidationError { issues { path message } }
      ... on Error { code message }
    }
  }
`);

const UPDATE = graphql(`
  mutation($id: ID!, $input: IntelReportChanges!) {
    updateIntelReport(id: $id, input: $input) {
      __typename
      ... on UpdateIntelReportSuccess { report { version title versions { version changes changedBy { email } } } }
      ... on ValidationError { issues { path message } }
      ... on Error { code message }
    }
  }
`);

function issuesOf(payload: any): Record<string, string> {
  const error = expectMember(payload, 'ValidationError');
  return Object.fromEntries(error.issues.map((i: any) => [i.path.join('.'), i.message]));
}

describe('createIntelReport', () => {
  it('stores a draft with normalised codes, grading, money and observables', async () => {
    const { agency, user, token } = await member(['ANALYST']);
    const result = await gql(
      CREATE,
      {
        input: reportInput({
          language: 'zh-hant',
          hsCode: '8507.60',
          estimatedValue: { amount: '125000.5', currency: 'hkd' },
          route: { origin: 'cn-gd', transit: ['hk'], destination: 'my' },
          observables: [
            { type: 'CONTAINER_NUMBER', value: 'csqu 305438 3' },
            { type: 'PHONE', value: '+852 2123 4567' },
          ],
        }),
      },
      { token },
    );
    const report = expectMember(result.data?.createIntelReport, 'CreateIntelReportSuccess').report;
    expect(report).toMatchObject({
      status: 'DRAFT',
      language: 'zh-Hant',
      hsCode: '850760',
      grading: { code: 'B2' },
      estimatedValue: { amount: '125000.50', currency: 'HKD' },
      route: { origin: 'CN-GD', transit: ['HK'], destination: 'MY' },
      audience: { scope: 'NETWORK', regions: [] },
    });
    expect(report.observables).toEqual([
      { type: 'PHONE', value: '+85221234567' },
      { type: 'CONTAINER_NUMBER', value: 'CSQU3054383' },
    ]);
    const row = await prisma.intelReport.findFirstOrThrow({ where: { authorUserId: user.id } });
    expect(row.authorAgencyId).toBe(agency.id);
    expect(row.searchText).toContain('counterfeit');
  });

  it('names every rule an input breaks, check digits included, and writes nothing', async () => {
    const { user, token } = await member(['ANALYST']);
    const result = await gql(
      CREATE,
      {
        input: reportInput({
          title: ' ',
          language: 'not a language',
          infoCredibility: 7,
          estimatedValue: { amount: '12.345', currency: 'HKD' },
          observedFrom: '2026-05-02T00:00:00Z',
          observedTo: '2026-05-01T00:00:00Z',
          observables: [
            { type: 'CONTAINER_NUMBER', value: 'CSQU3054384' },
            { type: 'VESSEL_IMO', value: 'IMO 9074728' },
            { type: 'GTIN', value: '4006381333932' },
            { type: 'AIR_WAYBILL', value: '160-12345676' },
            { type: 'PHONE', value: '2123 4567' },
          ],
        }),
      },
      { token },
    );
    const issues = issuesOf(result.data?.createIntelReport);
    expect(Object.keys(issues).sort()).toEqual(
      [
        'input.title',
        'input.language',
        'input.infoCredibility',
        'input.estimatedValue.amount',
        'input.observedTo',
        'input.observables.0.value',
        'input.observables.1.value',
        'input.observables.2.value',
        'input.observables.3.value',
        'input.observables.4.value',
      ].sort(),
    );
    expect(issues['input.observables.0.value']).toMatch(/ISO 6346 check digit/);
    expect(issues['input.observables.1.value']).toMatch(/IMO check digit/);
    expect(issues['input.observables.2.value']).toMatch(/GTIN check digit/);
    expect(issues['input.observables.3.value']).toMatch(/mod 7/);
    expect(issues['input.observables.4.value']).toMatch(/country code/);
    expect(await prisma.intelReport.count({ where: { authorUserId: user.id } })).toBe(0);
  });

  it('keeps TLP:RED for named recipients and everything else for agencies', async () => {
    const { agency, user, token } = await member(['ANALYST']);
    const redToNetwork = await gql(CREATE, { input: reportInput({ tlp: 'RED' }) }, { token });
    expect(issuesOf(redToNetwork.data?.createIntelReport)['input.audience.scope']).toMatch(
      /named recipients/,
    );

    const greenToPeople = await gql(
      CREATE,
      {
        input: reportInput({
          audience: { scope: 'RECIPIENTS', recipientIds: [globalId('User', user.id)] },
        }),
      },
      { token },
    );
    expect(issuesOf(greenToPeople.data?.createIntelReport)['input.audience.scope']).toMatch(
      /TLP:RED/,
    );

    const noRegions = await gql(
      CREATE,
      { input: reportInput({ audience: { scope: 'REGIONS' } }) },
      { token },
    );
    expect(issuesOf(noRegions.data?.createIntelReport)['input.audience.regions']).toBeTruthy();

    const ghost = globalId('Agency', '00000000-0000-4000-8000-000000000000');
    const unknownAgency = await gql(
      CREATE,
      {
        input: reportInput({
          audience: { scope: 'AGENCIES', agencyIds: [ghost, globalId('Agency', agency.id)] },
        }),
      },
      { token },
    );
    expect(issuesOf(unknownAgency.data?.createIntelReport)['input.audience.agencyIds']).toMatch(
      /does not exist/,
    );
    expect(await prisma.intelReport.count({ where: { authorUserId: user.id } })).toBe(0);
  });

  it('is for analysts: viewers are refused', async () => {
    const { token } = await member(['VIEWER']);
    expect(errorCode(await gql(CREATE, { input: reportInput() }, { token }))).toBe('FORBIDDEN');
  });
});

describe('lifecycle', () => {
  it('edits to a draft leave no history; edits after publishing are versioned with who and what', async () => {
    const { user, token } = await member(['ANALYST']);
    const draft = await createReport(token);
    const early = await gql(
      UPDATE,
      { id: draft.id, input: { title: 'Draft title, revised' } },
      { token },
    );
    expect(
      expectMember(early.data?.updateIntelReport, 'UpdateIntelReportSuccess').report,
    ).toMatchObject({
      version: 1,
      versions: [],
    });

    const publish = await gql(
      graphql(`mutation($id: ID!) { publishIntelReport(id: $id) { __typename } }`),
      { id: draft.id },
      { token },
    );
    expectType(publish.data?.publishIntelReport, 'PublishIntelReportSuccess');

    const later = await gql(
      UPDATE,
      { id: draft.id, input: { title: 'Published title, corrected', infoCredibility: 1 } },
      { token },
    );
    const report = expectMember(later.data?.updateIntelReport, 'UpdateIntelReportSuccess').report;
    expect(report.version).toBe(2);
    expect(report.versions).toEqual([
      {
        version: 2,
        changedBy: { email: user.email },
        changes: {
          title: { from: 'Draft title, revised', to: 'Published title, corrected' },
          infoCredibility: { from: 2, to: 1 },
        },
      },
    ]);

    const again = await gql(
      graphql(
        `mutation($id: ID!) { publishIntelReport(id: $id) { __typename ... on Error { code } } }`,
      ),
      { id: draft.id },
      { token },
    );
    expect(expectMember(again.data?.publishIntelReport, 'ConflictError').code).toBe('CONFLICT');
  });

  it("readers see a report's history without its audience changes; the author agency sees them", async () => {
    const { token } = await member(['ANALYST']);
    const reader = await member(['ANALYST']);
    const id = await publishedReport(token);
    const changed = await gql(
      UPDATE,
      {
        id,
        input: {
          title: 'Retitled for the network',
          audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', reader.agency.id)] },
        },
      },
      { token },
    );
    const own = expectType<any>(changed.data?.updateIntelReport, 'UpdateIntelReportSuccess').report;
    expect(Object.keys(own.versions[0].changes).sort()).toEqual([
      'audience',
      'audienceScope',
      'title',
    ]);

    const HISTORY = graphql(
      'query($id: ID!) { node(id: $id) { __typename ... on IntelReport { versions { changes } } } }',
    );
    const seen = await gql(HISTORY, { id }, { token: reader.token });
    expect(seen.errors).toBeUndefined();
    const { versions } = expectMember(seen.data?.node, 'IntelReport');
    expect(Object.keys(present(versions[0], 'a version').changes as object)).toEqual(['title']);
    expect(JSON.stringify(versions)).not.toContain(reader.agency.id);
  });

  it('a retracted report cannot change, and other agencies stop seeing it', async () => {
    const { token } = await member(['ANALYST']);
    const reader = await member(['VIEWER']);
    const id = await publishedReport(token);
    const seen = await gql(
      graphql('query($id: ID!) { node(id: $id) { id } }'),
      { id },
      { token: reader.token },
    );
    expect(seen.data?.node?.id).toBe(id);

    await retractReport(token, id, 'Source withdrew the claim');
    const hidden = await gql(
      graphql('query($id: ID!) { node(id: $id) { id } }'),
      { id },
      { token: reader.token },
    );
    expect(hidden.data?.node).toBeNull();
    const edit = await gql(UPDATE, { id, input: { title: 'Too late' } }, { token });
    expectType(edit.data?.updateIntelReport, 'ConflictError');
    const row = await prisma.intelReport.findUniqueOrThrow({
      where: { id: rawId(id) },
    });
    expect(row).toMatchObject({
      status: 'RETRACTED',
      retractionReason: 'Source withdrew the claim',
      version: 2,
    });
  });

  it('only the author agency changes a report: readers get Forbidden, others Not found', async () => {
    const { token } = await member(['ANALYST']);
    const id = await publishedReport(token);
    const reader = await member(['ANALYST']);
    const forbidden = await gql(
      UPDATE,
      { id, input: { title: 'Hijacked' } },
      { token: reader.token },
    );
    expectType(forbidden.data?.updateIntelReport, 'ForbiddenError');

    const secret = await publishedReport(token, {
      tlp: 'AMBER',
      audience: { scope: 'REGIONS', regions: ['BELT_AND_ROAD'] },
    });
    const outsider = await member(['ANALYST'], { regions: ['GREATER_BAY_AREA'] });
    const notFound = await gql(
      UPDATE,
      { id: secret, input: { title: 'x' } },
      { token: outsider.token },
    );
    expectType(notFound.data?.updateIntelReport, 'NotFoundError');
  });

  it('adds and removes observables, all or none, versioned once published', async () => {
    const { token } = await member(['ANALYST']);
    const id = await publishedReport(token);
    const ADD =
      graphql(`mutation($id: ID!, $o: [ObservableInput!]!) { addObservables(reportId: $id, observables: $o) {
      __typename ... on AddObservablesSuccess { report { version observables { id type value } } }
      ... on ValidationError { issues { path message } } } }`);

    const bad = await gql(
      ADD,
      {
        id,
        o: [
          { type: 'DOMAIN', value: 'ok.example' },
          { type: 'EMAIL', value: 'not-an-email' },
        ],
      },
      { token },
    );
    expect(Object.keys(issuesOf(bad.data?.addObservables))).toEqual(['observables.1.value']);
    const reportId = rawId(id);
    expect(await prisma.intelObservable.count({ where: { reportId } })).toBe(0);

    const good = await gql(
      ADD,
      {
        id,
        o: [
          { type: 'DOMAIN', value: 'WWW.OK.example' },
          { type: 'EMAIL', value: 'Seller@OK.example' },
        ],
      },
      { token },
    );
    const report = expectMember(good.data?.addObservables, 'AddObservablesSuccess').report;
    expect(report.version).toBe(2);
    expect(report.observables.map((o) => o.value).sort()).toEqual([
      'ok.example',
      'seller@ok.example',
    ]);

    const removed = await gql(
      graphql(
        `mutation($id: ID!) { removeObservable(observableId: $id) { __typename ... on RemoveObservableSuccess { report { version observables { value } } } } }`,
      ),
      { id: present(report.observables[0], 'an observable').id },
      { token },
    );
    const after = expectMember(removed.data?.removeObservable, 'RemoveObservableSuccess').report;
    expect(after.version).toBe(3);
    expect(after.observables).toHaveLength(1);
  });

  it('recipients of AMBER+STRICT may not export; the author agency may', async () => {
    const { token, agency } = await member(['ANALYST']);
    const reader = await member(['ANALYST']);
    const id = await publishedReport(token, {
      tlp: 'AMBER_STRICT',
      audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', reader.agency.id)] },
    });
    const q = graphql(
      'query($id: ID!) { node(id: $id) { ... on IntelReport { mayExport audience { scope } authorAgency { slug } } } }',
    );
    const asReader = await gql(q, { id }, { token: reader.token });
    expect(asReader.data?.node).toEqual({
      mayExport: false,
      audience: null,
      authorAgency: { slug: agency.slug },
    });
    const asAuthor = await gql(q, { id }, { token });
    expect(asAuthor.data?.node).toMatchObject({ mayExport: true, audience: { scope: 'AGENCIES' } });
  });
});

describe('search', () => {
  it('finds across Chinese scripts, languages and synonyms, with filters', async () => {
    const { token, agency } = await member(['ANALYST']);
    const tag = unique('srch');
    const hk = await publishedReport(token, {
      title: `${tag} 翻版手袋於葵涌貨櫃碼頭被檢獲`,
      summary: '偽造商標的手袋藏於貨櫃內。',
      language: 'zh-Hant',
      category: 'LEATHER_GOODS',
      observedCountry: 'HK',
    });
    const gz = await publishedReport(token, {
      title: `${tag} 南沙港查获假冒电池`,
      summary: '伪造品牌锂电池。',
      language: 'zh-Hans',
      category: 'BATTERIES',
      observedCountry: 'CN-GD',
      route: { origin: 'CN-GD', transit: ['HK'], destination: 'MY' },
    });
    const en = await publishedReport(token, {
      title: `${tag} Counterfeit cosmetics sold on a fake shop`,
      summary: 'Listings on a marketplace.',
      category: 'COSMETICS',
    });

    const find = async (filter: Record<string, unknown>) => {
      const r = await gql(
        graphql(
          'query($f: IntelReportFilter) { intelReports(first: 20, filter: $f) { totalCount edges { node { id } } } }',
        ),
        { f: { ...filter, search: `${tag} ${filter.search ?? ''}`.trim() } },
        { token },
      );
      expect(r.errors).toBeUndefined();
      return r.data?.intelReports.edges.map((e) => e.node.id).sort();
    };
    const all = [hk, gz, en].sort();
    expect(await find({ search: '假冒' })).toEqual(all);
    expect(await find({ search: '翻版' })).toEqual(all);
    expect(await find({ search: 'counterfeit' })).toEqual(all);
    expect(await find({ search: '伪造' })).toEqual([hk, gz].sort());
    expect(await find({ search: '偽造 电池' })).toEqual([gz]);
    expect(await find({ category: ['LEATHER_GOODS', 'COSMETICS'] })).toEqual([hk, en].sort());
    expect(await find({ routeCountry: 'HK' })).toEqual([gz]);
    expect(await find({ observedCountry: 'HK' })).toEqual([hk]);
    expect(await find({ authorAgencyId: globalId('Agency', agency.id), tlp: ['RED'] })).toEqual([]);
  });
});

describe('red reports', () => {
  it('a recipient must be an active user', async () => {
    const { token, agency } = await member(['ANALYST']);
    const gone = await makeUser(agency.id, ['VIEWER']);
    await prisma.user.update({ where: { id: gone.id }, data: { active: false } });
    const result = await gql(
      CREATE,
      {
        input: reportInput({
          tlp: 'RED',
          audience: { scope: 'RECIPIENTS', recipientIds: [globalId('User', gone.id)] },
        }),
      },
      { token },
    );
    expect(issuesOf(result.data?.createIntelReport)['input.audience.recipientIds']).toMatch(
      /deactivated/,
    );
  });
});
