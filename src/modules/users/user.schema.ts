import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { Role } from '../../generated/prisma/enums.js';
import { AgencyRef } from '../agencies/agency.schema.js';
import { isLocale } from '../i18n/locale.js';
import { LocaleEnum } from '../i18n/locale.schema.js';
import { userVisibilityWhere } from './user.access.js';
import {
  changePassword,
  createUser,
  deactivateUser,
  reactivateUser,
  setUserRoles,
  updateOwnProfile,
} from './user.service.js';
import {
  displayNameSchema,
  emailSchema,
  localeSchema,
  newPasswordSchema,
  rolesSchema,
} from './user.validation.js';

export const RoleEnum = builder.enumType(Role, { name: 'Role' });

export const UserRef = builder.prismaNode('User', {
  id: { field: 'id' },
  authScopes: { signedIn: true },
  // node(id:) applies the same visibility rule as every list of users.
  findUnique: (id, context) => ({ id, AND: [userVisibilityWhere(context.viewer)] }),
  fields: (t) => ({
    email: t.exposeString('email'),
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
    resolve: (query, _parent, _args, context) =>
      context.viewer
        ? prisma.user.findUnique({ ...query, where: { id: context.viewer.userId } })
        : null,
  }),
);

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    agencyId: t.globalID({
      for: AgencyRef,
      required: false,
      description: 'Defaults to your own agency.',
    }),
    email: t.string({ validate: emailSchema }),
    displayName: t.string({ validate: displayNameSchema }),
    password: t.string({ description: 'At least 12 characters.', validate: newPasswordSchema }),
    roles: t.field({ type: [RoleEnum], validate: rolesSchema }),
    locale: t.field({ type: LocaleEnum, required: false, validate: localeSchema.nullish() }),
  }),
});

builder.mutationField('createUser', (t) =>
  t.prismaField({
    type: 'User',
    description: 'Creates a user. Agency admins create users of their own agency.',
    authScopes: { $any: { role: 'AGENCY_ADMIN', networkAdmin: true } },
    errors: { types: [ConflictError, ForbiddenError, NotFoundError], dataField: { name: 'user' } },
    args: { input: t.arg({ type: CreateUserInput }) },
    resolve: async (query, _parent, { input }, context) => {
      // biome-ignore lint/style/noNonNullAssertion: authScopes guarantee a viewer
      const actor = context.viewer!;
      const created = await createUser(actor, {
        ...input,
        agencyId: input.agencyId?.id ?? actor.agencyId,
        roles: input.roles as Role[],
      });
      return prisma.user.findUniqueOrThrow({ ...query, where: { id: created.id } });
    },
  }),
);

builder.mutationField('setUserRoles', (t) =>
  t.prismaField({
    type: 'User',
    description: 'Replaces the roles of a user of your agency.',
    authScopes: { $any: { role: 'AGENCY_ADMIN', networkAdmin: true } },
    errors: { types: [ForbiddenError, NotFoundError], dataField: { name: 'user' } },
    args: {
      userId: t.arg.globalID({ for: UserRef }),
      roles: t.arg({ type: [RoleEnum], validate: rolesSchema }),
    },
    resolve: async (query, _parent, { userId, roles }, context) => {
      // biome-ignore lint/style/noNonNullAssertion: authScopes guarantee a viewer
      const user = await setUserRoles(context.viewer!, userId.id, roles as Role[]);
      return prisma.user.findUniqueOrThrow({ ...query, where: { id: user.id } });
    },
  }),
);

builder.mutationField('deactivateUser', (t) =>
  t.prismaField({
    type: 'User',
    description: 'Deactivates a user of your agency; their sessions end at once.',
    authScopes: { $any: { role: 'AGENCY_ADMIN', networkAdmin: true } },
    errors: { types: [ForbiddenError, NotFoundError], dataField: { name: 'user' } },
    args: { userId: t.arg.globalID({ for: UserRef }) },
    resolve: async (query, _parent, { userId }, context) => {
      // biome-ignore lint/style/noNonNullAssertion: authScopes guarantee a viewer
      const user = await deactivateUser(context.viewer!, userId.id);
      return prisma.user.findUniqueOrThrow({ ...query, where: { id: user.id } });
    },
  }),
);

builder.mutationField('reactivateUser', (t) =>
  t.prismaField({
    type: 'User',
    description: 'Lets a deactivated user of your agency sign in again.',
    authScopes: { $any: { role: 'AGENCY_ADMIN', networkAdmin: true } },
    errors: { types: [ForbiddenError, NotFoundError], dataField: { name: 'user' } },
    args: { userId: t.arg.globalID({ for: UserRef }) },
    resolve: async (query, _parent, { userId }, context) => {
      // biome-ignore lint/style/noNonNullAssertion: authScopes guarantee a viewer
      const user = await reactivateUser(context.viewer!, userId.id);
      return prisma.user.findUniqueOrThrow({ ...query, where: { id: user.id } });
    },
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
  t.prismaField({
    type: 'User',
    description: 'Changes your own display name or preferred locale.',
    authScopes: { signedIn: true },
    errors: { dataField: { name: 'user' } },
    args: { input: t.arg({ type: UpdateProfileInput }) },
    resolve: async (query, _parent, { input }, context) => {
      // biome-ignore lint/style/noNonNullAssertion: authScopes guarantee a viewer
      const user = await updateOwnProfile(context.viewer!, input);
      return prisma.user.findUniqueOrThrow({ ...query, where: { id: user.id } });
    },
  }),
);

builder.mutationField('changePassword', (t) =>
  t.prismaField({
    type: 'User',
    description: 'Changes your password; your other sessions end.',
    authScopes: { signedIn: true },
    errors: { dataField: { name: 'user' } },
    args: {
      currentPassword: t.arg.string(),
      newPassword: t.arg.string({ validate: newPasswordSchema }),
    },
    resolve: async (query, _parent, args, context) => {
      // biome-ignore lint/style/noNonNullAssertion: authScopes guarantee a viewer
      const user = await changePassword(context.viewer!, args.currentPassword, args.newPassword);
      return prisma.user.findUniqueOrThrow({ ...query, where: { id: user.id } });
    },
  }),
);
