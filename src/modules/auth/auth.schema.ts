import { z } from 'zod';
import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { InvalidCredentialsError, RateLimitedError } from '../../errors.js';
import { signIn } from './auth.service.js';
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
}

const SignInPayload = builder.objectRef<SignInPayloadShape>('SignInPayload').implement({
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
  }),
});

builder.mutationField('signIn', (t) =>
  t.field({
    type: SignInPayload,
    description: 'Opens a session. Failed attempts are throttled per account and per address.',
    errors: { types: [InvalidCredentialsError, RateLimitedError], dataField: { name: 'session' } },
    args: { email: t.arg({ type: 'EmailAddress' }), password: t.arg.string() },
    validate: z.object({
      email: z.string(),
      password: z.string().min(1, { error: 'give your password' }),
    }),
    resolve: async (_parent, args, context) => {
      const { session, userId } = await signIn(args.email, args.password, {
        ipAddress: context.clientAddress,
        userAgent: context.request?.headers.get('user-agent') ?? null,
      });
      await setSessionCookie(context.request, session.token, session.expiresAt);
      // The rest of this operation (the payload's `user`) is answered as the new session's user.
      context.viewer = await validateSessionToken(session.token, { remember: false });
      context.log.info({ userId, sessionId: session.id }, 'signed in');
      return { token: session.token, expiresAt: session.expiresAt, userId };
    },
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
