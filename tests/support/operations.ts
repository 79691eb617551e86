import { expectType, mutation, unique } from './api.js';

// Driving joint operations through the real mutations.

export function operationInput(overrides: Record<string, unknown> = {}) {
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

/** The mutations whose error union holds IllegalPhaseTransitionError. */
const PHASE_CHANGES = new Set(['advanceOperationPhase', 'cancelOperation']);

/** Calls an operations mutation: `mutation`, with the phase error's fields for phase changes. */
export function mutate(
  token: string,
  name: string,
  signature: string,
  args: string,
  variables: Record<string, unknown>,
  selection = '',
): Promise<any> {
  return mutation(
    token,
    name,
    signature,
    args,
    variables,
    PHASE_CHANGES.has(name)
      ? `${selection} ... on IllegalPhaseTransitionError { from to allowed }`
      : selection,
  );
}

export async function propose(token: string, overrides: Record<string, unknown> = {}) {
  const result = await mutate(
    token,
    'proposeOperation',
    '$input: OperationInput!',
    'input: $input',
    { input: operationInput(overrides) },
    '... on ProposeOperationSuccess { operation { id codeName phase } }',
  );
  return expectType<any>(result, 'ProposeOperationSuccess').operation as {
    id: string;
    codeName: string;
  };
}

export async function invite(
  token: string,
  operationId: string,
  invitations: { agencyId: string; role: string; message?: string }[],
) {
  return mutate(
    token,
    'inviteAgencies',
    '$id: ID!, $inv: [InvitationInput!]!',
    'operationId: $id, invitations: $inv',
    { id: operationId, inv: invitations },
  );
}

export async function respond(
  token: string,
  operationId: string,
  answer: string,
  extra: { conditions?: string; reason?: string } = {},
) {
  return mutate(
    token,
    'respondToInvitation',
    '$id: ID!, $answer: InvitationAnswer!, $conditions: String, $reason: String',
    'operationId: $id, answer: $answer, conditions: $conditions, reason: $reason',
    { id: operationId, answer, ...extra },
    '... on RespondToInvitationSuccess { participation { status conditions reason } }',
  );
}

export async function advance(token: string, operationId: string, to: string, note?: string) {
  return mutate(
    token,
    'advanceOperationPhase',
    '$id: ID!, $to: OperationPhase!, $note: String',
    'id: $id, to: $to, note: $note',
    { id: operationId, to, note },
    '... on AdvanceOperationPhaseSuccess { operation { phase } }',
  );
}

export async function recordResult(token: string, operationId: string, input: object) {
  return mutate(
    token,
    'recordResult',
    '$id: ID!, $input: ResultInput!',
    'operationId: $id, input: $input',
    { id: operationId, input },
    '... on RecordResultSuccess { result { id kind count quantity marketValue { amount currency } } }',
  );
}

export function seizure(overrides: Record<string, unknown> = {}) {
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
