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
  tokenFor,
  yoga,
} from './support/api.js';
import { graphql } from './support/graphql.js';
import { publishedReport } from './support/intel.js';
import {
  advance,
  invite,
  LINK_INTEL_REPORT,
  operationInput,
  propose,
  recordResult,
  respond,
  seizure,
} from './support/operations.js';

const CREATE_TASK = graphql(
  `mutation($id: ID!, $input: TaskInput!) { createTask(operationId: $id, input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
);

const COMMENT_ON_TASK = graphql(
  `mutation($id: ID!, $body: String!) { commentOnTask(taskId: $id, body: $body) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
);

const POST_OPERATION_MESSAGE = graphql(
  `mutation($id: ID!, $body: String!) { postOperationMessage(operationId: $id, body: $body) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
);

const PROPOSE_OPERATION = graphql(
  `mutation($input: OperationInput!) { proposeOperation(input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
);

const UPDATE_OPERATION = graphql(
  `mutation($id: ID!, $input: OperationChanges!) { updateOperation(id: $id, input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
);

const UNLINK_INTEL_REPORT = graphql(
  `mutation($id: ID!, $report: ID!) { unlinkIntelReport(operationId: $id, reportId: $report) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
);

/** Three customs agencies of the Bay and their coordinators and analysts. */
async function bay() {
  const gz = await member(['COORDINATOR'], { jurisdiction: 'CN-GD' });
  const gzAnalyst = await makeUser(gz.agency.id, ['ANALYST']);
  const hk = await member(['COORDINATOR'], { jurisdiction: 'HK' });
  const hkAnalyst = await makeUser(hk.agency.id, ['ANALYST']);
  const mo = await member(['COORDINATOR', 'ANALYST'], { jurisdiction: 'MO' });
  return {
    gz,
    hk,
    mo,
    gzAnalyst: { user: gzAnalyst, token: await tokenFor(gzAnalyst.email) },
    hkAnalyst: { user: hkAnalyst, token: await tokenFor(hkAnalyst.email) },
  };
}

const SUMMARY =
  graphql(`query($id: ID!) { node(id: $id) { __typename ... on Operation { id codeName phase
  leadAgency { slug } myParticipation { role status message } workspace { legalBasis } } } }`);

const WORKSPACE = graphql(`query($id: ID!) { operation(id: $id) { phase nextPhases workspace {
  participants { agency { slug } role status conditions }
  phaseHistory { from to note }
  tasks { id title status assigneeAgency { slug } outcome comments { body agency { slug } } }
  log(first: 100) { totalCount edges { node { kind event body agency { slug } } } }
  results { id kind count quantity unit marketValue { amount currency } agency { slug } }
  resultTotals { total { byKind { kind count } seizures { productCategory unit quantity seizures }
      marketValue { amount currency seizures } }
    byAgency { agency { slug } totals { marketValue { amount currency } } } }
  linkedIntel { reportId report { id title } linkedAgency { slug } } } } }`);

describe('a joint operation through every phase, with three agencies', () => {
  it('proposal, invitations, tasks, thread, intelligence, results, after-action report', async () => {
    const { gz, hk, mo, gzAnalyst, hkAnalyst } = await bay();
    const op = await propose(gz.token, { codeName: ` thunder  bay ${Date.now()} ` });
    expect(op.codeName).toMatch(/^THUNDER BAY \d+$/);

    // Invitations: HK as participant, MO as participant; they see the summary only.
    const invited = await invite(gz.token, op.id, [
      { agencyId: globalId('Agency', hk.agency.id), role: 'PARTICIPANT', message: 'Join us' },
      { agencyId: globalId('Agency', mo.agency.id), role: 'PARTICIPANT' },
    ]);
    expectType(invited, 'InviteAgenciesSuccess');
    const summary = await gql(SUMMARY, { id: op.id }, { token: hk.token });
    expect(summary.data?.node).toMatchObject({
      codeName: op.codeName,
      leadAgency: { slug: gz.agency.slug },
      myParticipation: { role: 'PARTICIPANT', status: 'PENDING', message: 'Join us' },
      workspace: null,
    });
    expect(
      await prisma.alert.count({
        where: {
          recipientAgencyId: hk.agency.id,
          kind: 'OPERATION_INVITATION',
          operationId: rawId(op.id),
        },
      }),
    ).toBe(1);

    // Only a coordinator answers; an analyst of the invited agency is refused.
    expectType(await respond(hkAnalyst.token, op.id, 'ACCEPT'), 'ForbiddenError');
    expectType(await respond(hk.token, op.id, 'ACCEPT'), 'RespondToInvitationSuccess');
    const conditional = await respond(mo.token, op.id, 'ACCEPT_WITH_CONDITIONS', {
      conditions: 'Macao officers act only within Macao.',
    });
    expect(expectMember(conditional, 'RespondToInvitationSuccess').participation).toMatchObject({
      status: 'ACCEPTED',
      conditions: 'Macao officers act only within Macao.',
    });

    // PREPARATION: tasks across agencies.
    expect(await advance(gz.token, op.id, 'PREPARATION', 'Partners confirmed')).toEqual({
      __typename: 'AdvanceOperationPhaseSuccess',
      operation: { phase: 'PREPARATION' },
    });
    const task = (
      await send(
        gz.token,
        graphql(
          `mutation($id: ID!, $input: TaskInput!) { createTask(operationId: $id, input: $input) { __typename ... on CreateTaskSuccess { task { id status assigneeAgency { slug } } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {
          id: op.id,
          input: {
            title: 'Profile inbound courier parcels from Shenzhen',
            assigneeAgencyId: globalId('Agency', hk.agency.id),
            dueAt: '2026-06-02T00:00:00Z',
          },
        },
      )
    ).createTask;
    const taskId = expectMember(task, 'CreateTaskSuccess').task.id;
    const assigned = await prisma.alert.findFirst({
      where: {
        recipientAgencyId: hk.agency.id,
        kind: 'TASK_ASSIGNED',
        data: { path: ['taskId'], equals: rawId(taskId) },
      },
    });
    expect(assigned?.data).toMatchObject({
      task: 'Profile inbound courier parcels from Shenzhen',
    });
    // A participant may not assign work to another agency.
    expectType(
      (
        await send(hk.token, CREATE_TASK, {
          id: op.id,
          input: { title: 'x', assigneeAgencyId: globalId('Agency', mo.agency.id) },
        })
      ).createTask,
      'ForbiddenError',
    );
    // The assignee moves its task and writes the outcome; it may not retitle it.
    const progress = (
      await send(
        hkAnalyst.token,
        graphql(
          `mutation($id: ID!, $input: TaskChanges!) { updateTask(id: $id, input: $input) { __typename ... on UpdateTaskSuccess { task { status outcome completedAt } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: taskId, input: { status: 'DONE', outcome: '37 parcels flagged' } },
      )
    ).updateTask;
    expect(expectMember(progress, 'UpdateTaskSuccess').task).toMatchObject({
      status: 'DONE',
      outcome: '37 parcels flagged',
    });
    expectType(
      (
        await send(
          hkAnalyst.token,
          graphql(
            `mutation($id: ID!, $input: TaskChanges!) { updateTask(id: $id, input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
          ),
          { id: taskId, input: { title: 'Renamed' } },
        )
      ).updateTask,
      'ForbiddenError',
    );
    expectType(
      (
        await send(hk.token, COMMENT_ON_TASK, {
          id: taskId,
          body: 'Lists sent to Guangzhou.',
        })
      ).commentOnTask,
      'CommentOnTaskSuccess',
    );
    expectType(
      (
        await send(mo.token, POST_OPERATION_MESSAGE, {
          id: op.id,
          body: 'Macao team ready at the Border Gate.',
        })
      ).postOperationMessage,
      'PostOperationMessageSuccess',
    );

    // Linking intelligence never widens its audience: MO shares with itself only.
    const moReport = await publishedReport(mo.token, {
      tlp: 'AMBER',
      audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', mo.agency.id)] },
    });
    expectType(
      (await send(mo.token, LINK_INTEL_REPORT, { id: op.id, report: moReport })).linkIntelReport,
      'LinkIntelReportSuccess',
    );
    // HK may not link a report it cannot see.
    expectType(
      (await send(hk.token, LINK_INTEL_REPORT, { id: op.id, report: moReport })).linkIntelReport,
      'NotFoundError',
    );

    // Results only from ACTION on.
    expect(await recordResult(hk.token, op.id, seizure())).toMatchObject({ code: 'CONFLICT' });
    await advance(gz.token, op.id, 'ACTION');
    await recordResult(hk.token, op.id, seizure());
    await recordResult(
      hkAnalyst.token,
      op.id,
      seizure({
        quantity: '300.5',
        unit: 'KILOGRAM',
        productCategory: 'COSMETICS',
        marketValue: { amount: '0.25', currency: 'HKD', valuationDate: '2026-06-03T00:00:00Z' },
      }),
    );
    await recordResult(
      gzAnalyst.token,
      op.id,
      seizure({
        marketValue: { amount: '88000', currency: 'CNY', valuationDate: '2026-06-04T00:00:00Z' },
      }),
    );
    const wrong = expectMember(
      await recordResult(mo.token, op.id, { kind: 'ARREST', count: 3 }),
      'RecordResultSuccess',
    );
    await recordResult(gz.token, op.id, { kind: 'REFERRED_TO_COURT', count: 2 });
    // MO corrects its arrests: 3 was wrong, 4 is right; the original is kept.
    const corrected = (
      await send(
        mo.token,
        graphql(
          `mutation($id: ID!, $input: ResultInput!, $reason: String!) { correctResult(id: $id, input: $input, reason: $reason) { __typename ... on CorrectResultSuccess { result { count corrects { id count superseded } } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {
          id: wrong.result.id,
          input: { kind: 'ARREST', count: 4 },
          reason: 'One arrest was recorded late',
        },
      )
    ).correctResult;
    expect(expectMember(corrected, 'CorrectResultSuccess').result).toMatchObject({
      count: 4,
      corrects: { count: 3, superseded: true },
    });
    // Nobody corrects another agency's results.
    expectType(
      (
        await send(
          gz.token,
          graphql(
            `mutation($id: ID!, $input: ResultInput!, $reason: String!) { correctResult(id: $id, input: $input, reason: $reason) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
          ),
          { id: wrong.result.id, input: { kind: 'ARREST', count: 9 }, reason: 'Lead thinks so' },
        )
      ).correctResult,
      'ForbiddenError',
    );

    await advance(gz.token, op.id, 'EVALUATION', 'Action week over');
    const work = await gql(WORKSPACE, { id: op.id }, { token: hk.token });
    expect(work.errors).toBeUndefined();
    const operation = present(work.data?.operation, 'operation');
    const ws = present(operation.workspace, 'workspace');
    expect(operation.nextPhases).toEqual([]); // HK does not lead
    // The lead first; the two invited together in either order.
    expect(ws.participants[0]).toMatchObject({ agency: { slug: gz.agency.slug }, role: 'LEAD' });
    expect(
      ws.participants
        .slice(1)
        .map((p) => [p.agency.slug, p.role, p.status])
        .sort(),
    ).toEqual(
      [
        [hk.agency.slug, 'PARTICIPANT', 'ACCEPTED'],
        [mo.agency.slug, 'PARTICIPANT', 'ACCEPTED'],
      ].sort(),
    );
    expect(ws.phaseHistory.map((c) => c.to)).toEqual([
      'PROPOSED',
      'PREPARATION',
      'ACTION',
      'EVALUATION',
    ]);
    expect(ws.tasks[0]?.comments).toEqual([
      { body: 'Lists sent to Guangzhou.', agency: { slug: hk.agency.slug } },
    ]);
    // HK sees that MO linked a report, not the report.
    expect(ws.linkedIntel).toEqual([
      { reportId: moReport, report: null, linkedAgency: { slug: mo.agency.slug } },
    ]);
    // Totals: money per currency, quantities per unit, the corrected arrests only.
    expect(ws.resultTotals.total.marketValue).toEqual([
      { amount: '88000', currency: 'CNY', seizures: 1 },
      { amount: '150000.75', currency: 'HKD', seizures: 2 },
    ]);
    expect(ws.resultTotals.total.byKind).toEqual([
      { kind: 'ARREST', count: 4 },
      { kind: 'REFERRED_TO_COURT', count: 2 },
      { kind: 'SEIZURE', count: 3 },
    ]);
    expect(ws.resultTotals.total.seizures).toEqual([
      { productCategory: 'BATTERIES', unit: 'PIECE', quantity: '2400', seizures: 2 },
      { productCategory: 'COSMETICS', unit: 'KILOGRAM', quantity: '300.5', seizures: 1 },
    ]);
    const hkTotals = ws.resultTotals.byAgency.find((a) => a.agency.slug === hk.agency.slug);
    expect(hkTotals?.totals.marketValue).toEqual([{ amount: '150000.75', currency: 'HKD' }]);
    const events = ws.log.edges.map((e) => e.node.event ?? e.node.kind);
    for (const event of [
      'OPERATION_PROPOSED',
      'AGENCY_INVITED',
      'INVITATION_ACCEPTED',
      'PHASE_CHANGED',
      'TASK_CREATED',
      'TASK_UPDATED',
      'INTEL_LINKED',
      'RESULT_RECORDED',
      'RESULT_CORRECTED',
      'MESSAGE',
    ]) {
      expect(events).toContain(event);
    }

    // The after-action report, for MO (who may read its report) in Traditional Chinese.
    const md = await yoga.fetch(
      `http://localhost/operations/${encodeURIComponent(op.id)}/after-action.md?locale=zh-Hant`,
      { headers: { authorization: `Bearer ${mo.token}` } },
    );
    expect(md.status).toBe(200);
    // Saved under the operation's name, not as a nameless download.
    expect(md.headers.get('content-disposition')).toBe(
      'attachment; filename="Counterfeit-batteries-and-cosmetics-across-the-Bay-after-action.md"',
    );
    const markdown = await md.text();
    expect(markdown).toContain('# 行動總結報告');
    expect(markdown).toContain('Profile inbound courier parcels from Shenzhen');
    expect(markdown).toContain('Counterfeit lithium batteries in courier parcels');
    expect(markdown).toContain('88,000.00'); // CN¥, formatted for the reader
    const json = await yoga.fetch(
      `http://localhost/operations/${encodeURIComponent(op.id)}/after-action.json`,
      { headers: { authorization: `Bearer ${hk.token}`, 'accept-language': 'en' } },
    );
    const report = (await json.json()) as any;
    expect(report.linkedIntel).toEqual({ visible: [], notVisibleCount: 1, notExportableCount: 0 });
    expect(report.tasks).toEqual([
      expect.objectContaining({ status: 'DONE', outcome: '37 parcels flagged' }),
    ]);
    expect(report.totals.total.marketValue.map((v: any) => v.currency)).toEqual(['CNY', 'HKD']);
    expect(report.participants).toHaveLength(3);
    const graphqlReport = await gql(
      graphql(
        `query($id: ID!) { operation(id: $id) { workspace { afterActionReport(locale: ZH_HANS) { locale markdown } } } }`,
      ),
      { id: op.id },
      { token: hk.token },
    );
    const afterAction = graphqlReport.data?.operation?.workspace?.afterActionReport;
    expect(afterAction?.locale).toBe('zh-Hans');
    expect(afterAction?.markdown).toContain('行动总结报告');
    expect(afterAction?.markdown).toContain('另有 1 份关联情报');

    // CLOSED: nothing changes any more.
    await advance(gz.token, op.id, 'CLOSED');
    expect(await recordResult(hk.token, op.id, seizure())).toMatchObject({ code: 'CONFLICT' });
    const reopen = await advance(gz.token, op.id, 'ACTION');
    expect(reopen).toMatchObject({
      __typename: 'IllegalPhaseTransitionError',
      from: 'CLOSED',
      to: 'ACTION',
      allowed: [],
    });
    expect(
      await prisma.operation.findUniqueOrThrow({
        where: { id: rawId(op.id) },
        select: { phase: true },
      }),
    ).toEqual({ phase: 'CLOSED' });
  });
});

describe('refusals change nothing', () => {
  it('illegal transitions and actions by the wrong agency or role are typed errors', async () => {
    const { gz, hk, gzAnalyst } = await bay();
    const op = await propose(gz.token);
    await invite(gz.token, op.id, [
      { agencyId: globalId('Agency', hk.agency.id), role: 'OBSERVER' },
    ]);
    await respond(hk.token, op.id, 'ACCEPT');
    const skip = await advance(gz.token, op.id, 'ACTION');
    expect(skip).toMatchObject({
      __typename: 'IllegalPhaseTransitionError',
      code: 'CONFLICT',
      from: 'PROPOSED',
      allowed: ['PREPARATION', 'CANCELLED'],
    });
    expectType(await advance(hk.token, op.id, 'PREPARATION'), 'ForbiddenError');
    // The lead's analyst is not a coordinator: the role check refuses before anything runs.
    const analyst = await gql(
      graphql(
        `mutation($id: ID!) { advanceOperationPhase(id: $id, to: PREPARATION) { __typename } }`,
      ),
      { id: op.id },
      { token: gzAnalyst.token },
    );
    expect(analyst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Observers take no tasks and record no results.
    await advance(gz.token, op.id, 'PREPARATION');
    await advance(gz.token, op.id, 'ACTION');
    expectType(await recordResult(hk.token, op.id, seizure()), 'ForbiddenError');
    const bad = (
      await send(gz.token, CREATE_TASK, {
        id: op.id,
        input: { title: 'Watch', assigneeAgencyId: globalId('Agency', hk.agency.id) },
      })
    ).createTask;
    expect(expectMember(bad, 'ValidationError').issues).toEqual([
      { path: ['input', 'assigneeAgencyId'], message: expect.stringContaining('not observers') },
    ]);
    // A seizure without its unit or place, valued to the tenth of a cent: every problem at once.
    const invalid = await recordResult(
      gz.token,
      op.id,
      seizure({
        unit: null,
        detectionPoint: null,
        marketValue: { amount: '12.345', currency: 'HKD', valuationDate: '2026-06-03T00:00:00Z' },
      }),
    );
    expect(
      expectMember(invalid, 'ValidationError')
        .issues.map((i) => i.path.slice(-1)[0])
        .sort(),
    ).toEqual(['amount', 'detectionPoint', 'unit'].sort());
    const cancel = (
      await send(
        gz.token,
        graphql(
          `mutation($id: ID!, $reason: String!) { cancelOperation(id: $id, reason: $reason) { __typename ... on CancelOperationSuccess { operation { phase cancelReason } } ... on IllegalPhaseTransitionError { from to allowed } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: op.id, reason: 'Targets moved' },
      )
    ).cancelOperation;
    expect(expectMember(cancel, 'CancelOperationSuccess').operation).toEqual({
      phase: 'CANCELLED',
      cancelReason: 'Targets moved',
    });
    expect(await prisma.operationResult.count({ where: { operationId: rawId(op.id) } })).toBe(0);
    expect(await prisma.operationTask.count({ where: { operationId: rawId(op.id) } })).toBe(0);
  });

  it('refuses a bad proposal with every problem and writes nothing', async () => {
    const { gz } = await bay();
    const before = await prisma.operation.count();
    const result = (
      await send(gz.token, PROPOSE_OPERATION, {
        input: {
          codeName: 'X',
          title: ' ',
          objective: 'Objective',
          plannedStart: '2026-06-08T00:00:00Z',
          plannedEnd: '2026-06-01T00:00:00Z',
          timeZone: 'Mars/Olympus',
          targetCountries: ['MY'],
          tlp: 'AMBER',
        },
      })
    ).proposeOperation;
    expect(
      expectMember(result, 'ValidationError')
        .issues.map((i) => i.path.join('.'))
        .sort(),
    ).toEqual(['input.codeName', 'input.plannedEnd', 'input.timeZone', 'input.title']);
    expect(await prisma.operation.count()).toBe(before);
  });

  it('declines, withdrawals and removals end access to the working data', async () => {
    const { gz, hk, mo } = await bay();
    const op = await propose(gz.token);
    await invite(gz.token, op.id, [
      { agencyId: globalId('Agency', hk.agency.id), role: 'PARTICIPANT' },
      { agencyId: globalId('Agency', mo.agency.id), role: 'PARTICIPANT' },
    ]);
    expect((await respond(hk.token, op.id, 'DECLINE', { reason: 'no' })).__typename).toBe(
      'ValidationError',
    );
    await respond(hk.token, op.id, 'DECLINE', { reason: 'No officers free that week' });
    expect((await gql(SUMMARY, { id: op.id }, { token: hk.token })).data?.node).toBeNull();
    await respond(mo.token, op.id, 'ACCEPT');
    const removed = (
      await send(
        gz.token,
        graphql(
          `mutation($id: ID!, $agency: ID!, $reason: String!) { withdrawInvitation(operationId: $id, agencyId: $agency, reason: $reason) { __typename ... on WithdrawInvitationSuccess { participation { status reason } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: op.id, agency: globalId('Agency', mo.agency.id), reason: 'Scope narrowed to HK' },
      )
    ).withdrawInvitation;
    expect(expectMember(removed, 'WithdrawInvitationSuccess').participation).toEqual({
      status: 'REMOVED',
      reason: 'Scope narrowed to HK',
    });
    expect((await gql(SUMMARY, { id: op.id }, { token: mo.token })).data?.node).toBeNull();
    // Invited again after declining: a fresh invitation.
    expectType(
      await invite(gz.token, op.id, [
        { agencyId: globalId('Agency', hk.agency.id), role: 'OBSERVER' },
      ]),
      'InviteAgenciesSuccess',
    );
    expect(
      expectMember((await gql(SUMMARY, { id: op.id }, { token: hk.token })).data?.node, 'Operation')
        .myParticipation,
    ).toMatchObject({
      role: 'OBSERVER',
      status: 'PENDING',
    });
  });
});

describe('an uninvited agency finds no trace of an operation', () => {
  it('by list, count, node, operation(id), tasks, results, search, statistics or the report endpoint', async () => {
    const { gz, hk } = await bay();
    const outsider = await member(['COORDINATOR', 'ANALYST'], {
      jurisdiction: 'MY',
      regions: ['BELT_AND_ROAD'],
    });
    const op = await propose(gz.token, { codeName: `SECRET-${Date.now()}` });
    await invite(gz.token, op.id, [
      { agencyId: globalId('Agency', hk.agency.id), role: 'PARTICIPANT' },
    ]);
    await respond(hk.token, op.id, 'ACCEPT');
    await advance(gz.token, op.id, 'PREPARATION');
    await advance(gz.token, op.id, 'ACTION');
    const task = expectMember(
      (
        await send(
          gz.token,
          graphql(
            `mutation($id: ID!, $input: TaskInput!) { createTask(operationId: $id, input: $input) { __typename ... on CreateTaskSuccess { task { id } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
          ),
          {
            id: op.id,
            input: { title: 'Raid', assigneeAgencyId: globalId('Agency', hk.agency.id) },
          },
        )
      ).createTask,
      'CreateTaskSuccess',
    );
    const result = expectMember(
      await recordResult(hk.token, op.id, seizure()),
      'RecordResultSuccess',
    );
    await advance(gz.token, op.id, 'EVALUATION');

    const token = outsider.token;
    const list = await gql(
      graphql(
        `{ operations(first: 50, filter: { search: "SECRET" }) { totalCount edges { node { id } } } }`,
      ),
      {},
      { token },
    );
    expect(list.data?.operations).toEqual({ totalCount: 0, edges: [] });
    for (const id of [op.id, task.task.id, result.result.id]) {
      expect(
        (await gql(graphql(`query($id: ID!) { node(id: $id) { id } }`), { id }, { token })).data
          ?.node,
      ).toBeNull();
    }
    expect(
      (
        await gql(
          graphql(`query($id: ID!) { operation(id: $id) { id } }`),
          { id: op.id },
          { token },
        )
      ).data?.operation,
    ).toBeNull();
    const stats = await gql(
      graphql(`{ networkStatistics(from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z") {
        operationsByPhase { phase count } results { byKind { kind count } } } }`),
      {},
      { token },
    );
    expect(stats.errors).toBeUndefined();
    expect(stats.data?.networkStatistics.operationsByPhase).toEqual([]);
    expect(stats.data?.networkStatistics.results.byKind).toEqual([]);
    const endpoint = await yoga.fetch(
      `http://localhost/operations/${encodeURIComponent(op.id)}/after-action.json`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(endpoint.status).toBe(404);
    // Mutations answer as if the operation did not exist, and change nothing.
    expectType(
      (
        await send(token, POST_OPERATION_MESSAGE, {
          id: op.id,
          body: 'hello?',
        })
      ).postOperationMessage,
      'NotFoundError',
    );
    expectType(
      (
        await send(token, COMMENT_ON_TASK, {
          id: task.task.id,
          body: 'hello?',
        })
      ).commentOnTask,
      'NotFoundError',
    );
    expectType(await respond(token, op.id, 'ACCEPT'), 'NotFoundError');
    expect(
      await prisma.operationLogEntry.count({
        where: { operationId: rawId(op.id), agencyId: outsider.agency.id },
      }),
    ).toBe(0);
    // The participants do see it, through the same paths.
    const seen = await gql(
      graphql(`{ operations(first: 50, filter: { search: "SECRET" }) { totalCount } }`),
      {},
      { token: hk.token },
    );
    expect(seen.data?.operations.totalCount).toBe(1);
  });

  it('keeps the log and comments append-only in the database itself', async () => {
    const { gz } = await bay();
    const op = await propose(gz.token);
    await expect(
      prisma.operationLogEntry.deleteMany({ where: { operationId: rawId(op.id) } }),
    ).rejects.toThrow(/append-only/);
    expect(await prisma.operationLogEntry.count({ where: { operationId: rawId(op.id) } })).toBe(1);
  });
});

describe('demo operations and network statistics', () => {
  it('the demo shows a closed operation with results and one in preparation; figures follow visibility', async () => {
    const { seedDemoNetwork } = await import('../src/demo/seed.js');
    const { NETWORK_ADMIN_EMAIL } = await import('../src/demo/demo-network.js');
    const { TEST_PASSWORD } = await import('./support/api.js');
    // On a shared PostgreSQL test database another file may have seeded the demo already.
    await seedDemoNetwork(TEST_PASSWORD);
    expect(
      await prisma.operation.count({
        where: { codeName: { in: ['THUNDER BAY 2026', 'PEARL SHIELD'] } },
      }),
    ).toBe(2);

    const hk = await tokenFor('coordinator@hk-customs.demo');
    const list = await gql(
      graphql(`{ operations(first: 10) { edges { node { codeName phase myParticipation { status }
        workspace { resultTotals { total { marketValue { amount currency } byKind { kind count } } } } } } } }`),
      {},
      { token: hk },
    );
    const byName = Object.fromEntries(
      present(list.data, 'data').operations.edges.map((e) => [e.node.codeName, e.node]),
    );
    expect(byName['THUNDER BAY 2026']?.phase).toBe('CLOSED');
    expect(byName['THUNDER BAY 2026']?.workspace?.resultTotals.total.marketValue).toEqual([
      { amount: '2320000', currency: 'CNY' },
      { amount: '1970000', currency: 'HKD' },
      { amount: '210000', currency: 'MOP' },
    ]);
    expect(byName['PEARL SHIELD']?.phase).toBe('PREPARATION');

    // Malaysia is invited to PEARL SHIELD only: its summary, and nothing of THUNDER BAY.
    const my = await tokenFor('coordinator@my-customs.demo');
    const mine = await gql(
      graphql(
        `{ operations(first: 10) { totalCount edges { node { codeName myParticipation { status } workspace { legalBasis } } } } }`,
      ),
      {},
      { token: my },
    );
    expect(mine.data?.operations).toEqual({
      totalCount: 1,
      edges: [
        {
          node: {
            codeName: 'PEARL SHIELD',
            myParticipation: { status: 'PENDING' },
            workspace: null,
          },
        },
      ],
    });

    const STATS =
      graphql(`{ networkStatistics(from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") {
      scope operationsByPhase { phase count } reportsShared { total }
      results { byKind { kind count } marketValue { amount currency } } } }`);
    const myStats = present((await gql(STATS, {}, { token: my })).data, 'data').networkStatistics;
    expect(myStats.scope).toBe('VISIBLE');
    expect(myStats.operationsByPhase).toEqual([{ phase: 'PREPARATION', count: 1 }]);
    expect(myStats.results.byKind).toEqual([]);

    const hkStats = present((await gql(STATS, {}, { token: hk })).data, 'data').networkStatistics;
    expect(hkStats.operationsByPhase).toEqual([
      { phase: 'CLOSED', count: 1 },
      { phase: 'PREPARATION', count: 1 },
    ]);
    // By region: only PEARL SHIELD targets the Belt and Road.
    const byRegion = await gql(
      graphql(`{ networkStatistics(from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z", region: BELT_AND_ROAD) {
        region operationsByPhase { phase count } } }`),
      {},
      { token: hk },
    );
    expect(byRegion.data?.networkStatistics).toEqual({
      region: 'BELT_AND_ROAD',
      operationsByPhase: [{ phase: 'PREPARATION', count: 1 }],
    });
    expect(hkStats.results.byKind).toContainEqual({ kind: 'REFERRED_TO_COURT', count: 1 });
    expect(hkStats.results.byKind).toContainEqual({ kind: 'ARREST', count: 9 });

    const admin = await tokenFor(NETWORK_ADMIN_EMAIL);
    const adminStats = present(
      (await gql(STATS, {}, { token: admin })).data,
      'data',
    ).networkStatistics;
    expect(adminStats.scope).toBe('NETWORK');
    expect(adminStats.operationsByPhase).toEqual(
      expect.arrayContaining([
        { phase: 'CLOSED', count: expect.any(Number) },
        { phase: 'PREPARATION', count: expect.any(Number) },
      ]),
    );
    // Every published report of the network, though the admin may read none of them.
    expect(adminStats.reportsShared.total).toBe(
      await prisma.intelReport.count({ where: { publishedAt: { not: null } } }),
    );
    // …and still no operation itself.
    expect(
      (await gql(graphql(`{ operations(first: 10) { totalCount } }`), {}, { token: admin })).data
        ?.operations.totalCount,
    ).toBe(0);
  });
});

describe('changing an operation and its links', () => {
  it('the lead changes the operation, every change is logged; others and bad windows are refused', async () => {
    const { gz, hk } = await bay();
    const op = await propose(gz.token);
    await invite(gz.token, op.id, [
      { agencyId: globalId('Agency', hk.agency.id), role: 'PARTICIPANT' },
    ]);
    await respond(hk.token, op.id, 'ACCEPT');
    const changed = (
      await send(
        gz.token,
        graphql(
          `mutation($id: ID!, $input: OperationChanges!) { updateOperation(id: $id, input: $input) { __typename ... on UpdateOperationSuccess { operation { title targetRegions plannedEnd } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {
          id: op.id,
          input: {
            title: 'Batteries only',
            targetRegions: null,
            plannedEnd: '2026-06-10T00:00:00Z',
          },
        },
      )
    ).updateOperation;
    expect(expectMember(changed, 'UpdateOperationSuccess').operation).toEqual({
      title: 'Batteries only',
      targetRegions: [],
      plannedEnd: '2026-06-10T00:00:00.000Z',
    });
    const logged = await prisma.operationLogEntry.findMany({
      where: { operationId: rawId(op.id), event: 'OPERATION_UPDATED' },
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]?.data).toEqual({
      changes: {
        title: { from: 'Counterfeit batteries and cosmetics across the Bay', to: 'Batteries only' },
        targetRegions: { from: ['GREATER_BAY_AREA'], to: [] },
        plannedEnd: { from: '2026-06-08T00:00:00.000Z', to: '2026-06-10T00:00:00.000Z' },
      },
    });
    // The same values again change nothing and log nothing.
    (
      await send(gz.token, UPDATE_OPERATION, {
        id: op.id,
        input: { title: 'Batteries only' },
      })
    ).updateOperation;
    expect(
      await prisma.operationLogEntry.count({
        where: { operationId: rawId(op.id), event: 'OPERATION_UPDATED' },
      }),
    ).toBe(1);
    expectType(
      (await send(hk.token, UPDATE_OPERATION, { id: op.id, input: { title: 'Mine' } }))
        .updateOperation,
      'ForbiddenError',
    );
    const backwards = (
      await send(gz.token, UPDATE_OPERATION, {
        id: op.id,
        input: { plannedStart: '2026-07-01T00:00:00Z' },
      })
    ).updateOperation;
    expect(expectMember(backwards, 'ValidationError').issues).toEqual([
      { path: ['input', 'plannedEnd'], message: 'must be after plannedStart' },
    ]);
    expect(
      await prisma.operation.findUniqueOrThrow({
        where: { id: rawId(op.id) },
        select: { title: true, plannedStart: true },
      }),
    ).toEqual({ title: 'Batteries only', plannedStart: new Date('2026-06-01T00:00:00Z') });
  });

  it('refuses a code name already in use, by proposal or change, and writes nothing', async () => {
    const { gz } = await bay();
    const first = await propose(gz.token);
    const second = await propose(gz.token);
    const before = await prisma.operation.count();
    const again = (
      await send(gz.token, PROPOSE_OPERATION, {
        input: operationInput({ codeName: first.codeName.toLowerCase() }),
      })
    ).proposeOperation;
    expect(expectMember(again, 'ValidationError').issues).toEqual([
      { path: ['input', 'codeName'], message: 'this code name is already in use' },
    ]);
    expect(await prisma.operation.count()).toBe(before);
    const rename = (
      await send(gz.token, UPDATE_OPERATION, { id: second.id, input: { codeName: first.codeName } })
    ).updateOperation;
    expect(rename.__typename).toBe('ValidationError');
    expect(
      (await prisma.operation.findUniqueOrThrow({ where: { id: rawId(second.id) } })).codeName,
    ).toBe(second.codeName);
  });

  it('a report is unlinked by the agency that linked it or by the lead, no one else', async () => {
    const { gz, hk, mo } = await bay();
    const op = await propose(gz.token);
    await invite(gz.token, op.id, [
      { agencyId: globalId('Agency', hk.agency.id), role: 'PARTICIPANT' },
      { agencyId: globalId('Agency', mo.agency.id), role: 'PARTICIPANT' },
    ]);
    await respond(hk.token, op.id, 'ACCEPT');
    await respond(mo.token, op.id, 'ACCEPT');
    const report = await publishedReport(mo.token);
    const vars = { id: op.id, report };
    expectType(
      (await send(mo.token, LINK_INTEL_REPORT, vars)).linkIntelReport,
      'LinkIntelReportSuccess',
    );
    expectType((await send(mo.token, LINK_INTEL_REPORT, vars)).linkIntelReport, 'ConflictError');
    expectType(
      (await send(hk.token, UNLINK_INTEL_REPORT, vars)).unlinkIntelReport,
      'ForbiddenError',
    );
    expect(await prisma.operationIntelLink.count({ where: { operationId: rawId(op.id) } })).toBe(1);
    expectType(
      (await send(gz.token, UNLINK_INTEL_REPORT, vars)).unlinkIntelReport,
      'UnlinkIntelReportSuccess',
    );
    expect(await prisma.operationIntelLink.count({ where: { operationId: rawId(op.id) } })).toBe(0);
    expect(
      await prisma.operationLogEntry.count({
        where: { operationId: rawId(op.id), event: { in: ['INTEL_LINKED', 'INTEL_UNLINKED'] } },
      }),
    ).toBe(2);
  });
});
