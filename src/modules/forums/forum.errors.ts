import { AppError } from '../../errors.js';
import type { ForumEventStatus, RegistrationStatus } from '../../generated/prisma/enums.js';

// Expected refusals of forum registration, each a member of the mutations' result unions.

export class RegistrationClosedError extends AppError {
  readonly code = 'CONFLICT';
  constructor(
    readonly status: ForumEventStatus,
    readonly opensAt: Date,
    readonly closesAt: Date,
  ) {
    super(
      status !== 'OPEN'
        ? `Registration is not open: the event is ${status.toLowerCase()}.`
        : `Registration is open from ${opensAt.toISOString()} to ${closesAt.toISOString()}.`,
    );
  }
}

export class EventFullError extends AppError {
  readonly code = 'CONFLICT';
  constructor(readonly capacity: number) {
    super('The event is full and keeps no waiting list; nothing was registered.');
  }
}

export class QuotaReachedError extends AppError {
  readonly code = 'CONFLICT';
  constructor(
    readonly quota: number,
    readonly held: number,
  ) {
    super(
      `Your agency's delegation holds ${held} of its ${quota} seats, and the event keeps no waiting list; nothing was registered.`,
    );
  }
}

export class DuplicateRegistrationError extends AppError {
  readonly code = 'CONFLICT';
  constructor(
    /** Whose registration already exists (display name or e-mail). */
    readonly person: string,
  ) {
    super(`${person} already has a registration for this event; cancel it first.`);
  }
}

/**
 * A guest repeated a request (same e-mail and idempotency key). The first answer held the
 * registration's personal details and check-in code, so it is not given again to a caller
 * without a session: the guest finds it in the confirmation e-mail.
 */
export class RequestAlreadyReceivedError extends AppError {
  readonly code = 'CONFLICT';
  constructor() {
    super(
      'This registration request was received already; nothing was changed. Its details and check-in code were sent to the e-mail address given: check your e-mail.',
    );
  }
}

export class CheckInRefusedError extends AppError {
  readonly code = 'CONFLICT';
  constructor(readonly status: RegistrationStatus) {
    super(`This registration is ${status.toLowerCase().replace('_', ' ')}: no entry.`);
  }
}
