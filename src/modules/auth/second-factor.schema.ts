import QRCode from 'qrcode';
import { z } from 'zod';
import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { ConflictError, ForbiddenError, RateLimitedError, ValidationError } from '../../errors.js';
import { UserRef } from '../users/user.schema.js';
import { SignInChallengeExpiredError } from './auth.errors.js';
import { mayManageUsersOf } from './roles.js';
import {
  confirmEnrolment,
  liveChallenge,
  networkRequiresSecondFactor,
  remainingRecoveryCodes,
  replaceRecoveryCodes,
  startEnrolment,
  startOwnEnrolment,
  turnOffSecondFactor,
} from './second-factor.service.js';
import { viewersChanged } from './session.service.js';

// The second factor in the API: enrolling (signed in, or during a sign-in that requires it),
// recovery codes, turning it off, and the agency's and the network's requirements.

builder.objectField(UserRef, 'secondFactorEnabled', (t) =>
  t.boolean({
    nullable: true,
    description:
      'Whether the account signs in with an authenticator app. Shown to the account itself and to those who manage it; null to others.',
    resolve: (user, _args, context) =>
      user.id === context.viewer?.userId || mayManageUsersOf(context.viewer, user.agencyId)
        ? user.totpConfirmedAt !== null
        : null,
  }),
);

builder.objectField(UserRef, 'recoveryCodesLeft', (t) =>
  t.int({
    nullable: true,
    description: 'Unused recovery codes of your own account; null for others and without a factor.',
    resolve: (user, _args, context) =>
      user.id === context.viewer?.userId && user.totpConfirmedAt
        ? remainingRecoveryCodes(user.id)
        : null,
  }),
);

const Enrolment = builder
  .objectRef<{ secret: string; uri: string }>('SecondFactorEnrolment')
  .implement({
    description:
      'An authenticator to set up: show `uri` as a QR code (or the secret to type), then send its first code.',
    fields: (t) => ({
      secret: t.exposeString('secret', { description: 'The shared secret, base32.' }),
      uri: t.exposeString('uri', {
        description: 'The `otpauth://totp/…` URI authenticator apps read.',
      }),
      qrCode: t.string({
        description: 'The URI as a QR code: a `data:image/png` URL for an image element.',
        resolve: (enrolment) => QRCode.toDataURL(enrolment.uri, { margin: 1, width: 240 }),
      }),
    }),
  });

const codeSchema = z.string().trim().min(6, { error: 'give the code' }).max(40);

builder.mutationField('startSecondFactorEnrolment', (t) =>
  t.field({
    type: Enrolment,
    description:
      'Starts setting up an authenticator app: signed in, with your password (an account that signs in through its provider only: within ten minutes of signing in), or with the challenge of a sign-in that requires one (SecondFactorRequiredError with `enrolled: false`). Wrong passwords count towards the sign-in lockout. Nothing changes until its first code is confirmed (`confirmSecondFactorEnrolment`, or `completeSignIn`).',
    errors: {
      types: [
        ConflictError,
        SignInChallengeExpiredError,
        ValidationError,
        RateLimitedError,
        ForbiddenError,
      ],
      dataField: { name: 'enrolment' },
    },
    args: {
      challenge: t.arg.string({ required: false }),
      password: t.arg.string({
        required: false,
        description: 'Your current password, when signed in.',
        validate: z.string().max(1000).nullish(),
      }),
    },
    resolve: async (_parent, args, context) => {
      if (args.challenge) {
        const challenge = await liveChallenge(args.challenge);
        return startEnrolment(challenge.userId);
      }
      return startOwnEnrolment(
        signedInViewer(context),
        args.password ?? null,
        context.clientAddress,
      );
    },
  }),
);

builder.mutationField('confirmSecondFactorEnrolment', (t) =>
  t.field({
    type: ['String'],
    description:
      'Confirms the authenticator with its first code; from now on signing in asks for a code. Answers ten recovery codes, shown this once.',
    authScopes: { signedIn: true },
    errors: { types: [ConflictError, ValidationError], dataField: { name: 'recoveryCodes' } },
    args: { code: t.arg.string({ validate: codeSchema }) },
    resolve: async (_parent, args, context) => {
      const viewer = signedInViewer(context);
      const codes = await confirmEnrolment(viewer.userId, args.code, context.clientAddress);
      if (!codes) {
        throw ValidationError.single(
          ['code'],
          'is not the current code of the authenticator being set up (check its clock, or start again)',
        );
      }
      viewersChanged();
      context.log.info({ userId: viewer.userId }, 'second factor set up');
      return codes;
    },
  }),
);

builder.mutationField('replaceRecoveryCodes', (t) =>
  t.field({
    type: ['String'],
    description:
      'Ten new recovery codes (the old ones stop working), after a current code. Wrong codes count towards the sign-in lockout.',
    authScopes: { signedIn: true },
    errors: { types: [ValidationError, RateLimitedError], dataField: { name: 'recoveryCodes' } },
    args: { code: t.arg.string({ validate: codeSchema }) },
    resolve: async (_parent, args, context) => {
      const codes = await replaceRecoveryCodes(
        signedInViewer(context),
        args.code,
        context.clientAddress,
      );
      context.log.info({ userId: signedInViewer(context).userId }, 'recovery codes replaced');
      return codes;
    },
  }),
);

builder.mutationField('turnOffSecondFactor', (t) =>
  t.field({
    type: UserRef,
    description:
      'Removes the authenticator and recovery codes, after your password (wrong ones count towards the sign-in lockout). Refused while your agency or the network requires a second factor.',
    authScopes: { signedIn: true },
    errors: {
      types: [ForbiddenError, ValidationError, RateLimitedError],
      dataField: { name: 'user' },
    },
    args: { password: t.arg.string({ validate: z.string().max(1000) }) },
    resolve: async (_parent, args, context) => {
      const viewer = signedInViewer(context);
      await turnOffSecondFactor(viewer, args.password, context.clientAddress);
      viewersChanged();
      context.log.info({ userId: viewer.userId }, 'second factor turned off');
      return prisma.user.findUniqueOrThrow({ where: { id: viewer.userId } });
    },
  }),
);

const NetworkSecurity = builder
  .objectRef<{ requireSecondFactorForRestricted: boolean }>('NetworkSecurity')
  .implement({
    fields: (t) => ({
      secondFactorRequiredForRestrictedReaders: t.exposeBoolean(
        'requireSecondFactorForRestricted',
        {
          description:
            'Every role that can read TLP:AMBER+STRICT or TLP:RED signs in with a second factor (today every role: AMBER+STRICT reaches all members of the author agency).',
        },
      ),
    }),
  });

builder.queryField('networkSecurity', (t) =>
  t.field({
    type: NetworkSecurity,
    description: "The network's sign-in rules.",
    authScopes: { signedIn: true },
    resolve: async () => ({
      requireSecondFactorForRestricted: await networkRequiresSecondFactor(),
    }),
  }),
);

builder.mutationField('setNetworkSecondFactorRequirement', (t) =>
  t.field({
    type: NetworkSecurity,
    description:
      'Requires (or stops requiring) a second factor of every role that can read TLP:AMBER+STRICT or TLP:RED, from their next sign-in. Network admins.',
    authScopes: { networkAdmin: true },
    errors: { dataField: { name: 'networkSecurity' } },
    args: { required: t.arg.boolean() },
    resolve: async (_parent, args, context) => {
      const settings = await prisma.networkSettings.upsert({
        where: { id: 1 },
        create: { id: 1, requireSecondFactorForRestricted: args.required },
        update: { requireSecondFactorForRestricted: args.required },
      });
      context.log.info({ required: args.required }, 'network second-factor requirement changed');
      return settings;
    },
  }),
);
