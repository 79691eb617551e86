import { recordAlerts } from '../../alert-log.js';
import { prisma, type Tx } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import {
  type Operation,
  type OperationLogEntry,
  type OperationResult,
  type OperationTask,
  Prisma,
  type TaskStatus,
} from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import { changedFields, changedValues } from '../common/changes.js';
import { intelReportVisibilityWhere } from '../intel/intel.access.js';
import { mayContribute, mayLead, mayWork } from './operation.access.js';
import { operationAlert } from './operation.alerts.js';
import { type Locked, lockOperation, logEvent } from './operation.service.js';
import type { ResultInput } from './operation.validation.js';
import { requirePhase } from './phases.js';

// The work inside an operation: linked intelligence, tasks across agencies, the message thread
// and results. Same discipline as operation.service: one transaction, operation row locked,
// every change logged.

function requireWorker(actor: Viewer, { membership }: Locked): void {
  if (!mayWork(actor, membership)) {
    throw new ForbiddenError(
      'Only coordinators and analysts of agencies taking part in the operation may do this.',
    );
  }
}

function requireContributor(actor: Viewer, { membership }: Locked): void {
  if (!mayContribute(actor, membership)) {
    throw new ForbiddenError(
      'Only coordinators and analysts of participating agencies (not observers) may do this.',
    );
  }
}

// ── Linked intelligence ─────────────────────────────────────────────────────────────────────

export async function linkIntelReport(
  actor: Viewer,
  operationId: string,
  reportId: string,
  note: string | null,
): Promise<Operation> {
  return prisma.$transaction(async (tx) => {
    const locked = await lockOperation(tx, actor, operationId);
    requireContributor(actor, locked);
    requirePhase(locked.operation.phase, 'work');
    // Only a report the linker may see can be linked; the link shows it to nobody else.
    const report = await tx.intelReport.findFirst({
      where: { id: reportId, AND: [intelReportVisibilityWhere(actor)] },
      select: { id: true },
    });
    if (!report) throw new NotFoundError('intelligence report');
    const existing = await tx.operationIntelLink.findUnique({
      where: { operationId_reportId: { operationId, reportId } },
    });
    if (existing) throw new ConflictError('This report is already linked to the operation.');
    await tx.operationIntelLink.create({
      data: {
        operationId,
        reportId,
        note,
        linkedById: actor.userId,
        linkedAgencyId: actor.agencyId,
      },
    });
    await logEvent(tx, operationId, actor, 'INTEL_LINKED', { reportId });
    return locked.operation;
  });
}

export async function unlinkIntelReport(
  actor: Viewer,
  operationId: string,
  reportId: string,
): Promise<Operation> {
  return prisma.$transaction(async (tx) => {
    const locked = await lockOperation(tx, actor, operationId);
    requireWorker(actor, locked);
    requirePhase(locked.operation.phase, 'work');
    const link = await tx.operationIntelLink.findUnique({
      where: { operationId_reportId: { operationId, reportId } },
    });
    if (!link) throw new NotFoundError('link');
    if (link.linkedAgencyId !== actor.agencyId && !mayLead(actor, locked.membership)) {
      throw new ForbiddenError('Only the agency that linked a report, or the lead, may unlink it.');
    }
    await tx.operationIntelLink.delete({
      where: { operationId_reportId: { operationId, reportId } },
    });
    await logEvent(tx, operationId, actor, 'INTEL_UNLINKED', { reportId });
    return locked.operation;
  });
}

// ── Tasks ───────────────────────────────────────────────────────────────────────────────────

/** A task goes to a participating agency (not an observer), optionally to one of its users. */
async function checkAssignee(
  tx: Tx,
  operationId: string,
  agencyId: string,
  userId: string | null | undefined,
): Promise<void> {
  const participant = await tx.operationParticipant.findUnique({
    where: { operationId_agencyId: { operationId, agencyId } },
  });
  if (participant?.status !== 'ACCEPTED' || participant.role === 'OBSERVER') {
    throw ValidationError.single(
      ['input', 'assigneeAgencyId'],
      'tasks go to agencies taking part in the operation (not observers)',
    );
  }
  if (userId) {
    const user = await tx.user.findFirst({ where: { id: userId, agencyId, active: true } });
    if (!user) {
      throw ValidationError.single(
        ['input', 'assigneeUserId'],
        'must be an active user of the assignee agency',
      );
    }
  }
}

/** The assignee agency (or the one assigned user) hears of a task given to it. */
async function notifyAssignment(tx: Tx, task: OperationTask, operation: Operation): Promise<void> {
  await recordAlerts(tx, [
    operationAlert(operation, 'TASK_ASSIGNED', 'INFO', {
      recipientAgencyId: task.assigneeAgencyId,
      recipientUserId: task.assigneeUserId,
      data: { taskId: task.id, task: task.title, dueAt: task.dueAt?.toISOString() ?? null },
    }),
  ]);
}

export interface TaskFields {
  title: string;
  description: string | null;
  assigneeAgencyId: string;
  assigneeUserId?: string | null;
  dueAt?: Date | null;
}

export async function createTask(
  actor: Viewer,
  operationId: string,
  input: TaskFields,
): Promise<OperationTask> {
  return prisma.$transaction(async (tx) => {
    const locked = await lockOperation(tx, actor, operationId);
    requireContributor(actor, locked);
    requirePhase(locked.operation.phase, 'work');
    // The lead assigns to any participant; a participant assigns within its own agency.
    if (input.assigneeAgencyId !== actor.agencyId && !mayLead(actor, locked.membership)) {
      throw new ForbiddenError(
        "Only the lead's coordinators assign tasks to other agencies; assign this to your own.",
      );
    }
    await checkAssignee(tx, operationId, input.assigneeAgencyId, input.assigneeUserId);
    const task = await tx.operationTask.create({
      data: {
        operationId,
        title: input.title,
        description: input.description,
        assigneeAgencyId: input.assigneeAgencyId,
        assigneeUserId: input.assigneeUserId ?? null,
        dueAt: input.dueAt ?? null,
        createdById: actor.userId,
      },
    });
    await logEvent(tx, operationId, actor, 'TASK_CREATED', {
      taskId: task.id,
      title: task.title,
      assigneeAgencyId: task.assigneeAgencyId,
    });
    await notifyAssignment(tx, task, locked.operation);
    return task;
  });
}

export interface TaskChanges {
  title?: string;
  description?: string | null;
  assigneeAgencyId?: string;
  assigneeUserId?: string | null;
  dueAt?: Date | null;
  status?: TaskStatus;
  outcome?: string | null;
}

/** What the assignee agency may change on its own; everything else is the lead's. */
const ASSIGNEE_FIELDS = new Set(['status', 'outcome', 'assigneeUserId']);

/**
 * The operation of a task or result, locked for a change. A part of an operation whose working
 * data the actor may not see is NotFound, exactly like a part that does not exist.
 */
async function lockOperationOf<Part extends { operationId: string }>(
  tx: Tx,
  actor: Viewer,
  part: Part | null,
  entity: string,
): Promise<{ part: Part; locked: Locked }> {
  if (!part) throw new NotFoundError(entity);
  const locked = await lockOperation(tx, actor, part.operationId).catch((error: unknown) => {
    throw error instanceof NotFoundError ? new NotFoundError(entity) : error;
  });
  if (locked.membership?.status !== 'ACCEPTED') throw new NotFoundError(entity);
  return { part, locked };
}

async function taskForChange(tx: Tx, actor: Viewer, taskId: string) {
  const task = await tx.operationTask.findUnique({ where: { id: taskId } });
  const { part, locked } = await lockOperationOf(tx, actor, task, 'task');
  return { task: part, locked };
}

export async function updateTask(
  actor: Viewer,
  taskId: string,
  changes: TaskChanges,
): Promise<OperationTask> {
  return prisma.$transaction(async (tx) => {
    const { task, locked } = await taskForChange(tx, actor, taskId);
    requireWorker(actor, locked);
    requirePhase(locked.operation.phase, 'work');
    const lead = mayLead(actor, locked.membership);
    const assignee =
      task.assigneeAgencyId === actor.agencyId && mayContribute(actor, locked.membership);
    const keys = Object.keys(changes).filter(
      (key) => changes[key as keyof TaskChanges] !== undefined,
    );
    const refused = keys.filter((key) => !lead && !(assignee && ASSIGNEE_FIELDS.has(key)));
    if (refused.length > 0) {
      throw new ForbiddenError(
        assignee
          ? `Your agency may change the status, outcome and assignee of its tasks; ${refused.join(', ')} is the lead's to change.`
          : 'Only the assignee agency and the lead may change this task.',
      );
    }
    const agencyId = changes.assigneeAgencyId ?? task.assigneeAgencyId;
    const reassigned = agencyId !== task.assigneeAgencyId;
    const userId =
      changes.assigneeUserId !== undefined
        ? changes.assigneeUserId
        : reassigned
          ? null
          : task.assigneeUserId;
    if (reassigned || changes.assigneeUserId !== undefined) {
      await checkAssignee(tx, task.operationId, agencyId, userId);
    }
    const proposed = { ...changes, assigneeAgencyId: agencyId, assigneeUserId: userId };
    const diff = changedFields(task, proposed);
    if (Object.keys(diff).length === 0) return task;
    const data = changedValues(diff, proposed) as Prisma.OperationTaskUncheckedUpdateInput;
    if (changes.status && changes.status !== task.status) {
      data.completedAt = changes.status === 'DONE' ? new Date() : null;
    }
    const updated = await tx.operationTask.update({ where: { id: task.id }, data });
    await logEvent(tx, task.operationId, actor, 'TASK_UPDATED', { taskId: task.id, changes: diff });
    if (reassigned || (userId && userId !== task.assigneeUserId)) {
      await notifyAssignment(tx, updated, locked.operation);
    }
    return updated;
  });
}

export async function commentOnTask(
  actor: Viewer,
  taskId: string,
  body: string,
): Promise<OperationTask> {
  return prisma.$transaction(async (tx) => {
    const { task, locked } = await taskForChange(tx, actor, taskId);
    requireWorker(actor, locked);
    requirePhase(locked.operation.phase, 'work');
    await tx.operationTaskComment.create({
      data: { taskId: task.id, authorId: actor.userId, agencyId: actor.agencyId, body },
    });
    return task;
  });
}

// ── Thread ──────────────────────────────────────────────────────────────────────────────────

export async function postOperationMessage(
  actor: Viewer,
  operationId: string,
  body: string,
): Promise<OperationLogEntry> {
  return prisma.$transaction(async (tx) => {
    const locked = await lockOperation(tx, actor, operationId);
    requireWorker(actor, locked);
    requirePhase(locked.operation.phase, 'work');
    const entry = await tx.operationLogEntry.create({
      data: {
        operationId,
        kind: 'MESSAGE',
        body,
        actorId: actor.userId,
        agencyId: actor.agencyId,
      },
    });
    await recordAlerts(tx, [
      operationAlert(locked.operation, 'OPERATION_MESSAGE', 'INFO', {
        data: { entryId: entry.id, agencyId: actor.agencyId, excerpt: body.slice(0, 200) },
      }),
    ]);
    return entry;
  });
}

// ── Results ─────────────────────────────────────────────────────────────────────────────────

function resultColumns(input: ResultInput) {
  return {
    kind: input.kind,
    count: input.count,
    occurredOn: input.occurredOn ?? null,
    description: input.description ?? null,
    productCategory: input.productCategory ?? null,
    hsCode: input.hsCode ?? null,
    quantity: input.quantity ? new Prisma.Decimal(input.quantity) : null,
    unit: input.unit ?? null,
    marketValue: input.marketValue ? new Prisma.Decimal(input.marketValue.amount) : null,
    currency: input.marketValue?.currency ?? null,
    valuationDate: input.marketValue?.valuationDate ?? null,
    detectionPoint: input.detectionPoint ?? null,
  };
}

export async function recordResult(
  actor: Viewer,
  operationId: string,
  input: ResultInput,
): Promise<OperationResult> {
  return prisma.$transaction(async (tx) => {
    const locked = await lockOperation(tx, actor, operationId);
    requireContributor(actor, locked);
    requirePhase(locked.operation.phase, 'record');
    const result = await tx.operationResult.create({
      data: {
        operationId,
        agencyId: actor.agencyId,
        recordedById: actor.userId,
        ...resultColumns(input),
      },
    });
    await logEvent(tx, operationId, actor, 'RESULT_RECORDED', {
      resultId: result.id,
      kind: result.kind,
      count: result.count,
    });
    return result;
  });
}

/** Replaces a result with a corrected one; the original stays, marked as superseded. */
export async function correctResult(
  actor: Viewer,
  resultId: string,
  input: ResultInput,
  reason: string,
): Promise<OperationResult> {
  return prisma.$transaction(async (tx) => {
    const { part: original, locked } = await lockOperationOf(
      tx,
      actor,
      await tx.operationResult.findUnique({ where: { id: resultId } }),
      'result',
    );
    requireContributor(actor, locked);
    if (original.agencyId !== actor.agencyId) {
      throw new ForbiddenError('Only the agency that recorded a result may correct it.');
    }
    requirePhase(locked.operation.phase, 'record');
    if (original.supersededAt) {
      throw new ConflictError('This result was already corrected; correct the latest version.');
    }
    await tx.operationResult.update({
      where: { id: original.id },
      data: { supersededAt: new Date() },
    });
    const corrected = await tx.operationResult.create({
      data: {
        operationId: original.operationId,
        agencyId: original.agencyId,
        recordedById: actor.userId,
        correctsId: original.id,
        correctionReason: reason,
        ...resultColumns(input),
      },
    });
    await logEvent(tx, original.operationId, actor, 'RESULT_CORRECTED', {
      resultId: corrected.id,
      correctsId: original.id,
      reason,
    });
    return corrected;
  });
}
