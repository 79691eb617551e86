import { z } from 'zod';
import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError } from '../../errors.js';
import { Role } from '../../generated/prisma/enums.js';
import { AgencyRef } from '../agencies/agency.schema.js';
import { lookupStarted, rememberedUser, rememberUser } from '../auth/session-cache.js';
import { globalIdArg } from '../common/codes.js';
import { isLocale } from '../i18n/locale.js';
import { LocaleEnum } from '../i18n/locale.schema.js';
import { userVisibilityWhere } from './user.access.js';
import {
  changePassword,
  createUser,
  deactivateUser,
  reactivateUser,
  resetMemberSecondFactor,
  setUserRoles,
  updateOwnProfile,
} from './user.service.js';
import {
  displayNameSchema,
  localeSchema,
  newPasswordSchema,
  rolesSchema,
} from './user.validation.js';

export const RoleEnum = builder.enumType(Role, { name: 'Role' });

export const UserRef = builder.prismaNode('User', {
  id: { field: 'id' },
  // node(id:) answers null, not an error, for an id that does not exist or is not visible.
  nullable: true,
  authScopes: { signedIn: true },
  // node(id:) applies the same visibility rule as every list of users.
  findUnique: (id, context) => ({ id, AND: [userVisibilityWhere(context.viewer)] }),
  fields: (t) => ({
    email: t.expose('email', { type: 'EmailAddress' }),
    displayName: t.exposeString('displayName'),
    roles: t.expose('roles', { type: [RoleEnum] }),
    locale: t.field({
      type: LocaleEnum,
      nullable: true,
      description: 'Preferred locale; null follows the Accept-Language header.',
      resolve: (user) => (user.locale && isLocale(user.locale) ? user.locale : null),
    }),
    active: t.exposeBoolean('active'),
    deactivatedAt: t.expose('deactivatedAt', { type: 'DateTime', nullable: true }),
    agency: t.relation('agency'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('me', (t) =>
  t.prismaField({
    type: 'User',
    nullable: true,
    description: 'The signed-in user, or null without a session.',
    resolve: async (query, _parent, _args, context) => {
      const viewer = context.viewer;
      if (!viewer) return null;
      // A selection of columns only can be answered from the row kept with the session.
      const columnsOnly = Object.keys(query).length === 0;
      if (columnsOnly) {
        const known = rememberedUser(viewer.sessionId);
        if (known) return known;
      }
      const lookup = lookupStarted();
      const user = await prisma.user.findUnique({ ...query, where: { id: viewer.userId } });
      if (user && columnsOnly) rememberUser(lookup, viewer.sessionId, user);
      return user;
    },
  }),
);

// Validated as a whole so that every problem is reported at once.
const CreateUserInput = builder
  .inputType('CreateUserInput', {
    fields: (t) => ({
      agencyId: t.globalID({
        for: AgencyRef,
        required: false,
        description: 'Defaults to your own agency.',
      }),
      email: t.field({ type: 'EmailAddress' }),
      displayName: t.string(),
      password: t.string({ description: 'At least 12 characters.' }),
      roles: t.field({ type: [RoleEnum] }),
      locale: t.field({ type: LocaleEnum, required: false }),
    }),
  })
  .validate(
    z.object({
      agencyId: globalIdArg.optional(),
      email: z.string(),
      displayName: displayNameSchema,
      password: newPasswordSchema,
      roles: rolesSchema,
      locale: localeSchema.nullish(),
    }),
  );

builder.mutationField('createUser', (t) =>
  t.field({
    type: UserRef,
    description: 'Creates a user. Agency admins create users of their own agency.',
    // Network admins hold every role, so this admits them too.
    authScopes: { role: 'AGENCY_ADMIN' },
    errors: { types: [ConflictError, ForbiddenError, NotFoundError], dataField: { name: 'user' } },
    args: { input: t.arg({ type: CreateUserInput }) },
    resolve: async (_parent, { input }, context) => {
      const actor = signedInViewer(context);
      return createUser(actor, {
        ...input,
        agencyId: input.agencyId?.id ?? actor.agencyId,
        roles: input.roles,
      });
    },
  }),
);

builder.mutationField('setUserRoles', (t) =>
  t.field({
    type: UserRef,
    description: 'Replaces the roles of a user of your agency.',
    // Network admins hold every role, so this admits them too.
    authScopes: { role: 'AGENCY_ADMIN' },
    errors: { types: [ForbiddenError, NotFoundError], dataField: { name: 'user' } },
    args: {
      userId: t.arg.globalID({ for: UserRef }),
      roles: t.arg({ type: [RoleEnum], validate: rolesSchema }),
    },
    resolve: async (_parent, { userId, roles }, context) => {
      return setUserRoles(signedInViewer(context), userId.id, roles);
    },
  }),
);

const accountSwitches = {
  deactivateUser: {
    description: 'Deactivates a user of your agency; their sessions end at once.',
    apply: deactivateUser,
  },
  reactivateUser: {
    description: 'Lets a deactivated user of your agency sign in again.',
    apply: reactivateUser,
  },
};

for (const [name, { description, apply }] of Object.entries(accountSwitches)) {
  builder.mutationField(name, (t) =>
    t.field({
      type: UserRef,
      description,
      // Network admins hold every role, so this admits them too.
      authScopes: { role: 'AGENCY_ADMIN' },
      errors: { types: [ForbiddenError, NotFoundError], dataField: { name: 'user' } },
      args: { userId: t.arg.globalID({ for: UserRef }) },
      resolve: (_parent, { userId }, context) => apply(signedInViewer(context), userId.id),
    }),
  );
}

builder.mutationField('resetSecondFactor', (t) =>
  t.field({
    type: UserRef,
    description:
      "Removes a member's authenticator and recovery codes (a lost phone, or one set up by someone else). The member's agency admins, or network admins; in the member's security log, and the member is told by alert and e-mail.",
    authScopes: { role: 'AGENCY_ADMIN' },
    errors: { types: [ForbiddenError, NotFoundError, ConflictError], dataField: { name: 'user' } },
    args: { userId: t.arg.globalID({ for: UserRef }) },
    resolve: (_parent, { userId }, context) =>
      resetMemberSecondFactor(signedInViewer(context), userId.id, context.clientAddress),
  }),
);

const UpdateProfileInput = builder.inputType('UpdateProfileInput', {
  fields: (t) => ({
    displayName: t.string({ required: false, validate: displayNameSchema.optional() }),
    locale: t.field({
      type: LocaleEnum,
      required: false,
      description: 'null: follow the Accept-Language header.',
    }),
  }),
});

builder.mutationField('updateProfile', (t) =>
  t.field({
    type: UserRef,
    description: 'Changes your own display name or preferred locale.',
    authScopes: { signedIn: true },
    errors: { dataField: { name: 'user' } },
    args: { input: t.arg({ type: UpdateProfileInput }) },
    resolve: async (_parent, { input }, context) => {
      return updateOwnProfile(signedInViewer(context), input);
    },
  }),
);

builder.mutationField('changePassword', (t) =>
  t.field({
    type: UserRef,
    description:
      'Changes your password; your other sessions end. Wrong current passwords count towards the sign-in lockout.',
    authScopes: { signedIn: true },
    errors: { types: [RateLimitedError], dataField: { name: 'user' } },
    args: {
      currentPassword: t.arg.string({ validate: z.string().max(1000) }),
      newPassword: t.arg.string({ validate: newPasswordSchema }),
    },
    resolve: async (_parent, args, context) => {
      return changePassword(
        signedInViewer(context),
        args.currentPassword,
        args.newPassword,
        context.clientAddress,
      );
    },
  }),
);
