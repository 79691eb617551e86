import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import { buildApp } from '../src/server.js';
import {
  errorCode,
  expectType,
  globalId,
  gql,
  makeUser,
  member,
  present,
  rawId,
  send,
  tokenFor,
} from './support/api.js';
import {
  cancel,
  confirmedGuest,
  decide,
  openEvent,
  registered,
  UPDATE_FORUM_EVENT,
} from './support/forums.js';
import { graphql, type VariablesOf } from './support/graphql.js';
import {
  type ObservableInput,
  publishedReport,
  UPDATE_INTEL_REPORT,
  uniqueContainer,
} from './support/intel.js';
import { alertLogEnd, broadcast, expectIncreasing, LiveStream } from './support/live.js';
import { invite, propose } from './support/operations.js';

// Live alerts through the real server: graphql-ws and SSE subscribers signed in with real
// sessions, alerts caused by real mutations, the alert log checked in the database.

const app = buildApp({ port: 0, host: '127.0.0.1' });
let base = '';
const streams: LiveStream[] = [];

function live(kind: 'ws' | 'sse', token: string, variables: Record<string, unknown>) {
  const stream = LiveStream[kind](base, token, variables);
  streams.push(stream);
  return stream;
}

beforeAll(async () => {
  const { port } = await app.start();
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await Promise.all(streams.map((s) => s.close().catch(() => {})));
  await app.stop();
});

/** Alerts of one origin agency after a cursor, as the log holds them. */
async function logged(originAgencyId: string, after: string) {
  const rows = await prisma.alert.findMany({
    where: { originAgencyId, cursor: { gt: BigInt(after) } },
    orderBy: { cursor: 'asc' },
  });
  return rows.map((r) => r.cursor.toString());
}

describe('the alerts subscription', () => {
  it('replays what was missed, then streams live: no gap, no duplicate, in order', async () => {
    const admin = await member(['NETWORK_ADMIN']);
    const listener = await member(['VIEWER']);
    const start = await alertLogEnd();
    // More than one replay page, written before subscribing.
    for (let i = 0; i < 210; i += 1) await broadcast(admin.token, `Replayed ${i}`);

    const stream = live('ws', listener.token, {
      after: start,
      filter: { originAgencies: [globalId('Agency', admin.agency.id)] },
    });
    // One alert committed while the replay is under way, more once it is live.
    await stream.received(1);
    await broadcast(admin.token, 'During the replay');
    await stream.received(211);
    await Promise.all([1, 2, 3].map((i) => broadcast(admin.token, `Live ${i}`)));
    await stream.received(214);

    const expected = await logged(admin.agency.id, start);
    expect(expected).toHaveLength(214);
    expect(stream.events.map((e) => e.cursor)).toEqual(expected);
    expectIncreasing(stream.events);
    expect(stream.events.every((e) => e.type === 'ALERT' && e.alert?.kind === 'BROADCAST')).toBe(
      true,
    );
    // Nothing more arrives: no duplicate after the seam.
    await broadcast(admin.token, 'Marker');
    await stream.received(215);
    expect(stream.events.at(-1)?.alert?.title).toBe('Marker');
  });

  it('resumes after the last cursor across a reconnect, losing nothing', async () => {
    const admin = await member(['NETWORK_ADMIN']);
    const listener = await member(['ANALYST']);
    const filter = { originAgencies: [globalId('Agency', admin.agency.id)] };
    const start = await alertLogEnd();

    const first = live('ws', listener.token, { filter, after: start });
    await broadcast(admin.token, 'One');
    await broadcast(admin.token, 'Two');
    await first.received(2);
    const resumeAt = first.lastCursor;
    await first.close();

    await broadcast(admin.token, 'Three (while away)');
    await broadcast(admin.token, 'Four (while away)');

    const second = live('sse', listener.token, { filter, after: resumeAt });
    await second.received(2);
    await broadcast(admin.token, 'Five');
    await second.received(3);
    expect(second.events.map((e) => e.alert?.title)).toEqual([
      'Three (while away)',
      'Four (while away)',
      'Five',
    ]);
    expect([...first.events, ...second.events].map((e) => e.cursor)).toEqual(
      await logged(admin.agency.id, start),
    );
  });

  it('without a cursor starts from now', async () => {
    const admin = await member(['NETWORK_ADMIN']);
    const listener = await member(['VIEWER']);
    await broadcast(admin.token, 'Before');
    const stream = live('ws', listener.token, {
      filter: { originAgencies: [globalId('Agency', admin.agency.id)], kinds: ['BROADCAST'] },
    });
    // Probe until the subscription shows it is in place, then send one more.
    for (let probe = 0; stream.events.length === 0; probe += 1) {
      await broadcast(admin.token, `Probe ${probe}`);
      await stream.until((s) => s.events.length > 0, 500).catch(() => {});
    }
    const probes = stream.events.length;
    await broadcast(admin.token, 'After');
    await stream.received(probes + 1);
    const titles = stream.events.map((e) => e.alert?.title);
    expect(titles).not.toContain('Before');
    expect(titles.at(-1)).toBe('After');
    expectIncreasing(stream.events);
  });

  it('refuses a malformed cursor and a rule that is not yours', async () => {
    const viewer = await member(['VIEWER']);
    const other = await member(['VIEWER']);
    const bad = live('sse', viewer.token, { after: 'yesterday' });
    await bad.until((s) => s.errors.length > 0);
    expect(bad.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const rule = (
      await send(
        other.token,
        graphql(
          `mutation($input: AlertRuleInput!) { createAlertRule(input: $input) { __typename ... on CreateAlertRuleSuccess { rule { id } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { input: { name: 'Mine', kinds: ['BROADCAST'] } },
      )
    ).createAlertRule;
    const ruleId = expectType<any>(rule, 'CreateAlertRuleSuccess').rule.id;
    const foreign = live('sse', viewer.token, { rule: ruleId });
    await foreign.until((s) => s.errors.length > 0);
    expect(foreign.errors[0]?.extensions?.code).toBe('NOT_FOUND');
    const NODE = graphql('query($id: ID!) { node(id: $id) { id } }');
    expect((await gql(NODE, { id: ruleId }, { token: viewer.token })).data?.node).toBeNull();
    expect((await gql(NODE, { id: ruleId }, { token: other.token })).data?.node).toEqual({
      id: ruleId,
    });
    const anonymous = await gql(NODE, { id: ruleId });
    expect(anonymous.data?.node ?? null).toBeNull();
    expect(anonymous.errors?.[0]?.extensions?.code ?? 'UNAUTHENTICATED').toBe('UNAUTHENTICATED');
  });
});

describe('who receives an alert', () => {
  it('follows the report’s visibility, on every path, and tells a watcher who loses access', async () => {
    const author = await member(['ANALYST']);
    const partner = await member(['ANALYST']);
    const outsider = await member(['ANALYST']);
    const third = await member(['ANALYST']);
    const filter = { originAgencies: [globalId('Agency', author.agency.id)] };
    const start = await alertLogEnd();

    const partnerStream = live('ws', partner.token, { filter, after: start });
    const outsiderStream = live('ws', outsider.token, { filter, after: start });

    const title = `Fake bearings ${Date.now()}`;
    const reportId = await publishedReport(author.token, {
      title,
      audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', partner.agency.id)] },
    });
    await partnerStream.received(1);
    expect(partnerStream.events[0]).toMatchObject({
      type: 'ALERT',
      alert: { kind: 'INTEL_PUBLISHED', title },
    });

    // The audience moves to a third agency: the partner is told it lost sight of the report.
    const narrowed = (
      await send(author.token, UPDATE_INTEL_REPORT, {
        id: reportId,
        input: {
          audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', third.agency.id)] },
        },
      })
    ).updateIntelReport;
    expectType(narrowed, 'UpdateIntelReportSuccess');
    await partnerStream.received(2);
    expect(partnerStream.events[1]).toEqual({
      type: 'VISIBILITY_LOST',
      cursor: expect.any(String),
      alert: null,
      lostSubject: reportId,
    });

    // The outsider never received anything about it, not even its title.
    const marker = await publishedReport(author.token, { title: 'Network-wide marker' });
    await outsiderStream.received(1);
    expect(outsiderStream.events.map((e) => e.alert?.title)).toEqual(['Network-wide marker']);
    expect(JSON.stringify(outsiderStream.events)).not.toContain(title);
    expect(marker).toBeTruthy();

    // History, node(id:), acknowledgement and counts go through the same rule.
    const alertId = partnerStream.events[0]?.alert?.id as string;
    const HISTORY = graphql(`query($filter: AlertFilterInput) { alerts(filter: $filter, first: 50) {
      totalCount edges { node { id title report { id } } } } }`);
    const outsiderHistory = await gql(HISTORY, { filter }, { token: outsider.token });
    expect(outsiderHistory.data?.alerts.edges.map((e) => e.node.title)).toEqual([
      'Network-wide marker',
    ]);
    expect(outsiderHistory.data?.alerts.totalCount).toBe(1);
    const node = await gql(
      graphql('query($id: ID!) { node(id: $id) { id } }'),
      { id: alertId },
      {
        token: outsider.token,
      },
    );
    expect(node.data?.node).toBeNull();
    const ack = (
      await send(
        outsider.token,
        graphql(
          `mutation($id: ID!) { acknowledgeAlert(id: $id) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {
          id: alertId,
        },
      )
    ).acknowledgeAlert;
    expectType(ack, 'NotFoundError');
    // The partner no longer reads the report, so neither the alert about it.
    const partnerNode = await gql(
      graphql('query($id: ID!) { node(id: $id) { id } }'),
      { id: alertId },
      {
        token: partner.token,
      },
    );
    expect(partnerNode.data?.node).toBeNull();
    const authorHistory = await gql(HISTORY, { filter }, { token: author.token });
    expect(authorHistory.data?.alerts.totalCount).toBe(3);
    expect(authorHistory.data?.alerts.edges[2]?.node.report?.id).toBe(reportId);
  });

  it('keeps TLP:RED alerts to the author, and retractions to the former audience', async () => {
    const author = await member(['ANALYST']);
    const recipientAgency = await member(['ANALYST']);
    const filter = { originAgencies: [globalId('Agency', author.agency.id)] };
    const start = await alertLogEnd();
    const red = await publishedReport(author.token, {
      title: 'Red secret',
      tlp: 'RED',
      pap: 'RED',
      audience: { scope: 'RECIPIENTS', recipientIds: [globalId('User', recipientAgency.user.id)] },
    });
    const green = await publishedReport(author.token, { title: 'Green, then retracted' });
    const retracted = (
      await send(
        author.token,
        graphql(
          `mutation($id: ID!, $reason: String!) { retractIntelReport(id: $id, reason: $reason) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: green, reason: 'The seizure was of genuine goods' },
      )
    ).retractIntelReport;
    expectType(retracted, 'RetractIntelReportSuccess');

    const HISTORY = graphql(`query($filter: AlertFilterInput) { alerts(filter: $filter, first: 20) {
      edges { node { kind title summary data report { id } } } } }`);
    const seen = await gql(HISTORY, { filter }, { token: recipientAgency.token });
    const nodes = present(seen.data, 'data').alerts.edges.map((e) => e.node);
    // Earlier alerts about the report went with it; the retraction notice stays.
    expect(nodes.map((n) => [n.kind, n.title])).toEqual([
      ['INTEL_RETRACTED', 'Green, then retracted'],
    ]);
    // The retracted report itself is no longer readable: the alert says why, without it.
    expect(nodes[0]?.report).toBeNull();
    expect(nodes[0]?.data).toMatchObject({ reason: 'The seizure was of genuine goods' });
    expect(nodes[0]?.summary).toBe(
      `Intelligence retracted by ${author.agency.nameEn}: Green, then retracted`,
    );
    const own = await gql(HISTORY, { filter }, { token: author.token });
    expect(own.data?.alerts.edges).toHaveLength(3);
    const logged = await prisma.alert.count({
      where: { originAgencyId: author.agency.id, cursor: { gt: BigInt(start) } },
    });
    expect(logged).toBe(3);
    expect(red).toBeTruthy();
  });

  it('reaches an operation’s invited agency and its assignee, not other agencies', async () => {
    const lead = await member(['COORDINATOR']);
    const invited = await member(['COORDINATOR']);
    const outsider = await member(['COORDINATOR']);
    const operationId = (await propose(lead.token)).id;
    expectType(
      await invite(lead.token, operationId, [
        { agencyId: globalId('Agency', invited.agency.id), role: 'PARTICIPANT' },
      ]),
      'InviteAgenciesSuccess',
    );
    const HISTORY = graphql(`query($filter: AlertFilterInput) { alerts(filter: $filter, first: 20) {
      edges { node { kind title operation { id } } } } }`);
    const filter: VariablesOf<typeof HISTORY>['filter'] = {
      kinds: ['OPERATION_INVITATION'],
      originAgencies: [globalId('Agency', lead.agency.id)],
    };
    const theirs = await gql(HISTORY, { filter }, { token: invited.token });
    expect(theirs.data?.alerts.edges).toHaveLength(1);
    expect(theirs.data?.alerts.edges[0]?.node.operation?.id).toBe(operationId);
    const others = await gql(HISTORY, { filter }, { token: outsider.token });
    expect(others.data?.alerts.edges).toHaveLength(0);
  });
});

describe('alerts from forums and intelligence', () => {
  it('tell members of their seat, their promotion and changes to the event, and nobody else', async () => {
    const organizer = await member(['ORGANIZER']);
    const first = await member(['VIEWER']);
    const second = await member(['VIEWER']);
    const eventId = await openEvent(organizer.token, { capacity: 1 });
    const filter = { originAgencies: [globalId('Agency', organizer.agency.id)] };
    const start = await alertLogEnd();
    const secondStream = live('sse', second.token, { filter, after: start });

    const seat = await registered(first.token, eventId);
    expect(seat.status).toBe('CONFIRMED');
    expect((await registered(second.token, eventId)).status).toBe('WAITLISTED');
    expectType(await cancel(first.token, seat.id), 'CancelRegistrationSuccess');
    await secondStream.received(1);
    expect(secondStream.events[0]?.alert?.kind).toBe('REGISTRATION_PROMOTED');

    const moved = (
      await send(organizer.token, UPDATE_FORUM_EVENT, {
        id: eventId,
        input: { venue: 'Nansha Conference Centre' },
      })
    ).updateForumEvent;
    expectType(moved, 'UpdateForumEventSuccess');
    await secondStream.received(2);
    expect(secondStream.events[1]?.alert?.kind).toBe('EVENT_CHANGED');

    const KINDS = graphql(`query($filter: AlertFilterInput) { alerts(filter: $filter, first: 10) {
      edges { node { kind forumEvent { id } zh: summary(locale: ZH_HANT) } } } }`);
    const firstSaw = await gql(KINDS, { filter }, { token: first.token });
    expect(firstSaw.data?.alerts.edges.map((e) => e.node.kind)).toEqual(['REGISTRATION_CONFIRMED']);
    expect(firstSaw.data?.alerts.edges[0]?.node.forumEvent?.id).toBe(eventId);
    const eventName = (await prisma.forumEvent.findUniqueOrThrow({ where: { id: rawId(eventId) } }))
      .nameEn;
    expect(firstSaw.data?.alerts.edges[0]?.node.zh).toBe(`您的席位已確認：${eventName}`);
    const organizerSaw = await gql(KINDS, { filter }, { token: organizer.token });
    expect(organizerSaw.data?.alerts.edges).toEqual([]);
    const rows = await prisma.alert.findMany({
      where: { forumEventId: rawId(eventId) },
      orderBy: { cursor: 'asc' },
    });
    expect(rows.map((r) => [r.kind, r.recipientUserId])).toEqual([
      ['REGISTRATION_CONFIRMED', first.user.id],
      ['REGISTRATION_PROMOTED', second.user.id],
      ['EVENT_CHANGED', second.user.id],
    ]);
  });

  it('warn a declined member and the members of a cancelled event, in their language; guests hear by mail only', async () => {
    const organizer = await member(['ORGANIZER']);
    const declinedMember = await member(['VIEWER']);
    const seated = await member(['VIEWER']);
    const filter = { originAgencies: [globalId('Agency', organizer.agency.id)] };
    const namePt = `Fórum de PI ${Date.now()}`;
    const vetted = await openEvent(organizer.token, { requiresApproval: true, namePt });
    const pending = await registered(declinedMember.token, vetted, { locale: 'PT' });
    expect(pending.status).toBe('PENDING_APPROVAL');
    expectType(
      await decide(organizer.token, pending.id, 'DECLINE', 'The hall is reserved for judges.'),
      'DecideRegistrationSuccess',
    );

    const openName = `Greater Bay Area IP Forum ${Date.now()}`;
    const open = await openEvent(organizer.token, { visibility: 'PUBLIC', nameEn: openName });
    const seat = await registered(seated.token, open);
    const guestSeat = await confirmedGuest(open, { type: 'OBSERVER' });
    expect([seat.status, guestSeat.status]).toEqual(['CONFIRMED', 'CONFIRMED']);
    const start = await alertLogEnd();
    const stream = live('ws', seated.token, { filter, after: start });
    const cancelled = (
      await send(
        organizer.token,
        graphql(
          `mutation($id: ID!, $reason: String!) { cancelForumEvent(id: $id, reason: $reason) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: open, reason: 'Typhoon signal No. 8.' },
      )
    ).cancelForumEvent;
    expectType(cancelled, 'CancelForumEventSuccess');
    await stream.received(1);
    expect(stream.events[0]?.alert?.kind).toBe('EVENT_CANCELLED');

    const rows = await prisma.alert.findMany({
      where: { forumEventId: { in: [rawId(vetted), rawId(open)] } },
      orderBy: { cursor: 'asc' },
    });
    expect(
      rows.map((r) => [r.kind, r.severity, r.recipientUserId, r.title, (r.data as any).reason]),
    ).toEqual([
      [
        'REGISTRATION_DECLINED',
        'WARNING',
        declinedMember.user.id,
        namePt,
        'The hall is reserved for judges.',
      ],
      ['REGISTRATION_CONFIRMED', 'INFO', seated.user.id, openName, undefined],
      ['EVENT_CANCELLED', 'WARNING', seated.user.id, openName, 'Typhoon signal No. 8.'],
    ]);
    expect(rows[2]?.data).toMatchObject({
      eventId: rawId(open),
      registrationId: rawId(seat.id),
      reason: 'Typhoon signal No. 8.',
    });
    // The guest's confirmation, seat and cancellation went to the outbox, and to no alert.
    expect(
      (
        await prisma.forumMessage.findMany({
          where: { registrationId: rawId(guestSeat.id) },
          orderBy: { createdAt: 'asc' },
        })
      ).map((m) => m.kind),
    ).toEqual(['EMAIL_CONFIRMATION', 'REGISTRATION_CONFIRMED', 'EVENT_CANCELLED']);
  });

  it('tell each side of a match about its own report only, and the author of a seizure', async () => {
    const container = uniqueContainer();
    const first = await member(['ANALYST']);
    const second = await member(['ANALYST']);
    const observables: ObservableInput[] = [{ type: 'CONTAINER_NUMBER', value: container }];
    const secret = await publishedReport(first.token, {
      title: 'Our closely held lead',
      audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', first.agency.id)] },
      observables,
    });
    const open = await publishedReport(second.token, { title: 'Open report', observables });

    const matches = await prisma.alert.findMany({
      where: { kind: 'MATCH_FOUND', reportId: { in: [rawId(secret), rawId(open)] } },
    });
    // The first agency may read the open report: it gets a correlation, not a match.
    expect(matches.map((m) => [m.recipientAgencyId, m.title])).toEqual([
      [second.agency.id, 'Open report'],
    ]);
    const correlation = await prisma.alert.findFirstOrThrow({
      where: { kind: 'CORRELATION_FOUND', recipientAgencyId: first.agency.id },
    });
    expect(correlation.reportId).toBe(rawId(open));
    // A new observable that matches nothing announces no correlation again.
    const correlations = () =>
      prisma.alert.count({
        where: { kind: 'CORRELATION_FOUND', recipientAgencyId: first.agency.id },
      });
    const before = await correlations();
    const added = (
      await send(
        second.token,
        graphql(
          `mutation($id: ID!, $observables: [ObservableInput!]!) { addObservables(reportId: $id, observables: $observables) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: open, observables: [{ type: 'CONTAINER_NUMBER', value: uniqueContainer() }] },
      )
    ).addObservables;
    expectType(added, 'AddObservablesSuccess');
    expect(await correlations()).toBe(before);
    expect(JSON.stringify(matches.map((m) => [m.title, m.data]))).not.toContain('closely held');

    const sighting = (
      await send(
        first.token,
        graphql(
          `mutation($id: ID!, $input: SightingInput!) { reportSighting(reportId: $id, input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {
          id: open,
          input: { type: 'TRUE_POSITIVE', seenAt: new Date().toISOString(), country: 'HK' },
        },
      )
    ).reportSighting;
    expectType(sighting, 'ReportSightingSuccess');
    const told = await gql(
      graphql(
        `query($filter: AlertFilterInput) { alerts(filter: $filter, first: 5) { edges { node { kind severity title } } } }`,
      ),
      { filter: { kinds: ['SIGHTING_REPORTED'] } },
      { token: second.token },
    );
    expect(told.data?.alerts.edges.map((e) => e.node)).toContainEqual({
      kind: 'SIGHTING_REPORTED',
      severity: 'URGENT',
      title: 'Open report',
    });
  });
});

describe('sessions and live connections', () => {
  it('closes the socket and ends SSE streams when the session is revoked', async () => {
    const listener = await member(['VIEWER']);
    const ws = live('ws', listener.token, { filter: { kinds: ['BROADCAST'] } });
    const sse = live('sse', listener.token, { filter: { kinds: ['BROADCAST'] } });
    const heartbeat = LiveStream.sse(base, listener.token, {}, 'subscription { heartbeat }');
    streams.push(heartbeat);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const out = await gql(graphql('mutation { signOutEverywhere }'), {}, { token: listener.token });
    expect(out.data?.signOutEverywhere).toBe(1);
    await ws.until((s) => s.closeCode !== null, 5_000);
    expect(ws.closeCode).toBe(4403);
    await sse.until((s) => s.completed, 5_000);
    expect(sse.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Every subscription ends with its session, not only alerts.
    await heartbeat.until((s) => s.completed, 5_000);
    expect(heartbeat.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('closes the socket of a user who is deactivated', async () => {
    const admin = await member(['AGENCY_ADMIN']);
    const colleague = await makeUser(admin.agency.id, ['VIEWER']);
    const token = await tokenFor(colleague.email);
    const ws = live('ws', token, {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = (
      await send(
        admin.token,
        graphql(
          `mutation($userId: ID!) { deactivateUser(userId: $userId) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { userId: globalId('User', colleague.id) },
      )
    ).deactivateUser;
    expectType(result, 'DeactivateUserSuccess');
    await ws.until((s) => s.closeCode !== null, 5_000);
    expect(ws.closeCode).toBe(4403);
  });
});

describe('the inbox', () => {
  it('keeps rules, counts unread alerts and records acknowledgements', async () => {
    const admin = await member(['NETWORK_ADMIN']);
    const reader = await member(['VIEWER']);
    const rule = (
      await send(
        reader.token,
        graphql(
          `mutation($input: AlertRuleInput!) { createAlertRule(input: $input) { __typename ... on CreateAlertRuleSuccess { rule { id name kinds originAgencies { id } } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {
          input: {
            name: 'Admin news',
            kinds: ['BROADCAST'],
            originAgencies: [globalId('Agency', admin.agency.id)],
          },
        },
      )
    ).createAlertRule;
    const saved = expectType<any>(rule, 'CreateAlertRuleSuccess').rule;
    expect(saved.originAgencies).toEqual([{ id: globalId('Agency', admin.agency.id) }]);
    const duplicate = (
      await send(
        reader.token,
        graphql(
          `mutation($input: AlertRuleInput!) { createAlertRule(input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { input: { name: 'Admin news' } },
      )
    ).createAlertRule;
    expect(expectType<any>(duplicate, 'ValidationError').issues[0].path).toEqual(['input', 'name']);

    const first = await broadcast(admin.token, 'First news');
    await broadcast(admin.token, 'Second news');
    await broadcast(admin.token, 'Third news');
    const count = async () =>
      (await gql(graphql('{ unreadAlertCount }'), {}, { token: reader.token })).data
        ?.unreadAlertCount;
    expect(await count()).toBe(3);

    const ack = (
      await send(
        reader.token,
        graphql(
          `mutation($id: ID!) { acknowledgeAlert(id: $id) { __typename ... on AcknowledgeAlertSuccess { alert { id acknowledged } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: first.id },
      )
    ).acknowledgeAlert;
    expect(expectType<any>(ack, 'AcknowledgeAlertSuccess').alert.acknowledged).toBe(true);
    expect(await count()).toBe(2);
    const unread = await gql(
      graphql(
        `query($rule: ID) { alerts(rule: $rule, unreadOnly: true, first: 10) { edges { node { title acknowledged } } } }`,
      ),
      { rule: saved.id },
      { token: reader.token },
    );
    expect(unread.data?.alerts.edges.map((e) => e.node.title)).toEqual([
      'Third news',
      'Second news',
    ]);

    const all = (
      await send(
        reader.token,
        graphql(
          `mutation($through: String) { acknowledgeAllAlerts(through: $through) { __typename ... on AcknowledgeAllAlertsSuccess { result { acknowledgedThrough unreadAlertCount } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {},
      )
    ).acknowledgeAllAlerts;
    expect(expectType<any>(all, 'AcknowledgeAllAlertsSuccess').result.unreadAlertCount).toBe(0);
    const inbox = await prisma.alertInbox.findUniqueOrThrow({ where: { userId: reader.user.id } });
    expect(inbox.acknowledgedThrough).toBeGreaterThanOrEqual(BigInt(first.cursor));
    expect(await prisma.alertAck.count({ where: { userId: reader.user.id } })).toBe(0);

    await broadcast(admin.token, 'Fourth news');
    expect(await count()).toBe(1);
    // A change names only what changes: the rest of the rule stays as it was.
    const renamed = (
      await send(
        reader.token,
        graphql(
          `mutation($id: ID!, $input: AlertRuleChanges!) { updateAlertRule(id: $id, input: $input) { __typename ... on UpdateAlertRuleSuccess { rule { name kinds severities originAgencies { id } } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: saved.id, input: { name: 'Network news', severities: ['URGENT'] } },
      )
    ).updateAlertRule;
    expect(expectType<any>(renamed, 'UpdateAlertRuleSuccess').rule).toEqual({
      name: 'Network news',
      kinds: ['BROADCAST'],
      severities: ['URGENT'],
      originAgencies: [{ id: globalId('Agency', admin.agency.id) }],
    });
    const removed = (
      await send(
        reader.token,
        graphql(
          `mutation($id: ID!) { deleteAlertRule(id: $id) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {
          id: saved.id,
        },
      )
    ).deleteAlertRule;
    expectType(removed, 'DeleteAlertRuleSuccess');
    expect(await prisma.alertRule.count({ where: { userId: reader.user.id } })).toBe(0);
  });

  it('lets only network admins broadcast', async () => {
    const analyst = await member(['ANALYST']);
    const result = await gql(
      graphql(
        'mutation { broadcastAlert(input: { title: "Hello", severity: INFO }) { __typename } }',
      ),
      {},
      { token: analyst.token },
    );
    expect(errorCode(result)).toBe('FORBIDDEN');
    expect(await prisma.alert.count({ where: { originAgencyId: analyst.agency.id } })).toBe(0);
  });
});

describe('the alert filter', () => {
  it('selects the same alerts in memory (live broadcasts) as in SQL (everything else)', async () => {
    const { alertFilterWhere, matchesFilter } = await import(
      '../src/modules/alerts/alert-filter.js'
    );
    const admin = await member(['NETWORK_ADMIN']);
    const author = await member(['ANALYST'], { regions: ['BELT_AND_ROAD'] });
    const start = await alertLogEnd();
    await broadcast(admin.token, 'Plain');
    (
      await send(
        admin.token,
        graphql(
          `mutation($input: BroadcastInput!) { broadcastAlert(input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {
          input: { title: 'Regional', severity: 'URGENT', regions: ['PAN_PEARL_RIVER_DELTA'] },
        },
      )
    ).broadcastAlert;
    await publishedReport(author.token, { title: 'Batteries', category: 'BATTERIES' });
    await publishedReport(author.token, { title: 'Cosmetics', category: 'COSMETICS' });
    // Only this test's alerts (other files may write alerts meanwhile, on a shared database).
    const ours = {
      cursor: { gt: BigInt(start) },
      originAgencyId: { in: [admin.agency.id, author.agency.id] },
    };
    const rows = await prisma.alert.findMany({ where: ours, orderBy: { cursor: 'asc' } });
    const middle = rows[Math.floor(rows.length / 2)]?.createdAt ?? new Date();
    const filters = [
      {},
      { kinds: ['BROADCAST' as const] },
      { severities: ['URGENT' as const, 'WARNING' as const] },
      { regions: ['PAN_PEARL_RIVER_DELTA' as const] },
      { regions: ['BELT_AND_ROAD' as const], categories: ['COSMETICS' as const] },
      { originAgencyIds: [author.agency.id] },
      { originAgencyIds: [admin.agency.id], kinds: ['BROADCAST' as const], regions: [] },
      { createdAfter: middle },
    ];
    for (const filter of filters) {
      const inSql = await prisma.alert.findMany({
        where: { AND: [ours, alertFilterWhere(filter)] },
        orderBy: { cursor: 'asc' },
      });
      const inMemory = rows.filter((row) => matchesFilter(row, filter));
      expect(
        inMemory.map((r) => r.cursor),
        JSON.stringify(filter),
      ).toEqual(inSql.map((r) => r.cursor));
    }
    // Two broadcasts and two reports; the filters select different parts of them.
    expect(filters.map((f) => rows.filter((row) => matchesFilter(row, f)).length)).toEqual([
      4,
      2,
      1,
      1,
      1,
      2,
      2,
      rows.filter((r) => r.createdAt > middle).length,
    ]);
  });
});

describe('a subscriber that falls behind', () => {
  it('is let go with the cursor to resume from, and resuming loses nothing', async () => {
    const { alertStream } = await import('../src/modules/alerts/alert-stream.js');
    const { validateSessionToken } = await import('../src/modules/auth/session.service.js');
    const admin = await member(['NETWORK_ADMIN']);
    const reader = await member(['VIEWER']);
    const viewer = await validateSessionToken(reader.token);
    if (!viewer) throw new Error('no session');
    const filter = { originAgencyIds: [admin.agency.id] };
    const start = await alertLogEnd();

    // A client that takes one event and then stops reading while twelve more are written.
    const slow = alertStream(viewer, filter, BigInt(start), { maxBacklog: 5 });
    const firstEvent = slow.next();
    await broadcast(admin.token, 'Read');
    expect((await firstEvent).value).toMatchObject({ type: 'ALERT' });
    for (let i = 0; i < 12; i += 1) await broadcast(admin.token, `Unread ${i}`);

    const received: string[] = [];
    const failure = await (async () => {
      try {
        for (;;) {
          const next = await slow.next();
          if (next.done) return null;
          received.push(next.value.cursor.toString());
        }
      } catch (error) {
        return error as { code?: string; resumeAfter?: string };
      }
    })();
    expect(failure?.code).toBe('RESUME_REQUIRED');

    // Resuming after the last cursor received brings exactly the rest.
    const resumeAt = received.at(-1) ?? (await firstEvent).value.cursor.toString();
    expect(failure?.resumeAfter).toBe(resumeAt);
    const resumed = alertStream(viewer, filter, BigInt(resumeAt));
    const rest: string[] = [];
    while (rest.length + received.length < 12) {
      const next = await resumed.next();
      rest.push(next.value.cursor.toString());
    }
    await resumed.return();
    const logged = await prisma.alert.findMany({
      where: { originAgencyId: admin.agency.id, cursor: { gt: BigInt(start) } },
      orderBy: { cursor: 'asc' },
    });
    expect([(await firstEvent).value.cursor.toString(), ...received, ...rest]).toEqual(
      logged.map((a) => a.cursor.toString()),
    );
  });
});
