import { AppError } from '../../errors.js';

// Expected answers of signing in that are not a session yet, each a member of the mutations'
// result unions.

/**
 * The password (or the identity provider) was right and the account needs a second factor: send
 * the challenge with a code to `completeSignIn`. Not enrolled yet (the agency or the network
 * requires it), enrol first with `startSecondFactorEnrolment(challenge:)`.
 */
export class SecondFactorRequiredError extends AppError {
  readonly code = 'UNAUTHENTICATED';
  constructor(
    readonly challenge: string,
    readonly expiresAt: Date,
    readonly enrolled: boolean,
  ) {
    super(
      enrolled
        ? 'Enter the six-digit code from your authenticator app, or a recovery code.'
        : 'Your agency requires a second factor: set up an authenticator app to finish signing in.',
    );
  }
}

export class InvalidSecondFactorError extends AppError {
  readonly code = 'UNAUTHENTICATED';
  constructor(readonly attemptsLeft: number) {
    super(
      attemptsLeft > 0
        ? `That code is not valid (a code works once). ${attemptsLeft} attempt(s) left.`
        : 'That code is not valid, and no attempts are left: sign in again.',
    );
  }
}

/** The challenge is unknown, used up or past its few minutes. */
export class SignInChallengeExpiredError extends AppError {
  readonly code = 'UNAUTHENTICATED';
  constructor() {
    super('This sign-in has expired or was already used: sign in again.');
  }
}

/** A password reset link that is unknown, used or past its life: the same refusal for all. */
export class InvalidResetTokenError extends AppError {
  readonly code = 'BAD_USER_INPUT';
  constructor() {
    super('This reset link has expired or was already used: ask for a new one.');
  }
}
