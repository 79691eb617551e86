import { describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import { expectMember, expectType, gql, member, present, rawId, unique } from './support/api.js';
import { graphql } from './support/graphql.js';
import { publishedReport, uniqueAirWaybill, uniqueContainer } from './support/intel.js';

const MATCHES =
  graphql(`{ intelMatches(first: 20) { totalCount edges { node { id observableType createdAt
  report { id } counterpartAgency { slug } accessRequest { status } } } } }`);

describe('hit/no-hit', () => {
  it('two agencies that cannot see each other learn only that a match exists, with whom and on what', async () => {
    const hk = await member(['ANALYST'], { regions: ['GREATER_BAY_AREA'] });
    const my = await member(['ANALYST'], { regions: ['BELT_AND_ROAD'], jurisdiction: 'MY' });
    const container = uniqueContainer();
    const secretTitle = unique('secret-title');
    // Each shares only with its own region: neither may read the other's report.
    const mine = await publishedReport(my.token, {
      title: secretTitle,
      tlp: 'AMBER',
      audience: { scope: 'REGIONS', regions: ['BELT_AND_ROAD'] },
      observables: [{ type: 'CONTAINER_NUMBER', value: container }],
    });
    const hkReport = await publishedReport(hk.token, {
      tlp: 'AMBER',
      audience: { scope: 'REGIONS', regions: ['GREATER_BAY_AREA'] },
      observables: [{ type: 'CONTAINER_NUMBER', value: container.toLowerCase() }],
    });

    const hkMatches = await gql(MATCHES, {}, { token: hk.token });
    expect(hkMatches.errors).toBeUndefined();
    expect(hkMatches.data?.intelMatches.totalCount).toBe(1);
    const hkMatch = present(hkMatches.data?.intelMatches.edges[0], 'the match').node;
    expect(hkMatch).toMatchObject({
      observableType: 'CONTAINER_NUMBER',
      report: { id: hkReport },
      counterpartAgency: { slug: my.agency.slug },
      accessRequest: null,
    });
    const myMatches = await gql(MATCHES, {}, { token: my.token });
    expect(myMatches.data?.intelMatches.edges[0]?.node).toMatchObject({
      report: { id: mine },
      counterpartAgency: { slug: hk.agency.slug },
    });

    // Nothing of the hidden report leaks through the match, its node, or the API response.
    const text = JSON.stringify(hkMatches);
    expect(text).not.toContain(rawId(mine));
    expect(text).not.toContain(mine);
    expect(text).not.toContain(secretTitle);
    expect(text.toUpperCase()).not.toContain(container);
    const other = await gql(
      graphql('query($id: ID!) { node(id: $id) { id } }'),
      { id: hkMatch.id },
      { token: my.token },
    );
    expect(other.data?.node).toBeNull();

    // The match was found by keyed hashes: the stored hash is not a plain digest of the value.
    const stored = await prisma.intelObservable.findFirstOrThrow({
      where: { reportId: rawId(mine) },
    });
    expect(Buffer.from(stored.valueHash).toString('hex')).not.toContain(
      Buffer.from(container).toString('hex'),
    );
  });

  it('no match record when the submitter may see the other report: that is a correlation', async () => {
    const a = await member(['ANALYST']);
    const b = await member(['ANALYST']);
    const domain = `${unique('shop')}.example`;
    const first = await publishedReport(a.token, {
      observables: [{ type: 'DOMAIN', value: domain }],
    });
    await publishedReport(b.token, { observables: [{ type: 'DOMAIN', value: domain }] });
    expect((await gql(MATCHES, {}, { token: b.token })).data?.intelMatches.totalCount).toBe(0);
    const correlated = await gql(
      graphql(
        'query($id: ID!) { node(id: $id) { __typename ... on IntelReport { correlations { report { id } } } } }',
      ),
      { id: first },
      { token: b.token },
    );
    expect(expectMember(correlated.data?.node, 'IntelReport').correlations).toHaveLength(1);
  });

  it('an author may opt a report out of matching', async () => {
    const a = await member(['ANALYST'], { regions: ['GREATER_BAY_AREA'] });
    const b = await member(['ANALYST'], { regions: ['BELT_AND_ROAD'] });
    const phone = `+60 3-${String(2000 + Math.floor(Math.random() * 7999))} ${String(1000 + Math.floor(Math.random() * 8999))}`;
    await publishedReport(a.token, {
      tlp: 'AMBER',
      audience: { scope: 'REGIONS', regions: ['GREATER_BAY_AREA'] },
      matchingOptOut: true,
      observables: [{ type: 'PHONE', value: phone }],
    });
    await publishedReport(b.token, {
      tlp: 'AMBER',
      audience: { scope: 'REGIONS', regions: ['BELT_AND_ROAD'] },
      observables: [{ type: 'PHONE', value: phone }],
    });
    expect((await gql(MATCHES, {}, { token: a.token })).data?.intelMatches.totalCount).toBe(0);
    expect((await gql(MATCHES, {}, { token: b.token })).data?.intelMatches.totalCount).toBe(0);
  });
});

const REQUEST =
  graphql(`mutation($m: ID!, $j: String!) { requestAccess(matchId: $m, justification: $j) {
  __typename ... on RequestAccessSuccess { request { id status } } ... on Error { code message }
  ... on ValidationError { issues { message } } } }`);
const DECIDE = graphql(`mutation($r: ID!, $d: AccessDecision!, $reason: String) {
  decideAccessRequest(requestId: $r, decision: $d, reason: $reason) {
    __typename ... on DecideAccessRequestSuccess { request { status decisionReason report { id title } } }
    ... on ValidationError { issues { path message } } ... on Error { code message } } }`);

async function hiddenPair() {
  const owner = await member(['ANALYST'], { regions: ['BELT_AND_ROAD'], jurisdiction: 'MY' });
  const asker = await member(['ANALYST'], { regions: ['GREATER_BAY_AREA'] });
  const awb = uniqueAirWaybill();
  const title = unique('owner-report');
  const ownerReport = await publishedReport(owner.token, {
    title,
    tlp: 'AMBER',
    audience: { scope: 'REGIONS', regions: ['BELT_AND_ROAD'] },
    observables: [{ type: 'AIR_WAYBILL', value: awb }],
  });
  await publishedReport(asker.token, {
    tlp: 'GREEN',
    audience: { scope: 'REGIONS', regions: ['GREATER_BAY_AREA'] },
    observables: [{ type: 'AIR_WAYBILL', value: awb }],
  });
  const matches = await gql(MATCHES, {}, { token: asker.token });
  const matchId = present(matches.data?.intelMatches.edges[0], 'the match').node.id;
  return { owner, asker, ownerReport, matchId, title };
}

describe('access requests', () => {
  it('approval widens the audience to the requesting agency', async () => {
    const { owner, asker, ownerReport, matchId, title } = await hiddenPair();
    const justification =
      'Same air waybill in our seizure at HKIA on 3 November; need the consignee details.';
    const asked = await gql(REQUEST, { m: matchId, j: justification }, { token: asker.token });
    const request = expectMember(asked.data?.requestAccess, 'RequestAccessSuccess').request;
    expect(request.status).toBe('PENDING');

    const twice = await gql(REQUEST, { m: matchId, j: justification }, { token: asker.token });
    expectType(twice.data?.requestAccess, 'ConflictError');

    const incoming = await gql(
      graphql(
        '{ intelAccessRequests(first: 5, direction: INCOMING) { edges { node { id justification requesterName requesterAgency { slug } report { id } } } } }',
      ),
      {},
      { token: owner.token },
    );
    expect(incoming.data?.intelAccessRequests.edges[0]?.node).toMatchObject({
      id: request.id,
      justification,
      requesterAgency: { slug: asker.agency.slug },
      report: { id: ownerReport },
    });

    const before = await gql(
      graphql('query($id: ID!) { node(id: $id) { id } }'),
      { id: ownerReport },
      { token: asker.token },
    );
    expect(before.data?.node).toBeNull();

    const notYours = await gql(DECIDE, { r: request.id, d: 'APPROVE' }, { token: asker.token });
    expectType(notYours.data?.decideAccessRequest, 'NotFoundError');

    const approved = await gql(DECIDE, { r: request.id, d: 'APPROVE' }, { token: owner.token });
    expect(
      expectMember(approved.data?.decideAccessRequest, 'DecideAccessRequestSuccess').request.status,
    ).toBe('APPROVED');
    const after = await gql(
      graphql('query($id: ID!) { node(id: $id) { __typename ... on IntelReport { title } } }'),
      { id: ownerReport },
      { token: asker.token },
    );
    expect(expectMember(after.data?.node, 'IntelReport').title).toBe(title);
    const outgoing = await gql(
      graphql(
        '{ intelAccessRequests(first: 5, direction: OUTGOING) { edges { node { status report { id } } } } }',
      ),
      {},
      { token: asker.token },
    );
    expect(outgoing.data?.intelAccessRequests.edges[0]?.node).toEqual({
      status: 'APPROVED',
      report: { id: ownerReport },
    });
    const grant = await prisma.intelAudienceAgency.findFirstOrThrow({
      where: { reportId: rawId(ownerReport), agencyId: asker.agency.id },
    });
    expect(grant.grantedVia).toBe('ACCESS_REQUEST');

    const again = await gql(
      DECIDE,
      { r: request.id, d: 'DECLINE', reason: 'changed my mind' },
      { token: owner.token },
    );
    expectType(again.data?.decideAccessRequest, 'ConflictError');
  });

  it('a decline needs a reason and keeps the report hidden', async () => {
    const { owner, asker, ownerReport, matchId } = await hiddenPair();
    const asked = await gql(
      REQUEST,
      { m: matchId, j: 'Need it for the joint case file, please.' },
      { token: asker.token },
    );
    const requestId = expectMember(asked.data?.requestAccess, 'RequestAccessSuccess').request.id;

    const noReason = await gql(DECIDE, { r: requestId, d: 'DECLINE' }, { token: owner.token });
    expectType(noReason.data?.decideAccessRequest, 'ValidationError');
    const declined = await gql(
      DECIDE,
      { r: requestId, d: 'DECLINE', reason: 'Ongoing covert investigation' },
      { token: owner.token },
    );
    expect(
      expectMember(declined.data?.decideAccessRequest, 'DecideAccessRequestSuccess').request,
    ).toMatchObject({
      status: 'DECLINED',
      decisionReason: 'Ongoing covert investigation',
      report: { id: ownerReport },
    });
    const hidden = await gql(
      graphql('query($id: ID!) { node(id: $id) { id } }'),
      { id: ownerReport },
      { token: asker.token },
    );
    expect(hidden.data?.node).toBeNull();
    expect(
      await prisma.intelAudienceAgency.count({
        where: { reportId: rawId(ownerReport), agencyId: asker.agency.id },
      }),
    ).toBe(0);
  });

  it('a match of another agency cannot be used to ask', async () => {
    const { matchId } = await hiddenPair();
    const stranger = await member(['ANALYST']);
    const result = await gql(
      REQUEST,
      { m: matchId, j: 'Trying to use a match that is not mine.' },
      { token: stranger.token },
    );
    expectType(result.data?.requestAccess, 'NotFoundError');
  });
});

describe('sightings', () => {
  it('are recorded by readers, counted by type, and filterable', async () => {
    const author = await member(['ANALYST']);
    const reader = await member(['ANALYST']);
    const tag = unique('sight');
    const id = await publishedReport(author.token, { title: `${tag} report` });
    const SIGHT =
      graphql(`mutation($id: ID!, $input: SightingInput!) { reportSighting(reportId: $id, input: $input) {
      __typename ... on ReportSightingSuccess { report { sightingCounts { total seen truePositive falsePositive } sightings { type country agency { slug } } } }
      ... on ValidationError { issues { path message } } ... on Error { code } } }`);
    await gql(
      SIGHT,
      { id, input: { type: 'SEEN', seenAt: '2026-11-20T08:00:00Z', country: 'hk' } },
      { token: reader.token },
    );
    const second = await gql(
      SIGHT,
      { id, input: { type: 'TRUE_POSITIVE', seenAt: '2026-11-21T08:00:00Z', quantity: 400 } },
      { token: reader.token },
    );
    const report = expectMember(second.data?.reportSighting, 'ReportSightingSuccess').report;
    expect(report.sightingCounts).toEqual({ total: 2, seen: 1, truePositive: 1, falsePositive: 0 });
    expect(report.sightings[1]).toEqual({
      type: 'SEEN',
      country: 'HK',
      agency: { slug: reader.agency.slug },
    });

    const future = await gql(
      SIGHT,
      { id, input: { type: 'SEEN', seenAt: '2099-01-01T00:00:00Z' } },
      { token: reader.token },
    );
    expect(expectType<any>(future.data?.reportSighting, 'ValidationError').issues[0].path).toEqual([
      'input',
      'seenAt',
    ]);

    const list = async (min: number) =>
      (
        await gql(
          graphql(
            'query($f: IntelReportFilter) { intelReports(first: 5, filter: $f) { totalCount } }',
          ),
          {
            f: { search: tag, minSightings: min },
          },
          { token: reader.token },
        )
      ).data?.intelReports.totalCount;
    expect(await list(2)).toBe(1);
    expect(await list(3)).toBe(0);
  });

  it('cannot be recorded on a report one may not see', async () => {
    const author = await member(['ANALYST'], { regions: ['BELT_AND_ROAD'] });
    const outsider = await member(['ANALYST'], { regions: ['GREATER_BAY_AREA'] });
    const id = await publishedReport(author.token, {
      tlp: 'AMBER',
      audience: { scope: 'REGIONS', regions: ['BELT_AND_ROAD'] },
    });
    const result = await gql(
      graphql(
        `mutation($id: ID!) { reportSighting(reportId: $id, input: { type: SEEN, seenAt: "2026-11-20T08:00:00Z" }) { __typename } }`,
      ),
      { id },
      { token: outsider.token },
    );
    expectType(result.data?.reportSighting, 'NotFoundError');
    expect(await prisma.intelSighting.count({ where: { reportId: rawId(id) } })).toBe(0);
  });
});
