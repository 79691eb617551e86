import { ConflictError } from '../../errors.js';
import type { OperationPhase } from '../../generated/prisma/enums.js';

// The life of an operation: PROPOSED → PREPARATION → ACTION → EVALUATION → CLOSED, or CANCELLED
// from any phase before CLOSED. What may happen in each phase lives here too.

const NEXT: Record<OperationPhase, OperationPhase | null> = {
  PROPOSED: 'PREPARATION',
  PREPARATION: 'ACTION',
  ACTION: 'EVALUATION',
  EVALUATION: 'CLOSED',
  CLOSED: null,
  CANCELLED: null,
};

export function isFinished(phase: OperationPhase): boolean {
  return phase === 'CLOSED' || phase === 'CANCELLED';
}

/** The phases a phase may move to. */
export function allowedTransitions(phase: OperationPhase): OperationPhase[] {
  if (isFinished(phase)) return [];
  const next = NEXT[phase];
  return next ? [next, 'CANCELLED'] : ['CANCELLED'];
}

/** A move between phases that the life of an operation does not allow; nothing changed. */
export class IllegalPhaseTransitionError extends ConflictError {
  constructor(
    readonly from: OperationPhase,
    readonly to: OperationPhase,
  ) {
    const allowed = allowedTransitions(from);
    super(
      allowed.length > 0
        ? `An operation in ${from} can move to ${allowed.join(' or ')}, not to ${to}.`
        : `The operation is ${from}; its phase can no longer change.`,
    );
  }
  get allowed(): OperationPhase[] {
    return allowedTransitions(this.from);
  }
}

/** Activities and the phases that allow them. */
const ALLOWED_IN: Record<string, readonly OperationPhase[]> = {
  invite: ['PROPOSED', 'PREPARATION', 'ACTION'],
  answer: ['PROPOSED', 'PREPARATION', 'ACTION'],
  edit: ['PROPOSED', 'PREPARATION', 'ACTION', 'EVALUATION'],
  work: ['PROPOSED', 'PREPARATION', 'ACTION', 'EVALUATION'],
  record: ['ACTION', 'EVALUATION'],
};

export type Activity = 'invite' | 'answer' | 'edit' | 'work' | 'record';

const DESCRIBE: Record<Activity, string> = {
  invite: 'Agencies can be invited',
  answer: 'Invitations can be answered',
  edit: 'The operation can be changed',
  work: 'Tasks, messages and links can be written',
  record: 'Results can be recorded or corrected',
};

/** Refuses an activity the operation's phase does not allow, saying when it would be. */
export function requirePhase(phase: OperationPhase, activity: Activity): void {
  const allowed = ALLOWED_IN[activity] ?? [];
  if (!allowed.includes(phase)) {
    throw new ConflictError(
      `${DESCRIBE[activity]} only in ${allowed.join(', ')}; this operation is ${phase}.`,
    );
  }
}
