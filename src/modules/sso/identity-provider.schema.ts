import { encodeGlobalID } from '@pothos/plugin-relay';
import { z } from 'zod';
import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '../../errors.js';
import { IdentityMatch } from '../../generated/prisma/enums.js';
import { publicUrl } from '../../public-url.js';
import { SecondFactorRequiredError, SignInChallengeExpiredError } from '../auth/auth.errors.js';
import { openSession, SignInPayload, signInMeta } from '../auth/auth.schema.js';
import { localizedName } from '../i18n/locale.js';
import { userVisibilityWhere } from '../users/user.access.js';
import { RoleEnum, UserRef } from '../users/user.schema.js';
import { confirmIdentityLink, liveLinkChallenge } from './identity-link.service.js';
import {
  identityLinkVisibilityWhere,
  identityProviderVisibilityWhere,
  signInProviderWhere,
} from './identity-provider.access.js';
import {
  createIdentityProvider,
  deleteIdentityProvider,
  linkUserIdentity,
  providerLabel,
  type RoleMapping,
  roleMappingSchema,
  unlinkUserIdentity,
  updateIdentityProvider,
} from './identity-provider.service.js';

// Single sign-on in the API: an agency admin's providers, and the names the sign-in page offers.

const IdentityMatchEnum = builder.enumType(IdentityMatch, { name: 'IdentityMatch' });

const RoleMappingRef = builder.objectRef<RoleMapping>('RoleMapping').implement({
  description: 'A role granted to an account created at sign-in whose claim holds the value.',
  fields: (t) => ({
    claim: t.exposeString('claim', {
      description: 'e.g. `groups` or `realm_access.roles` flattened by the provider.',
    }),
    value: t.exposeString('value'),
    role: t.expose('role', { type: RoleEnum }),
  }),
});

const startPath = (id: string) => `/auth/oidc/${id}/start`;

export const IdentityProviderRef = builder.prismaNode('IdentityProvider', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { role: 'AGENCY_ADMIN' },
  findUnique: (id, context) => ({ id, AND: [identityProviderVisibilityWhere(context.viewer)] }),
  description:
    'An OpenID Connect provider of your agency (Keycloak, Entra ID, a government IdP). Agency admins only.',
  fields: (t) => ({
    name: t.exposeString('name'),
    issuer: t.exposeString('issuer'),
    clientId: t.exposeString('clientId'),
    hasClientSecret: t.boolean({
      description: 'Whether a client secret is set (it is never shown).',
      resolve: (provider) => provider.clientSecret !== null,
    }),
    scopes: t.exposeString('scopes'),
    matchBy: t.expose('matchBy', { type: IdentityMatchEnum }),
    createAccounts: t.exposeBoolean('createAccounts'),
    accountRoles: t.expose('accountRoles', { type: [RoleEnum] }),
    roleMappings: t.field({
      type: [RoleMappingRef],
      resolve: (provider) => {
        const parsed = roleMappingSchema.safeParse(provider.roleMappings);
        return parsed.success ? parsed.data : [];
      },
    }),
    enabled: t.exposeBoolean('enabled'),
    redirectUri: t.string({
      nullable: true,
      description:
        'To register at the provider as the redirect URI (null until PUBLIC_URL is known).',
      resolve: () => {
        const base = publicUrl();
        return base ? `${base}/auth/oidc/callback` : null;
      },
    }),
    signInPath: t.string({
      description: 'Where a browser starts signing in with it.',
      resolve: (provider) => startPath(provider.id),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('identityProviders', (t) =>
  t.prismaField({
    type: ['IdentityProvider'],
    authScopes: { role: 'AGENCY_ADMIN' },
    description: "Your agency's identity providers.",
    resolve: (query, _parent, _args, context) =>
      prisma.identityProvider.findMany({
        ...query,
        where: identityProviderVisibilityWhere(context.viewer),
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      }),
  }),
);

interface SignInProviderShape {
  id: string;
  name: string;
  agency: { nameEn: string; nameZhHans: string; nameZhHant: string; namePt: string | null };
}

const SignInProvider = builder.objectRef<SignInProviderShape>('SignInProvider').implement({
  description: 'A way to sign in offered on the sign-in page: a name and where to start.',
  fields: (t) => ({
    name: t.exposeString('name'),
    agencyName: t.string({
      resolve: (p, _args, context) => localizedName(p.agency, context.locale),
    }),
    signInPath: t.string({ resolve: (p) => startPath(p.id) }),
  }),
});

builder.queryField('signInProviders', (t) =>
  t.field({
    type: [SignInProvider],
    description:
      'The enabled single sign-on providers, by name, for the sign-in page (no session needed).',
    resolve: () =>
      prisma.identityProvider.findMany({
        where: signInProviderWhere,
        select: {
          id: true,
          name: true,
          agency: { select: { nameEn: true, nameZhHans: true, nameZhHant: true, namePt: true } },
        },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      }),
  }),
);

const RoleMappingInput = builder.inputType('RoleMappingInput', {
  fields: (t) => ({
    claim: t.string(),
    value: t.string(),
    role: t.field({ type: RoleEnum }),
  }),
});

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: 'is required' })
    .max(max, { error: `must be at most ${max} characters long` });

const IdentityProviderInput = builder.inputType('IdentityProviderInput', {
  fields: (t) => ({
    name: t.string({
      description: 'Shown on the sign-in page; unique in your agency.',
      validate: text(100),
    }),
    issuer: t.string({
      description: 'The issuer URL (its /.well-known/openid-configuration is read).',
      validate: text(500),
    }),
    clientId: t.string({ validate: text(200) }),
    clientSecret: t.string({
      required: false,
      description:
        'Kept sealed; on update, leave it out to keep the current one (null removes it).',
      validate: z.string().max(500).nullable().optional(),
    }),
    scopes: t.string({
      required: false,
      defaultValue: 'openid email profile',
      validate: text(300),
    }),
    matchBy: t.field({ type: IdentityMatchEnum, required: false, defaultValue: 'EMAIL' }),
    createAccounts: t.boolean({
      required: false,
      defaultValue: false,
      description:
        'Create an account at a first sign-in that matches none (verified e-mail needed). Off unless set.',
    }),
    accountRoles: t.field({ type: [RoleEnum], required: false, defaultValue: [] }),
    roleMappings: t.field({
      type: [RoleMappingInput],
      required: false,
      defaultValue: [],
      validate: roleMappingSchema,
    }),
    enabled: t.boolean({ required: false, defaultValue: true }),
  }),
});

type Input = typeof IdentityProviderInput.$inferInput;

function providerInput(input: Input) {
  return {
    name: input.name.trim(),
    issuer: input.issuer.trim(),
    clientId: input.clientId.trim(),
    clientSecret: input.clientSecret ?? null,
    scopes: (input.scopes ?? 'openid email profile').trim(),
    matchBy: input.matchBy ?? 'EMAIL',
    createAccounts: input.createAccounts ?? false,
    accountRoles: [...new Set(input.accountRoles ?? [])],
    roleMappings: (input.roleMappings ?? []) as RoleMapping[],
    enabled: input.enabled ?? true,
  };
}

builder.mutationField('createIdentityProvider', (t) =>
  t.field({
    type: IdentityProviderRef,
    authScopes: { role: 'AGENCY_ADMIN' },
    description: 'Adds an OpenID Connect provider for your agency.',
    errors: { types: [ConflictError, ValidationError], dataField: { name: 'identityProvider' } },
    args: { input: t.arg({ type: IdentityProviderInput }) },
    resolve: (_parent, { input }, context) =>
      createIdentityProvider(signedInViewer(context), providerInput(input)),
  }),
);

builder.mutationField('updateIdentityProvider', (t) =>
  t.field({
    type: IdentityProviderRef,
    authScopes: { role: 'AGENCY_ADMIN' },
    description: 'Replaces a provider’s settings (the client secret stays unless given).',
    errors: {
      types: [NotFoundError, ConflictError, ValidationError],
      dataField: { name: 'identityProvider' },
    },
    args: {
      id: t.arg.globalID({ for: IdentityProviderRef }),
      input: t.arg({ type: IdentityProviderInput }),
    },
    resolve: (_parent, { id, input }, context) => {
      const { clientSecret, ...rest } = providerInput(input);
      return updateIdentityProvider(signedInViewer(context), id.id, {
        ...rest,
        ...(input.clientSecret !== undefined ? { clientSecret } : {}),
      });
    },
  }),
);

builder.mutationField('deleteIdentityProvider', (t) =>
  t.field({
    type: 'Boolean',
    authScopes: { role: 'AGENCY_ADMIN' },
    description:
      'Removes a provider and the links of accounts to it; sessions it opened stay until they end.',
    errors: { types: [NotFoundError], dataField: { name: 'deleted' } },
    args: { id: t.arg.globalID({ for: IdentityProviderRef }) },
    resolve: async (_parent, { id }, context) => {
      await deleteIdentityProvider(signedInViewer(context), id.id);
      return true;
    },
  }),
);

builder.mutationField('linkUserIdentity', (t) =>
  t.field({
    type: UserRef,
    authScopes: { role: 'AGENCY_ADMIN' },
    description:
      "Prepares a link from an account of your agency to its subject (`sub`) at a provider: how providers that match by SUBJECT find it. The link signs the account in only once its owner confirms it at their first single sign-on with their password or second factor; it is in the account's security log. Never for a network administrator.",
    errors: { types: [NotFoundError, ConflictError, ForbiddenError], dataField: { name: 'user' } },
    args: {
      providerId: t.arg.globalID({ for: IdentityProviderRef }),
      userId: t.arg.globalID({ for: UserRef }),
      subject: t.arg.string({ validate: text(255) }),
    },
    resolve: async (_parent, args, context) => {
      const viewer = signedInViewer(context);
      await linkUserIdentity(
        viewer,
        args.providerId.id,
        args.userId.id,
        args.subject.trim(),
        context.clientAddress,
      );
      return prisma.user.findFirstOrThrow({
        where: { id: args.userId.id, AND: [userVisibilityWhere(viewer)] },
      });
    },
  }),
);

builder.mutationField('unlinkUserIdentity', (t) =>
  t.field({
    type: UserRef,
    authScopes: { signedIn: true },
    description:
      "Removes an account's link to a provider: your own, or, as an admin of the provider's agency, a member's. In the account's security log.",
    errors: { types: [NotFoundError], dataField: { name: 'user' } },
    args: {
      providerId: t.arg.globalID({ for: IdentityProviderRef }),
      userId: t.arg.globalID({ for: UserRef }),
    },
    resolve: async (_parent, args, context) => {
      const viewer = signedInViewer(context);
      await unlinkUserIdentity(viewer, args.providerId.id, args.userId.id, context.clientAddress);
      return prisma.user.findFirstOrThrow({
        where: { id: args.userId.id, AND: [userVisibilityWhere(viewer)] },
      });
    },
  }),
);

interface IdentityLinkShape {
  providerId: string;
  provider: string;
  confirmed: boolean;
  createdAt: Date;
  lastSignInAt: Date | null;
}

const IdentityLinkRef = builder.objectRef<IdentityLinkShape>('IdentityLink').implement({
  description: 'A link from an account to its subject at an identity provider.',
  fields: (t) => ({
    providerId: t.id({
      description: 'The provider, for `unlinkUserIdentity`.',
      resolve: (link) => encodeGlobalID('IdentityProvider', link.providerId),
    }),
    provider: t.exposeString('provider', { description: 'The provider, as "name (agency)".' }),
    confirmed: t.exposeBoolean('confirmed', {
      description:
        'Whether it signs the account in: confirmed by the owner at their first single sign-on (or made when the provider created the account).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastSignInAt: t.expose('lastSignInAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.objectField(UserRef, 'identityLinks', (t) =>
  t.field({
    type: [IdentityLinkRef],
    description:
      "The account's links to identity providers: shown to the account itself and to those who manage it; empty to others.",
    resolve: async (user, _args, context) => {
      const links = await prisma.userIdentity.findMany({
        where: { userId: user.id, AND: [identityLinkVisibilityWhere(context.viewer)] },
        include: { provider: { include: { agency: { select: { nameEn: true } } } } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return links.map((link) => ({
        providerId: link.providerId,
        provider: providerLabel(link.provider),
        confirmed: link.confirmedAt !== null,
        createdAt: link.createdAt,
        lastSignInAt: link.lastSignInAt,
      }));
    },
  }),
);

const IdentityLinkChallengeRef = builder
  .objectRef<{ provider: string; email: string; password: boolean; code: boolean }>(
    'IdentityLinkChallenge',
  )
  .implement({
    description:
      'A first single sign-on waiting for the account owner to confirm the link, as the console shows it.',
    fields: (t) => ({
      provider: t.exposeString('provider', { description: 'The provider, as "name (agency)".' }),
      email: t.exposeString('email', { description: 'The IPNet account the provider named.' }),
      password: t.exposeBoolean('password', {
        description: 'Whether the account has a password to confirm with.',
      }),
      code: t.exposeBoolean('code', {
        description: 'Whether the account has a second factor to confirm with.',
      }),
    }),
  });

builder.queryField('identityLinkChallenge', (t) =>
  t.field({
    type: IdentityLinkChallengeRef,
    nullable: true,
    description:
      'What a link confirmation (the `#link-account/<challenge>` step after single sign-on) is about; null once it has expired or was used.',
    args: { challenge: t.arg.string({ validate: z.string().max(200) }) },
    resolve: async (_parent, args) => {
      try {
        const { identity } = await liveLinkChallenge(args.challenge);
        return {
          provider: providerLabel(identity.provider),
          email: identity.user.email,
          password: identity.user.passwordSignIn,
          code: identity.user.totpConfirmedAt !== null,
        };
      } catch (error) {
        if (error instanceof SignInChallengeExpiredError) return null;
        throw error;
      }
    },
  }),
);

builder.mutationField('confirmIdentityLink', (t) =>
  t.field({
    type: SignInPayload,
    description:
      "Confirms, at a first single sign-on, that the account the provider named is yours: with the account's password (a second factor is then asked as at any sign-in) or a code of its second factor. From then on the provider signs you in. Wrong answers count towards the sign-in lockout.",
    errors: {
      types: [
        SignInChallengeExpiredError,
        ValidationError,
        RateLimitedError,
        SecondFactorRequiredError,
      ],
      dataField: { name: 'session' },
    },
    args: {
      challenge: t.arg.string(),
      password: t.arg.string({ required: false }),
      code: t.arg.string({ required: false }),
    },
    validate: z
      .object({
        challenge: z.string().min(1).max(200),
        password: z.string().max(1000).nullish(),
        code: z.string().trim().max(40).nullish(),
      })
      .refine((args) => Boolean(args.password) !== Boolean(args.code), {
        error: 'give your password or a code of your second factor (one of them)',
      }),
    resolve: async (_parent, args, context) =>
      openSession(
        context,
        await confirmIdentityLink(
          args.challenge,
          { password: args.password, code: args.code },
          signInMeta(context),
        ),
      ),
  }),
);
