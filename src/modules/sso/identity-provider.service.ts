import { z } from 'zod';
import type { Viewer } from '../../context.js';
import { isUniqueViolation, prisma } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { IdentityMatch, IdentityProvider } from '../../generated/prisma/client.js';
import { Role } from '../../generated/prisma/enums.js';
import { sealSecret } from '../../sealed-secrets.js';
import { normaliseEmail } from '../auth/auth.service.js';
import { hashPassword } from '../auth/password.js';
import { randomToken } from '../auth/secret-token.js';
import { identityProviderVisibilityWhere } from './identity-provider.access.js';
import { issuerProblem } from './oidc-client.js';

// An agency's OpenID Connect providers, configured by its admins, and who a provider's answer
// signs in: the account linked to its subject; else, when the provider matches by e-mail, the
// agency's account with that verified address (then linked); else, when it creates accounts, a
// new account of the agency with the provider's roles mapping. Only accounts of the provider's
// own agency are ever reached. Roles are IPNet's: a provider grants none unless mapped.

export const roleMappingSchema = z.array(
  z.object({
    claim: z.string().trim().min(1).max(100),
    value: z.string().trim().min(1).max(200),
    role: z.enum(Role).refine((role) => role !== 'NETWORK_ADMIN', {
      error: 'NETWORK_ADMIN is never granted by a provider',
    }),
  }),
);
export type RoleMapping = z.infer<typeof roleMappingSchema>[number];

export interface ProviderInput {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  scopes: string;
  matchBy: IdentityMatch;
  createAccounts: boolean;
  accountRoles: Role[];
  roleMappings: RoleMapping[];
  enabled: boolean;
}

function checkInput(input: Partial<ProviderInput>): void {
  const problem = input.issuer !== undefined ? issuerProblem(input.issuer) : null;
  if (problem) throw ValidationError.single(['input', 'issuer'], problem);
  if (input.accountRoles?.includes('NETWORK_ADMIN')) {
    throw ValidationError.single(
      ['input', 'accountRoles'],
      'NETWORK_ADMIN is never granted by a provider',
    );
  }
  if (input.scopes !== undefined && !input.scopes.split(/\s+/).includes('openid')) {
    throw ValidationError.single(['input', 'scopes'], 'must include openid');
  }
}

/** A provider for the admin's own agency. */
export async function createIdentityProvider(
  viewer: Viewer,
  input: ProviderInput,
): Promise<IdentityProvider> {
  const { agencyId } = viewer;
  checkInput(input);
  try {
    return await prisma.identityProvider.create({
      data: {
        ...input,
        agencyId,
        clientSecret: input.clientSecret
          ? sealSecret(input.clientSecret, 'provider-secrets')
          : null,
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(`Your agency already has a provider named ${input.name}.`);
    }
    throw error;
  }
}

/** A provider the viewer manages, or NotFound. */
async function managedProvider(viewer: Viewer, id: string): Promise<IdentityProvider> {
  const provider = await prisma.identityProvider.findFirst({
    where: { id, AND: [identityProviderVisibilityWhere(viewer)] },
  });
  if (!provider) throw new NotFoundError('identity provider');
  return provider;
}

export async function updateIdentityProvider(
  viewer: Viewer,
  id: string,
  input: Partial<ProviderInput>,
): Promise<IdentityProvider> {
  await managedProvider(viewer, id);
  checkInput(input);
  const { clientSecret, ...rest } = input;
  try {
    return await prisma.identityProvider.update({
      where: { id },
      data: {
        ...rest,
        ...(clientSecret !== undefined
          ? { clientSecret: clientSecret ? sealSecret(clientSecret, 'provider-secrets') : null }
          : {}),
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(`Your agency already has a provider named ${input.name}.`);
    }
    throw error;
  }
}

export async function deleteIdentityProvider(viewer: Viewer, id: string): Promise<void> {
  await managedProvider(viewer, id);
  await prisma.identityProvider.delete({ where: { id } });
}

/** Links an account of the provider's agency to a subject (for providers that match by subject). */
export async function linkUserIdentity(
  viewer: Viewer,
  providerId: string,
  userId: string,
  subject: string,
): Promise<void> {
  const provider = await managedProvider(viewer, providerId);
  const user = await prisma.user.findFirst({
    where: { id: userId, agencyId: provider.agencyId },
    select: { id: true },
  });
  if (!user) throw new NotFoundError('user');
  try {
    await prisma.userIdentity.upsert({
      where: { providerId_userId: { providerId, userId } },
      create: { providerId, userId, subject },
      update: { subject },
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError('That subject is already linked to another account.');
    }
    throw error;
  }
}

/** Claims of a validated ID token (and userinfo) that matching reads. */
export interface ProviderClaims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  [claim: string]: unknown;
}

/** Why a provider's answer signs nobody in, said to the person in general words. */
export class ProviderRefusal extends Error {
  constructor(
    readonly reason: 'no-account' | 'inactive' | 'no-role' | 'address-in-use',
    detail: string,
  ) {
    super(detail);
  }
}

function claimHolds(claims: ProviderClaims, mapping: RoleMapping): boolean {
  const value = claims[mapping.claim];
  return Array.isArray(value) ? value.includes(mapping.value) : value === mapping.value;
}

/** The account a provider's answer signs in (linking or creating it as configured). */
export async function accountForClaims(
  provider: IdentityProvider,
  claims: ProviderClaims,
): Promise<string> {
  const now = new Date();
  const linked = await prisma.userIdentity.findUnique({
    where: { providerId_subject: { providerId: provider.id, subject: claims.sub } },
    include: { user: { select: { id: true, active: true, agencyId: true } } },
  });
  if (linked) {
    if (!linked.user.active || linked.user.agencyId !== provider.agencyId) {
      throw new ProviderRefusal('inactive', 'the linked account is deactivated');
    }
    await prisma.userIdentity.update({ where: { id: linked.id }, data: { lastSignInAt: now } });
    return linked.user.id;
  }
  const verifiedEmail =
    typeof claims.email === 'string' && claims.email_verified === true
      ? normaliseEmail(claims.email)
      : null;
  if (provider.matchBy === 'EMAIL' && verifiedEmail) {
    const user = await prisma.user.findFirst({
      where: { email: verifiedEmail, agencyId: provider.agencyId },
      select: { id: true, active: true },
    });
    if (user) {
      if (!user.active) throw new ProviderRefusal('inactive', 'the account is deactivated');
      try {
        await prisma.userIdentity.create({
          data: {
            providerId: provider.id,
            subject: claims.sub,
            userId: user.id,
            lastSignInAt: now,
          },
        });
      } catch (error) {
        // The account is linked to another subject of this provider.
        if (isUniqueViolation(error)) throw new ProviderRefusal('no-account', 'linked elsewhere');
        throw error;
      }
      return user.id;
    }
  }
  if (!provider.createAccounts || !verifiedEmail) {
    throw new ProviderRefusal('no-account', 'no account of the agency matches');
  }
  if ((await prisma.user.count({ where: { email: verifiedEmail } })) > 0) {
    throw new ProviderRefusal('address-in-use', 'the address is another agency’s account');
  }
  const mappings = roleMappingSchema.safeParse(provider.roleMappings);
  const roles = [
    ...new Set([
      ...provider.accountRoles,
      ...(mappings.success ? mappings.data : [])
        .filter((mapping) => claimHolds(claims, mapping))
        .map((mapping) => mapping.role),
    ]),
  ].filter((role) => role !== 'NETWORK_ADMIN');
  if (roles.length === 0) throw new ProviderRefusal('no-role', 'no role is mapped for this person');
  try {
    const user = await prisma.user.create({
      data: {
        email: verifiedEmail,
        displayName:
          typeof claims.name === 'string' && claims.name.trim()
            ? claims.name.trim().slice(0, 120)
            : verifiedEmail,
        // Signs in through the provider only: its password is random and never asked for.
        passwordHash: await hashPassword(randomToken()),
        passwordSignIn: false,
        roles,
        agencyId: provider.agencyId,
        identities: { create: { providerId: provider.id, subject: claims.sub, lastSignInAt: now } },
      },
      select: { id: true },
    });
    return user.id;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ProviderRefusal('address-in-use', 'the address is another account’s');
    }
    throw error;
  }
}
