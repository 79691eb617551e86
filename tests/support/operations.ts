import { expectMember, send, unique } from './api.js';
import { graphql, type VariablesOf } from './graphql.js';

// Driving joint operations through the real mutations.

export function operationInput(overrides: Partial<OperationInput> = {}): OperationInput {
  return {
    codeName: unique('thunder'),
    title: 'Counterfeit batteries and cosmetics across the Bay',
    objective: 'Disrupt the courier routes of counterfeit power banks and cosmetics.',
    legalBasis: 'Cooperation arrangement on IP enforcement, art. 4.',
    targetCountries: ['CN-GD', 'HK', 'MO'],
    targetRegions: ['GREATER_BAY_AREA'],
    plannedStart: '2026-06-01T00:00:00.000Z',
    plannedEnd: '2026-06-08T00:00:00.000Z',
    timeZone: 'Asia/Hong_Kong',
    tlp: 'AMBER',
    ...overrides,
  };
}

const PROPOSE = graphql(`
  mutation Propose($input: OperationInput!) { proposeOperation(input: $input) {
    __typename
    ... on ProposeOperationSuccess { operation { id codeName phase } }
    ... on ValidationError { issues { path message } }
    ... on Error { code message } } }
`);
export type OperationInput = VariablesOf<typeof PROPOSE>['input'];

export async function propose(token: string, overrides: Partial<OperationInput> = {}) {
  const data = await send(token, PROPOSE, { input: { ...operationInput(), ...overrides } });
  return expectMember(data.proposeOperation, 'ProposeOperationSuccess').operation;
}

const INVITE = graphql(`
  mutation Invite($id: ID!, $inv: [InvitationInput!]!) {
    inviteAgencies(operationId: $id, invitations: $inv) {
      __typename
      ... on ValidationError { issues { path message } }
      ... on Error { code message } } }
`);

export async function invite(
  token: string,
  operationId: string,
  invitations: VariablesOf<typeof INVITE>['inv'],
) {
  return (await send(token, INVITE, { id: operationId, inv: invitations })).inviteAgencies;
}

const RESPOND = graphql(`
  mutation Respond($id: ID!, $answer: InvitationAnswer!, $conditions: String, $reason: String) {
    respondToInvitation(
      operationId: $id, answer: $answer, conditions: $conditions, reason: $reason
    ) {
      __typename
      ... on RespondToInvitationSuccess { participation { status conditions reason } }
      ... on ValidationError { issues { path message } }
      ... on Error { code message } } }
`);

export async function respond(
  token: string,
  operationId: string,
  answer: VariablesOf<typeof RESPOND>['answer'],
  extra: { conditions?: string; reason?: string } = {},
) {
  return (await send(token, RESPOND, { id: operationId, answer, ...extra })).respondToInvitation;
}

const ADVANCE = graphql(`
  mutation Advance($id: ID!, $to: OperationPhase!, $note: String) {
    advanceOperationPhase(id: $id, to: $to, note: $note) {
      __typename
      ... on AdvanceOperationPhaseSuccess { operation { phase } }
      ... on IllegalPhaseTransitionError { from to allowed }
      ... on ValidationError { issues { path message } }
      ... on Error { code message } } }
`);

export async function advance(
  token: string,
  operationId: string,
  to: VariablesOf<typeof ADVANCE>['to'],
  note?: string,
) {
  return (await send(token, ADVANCE, { id: operationId, to, note })).advanceOperationPhase;
}

const RECORD_RESULT = graphql(`
  mutation RecordResult($id: ID!, $input: ResultInput!) {
    recordResult(operationId: $id, input: $input) {
      __typename
      ... on RecordResultSuccess {
        result { id kind count quantity marketValue { amount currency } }
      }
      ... on ValidationError { issues { path message } }
      ... on Error { code message } } }
`);
export type ResultInput = VariablesOf<typeof RECORD_RESULT>['input'];

export async function recordResult(token: string, operationId: string, input: ResultInput) {
  return (await send(token, RECORD_RESULT, { id: operationId, input })).recordResult;
}

export function seizure(overrides: Partial<ResultInput> = {}): ResultInput {
  return {
    kind: 'SEIZURE',
    productCategory: 'BATTERIES',
    quantity: '1200',
    unit: 'PIECE',
    detectionPoint: 'COURIER_HUB',
    marketValue: { amount: '150000.50', currency: 'HKD', valuationDate: '2026-06-03T00:00:00Z' },
    ...overrides,
  };
}

/** An agency taking part links one of its reports to the operation. */
export const LINK_INTEL_REPORT = graphql(
  `mutation($id: ID!, $report: ID!) { linkIntelReport(operationId: $id, reportId: $report) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
);
