import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import {
  expectMember,
  expectType,
  globalId,
  gql,
  makeUser,
  member,
  present,
  rawId,
  send,
  yoga,
} from './support/api.js';
import { guest, openEvent, register, registered } from './support/forums.js';
import { graphql, type VariablesOf } from './support/graphql.js';
import {
  type AudienceInput,
  createReport,
  publishedReport,
  reportInput,
  UPDATE_INTEL_REPORT,
  uniqueContainer,
} from './support/intel.js';
import { broadcast } from './support/live.js';
import {
  advance,
  invite,
  LINK_INTEL_REPORT,
  propose,
  recordResult,
  respond,
  seizure,
} from './support/operations.js';

// What an outsider, or a curious partner, must not learn by asking: people behind ids, working
// data of operations it has not joined, guests' registrations, accounts of other agencies.

describe('people behind ids', () => {
  it('a RED report naming another agency’s user shows that person only as a count', async () => {
    const author = await member(['ANALYST']);
    const colleague = await makeUser(author.agency.id, ['ANALYST']);
    const stranger = await member(['ANALYST']);
    const report = await createReport(author.token, {
      tlp: 'RED',
      pap: 'RED',
      audience: {
        scope: 'RECIPIENTS',
        recipientIds: [globalId('User', stranger.user.id), globalId('User', colleague.id)],
      },
    });
    const read = await gql(
      graphql(`query($id: ID!) { intelReport(id: $id) { audience {
        recipients { id email displayName roles active agency { id } } otherRecipientCount } } }`),
      { id: report.id },
      { token: author.token },
    );
    expect(read.errors).toBeUndefined();
    const audience = present(read.data?.intelReport?.audience, 'audience');
    expect(audience.otherRecipientCount).toBe(1);
    expect(audience.recipients).toEqual([
      expect.objectContaining({ id: globalId('User', colleague.id), email: colleague.email }),
    ]);
    expect(JSON.stringify(read.data)).not.toContain(stranger.user.email);
    expect(JSON.stringify(read.data)).not.toContain(stranger.agency.id);
    // The recipient is still named in the database: only the reading is narrowed.
    expect(
      await prisma.intelRecipient.count({
        where: { reportId: Buffer.from(report.id, 'base64').toString().split(':')[1] },
      }),
    ).toBe(2);
  });

  it('answers the same for an id that names nobody and one that names a deactivated account', async () => {
    const author = await member(['ANALYST']);
    const gone = await member(['ANALYST']);
    await prisma.user.update({ where: { id: gone.user.id }, data: { active: false } });
    const attempt = async (userId: string) =>
      send(
        author.token,
        graphql(
          `mutation($input: IntelReportInput!) { createIntelReport(input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {
          input: reportInput({
            tlp: 'RED',
            pap: 'RED',
            audience: { scope: 'RECIPIENTS', recipientIds: [globalId('User', userId)] },
          }),
        },
      ).then((data) => data.createIntelReport);
    const deactivated = expectMember(await attempt(gone.user.id), 'ValidationError');
    const nobody = expectMember(
      await attempt('0b7d6f2e-5a1c-4e8b-9d3f-2c4a6e8b0d1f'),
      'ValidationError',
    );
    expect(nobody.issues).toEqual(deactivated.issues);
    expect(nobody.message).toBe(deactivated.message);
    expect(await prisma.intelReport.count({ where: { authorUserId: author.user.id } })).toBe(0);
  });

  it('a broadcast does not carry its sender’s id to every member', async () => {
    const admin = await member(['NETWORK_ADMIN']);
    const reader = await member(['VIEWER']);
    const { id: alertId } = await broadcast(
      admin.token,
      'Network maintenance tonight',
      'From 22:00 HKT.',
    );
    const read = await gql(
      graphql(
        'query($id: ID!) { node(id: $id) { __typename ... on Alert { title data originAgency { id } } } }',
      ),
      { id: alertId },
      { token: reader.token },
    );
    const alert = expectMember(read.data?.node, 'Alert');
    expect(alert.title).toBe('Network maintenance tonight');
    expect(alert.data).toEqual({ body: 'From 22:00 HKT.' });
    expect(JSON.stringify(read.data)).not.toContain(admin.user.id);
  });
});

describe('accounts of other agencies', () => {
  it('creating a user with an address taken elsewhere neither confirms the account nor names its agency', async () => {
    const admin = await member(['AGENCY_ADMIN']);
    const elsewhere = await member(['ANALYST']);
    const colleague = await makeUser(admin.agency.id, ['VIEWER']);
    const create = (email: string) =>
      send(
        admin.token,
        graphql(
          `mutation($input: CreateUserInput!) { createUser(input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {
          input: {
            agencyId: globalId('Agency', admin.agency.id),
            email,
            displayName: 'New colleague',
            password: 'a long enough password',
            roles: ['VIEWER'],
          },
        },
      ).then((data) => data.createUser);
    const foreign = expectMember(await create(elsewhere.user.email), 'ConflictError');
    expect(foreign.message).not.toMatch(/exists|another agency|belongs/i);
    for (const secret of [
      elsewhere.agency.nameEn,
      elsewhere.agency.slug,
      elsewhere.user.displayName,
    ]) {
      expect(foreign.message).not.toContain(secret);
    }
    // A colleague's account the admin sees anyway may be named as such.
    const own = expectMember(await create(colleague.email), 'ConflictError');
    expect(own.message).toMatch(/account you manage/);
    expect(await prisma.user.count({ where: { agencyId: admin.agency.id } })).toBe(2);
  });
});

describe('operation alerts', () => {
  const HISTORY = graphql(`query($filter: AlertFilterInput) { alerts(filter: $filter, first: 20) {
    totalCount edges { node { id kind data } } } }`);
  const history = async (token: string, operationId: string) => {
    const result = await gql(
      HISTORY,
      { filter: { kinds: ['OPERATION_PHASE_CHANGED'] } },
      { token },
    );
    expect(result.errors).toBeUndefined();
    return ((result.data?.alerts.edges ?? []) as { node: { id: string; data: any } }[])
      .map((e) => e.node)
      .filter((n) => n.data.codeName && n.data.codeName === operationId);
  };

  it('carry a phase note only to agencies taking part, and a cancellation to open invitations', async () => {
    const lead = await member(['COORDINATOR']);
    const partner = await member(['COORDINATOR']);
    const invitee = await member(['COORDINATOR']);
    const op = await propose(lead.token);
    await invite(lead.token, op.id, [
      { agencyId: globalId('Agency', partner.agency.id), role: 'PARTICIPANT' },
    ]);
    await respond(partner.token, op.id, 'ACCEPT');
    expectType(
      await advance(lead.token, op.id, 'PREPARATION', 'Raid at dawn on warehouse 7'),
      'AdvanceOperationPhaseSuccess',
    );
    // Invited after the note was written, and not yet answered.
    await invite(lead.token, op.id, [
      { agencyId: globalId('Agency', invitee.agency.id), role: 'OBSERVER' },
    ]);

    const partnerSees = await history(partner.token, op.codeName);
    expect(partnerSees.map((a) => a.data.note)).toEqual(['Raid at dawn on warehouse 7']);
    expect(await history(invitee.token, op.codeName)).toEqual([]);
    const alertId = partnerSees[0]?.id as string;
    const byId = await gql(
      graphql('query($id: ID!) { node(id: $id) { id } }'),
      { id: alertId },
      {
        token: invitee.token,
      },
    );
    expect(byId.data?.node).toBeNull();

    const cancelled = (
      await send(
        lead.token,
        graphql(
          `mutation($id: ID!, $reason: String!) { cancelOperation(id: $id, reason: $reason) { __typename ... on IllegalPhaseTransitionError { from to allowed } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: op.id, reason: 'Target moved out of the region' },
      )
    ).cancelOperation;
    expectType(cancelled, 'CancelOperationSuccess');
    const inviteeSees = await history(invitee.token, op.codeName);
    expect(inviteeSees.map((a) => a.data)).toEqual([
      expect.objectContaining({ to: 'CANCELLED', note: 'Target moved out of the region' }),
    ]);
    expect(JSON.stringify(inviteeSees)).not.toContain('warehouse 7');
    expect((await history(partner.token, op.codeName)).map((a) => a.data.to).sort()).toEqual([
      'CANCELLED',
      'PREPARATION',
    ]);
  });
});

describe('guest registrations', () => {
  it('a repeated idempotency key without a session gets no personal data, and a duplicate no name', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, { visibility: 'PUBLIC' });
    const person = guest({ name: 'Ana Ferreira' });
    const key = randomUUID();
    const first = await registered(null, eventId, { guest: person, idempotencyKey: key });
    expect(first.checkInCode).toBeTruthy();

    // Someone who knows (or guesses) the e-mail and the key.
    const replay = await register(null, eventId, {
      guest: { ...person, name: 'X' },
      idempotencyKey: key,
    });
    expectType(replay, 'RequestAlreadyReceivedError');
    expect(JSON.stringify(replay)).not.toContain(first.checkInCode);
    expect(JSON.stringify(replay)).not.toContain('Ana Ferreira');

    // Another key for the same address: refused, and named by the address the caller typed.
    const again = await register(null, eventId, { guest: { ...person, name: 'Y' } });
    expect(expectMember(again, 'DuplicateRegistrationError').person).toBe(person.email);
    expect(JSON.stringify(again)).not.toContain('Ana Ferreira');
    expect(await prisma.forumRegistration.count({ where: { eventId: rawId(eventId) } })).toBe(1);
  });

  it('erasure also removes the check-in code and the address kept with the request', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, { visibility: 'PUBLIC' });
    const person = guest();
    const registration = await registered(null, eventId, { guest: person });
    const past = Date.now() - 10 * 24 * 3_600_000;
    await prisma.forumEvent.update({
      where: { id: rawId(eventId) },
      data: {
        registrationOpensAt: new Date(past - 86_400_000),
        registrationClosesAt: new Date(past),
        startsAt: new Date(past),
        endsAt: new Date(past + 86_400_000),
      },
    });
    const erased = (
      await send(
        token,
        graphql(
          `mutation($id: ID!) { eraseRegistrantData(id: $id) { __typename ... on EraseRegistrantDataSuccess { registration { erasedAt } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: registration.id },
      )
    ).eraseRegistrantData;
    expectType(erased, 'EraseRegistrantDataSuccess');
    const row = await prisma.forumRegistration.findUniqueOrThrow({
      where: { id: rawId(registration.id) },
      include: { request: true },
    });
    expect(row.checkInCode).not.toBe(registration.checkInCode);
    expect(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
      person.email,
    );
    const opened = await gql(
      graphql('query($code: String!) { forumRegistrationByCode(code: $code) { id } }'),
      { code: present(registration.checkInCode, 'check-in code') },
    );
    expect(opened.data?.forumRegistrationByCode ?? null).toBeNull();
  });
});

describe('AMBER+STRICT readings', () => {
  async function strictFor(reader: Awaited<ReturnType<typeof member>>) {
    const author = await member(['ANALYST', 'COORDINATOR']);
    const word = `quokka${Date.now().toString(36)}`;
    const reportId = await publishedReport(author.token, {
      title: `Strict title ${word}`,
      summary: `Containers of ${word} counterfeit shampoo`,
      tlp: 'AMBER_STRICT',
      audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', reader.agency.id)] },
    });
    return { author, word, reportId };
  }
  const logOf = (reportId: string, userId: string) =>
    prisma.intelAccessLog.findMany({ where: { reportId: rawId(reportId), userId } });

  it('alerts do not show the title to another agency; the author agency reads it', async () => {
    const reader = await member(['ANALYST']);
    const { author, word, reportId } = await strictFor(reader);
    const HISTORY = graphql(`query($f: AlertFilterInput) { alerts(filter: $f, first: 5) {
      edges { node { title summary } } } }`);
    const filter: VariablesOf<typeof HISTORY> = {
      f: { kinds: ['INTEL_PUBLISHED'], originAgencies: [globalId('Agency', author.agency.id)] },
    };
    const theirs = await gql(HISTORY, filter, { token: reader.token });
    const [alert] = theirs.data?.alerts.edges ?? [];
    expect(alert?.node.title).toMatch(/TLP:AMBER\+STRICT report/);
    expect(JSON.stringify(theirs.data)).not.toContain(word);
    expect(await logOf(reportId, reader.user.id)).toEqual([]);
    const own = await gql(HISTORY, filter, { token: author.token });
    expect(own.data?.alerts.edges[0]?.node.title).toBe(`Strict title ${word}`);
  });

  it('a count narrowed by words logs the STRICT reports it counted', async () => {
    const reader = await member(['ANALYST']);
    const { word, reportId } = await strictFor(reader);
    const f = { search: word, tlp: ['AMBER_STRICT' as const] };
    const bounded = await gql(
      graphql('query($f: IntelReportFilter) { intelReportCount(filter: $f) { count exact } }'),
      { f },
      { token: reader.token },
    );
    expect(bounded.data).toEqual({ intelReportCount: { count: 1, exact: true } });
    expect((await logOf(reportId, reader.user.id)).map((e) => e.action)).toEqual(['SEARCH']);
    // The connection's exact count is a reading of its own, in its own request.
    const exact = await gql(
      graphql('query($f: IntelReportFilter) { intelReports(first: 0, filter: $f) { totalCount } }'),
      { f },
      { token: reader.token },
    );
    expect(exact.data).toEqual({ intelReports: { totalCount: 1 } });
    expect((await logOf(reportId, reader.user.id)).map((e) => e.action)).toEqual([
      'SEARCH',
      'SEARCH',
    ]);
    // A count by marking alone tells nothing of the content and is not logged.
    await gql(
      graphql('{ intelReportCount(filter: { tlp: [AMBER_STRICT] }) { count } }'),
      {},
      { token: reader.token },
    );
    expect(await logOf(reportId, reader.user.id)).toHaveLength(2);
  });

  it('the after-action report is an export: STRICT reports of others are counted, not described', async () => {
    const lead = await member(['COORDINATOR', 'ANALYST']);
    const { author, word, reportId } = await strictFor(lead);
    const op = await propose(lead.token);
    await invite(lead.token, op.id, [
      { agencyId: globalId('Agency', author.agency.id), role: 'PARTICIPANT' },
    ]);
    await respond(author.token, op.id, 'ACCEPT');
    const ownReport = await publishedReport(lead.token, { title: `Exportable ${word}` });
    for (const report of [reportId, ownReport]) {
      expectType(
        (
          await send(lead.token, LINK_INTEL_REPORT, {
            id: op.id,
            report,
          })
        ).linkIntelReport,
        'LinkIntelReportSuccess',
      );
    }
    for (const phase of ['PREPARATION', 'ACTION', 'EVALUATION'] as const) {
      expectType(await advance(lead.token, op.id, phase), 'AdvanceOperationPhaseSuccess');
    }
    const response = await yoga.fetch(
      `http://localhost/operations/${encodeURIComponent(op.id)}/after-action.json`,
      { headers: { authorization: `Bearer ${lead.token}` } },
    );
    expect(response.status).toBe(200);
    const doc = await response.json();
    expect(doc.linkedIntel.visible.map((r: { title: string }) => r.title)).toEqual([
      `Exportable ${word}`,
    ]);
    expect(doc.linkedIntel.notExportableCount).toBe(1);
    expect(JSON.stringify(doc)).not.toContain(`Strict title ${word}`);
    expect((await logOf(ownReport, lead.user.id)).map((e) => e.action)).toEqual(['EXPORT']);
    // The report the lead may read in IPNet stays readable there, logged as a reading.
    expect(await logOf(reportId, lead.user.id)).toEqual([]);
    // The author agency's own export describes it.
    const theirs = await yoga.fetch(
      `http://localhost/operations/${encodeURIComponent(op.id)}/after-action.md`,
      { headers: { authorization: `Bearer ${author.token}` } },
    );
    expect(await theirs.text()).toContain(`Strict title ${word}`);
  });
});

describe('network statistics', () => {
  // A month no other test publishes in, so that the figures are this test's own on a shared database.
  const FROM = '2001-02-01T00:00:00.000Z';
  const TO = '2001-03-01T00:00:00.000Z';
  const STATS =
    graphql(`query($from: DateTime!, $to: DateTime!) { networkStatistics(from: $from, to: $to) {
    scope disclosure { aggregated minimumGroupSize }
    reportsShared { total byMarking { tlp count fewerThan } byCategory { category count fewerThan }
      byRegion { region count fewerThan } }
    results { byKind { kind count } marketValue { amount currency } } } }`);

  it('refuse windows that could isolate one item, and never break down few items', async () => {
    const admin = await member(['NETWORK_ADMIN']);
    const author = await member(['ANALYST', 'COORDINATOR'], { regions: ['BELT_AND_ROAD'] });
    const reader = await member(['ANALYST']);
    const ids = [
      await publishedReport(author.token, {
        tlp: 'RED',
        pap: 'RED',
        category: 'TOYS',
        audience: { scope: 'RECIPIENTS', recipientIds: [globalId('User', reader.user.id)] },
      }),
      await publishedReport(author.token, {
        tlp: 'AMBER',
        category: 'WATCHES_JEWELLERY',
        audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', reader.agency.id)] },
      }),
    ];
    for (let n = 0; n < 5; n += 1) {
      ids.push(await publishedReport(author.token, { tlp: 'GREEN', category: 'FOOTWEAR' }));
    }
    await prisma.intelReport.updateMany({
      where: { id: { in: ids.map(rawId) } },
      data: { publishedAt: new Date('2001-02-10T08:00:00Z') },
    });

    // A window of one millisecond, or of one day, is refused: network figures go by months.
    const narrow = await gql(
      STATS,
      { from: '2001-02-10T08:00:00.000Z', to: '2001-02-10T08:00:00.001Z' },
      { token: admin.token },
    );
    expect(narrow.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(narrow.errors?.[0]?.message).toMatch(/from.*whole calendar months/s);
    const day = await gql(
      STATS,
      { from: '2001-02-10T00:00:00Z', to: '2001-02-11T00:00:00Z' },
      {
        token: admin.token,
      },
    );
    expect(day.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const month = await gql(STATS, { from: FROM, to: TO }, { token: admin.token });
    expect(month.errors).toBeUndefined();
    const figures = present(month.data, 'data').networkStatistics;
    expect(figures.scope).toBe('NETWORK');
    expect(figures.disclosure).toEqual({ aggregated: true, minimumGroupSize: 5 });
    expect(figures.reportsShared.total).toBe(7);
    expect(figures.reportsShared.byMarking).toEqual([
      { tlp: 'AMBER', count: null, fewerThan: 5 },
      { tlp: 'GREEN', count: 5, fewerThan: null },
      { tlp: 'RED', count: null, fewerThan: 5 },
    ]);
    // The RED report is in no category and no region; the single AMBER one reads "fewer than 5".
    expect(figures.reportsShared.byCategory).toEqual([
      { category: 'FOOTWEAR', count: 5, fewerThan: null },
      { category: 'WATCHES_JEWELLERY', count: null, fewerThan: 5 },
    ]);
    expect(figures.reportsShared.byRegion).toEqual([
      { region: 'BELT_AND_ROAD', count: 6, fewerThan: null },
    ]);

    // The author agency counts its own reports exactly: it may read every one of them.
    const own = present(
      (await gql(STATS, { from: FROM, to: TO }, { token: author.token })).data,
      'data',
    ).networkStatistics;
    expect(own.scope).toBe('VISIBLE');
    expect(own.reportsShared.byCategory).toContainEqual({
      category: 'TOYS',
      count: 1,
      fewerThan: null,
    });
  });

  it('leave out result figures drawn from fewer operations than the minimum', async () => {
    const admin = await member(['NETWORK_ADMIN']);
    const lead = await member(['COORDINATOR', 'ANALYST']);
    const op = await propose(lead.token);
    for (const phase of ['PREPARATION', 'ACTION'] as const) {
      expectType(await advance(lead.token, op.id, phase), 'AdvanceOperationPhaseSuccess');
    }
    const recorded = await recordResult(
      lead.token,
      op.id,
      seizure({
        marketValue: {
          amount: '987654.32',
          currency: 'MOP',
          valuationDate: '2001-02-14T00:00:00Z',
        },
      }),
    );
    const resultId = rawId(expectMember(recorded, 'RecordResultSuccess').result.id);
    await prisma.operationResult.update({
      where: { id: resultId },
      data: { recordedAt: new Date('2001-02-15T00:00:00Z') },
    });

    const network = present(
      (await gql(STATS, { from: FROM, to: TO }, { token: admin.token })).data,
      'data',
    ).networkStatistics;
    expect(network.results).toEqual({ byKind: [], marketValue: [] });
    const own = present(
      (await gql(STATS, { from: FROM, to: TO }, { token: lead.token })).data,
      'data',
    ).networkStatistics;
    expect(own.results.marketValue).toEqual([{ amount: '987654.32', currency: 'MOP' }]);
  });
});

describe('design points', () => {
  const MATCHES = graphql('{ intelMatches(first: 20) { totalCount } }');

  it('RED and AMBER+STRICT reports are not matched unless their author chooses it', async () => {
    const holder = await member(['ANALYST'], { regions: ['BELT_AND_ROAD'] });
    const reader = await member(['ANALYST'], { regions: ['BELT_AND_ROAD'] });
    const prober = await member(['ANALYST'], { regions: ['GREATER_BAY_AREA'] });
    const strict = uniqueContainer();
    const chosen = uniqueContainer();
    const audience: AudienceInput = {
      scope: 'AGENCIES',
      agencyIds: [globalId('Agency', reader.agency.id)],
    };
    await publishedReport(holder.token, {
      tlp: 'AMBER_STRICT',
      audience,
      observables: [{ type: 'CONTAINER_NUMBER', value: strict }],
    });
    await publishedReport(holder.token, {
      tlp: 'AMBER_STRICT',
      audience,
      matchingOptOut: false,
      observables: [{ type: 'CONTAINER_NUMBER', value: chosen }],
    });
    // Someone who guesses both values learns only of the report whose author allowed matching.
    await publishedReport(prober.token, {
      tlp: 'GREEN',
      observables: [
        { type: 'CONTAINER_NUMBER', value: strict },
        { type: 'CONTAINER_NUMBER', value: chosen },
      ],
    });
    expect((await gql(MATCHES, {}, { token: prober.token })).data?.intelMatches.totalCount).toBe(1);
    expect(await prisma.intelMatch.count({ where: { agencyId: prober.agency.id } })).toBe(1);
  });

  it('an INTEL_UPDATED alert does not name audience changes, as versions do not', async () => {
    const author = await member(['ANALYST']);
    const reader = await member(['ANALYST']);
    const extra = await member(['ANALYST']);
    const reportId = await publishedReport(author.token, {
      tlp: 'AMBER',
      audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', reader.agency.id)] },
    });
    const changed = (
      await send(author.token, UPDATE_INTEL_REPORT, {
        id: reportId,
        input: {
          title: 'Counterfeit power banks, revised',
          audience: {
            scope: 'AGENCIES',
            agencyIds: [globalId('Agency', reader.agency.id), globalId('Agency', extra.agency.id)],
          },
        },
      })
    ).updateIntelReport;
    expectType(changed, 'UpdateIntelReportSuccess');
    const alerts = await gql(
      graphql(
        `query($f: AlertFilterInput) { alerts(filter: $f, first: 5) { edges { node { data } } } }`,
      ),
      { f: { kinds: ['INTEL_UPDATED'], originAgencies: [globalId('Agency', author.agency.id)] } },
      { token: reader.token },
    );
    const [update] = alerts.data?.alerts.edges ?? [];
    expect(update?.node.data).toMatchObject({ changed: ['title'] });
  });
});
