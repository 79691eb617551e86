import type { Context } from '../../context.js';
import type { Tx } from '../../db.js';
import { prisma } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import type { Operation, OperationParticipant, Prisma } from '../../generated/prisma/client.js';
import { hasRole } from '../auth/roles.js';
import type { Viewer } from '../auth/viewer.js';
import { loadById, lockRow, type Selection } from '../common/by-id.js';

/**
 * THE rule for who may see which joint operation. Every read path applies it: `operations`,
 * `operation(id:)`, `node(id:)`, counts, statistics, the after-action report and its endpoint.
 *
 * - An agency that takes part (the lead, and every agency that accepted an invitation) sees the
 *   operation and its working data (`operationWorkWhere`).
 * - An agency with an invitation it has not answered sees the summary only.
 * - Nobody else: agencies that declined, were withdrawn or removed, network admins included.
 */
export function operationVisibilityWhere(viewer: Viewer | null): Prisma.OperationWhereInput {
  if (!viewer) return { id: { in: [] } };
  return {
    participants: {
      some: { agencyId: viewer.agencyId, status: { in: ['ACCEPTED', 'PENDING'] } },
    },
  };
}

/** Operations whose working data (tasks, log, results, links, participants) the viewer reads. */
export function operationWorkWhere(viewer: Viewer | null): Prisma.OperationWhereInput {
  if (!viewer) return { id: { in: [] } };
  return { participants: { some: { agencyId: viewer.agencyId, status: 'ACCEPTED' } } };
}

/** Tasks, results, log entries… are seen exactly when their operation's working data is. */
export function operationPartWhere(viewer: Viewer | null): {
  operation: Prisma.OperationWhereInput;
} {
  return { operation: operationWorkWhere(viewer) };
}

/**
 * Participant rows (invitations): with the working data, and an agency's own row for as long
 * as it sees the operation (its invitation is open or accepted).
 */
export function participantVisibilityWhere(
  viewer: Viewer | null,
): Prisma.OperationParticipantWhereInput {
  if (!viewer) return { id: { in: [] } };
  return {
    OR: [
      operationPartWhere(viewer),
      { agencyId: viewer.agencyId, status: { in: ['ACCEPTED', 'PENDING'] } },
    ],
  };
}

/** What an agency may do in an operation follows from its place there. */
export type Membership = Pick<OperationParticipant, 'role' | 'status'>;

/** Moves the phase, invites, withdraws, removes, edits, assigns tasks to any participant. */
export function mayLead(viewer: Viewer, membership: Membership | null): boolean {
  return membership?.role === 'LEAD' && hasRole(viewer, 'COORDINATOR');
}

/** Answers an invitation on behalf of the agency. */
export function mayAnswerInvitation(viewer: Viewer): boolean {
  return hasRole(viewer, 'COORDINATOR');
}

/** Posts messages and comments, moves tasks of the agency: any coordinator or analyst. */
export function mayWork(viewer: Viewer, membership: Membership | null): boolean {
  return (
    membership?.status === 'ACCEPTED' &&
    (hasRole(viewer, 'COORDINATOR') || hasRole(viewer, 'ANALYST'))
  );
}

/** Records results, links intelligence, takes tasks: participants, not observers. */
export function mayContribute(viewer: Viewer, membership: Membership | null): boolean {
  return mayWork(viewer, membership) && membership?.role !== 'OBSERVER';
}

/** One operation by id through the rule, batched. */
export function visibleOperation(context: Context, id: string, query: Selection = {}) {
  return loadById(
    context,
    'Operation',
    query,
    (ids, selection) =>
      prisma.operation.findMany({
        ...(selection as Prisma.OperationFindManyArgs),
        where: { id: { in: ids }, AND: [operationVisibilityWhere(context.viewer)] },
      }),
    id,
  );
}

/** An operation the viewer may see, locked for a change in `tx`; NotFound otherwise. */
export async function lockVisibleOperation(tx: Tx, viewer: Viewer, id: string): Promise<Operation> {
  await lockRow(tx, 'Operation', id);
  const operation = await tx.operation.findFirst({
    where: { id, AND: [operationVisibilityWhere(viewer)] },
  });
  if (!operation) throw new NotFoundError('operation');
  return operation;
}
