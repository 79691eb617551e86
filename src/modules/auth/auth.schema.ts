import { z } from 'zod';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { InvalidCredentialsError, RateLimitedError, ValidationError } from '../../errors.js';
import { ErrorInterface } from '../common/errors.schema.js';
import { newPasswordSchema } from '../users/user.validation.js';
import {
  InvalidResetTokenError,
  InvalidSecondFactorError,
  SecondFactorRequiredError,
  SignInChallengeExpiredError,
} from './auth.errors.js';
import { completeSignIn, type SignInResult, signIn } from './auth.service.js';
import { requestPasswordReset, resetPassword } from './password-reset.service.js';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from './session.cookie.js';
import {
  invalidateSession,
  invalidateUserSessions,
  validateSessionToken,
} from './session.service.js';

interface SignInPayloadShape {
  token: string;
  expiresAt: Date;
  userId: string;
  recoveryCodes: string[] | null;
}

export const SignInPayload = builder.objectRef<SignInPayloadShape>('SignInPayload').implement({
  fields: (t) => ({
    token: t.exposeString('token', {
      description: `Send as \`Authorization: Bearer <token>\`; browsers also get it as the HttpOnly cookie \`${SESSION_COOKIE}\`.`,
    }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      description: 'The absolute end of the session; it also ends after a period of inactivity.',
    }),
    user: t.prismaField({
      type: 'User',
      resolve: (query, payload) =>
        prisma.user.findUniqueOrThrow({ ...query, where: { id: payload.userId } }),
    }),
    recoveryCodes: t.exposeStringList('recoveryCodes', {
      nullable: true,
      description:
        'When an authenticator was set up during this sign-in: its recovery codes, shown this once. Keep them safe; each signs in once in place of a code.',
    }),
  }),
});

builder.objectType(SecondFactorRequiredError, {
  name: 'SecondFactorRequiredError',
  description:
    'The password was right; a second factor is needed. Send the challenge and a code to `completeSignIn`.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    challenge: t.exposeString('challenge', {
      description: 'Valid for a few minutes and a few attempts; only its holder can finish.',
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    enrolled: t.exposeBoolean('enrolled', {
      description:
        'False: the account must set up an authenticator first (`startSecondFactorEnrolment(challenge:)`), then send its first code.',
    }),
  }),
});

builder.objectType(InvalidSecondFactorError, {
  name: 'InvalidSecondFactorError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ attemptsLeft: t.exposeInt('attemptsLeft') }),
});

builder.objectType(SignInChallengeExpiredError, {
  name: 'SignInChallengeExpiredError',
  interfaces: [ErrorInterface],
});

/** Hands the new session to the client (cookie and token) and answers the rest as its user. */
export async function openSession(
  context: Context,
  result: SignInResult,
): Promise<SignInPayloadShape> {
  const { session, userId } = result;
  await setSessionCookie(context.request, session.token, session.expiresAt);
  // The rest of this operation (the payload's `user`) is answered as the new session's user.
  context.viewer = await validateSessionToken(session.token, { remember: false });
  context.log.info({ userId, sessionId: session.id }, 'signed in');
  return {
    token: session.token,
    expiresAt: session.expiresAt,
    userId,
    recoveryCodes: result.recoveryCodes,
  };
}

export function signInMeta(context: Context) {
  return {
    ipAddress: context.clientAddress,
    userAgent: context.request?.headers.get('user-agent') ?? null,
  };
}

builder.mutationField('signIn', (t) =>
  t.field({
    type: SignInPayload,
    description:
      'Opens a session, or answers SecondFactorRequiredError when the account takes a second factor. Failed attempts are throttled per account and per address.',
    errors: {
      types: [InvalidCredentialsError, RateLimitedError, SecondFactorRequiredError],
      dataField: { name: 'session' },
    },
    args: { email: t.arg({ type: 'EmailAddress' }), password: t.arg.string() },
    validate: z.object({
      email: z.string(),
      password: z.string().min(1, { error: 'give your password' }),
    }),
    resolve: async (_parent, args, context) =>
      openSession(context, await signIn(args.email, args.password, signInMeta(context))),
  }),
);

builder.mutationField('completeSignIn', (t) =>
  t.field({
    type: SignInPayload,
    description:
      "Finishes a sign-in that answered SecondFactorRequiredError: a six-digit code from the authenticator or one of the recovery codes (or, while enrolling, the new authenticator's first code). Wrong codes count with wrong passwords towards the lockout.",
    errors: {
      types: [
        InvalidSecondFactorError,
        SignInChallengeExpiredError,
        RateLimitedError,
        ValidationError,
      ],
      dataField: { name: 'session' },
    },
    args: { challenge: t.arg.string(), code: t.arg.string() },
    validate: z.object({
      challenge: z.string().min(1).max(200),
      code: z.string().trim().min(6, { error: 'give the code' }).max(40),
    }),
    resolve: async (_parent, args, context) =>
      openSession(context, await completeSignIn(args.challenge, args.code, signInMeta(context))),
  }),
);

builder.mutationField('signOut', (t) =>
  t.boolean({
    description: 'Ends the current session. True when a session was ended.',
    resolve: async (_parent, _args, context) => {
      await clearSessionCookie(context.request);
      if (!context.viewer) return false;
      await invalidateSession(context.viewer.sessionId);
      return true;
    },
  }),
);

builder.mutationField('signOutEverywhere', (t) =>
  t.int({
    description: 'Ends every session of the signed-in user, this one included; returns how many.',
    authScopes: { signedIn: true },
    resolve: async (_parent, _args, context) => {
      await clearSessionCookie(context.request);
      return invalidateUserSessions(signedInViewer(context).userId);
    },
  }),
);

builder.mutationField('requestPasswordReset', (t) =>
  t.field({
    type: 'Boolean',
    description:
      'Sends a link to reset the password to the address, when it is an active account’s. The answer is the same whether or not it is: true. Limited per client address.',
    errors: { types: [RateLimitedError, ValidationError], dataField: { name: 'accepted' } },
    args: { email: t.arg({ type: 'EmailAddress' }) },
    resolve: async (_parent, args, context) => {
      await requestPasswordReset(args.email, context.clientAddress);
      return true;
    },
  }),
);

builder.mutationField('resetPassword', (t) =>
  t.field({
    type: 'Boolean',
    description:
      'Sets a new password with the token of a reset link (single use, short-lived). Every session of the account ends; a second factor is still asked at the next sign-in.',
    errors: {
      types: [InvalidResetTokenError, RateLimitedError, ValidationError],
      dataField: { name: 'reset' },
    },
    args: {
      token: t.arg.string({ validate: z.string().min(1).max(200) }),
      newPassword: t.arg.string({ validate: newPasswordSchema }),
    },
    resolve: async (_parent, args, context) => {
      await resetPassword(args.token, args.newPassword, context.clientAddress);
      return true;
    },
  }),
);

builder.objectType(InvalidResetTokenError, {
  name: 'InvalidResetTokenError',
  interfaces: [ErrorInterface],
});
