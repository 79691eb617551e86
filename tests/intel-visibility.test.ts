import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import { globalId, gql, makeAgency, makeUser, tokenFor, unique } from './support/api.js';
import { createReport, publishedReport, retractReport } from './support/intel.js';

// The visibility matrix: markings × audiences × viewers, checked on every read path.
// Agency A writes; B is in the Pan-PRD and named in audiences; C is a Belt and Road partner
// outside every audience. b1 is the named recipient of the RED reports.

type Viewer = 'author' | 'colleague' | 'b1' | 'b2' | 'c1' | 'cAdmin';
const VIEWERS: Viewer[] = ['author', 'colleague', 'b1', 'b2', 'c1', 'cAdmin'];

const tag = unique('matrix');
const sharedDomain = `${tag}.example`;
const tokens = {} as Record<Viewer, string>;
const reports = {} as Record<string, string>;

/** Who may see each report: the specification the paths are checked against. */
const EXPECTED: Record<string, Viewer[]> = {
  greenNetwork: ['author', 'colleague', 'b1', 'b2', 'c1', 'cAdmin'],
  amberRegionPprd: ['author', 'colleague', 'b1', 'b2'],
  amberStrictAgencyB: ['author', 'colleague', 'b1', 'b2'],
  redToB1: ['author', 'b1'],
  amberDraft: ['author', 'colleague'],
  greenRetracted: ['author', 'colleague'],
  redDraft: ['author'],
};

beforeAll(async () => {
  const a = await makeAgency({ regions: ['GREATER_BAY_AREA'] });
  const b = await makeAgency({ regions: ['GREATER_BAY_AREA', 'PAN_PEARL_RIVER_DELTA'] });
  const c = await makeAgency({ regions: ['BELT_AND_ROAD'], jurisdiction: 'MY' });
  const users = {
    author: await makeUser(a.id, ['ANALYST']),
    colleague: await makeUser(a.id, ['ANALYST']),
    b1: await makeUser(b.id, ['ANALYST']),
    b2: await makeUser(b.id, ['ANALYST']),
    c1: await makeUser(c.id, ['ANALYST']),
    cAdmin: await makeUser(c.id, ['NETWORK_ADMIN']),
  };
  for (const viewer of VIEWERS) tokens[viewer] = await tokenFor(users[viewer].email);

  const t = tokens.author;
  const obs = [{ type: 'DOMAIN', value: `www.${sharedDomain}` }];
  const base = { title: `${tag} report`, observables: obs };
  reports.greenNetwork = await publishedReport(t, { ...base, tlp: 'GREEN' });
  reports.amberRegionPprd = await publishedReport(t, {
    ...base,
    tlp: 'AMBER',
    audience: { scope: 'REGIONS', regions: ['PAN_PEARL_RIVER_DELTA'] },
  });
  reports.amberStrictAgencyB = await publishedReport(t, {
    ...base,
    tlp: 'AMBER_STRICT',
    audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', b.id)] },
  });
  reports.redToB1 = await publishedReport(t, {
    ...base,
    tlp: 'RED',
    pap: 'RED',
    audience: { scope: 'RECIPIENTS', recipientIds: [globalId('User', users.b1.id)] },
  });
  reports.amberDraft = (await createReport(t, { ...base, tlp: 'AMBER' })).id;
  reports.greenRetracted = await publishedReport(t, { ...base, tlp: 'GREEN' });
  await retractReport(t, reports.greenRetracted);
  reports.redDraft = (
    await createReport(t, {
      ...base,
      tlp: 'RED',
      audience: { scope: 'RECIPIENTS', recipientIds: [globalId('User', users.b1.id)] },
    })
  ).id;
});

function expectedFor(viewer: Viewer): string[] {
  return Object.entries(EXPECTED)
    .filter(([, who]) => who.includes(viewer))
    .map(([name]) => reports[name] as string)
    .sort();
}

describe.each(VIEWERS)('%s', (viewer) => {
  it('intelReports lists exactly the visible reports, and totalCount counts only them', async () => {
    const result = await gql(
      `query($f: IntelReportFilter) { intelReports(first: 50, filter: $f) { totalCount edges { node { id } } } }`,
      { f: { search: tag } },
      { token: tokens[viewer] },
    );
    expect(result.errors).toBeUndefined();
    const ids = result.data?.intelReports.edges.map((e: any) => e.node.id).sort();
    expect(ids).toEqual(expectedFor(viewer));
    expect(result.data?.intelReports.totalCount).toBe(ids.length);
  });

  it('node(id:) answers each report or null', async () => {
    for (const [name, id] of Object.entries(reports)) {
      const result = await gql(
        'query($id: ID!) { node(id: $id) { id ... on IntelReport { title } } }',
        { id },
        {
          token: tokens[viewer],
        },
      );
      expect(result.errors, name).toBeUndefined();
      expect(result.data?.node?.id ?? null, `${viewer} → ${name}`).toBe(
        EXPECTED[name]?.includes(viewer) ? id : null,
      );
    }
  });

  it('lookupObservable finds only visible reports', async () => {
    const result = await gql(
      'query($v: String!) { lookupObservable(type: DOMAIN, value: $v) { normalisedValue reports { id } } }',
      { v: `HTTPS://WWW.${sharedDomain.toUpperCase()}/` },
      { token: tokens[viewer] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.lookupObservable.normalisedValue).toBe(sharedDomain);
    const ids = result.data?.lookupObservable.reports.map((r: any) => r.id).sort();
    expect(ids).toEqual(expectedFor(viewer));
  });

  it('correlations of a network report show only visible reports', async () => {
    const result = await gql(
      'query($id: ID!) { node(id: $id) { ... on IntelReport { correlations { report { id } sharedObservables { value } } } } }',
      { id: reports.greenNetwork },
      { token: tokens[viewer] },
    );
    expect(result.errors).toBeUndefined();
    const correlations = result.data?.node.correlations;
    const ids = correlations.map((c: any) => c.report.id).sort();
    expect(ids).toEqual(expectedFor(viewer).filter((id) => id !== reports.greenNetwork));
    for (const c of correlations) expect(c.sharedObservables).toEqual([{ value: sharedDomain }]);
  });

  it('observables are reachable by node(id:) only through a visible report', async () => {
    const observables = await prisma.intelObservable.findMany({
      where: { report: { title: `${tag} report` } },
      select: { id: true, reportId: true },
    });
    expect(observables.length).toBe(Object.keys(reports).length);
    const visible = new Set(expectedFor(viewer));
    for (const observable of observables) {
      const result = await gql(
        'query($id: ID!) { node(id: $id) { id } }',
        { id: globalId('IntelObservable', observable.id) },
        {
          token: tokens[viewer],
        },
      );
      const reportGlobal = globalId('IntelReport', observable.reportId);
      expect(result.data?.node?.id ?? null).toBe(
        visible.has(reportGlobal) ? globalId('IntelObservable', observable.id) : null,
      );
    }
  });
});

describe('without a session', () => {
  it('no path answers', async () => {
    const list = await gql('{ intelReports(first: 5) { totalCount } }');
    expect(list.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const node = await gql('query($id: ID!) { node(id: $id) { id } }', {
      id: reports.greenNetwork,
    });
    expect(node.data?.node ?? null).toBeNull();
    const lookup = await gql(
      `{ lookupObservable(type: DOMAIN, value: "${sharedDomain}") { reports { id } } }`,
    );
    expect(lookup.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
