import { type NewAlert, recordAlerts } from '../../alert-log.js';
import { isUniqueViolation, prisma, type Tx } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type {
  Operation,
  OperationParticipant,
  OperationPhase,
  ParticipantRole,
  Prisma,
  Region,
  Tlp,
} from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import { changedFields, changedValues } from '../common/changes.js';
import {
  lockVisibleOperation,
  type Membership,
  mayAnswerInvitation,
  mayLead,
} from './operation.access.js';
import { operationAlert } from './operation.alerts.js';
import {
  allowedTransitions,
  IllegalPhaseTransitionError,
  isFinished,
  requirePhase,
} from './phases.js';

// Rules and writes of an operation's life: proposal, changes, invitations and phases. Every
// write is one transaction that locks the operation row, so that concurrent changes happen in
// order and a refused change leaves nothing behind. Every change is written to the log.

export interface Locked {
  operation: Operation;
  /** The viewer's agency's place in the operation (null: it has none). */
  membership: OperationParticipant | null;
}

/**
 * The operation for a change by `actor`: NotFound when they may not see it. Locks the row for
 * the rest of the transaction.
 */
export async function lockOperation(tx: Tx, actor: Viewer, operationId: string): Promise<Locked> {
  const operation = await lockVisibleOperation(tx, actor, operationId);
  const membership = await tx.operationParticipant.findUnique({
    where: { operationId_agencyId: { operationId, agencyId: actor.agencyId } },
  });
  return { operation, membership };
}

export function requireLead(actor: Viewer, membership: Membership | null): void {
  if (!mayLead(actor, membership)) {
    throw new ForbiddenError("Only the lead agency's coordinators may do this.");
  }
}

/** Appends an automatic entry to the operation log. */
export async function logEvent(
  tx: Tx,
  operationId: string,
  actor: Viewer,
  event: string,
  data: Record<string, unknown> = {},
): Promise<void> {
  await tx.operationLogEntry.create({
    data: {
      operationId,
      kind: 'EVENT',
      event,
      data: data as Prisma.InputJsonValue,
      actorId: actor.userId,
      agencyId: actor.agencyId,
    },
  });
}

export interface OperationFields {
  codeName: string;
  title: string;
  objective: string;
  legalBasis?: string | null;
  targetCountries?: string[] | null;
  targetRegions?: Region[] | null;
  plannedStart: Date;
  plannedEnd: Date;
  timeZone: string;
  tlp: Tlp;
}

/** Code names are unique network-wide; the message does not say whose operation holds it. */
function codeNameTaken(error: unknown): never {
  if (isUniqueViolation(error)) {
    throw ValidationError.single(['input', 'codeName'], 'this code name is already in use');
  }
  throw error;
}

export async function proposeOperation(actor: Viewer, input: OperationFields): Promise<Operation> {
  return prisma
    .$transaction(async (tx) => {
      const operation = await tx.operation.create({
        data: {
          ...input,
          targetCountries: input.targetCountries ?? [],
          targetRegions: input.targetRegions ?? [],
          leadAgencyId: actor.agencyId,
          proposedById: actor.userId,
        },
      });
      await tx.operationParticipant.create({
        data: {
          operationId: operation.id,
          agencyId: actor.agencyId,
          role: 'LEAD',
          status: 'ACCEPTED',
          respondedById: actor.userId,
          respondedAt: operation.createdAt,
        },
      });
      await tx.operationPhaseChange.create({
        data: { operationId: operation.id, toPhase: 'PROPOSED', changedById: actor.userId },
      });
      await logEvent(tx, operation.id, actor, 'OPERATION_PROPOSED', { codeName: input.codeName });
      return operation;
    })
    .catch(codeNameTaken);
}

const LIST_FIELDS = new Set(['targetCountries', 'targetRegions']);

export async function updateOperation(
  actor: Viewer,
  operationId: string,
  input: Partial<OperationFields>,
): Promise<Operation> {
  return prisma
    .$transaction(async (tx) => {
      const { operation, membership } = await lockOperation(tx, actor, operationId);
      requireLead(actor, membership);
      requirePhase(operation.phase, 'edit');
      const start = input.plannedStart ?? operation.plannedStart;
      const end = input.plannedEnd ?? operation.plannedEnd;
      if (end <= start) {
        throw ValidationError.single(['input', 'plannedEnd'], 'must be after plannedStart');
      }
      // A list set to null is stored empty; any other field set to null is cleared.
      const proposed = Object.fromEntries(
        Object.entries(input).map(([key, value]) => [
          key,
          value === null && LIST_FIELDS.has(key) ? [] : value,
        ]),
      );
      const changes = changedFields(operation, proposed);
      if (Object.keys(changes).length === 0) return operation;
      await logEvent(tx, operationId, actor, 'OPERATION_UPDATED', { changes });
      return tx.operation.update({
        where: { id: operationId },
        data: changedValues(changes, proposed) as Prisma.OperationUpdateInput,
      });
    })
    .catch(codeNameTaken);
}

export interface InvitationInput {
  agencyId: string;
  role: Exclude<ParticipantRole, 'LEAD'>;
  message: string | null;
}

export async function inviteAgencies(
  actor: Viewer,
  operationId: string,
  invitations: InvitationInput[],
): Promise<Operation> {
  return prisma.$transaction(async (tx) => {
    const { operation, membership } = await lockOperation(tx, actor, operationId);
    requireLead(actor, membership);
    requirePhase(operation.phase, 'invite');
    if (invitations.length === 0 || invitations.length > 50) {
      throw ValidationError.single(['invitations'], 'invite between 1 and 50 agencies at a time');
    }
    const ids = invitations.map((i) => i.agencyId);
    if (new Set(ids).size !== ids.length) {
      throw ValidationError.single(['invitations'], 'each agency may be invited once');
    }
    const agencies = await tx.agency.findMany({ where: { id: { in: ids } }, select: { id: true } });
    const existing = await tx.operationParticipant.findMany({
      where: { operationId, agencyId: { in: ids } },
    });
    const issues = invitations.flatMap((invitation, index) => {
      const path = ['invitations', String(index), 'agencyId'];
      const current = existing.find((p) => p.agencyId === invitation.agencyId);
      if (!agencies.some((a) => a.id === invitation.agencyId))
        return [{ path, message: 'no such agency' }];
      if (current?.status === 'ACCEPTED') return [{ path, message: 'already takes part' }];
      if (current?.status === 'PENDING') return [{ path, message: 'is already invited' }];
      return [];
    });
    if (issues.length > 0) throw new ValidationError(issues);

    const now = new Date();
    const alerts: NewAlert[] = [];
    for (const invitation of invitations) {
      const fields = {
        role: invitation.role,
        status: 'PENDING' as const,
        message: invitation.message,
        conditions: null,
        reason: null,
        invitedById: actor.userId,
        invitedAt: now,
        respondedById: null,
        respondedAt: null,
        endedAt: null,
      };
      // An agency that declined or was withdrawn may be invited again: same row, new answer.
      await tx.operationParticipant.upsert({
        where: { operationId_agencyId: { operationId, agencyId: invitation.agencyId } },
        create: { operationId, agencyId: invitation.agencyId, ...fields },
        update: fields,
      });
      alerts.push(
        operationAlert(operation, 'OPERATION_INVITATION', 'WARNING', {
          recipientAgencyId: invitation.agencyId,
          data: { role: invitation.role, message: invitation.message },
        }),
      );
      await logEvent(tx, operationId, actor, 'AGENCY_INVITED', {
        agencyId: invitation.agencyId,
        role: invitation.role,
      });
    }
    await recordAlerts(tx, alerts);
    return operation;
  });
}

export type InvitationAnswer = 'ACCEPT' | 'ACCEPT_WITH_CONDITIONS' | 'DECLINE';

export async function respondToInvitation(
  actor: Viewer,
  operationId: string,
  answer: { answer: InvitationAnswer; conditions: string | null; reason: string | null },
): Promise<OperationParticipant> {
  return prisma.$transaction(async (tx) => {
    const { operation, membership } = await lockOperation(tx, actor, operationId);
    if (membership?.status !== 'PENDING') {
      throw new ConflictError('Your agency has no open invitation to this operation.');
    }
    if (!mayAnswerInvitation(actor)) {
      throw new ForbiddenError("Only your agency's coordinators may answer an invitation.");
    }
    requirePhase(operation.phase, 'answer');
    const accepted = answer.answer !== 'DECLINE';
    const updated = await tx.operationParticipant.update({
      where: { id: membership.id },
      data: {
        status: accepted ? 'ACCEPTED' : 'DECLINED',
        conditions: answer.answer === 'ACCEPT_WITH_CONDITIONS' ? answer.conditions : null,
        reason: accepted ? null : answer.reason,
        respondedById: actor.userId,
        respondedAt: new Date(),
      },
    });
    await logEvent(
      tx,
      operationId,
      actor,
      accepted ? 'INVITATION_ACCEPTED' : 'INVITATION_DECLINED',
      {
        agencyId: actor.agencyId,
        ...(updated.conditions ? { conditions: updated.conditions } : {}),
        ...(updated.reason ? { reason: updated.reason } : {}),
      },
    );
    return updated;
  });
}

/** Withdraws an unanswered invitation, or removes an agency that had accepted. */
export async function withdrawInvitation(
  actor: Viewer,
  operationId: string,
  agencyId: string,
  reason: string,
): Promise<OperationParticipant> {
  return prisma.$transaction(async (tx) => {
    const { operation, membership } = await lockOperation(tx, actor, operationId);
    requireLead(actor, membership);
    if (isFinished(operation.phase)) {
      throw new ConflictError(`The operation is ${operation.phase}; its participants stay.`);
    }
    const target = await tx.operationParticipant.findUnique({
      where: { operationId_agencyId: { operationId, agencyId } },
    });
    if (!target || (target.status !== 'PENDING' && target.status !== 'ACCEPTED')) {
      throw new NotFoundError('invitation or participant');
    }
    if (target.role === 'LEAD') throw new ConflictError('The lead agency cannot be removed.');
    const removing = target.status === 'ACCEPTED';
    const updated = await tx.operationParticipant.update({
      where: { id: target.id },
      data: { status: removing ? 'REMOVED' : 'WITHDRAWN', reason, endedAt: new Date() },
    });
    await logEvent(
      tx,
      operationId,
      actor,
      removing ? 'PARTICIPANT_REMOVED' : 'INVITATION_WITHDRAWN',
      { agencyId, reason },
    );
    return updated;
  });
}

async function movePhase(
  tx: Tx,
  actor: Viewer,
  operation: Operation,
  to: OperationPhase,
  note: string | null,
  extra: Prisma.OperationUpdateInput = {},
): Promise<Operation> {
  if (!allowedTransitions(operation.phase).includes(to)) {
    throw new IllegalPhaseTransitionError(operation.phase, to);
  }
  await tx.operationPhaseChange.create({
    data: {
      operationId: operation.id,
      fromPhase: operation.phase,
      toPhase: to,
      note,
      changedById: actor.userId,
    },
  });
  await logEvent(tx, operation.id, actor, 'PHASE_CHANGED', {
    from: operation.phase,
    to,
    ...(note ? { note } : {}),
  });
  const moved = await tx.operation.update({
    where: { id: operation.id },
    data: { phase: to, ...extra },
  });
  const severity = to === 'CANCELLED' ? 'WARNING' : 'INFO';
  // The note is working data: it goes to the agencies taking part. An agency whose invitation is
  // still open hears only of a cancellation, with its reason, which its summary shows too.
  const invited =
    to === 'CANCELLED'
      ? await tx.operationParticipant.findMany({
          where: { operationId: operation.id, status: 'PENDING' },
          select: { agencyId: true },
        })
      : [];
  await recordAlerts(tx, [
    operationAlert(moved, 'OPERATION_PHASE_CHANGED', severity, {
      data: { from: operation.phase, to, note },
    }),
    ...invited.map(({ agencyId }) =>
      operationAlert(moved, 'OPERATION_PHASE_CHANGED', severity, {
        recipientAgencyId: agencyId,
        data: { from: operation.phase, to, note: moved.cancelReason },
      }),
    ),
  ]);
  return moved;
}

/** Moves the operation to `to`, which must be the phase after its current one. */
export async function advanceOperationPhase(
  actor: Viewer,
  operationId: string,
  to: OperationPhase,
  note: string | null,
): Promise<Operation> {
  return prisma.$transaction(async (tx) => {
    const { operation, membership } = await lockOperation(tx, actor, operationId);
    requireLead(actor, membership);
    if (to === 'CANCELLED') {
      throw new ConflictError('Use cancelOperation, with a reason, to cancel an operation.');
    }
    return movePhase(tx, actor, operation, to, note);
  });
}

export async function cancelOperation(
  actor: Viewer,
  operationId: string,
  reason: string,
): Promise<Operation> {
  return prisma.$transaction(async (tx) => {
    const { operation, membership } = await lockOperation(tx, actor, operationId);
    requireLead(actor, membership);
    return movePhase(tx, actor, operation, 'CANCELLED', reason, { cancelReason: reason });
  });
}
