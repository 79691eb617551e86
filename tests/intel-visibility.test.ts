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
  tokenFor,
  unique,
} from './support/api.js';
import { graphql } from './support/graphql.js';
import { createReport, type ObservableInput, writeMatrixReports } from './support/intel.js';

// The visibility matrix: markings × audiences × viewers, checked on every read path.
// Agency A writes; B is in the Pan-PRD and named in audiences; C is a Belt and Road partner
// outside every audience. b1 is the named recipient of the RED reports.

type Viewer = 'author' | 'colleague' | 'b1' | 'b2' | 'c1' | 'cAdmin';
const VIEWERS: Viewer[] = ['author', 'colleague', 'b1', 'b2', 'c1', 'cAdmin'];

const tag = unique('matrix');
const sharedDomain = `${tag}.example`;
const tokens = {} as Record<Viewer, string>;
const userIds = {} as Record<Viewer, string>;
let authorAdminToken = '';
const emails = {} as Record<Viewer, string>;

/**
 * Who may see each report on the ordinary paths: the specification they are checked against.
 * A RED report's recipient (b1) reads it only by opening it with a purpose (tested below).
 */
const EXPECTED = {
  greenNetwork: ['author', 'colleague', 'b1', 'b2', 'c1', 'cAdmin'],
  amberRegionPprd: ['author', 'colleague', 'b1', 'b2'],
  amberStrictAgencyB: ['author', 'colleague', 'b1', 'b2'],
  redToB1: ['author'],
  amberDraft: ['author', 'colleague'],
  greenRetracted: ['author', 'colleague'],
  redDraft: ['author'],
} satisfies Record<string, Viewer[]>;
type ReportName = keyof typeof EXPECTED;
const NAMES = Object.keys(EXPECTED) as ReportName[];
const reports = {} as Record<ReportName, string>;

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
  for (const viewer of VIEWERS) {
    tokens[viewer] = await tokenFor(users[viewer].email);
    userIds[viewer] = users[viewer].id;
    emails[viewer] = users[viewer].email;
  }
  authorAdminToken = await tokenFor((await makeUser(a.id, ['AGENCY_ADMIN'])).email);

  const t = tokens.author;
  const obs: ObservableInput[] = [{ type: 'DOMAIN', value: `www.${sharedDomain}` }];
  const base = { title: `${tag} report`, observables: obs };
  Object.assign(reports, await writeMatrixReports(t, base, b.id, users.b1.id));
  reports.redDraft = (
    await createReport(t, {
      ...base,
      tlp: 'RED',
      audience: { scope: 'RECIPIENTS', recipientIds: [globalId('User', users.b1.id)] },
    })
  ).id;
});

function expectedFor(viewer: Viewer): string[] {
  return NAMES.filter((name) => (EXPECTED[name] as Viewer[]).includes(viewer))
    .map((name) => reports[name])
    .sort();
}

describe.each(VIEWERS)('%s', (viewer) => {
  it('intelReports lists exactly the visible reports, and totalCount counts only them', async () => {
    const result = await gql(
      graphql(
        `query($f: IntelReportFilter) { intelReports(first: 50, filter: $f) { totalCount edges { node { id } } } }`,
      ),
      { f: { search: tag } },
      { token: tokens[viewer] },
    );
    expect(result.errors).toBeUndefined();
    const list = present(result.data?.intelReports, 'intelReports');
    const ids = list.edges.map((e) => e.node.id).sort();
    expect(ids).toEqual(expectedFor(viewer));
    expect(list.totalCount).toBe(ids.length);
  });

  it('node(id:) answers each report or null', async () => {
    for (const name of NAMES) {
      const id = reports[name];
      const result = await gql(
        graphql('query($id: ID!) { node(id: $id) { id ... on IntelReport { title } } }'),
        { id },
        {
          token: tokens[viewer],
        },
      );
      expect(result.errors, name).toBeUndefined();
      expect(result.data?.node?.id ?? null, `${viewer} → ${name}`).toBe(
        (EXPECTED[name] as Viewer[]).includes(viewer) ? id : null,
      );
    }
  });

  it('lookupObservable finds only visible reports', async () => {
    const result = await gql(
      graphql(
        'query($v: String!) { lookupObservable(type: DOMAIN, value: $v) { normalisedValue reports { id } } }',
      ),
      { v: `HTTPS://WWW.${sharedDomain.toUpperCase()}/` },
      { token: tokens[viewer] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.lookupObservable.normalisedValue).toBe(sharedDomain);
    const ids = result.data?.lookupObservable.reports.map((r) => r.id).sort();
    expect(ids).toEqual(expectedFor(viewer));
  });

  it('correlations of a network report show only visible reports', async () => {
    const result = await gql(
      graphql(
        'query($id: ID!) { node(id: $id) { __typename ... on IntelReport { correlations { report { id } sharedObservables { value } } } } }',
      ),
      { id: reports.greenNetwork },
      { token: tokens[viewer] },
    );
    expect(result.errors).toBeUndefined();
    const correlations = expectMember(result.data?.node, 'IntelReport').correlations;
    const ids = correlations.map((c) => c.report.id).sort();
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
        graphql('query($id: ID!) { node(id: $id) { id } }'),
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
    const list = await gql(graphql('{ intelReports(first: 5) { totalCount } }'));
    expect(list.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const node = await gql(graphql('query($id: ID!) { node(id: $id) { id } }'), {
      id: reports.greenNetwork,
    });
    expect(node.data?.node ?? null).toBeNull();
    const lookup = await gql(
      `{ lookupObservable(type: DOMAIN, value: "${sharedDomain}") { reports { id } } }`,
    );
    expect(lookup.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

const OPEN = graphql(
  `query($id: ID!, $purpose: String) { intelReport(id: $id, purpose: $purpose) { id title } }`,
);

describe('TLP:RED opens only with a stated purpose, and each opening is logged', () => {
  it('the named recipient is told of the report, and reads it with a purpose', async () => {
    const notices = await gql(
      graphql('{ redReportsForMe { reportId opened authorAgency { id } } }'),
      {},
      { token: tokens.b1 },
    );
    const notice = notices.data?.redReportsForMe.find((n) => n.reportId === reports.redToB1);
    expect(notice).toMatchObject({ opened: false });
    expect(notices.data?.redReportsForMe.map((n) => n.reportId)).not.toContain(reports.redDraft);

    const without = await gql(OPEN, { id: reports.redToB1 }, { token: tokens.b1 });
    expect(without.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(without.data?.intelReport ?? null).toBeNull();

    const purpose = 'Checking container CSQU3054383 held at Kwai Chung';
    const opened = await gql(OPEN, { id: reports.redToB1, purpose }, { token: tokens.b1 });
    expect(opened.errors).toBeUndefined();
    expect(opened.data?.intelReport?.id).toBe(reports.redToB1);

    const log = await prisma.intelAccessLog.findMany({
      where: { reportId: rawId(reports.redToB1) },
    });
    expect(log).toEqual([expect.objectContaining({ userId: userIds.b1, action: 'VIEW', purpose })]);
    const again = await gql(
      graphql('{ redReportsForMe { reportId opened } }'),
      {},
      { token: tokens.b1 },
    );
    expect(again.data?.redReportsForMe.find((n) => n.reportId === reports.redToB1)?.opened).toBe(
      true,
    );
  });

  it('a purpose opens nothing for anyone else', async () => {
    for (const viewer of ['colleague', 'b2', 'c1', 'cAdmin'] as const) {
      const result = await gql(
        OPEN,
        { id: reports.redToB1, purpose: 'I would like to read it please' },
        {
          token: tokens[viewer],
        },
      );
      expect(result.data?.intelReport ?? null, viewer).toBeNull();
      const notices = await gql(
        graphql('{ redReportsForMe { reportId } }'),
        {},
        { token: tokens[viewer] },
      );
      expect(notices.data?.redReportsForMe).toEqual([]);
    }
    const log = await prisma.intelAccessLog.count({
      where: { reportId: rawId(reports.redToB1), userId: { not: userIds.b1 } },
    });
    expect(log).toBe(0);
  });
});

describe('the access log', () => {
  it('records readings of AMBER+STRICT by other agencies, once per request, and only those', async () => {
    const reportId = rawId(reports.amberStrictAgencyB);
    const before = await prisma.intelAccessLog.count({ where: { reportId } });
    const both = `query($id: ID!) { a: node(id: $id) { id } b: intelReport(id: $id) { id } }`;
    await gql(both, { id: reports.amberStrictAgencyB }, { token: tokens.b2 });
    await gql(both, { id: reports.amberStrictAgencyB }, { token: tokens.colleague });
    await gql(both, { id: reports.greenNetwork }, { token: tokens.b2 });
    const entries = await prisma.intelAccessLog.findMany({
      where: { reportId },
      orderBy: { at: 'asc' },
    });
    expect(entries.length - before).toBe(1);
    expect(entries.at(-1)).toMatchObject({ userId: userIds.b2, action: 'VIEW' });
    expect(
      await prisma.intelAccessLog.count({
        where: { reportId: rawId(reports.greenNetwork) },
      }),
    ).toBe(0);
  });

  it('is written by every path that returns the report: a list page, a field of another type, node(id:)', async () => {
    const id = reports.amberStrictAgencyB as string;
    const count = () =>
      prisma.intelAccessLog.count({ where: { reportId: rawId(id), userId: userIds.b2 } });
    const paths: [string, (data: any) => unknown][] = [
      [
        '{ intelReports(first: 50) { edges { node { id title } } } }',
        (data) => data.intelReports.edges.find((e: any) => e.node.id === id)?.node.title,
      ],
      [
        'query($value: String!) { lookupObservable(type: DOMAIN, value: $value) { reports { id title } } }',
        (data) => data.lookupObservable.reports.find((r: any) => r.id === id)?.title,
      ],
      [
        'query($id: ID!) { node(id: $id) { ... on IntelReport { summary } } }',
        (data) => data.node?.summary,
      ],
    ];
    for (const [query, content] of paths) {
      const before = await count();
      const result = await gql(query, { id, value: `www.${sharedDomain}` }, { token: tokens.b2 });
      expect(result.errors, query).toBeUndefined();
      expect(typeof content(result.data), query).toBe('string');
      expect(await count(), query).toBe(before + 1);
    }
  });

  it('cannot be changed or deleted, even by the database client', async () => {
    const entry = await prisma.intelAccessLog.findFirstOrThrow();
    await expect(
      prisma.intelAccessLog.update({ where: { id: entry.id }, data: { purpose: 'x' } }),
    ).rejects.toThrow(/append-only/);
    await expect(prisma.intelAccessLog.delete({ where: { id: entry.id } })).rejects.toThrow(
      /append-only/,
    );
  });

  it("is readable by the author agency's admins only", async () => {
    const q = graphql(`query($id: ID!) { node(id: $id) { __typename ... on IntelReport {
      accessLog(first: 10) { totalCount edges { node { action readerEmail agency { id } } } } } } }`);
    const asAdmin = await gql(q, { id: reports.amberStrictAgencyB }, { token: authorAdminToken });
    expect(asAdmin.errors).toBeUndefined();
    const log = present(expectMember(asAdmin.data?.node, 'IntelReport').accessLog, 'the log');
    expect(log.totalCount).toBeGreaterThan(0);
    expect(log.edges.map((e) => e.node.readerEmail)).toContain(emails.b2);
    const asAuthor = await gql(q, { id: reports.amberStrictAgencyB }, { token: tokens.author });
    expect(asAuthor.errors).toBeUndefined();
    expect(expectMember(asAuthor.data?.node, 'IntelReport').accessLog).toBeNull();
    const asReader = await gql(q, { id: reports.amberStrictAgencyB }, { token: tokens.b2 });
    expect(expectMember(asReader.data?.node, 'IntelReport').accessLog).toBeNull();
  });
});
