// Expected failures of the domain. Services throw these; mutations list them as union members
// (errors plugin) and anything else that surfaces them turns them into a GraphQL error with the
// same stable `extensions.code` (see maskError in yoga.ts). Anything that is not an AppError is
// unexpected: logged with the request id and masked.

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'CONFLICT'
  | 'RESUME_REQUIRED';

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
}

export interface FieldIssue {
  /** Path to the offending input, e.g. `['input', 'email']`. */
  path: string[];
  message: string;
}

export class ValidationError extends AppError {
  readonly code = 'BAD_USER_INPUT';
  constructor(readonly issues: FieldIssue[]) {
    super(
      issues.length === 1 && issues[0]
        ? `${describePath(issues[0].path)}${issues[0].message}`
        : `The input has ${issues.length} problems: ${issues.map((i) => `${describePath(i.path)}${i.message}`).join('; ')}`,
    );
  }
  static single(path: string[], message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

function describePath(path: string[]): string {
  return path.length > 0 ? `${path.join('.')}: ` : '';
}

export class UnauthenticatedError extends AppError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'Sign in first: this needs a valid session.') {
    super(message);
  }
}

/** Same message for "no such account", "wrong password" and "deactivated": nothing to probe. */
export class InvalidCredentialsError extends AppError {
  readonly code = 'UNAUTHENTICATED';
  constructor() {
    super('The e-mail address or password is incorrect.');
  }
}

export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
}

export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
  constructor(readonly entity: string) {
    super(`No ${entity} with that id exists, or you may not see it.`);
  }
}

export class ConflictError extends AppError {
  readonly code = 'CONFLICT';
}

export class RateLimitedError extends AppError {
  readonly code = 'RATE_LIMITED';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * A live stream was ended because its client fell too far behind; nothing is lost: subscribing
 * again after the cursor of the last event received continues where it stopped.
 */
export class ResumeRequiredError extends AppError {
  readonly code = 'RESUME_REQUIRED';
  constructor(readonly resumeAfter: string) {
    super(
      `You fell too far behind the live alerts. Subscribe again with after: "${resumeAfter}" (or the cursor of the last event you received) to continue without loss.`,
    );
  }
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  CONFLICT: 409,
  RESUME_REQUIRED: 503,
};

/** The codes of expected errors: answers about the request, never a fault of the server. */
export const EXPECTED_ERROR_CODES: ReadonlySet<string> = new Set(Object.keys(HTTP_STATUS));

/** The HTTP status of an expected error, for the plain HTTP endpoints (exports). */
export function httpStatusOf(error: AppError): number {
  return HTTP_STATUS[error.code];
}
