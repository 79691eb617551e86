import { z } from 'zod';
import { isUniqueViolation, prisma } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type { IdentityMatch, IdentityProvider } from '../../generated/prisma/client.js';
import { Role } from '../../generated/prisma/enums.js';
import { sealSecret } from '../../sealed-secrets.js';
import { normaliseEmail } from '../auth/auth.service.js';
import { mayGrantRoles } from '../auth/roles.js';
import { recordSecurityEvent } from '../auth/security-log.js';
import type { Viewer } from '../auth/viewer.js';
import { userVisibilityWhere } from '../users/user.access.js';
import { createProvisionedUser } from '../users/user.service.js';
import { identityProviderVisibilityWhere } from './identity-provider.access.js';
import { issuerProblem } from './oidc-client.js';

// An agency's OpenID Connect providers, configured by its admins, and who a provider's answer
// signs in. Whoever runs a provider (an agency admin registers it, and its directory answers
// whatever claims its operator likes) must never become someone else, so:
// - a provider signs in only an account whose link to its subject is confirmed: confirmed by the
//   account's owner proving their password or second factor once, at the first single sign-on
//   (identity-link.service.ts), or made with the account when the provider created it just in
//   time. An admin's `linkUserIdentity`, or a matching verified e-mail address, only prepares a
//   link for the owner to confirm;
// - a provider never signs in an account holding a role an agency admin may not grant
//   (NETWORK_ADMIN), and reaches only accounts of its own agency;
// - roles are IPNet's: a provider grants none unless mapped, at creation only;
// - every link, unlink and first single sign-on is in the account's security log.

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

/**
 * Why a provider's name cannot be shown on the sign-in page, every agency's, or null: it may not
 * name another agency, in any of the network's languages, so that one agency cannot pass its
 * provider off as another's (the page also shows whose each provider is).
 */
async function nameProblem(name: string, agencyId: string): Promise<string | null> {
  const others = await prisma.agency.findMany({
    where: { id: { not: agencyId } },
    select: { nameEn: true, nameZhHans: true, nameZhHant: true, namePt: true },
  });
  const folded = name.toLocaleLowerCase('en');
  for (const agency of others) {
    const named = [agency.nameEn, agency.nameZhHans, agency.nameZhHant, agency.namePt].find(
      (other) => other && other.length >= 3 && folded.includes(other.toLocaleLowerCase('en')),
    );
    if (named) return `must not name another agency (${named})`;
  }
  return null;
}

async function checkInput(input: Partial<ProviderInput>, agencyId: string): Promise<void> {
  const named = input.name !== undefined ? await nameProblem(input.name, agencyId) : null;
  if (named) throw ValidationError.single(['input', 'name'], named);
  const problem = input.issuer !== undefined ? await issuerProblem(input.issuer) : null;
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
  await checkInput(input, agencyId);
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
  const provider = await managedProvider(viewer, id);
  await checkInput(input, provider.agencyId);
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

/** Who the provider is, as the security log and the sign-in page name it. */
export function providerLabel(provider: { name: string; agency: { nameEn: string } }): string {
  return `${provider.name} (${provider.agency.nameEn})`;
}

/** Whether an account with these roles may ever be signed in by a provider. */
export function providerMayReach(roles: readonly Role[]): boolean {
  return mayGrantRoles(AGENCY_ADMIN_ONLY, roles);
}

/** An agency admin's powers alone: what a provider's owner could have granted. */
const AGENCY_ADMIN_ONLY = {
  userId: '',
  agencyId: '',
  agencyRegions: [],
  roles: ['AGENCY_ADMIN'],
  email: '',
  locale: null,
  sessionId: '',
  sessionExpiresAt: new Date(0),
} as const satisfies Viewer;

/**
 * Prepares a link from an account of the provider's agency to its subject at the provider: it
 * signs the account in only after the owner confirms it at their first single sign-on with their
 * password or second factor. Changing the subject of a confirmed link prepares it again.
 */
export async function linkUserIdentity(
  viewer: Viewer,
  providerId: string,
  userId: string,
  subject: string,
  ipAddress: string,
): Promise<void> {
  const provider = await managedProvider(viewer, providerId);
  const user = await prisma.user.findFirst({
    where: { id: userId, agencyId: provider.agencyId, AND: [userVisibilityWhere(viewer)] },
    select: { id: true, roles: true },
  });
  if (!user) throw new NotFoundError('user');
  if (!providerMayReach(user.roles)) {
    throw new ForbiddenError('A provider never signs in a network administrator.');
  }
  const label = providerLabel(await providerWithAgency(providerId));
  try {
    await prisma.$transaction(async (tx) => {
      await tx.userIdentity.upsert({
        where: { providerId_userId: { providerId, userId } },
        create: { providerId, userId, subject, preparedById: viewer.userId },
        update: { subject, preparedById: viewer.userId, confirmedAt: null, lastSignInAt: null },
      });
      await recordSecurityEvent(
        {
          userId,
          kind: 'IDENTITY_LINK_PREPARED',
          actorId: viewer.userId,
          provider: label,
          ipAddress,
        },
        tx,
      );
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError('That subject is already linked to another account.');
    }
    throw error;
  }
}

/**
 * Removes an account's link to a provider: by the account's owner, or by an admin of the
 * provider's agency.
 */
export async function unlinkUserIdentity(
  viewer: Viewer,
  providerId: string,
  userId: string,
  ipAddress: string,
): Promise<void> {
  const own = userId === viewer.userId;
  const identity = await prisma.userIdentity.findFirst({
    where: {
      providerId,
      userId,
      user: userVisibilityWhere(viewer),
      ...(own ? {} : { provider: identityProviderVisibilityWhere(viewer) }),
    },
    include: { provider: { include: { agency: { select: { nameEn: true } } } } },
  });
  if (!identity) throw new NotFoundError('link');
  await prisma.$transaction([
    prisma.userIdentity.delete({ where: { id: identity.id } }),
    recordSecurityEvent({
      userId,
      kind: 'IDENTITY_UNLINKED',
      actorId: own ? null : viewer.userId,
      provider: providerLabel(identity.provider),
      ipAddress,
    }),
  ]);
}

function providerWithAgency(id: string) {
  return prisma.identityProvider.findUniqueOrThrow({
    where: { id },
    include: { agency: { select: { nameEn: true } } },
  });
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

/** What a provider's answer leads to. */
export type ProviderAnswer =
  /** A confirmed link (or an account created just now): the account, signed in. */
  | { signIn: string }
  /** A link awaiting its owner's proof (identity-link.service.ts). */
  | { confirmLink: string };

type ProviderWithAgency = IdentityProvider & { agency: { nameEn: string } };

/** Refuses accounts a provider may not sign in: deactivated, another agency's, a network admin's. */
function assertReachable(
  provider: IdentityProvider,
  user: { active: boolean; agencyId: string; roles: Role[] },
): void {
  if (!user.active || user.agencyId !== provider.agencyId) {
    throw new ProviderRefusal('inactive', 'the account is deactivated or of another agency');
  }
  if (!providerMayReach(user.roles)) {
    throw new ProviderRefusal('no-account', 'a provider never signs in a network administrator');
  }
}

/** The account a provider's answer signs in, or the link its owner must confirm first. */
export async function accountForClaims(
  provider: ProviderWithAgency,
  claims: ProviderClaims,
  ipAddress: string,
): Promise<ProviderAnswer> {
  const now = new Date();
  const label = providerLabel(provider);
  const linked = await prisma.userIdentity.findUnique({
    where: { providerId_subject: { providerId: provider.id, subject: claims.sub } },
    include: { user: { select: { id: true, active: true, agencyId: true, roles: true } } },
  });
  if (linked) {
    assertReachable(provider, linked.user);
    if (!linked.confirmedAt) return { confirmLink: linked.id };
    await prisma.$transaction([
      prisma.userIdentity.update({ where: { id: linked.id }, data: { lastSignInAt: now } }),
      ...(linked.lastSignInAt
        ? []
        : [
            recordSecurityEvent({
              userId: linked.userId,
              kind: 'FIRST_SINGLE_SIGN_ON',
              provider: label,
              ipAddress,
            }),
          ]),
    ]);
    return { signIn: linked.user.id };
  }
  const verifiedEmail =
    typeof claims.email === 'string' && claims.email_verified === true
      ? normaliseEmail(claims.email)
      : null;
  if (provider.matchBy === 'EMAIL' && verifiedEmail) {
    const user = await prisma.user.findFirst({
      where: { email: verifiedEmail, agencyId: provider.agencyId },
      select: { id: true, active: true, agencyId: true, roles: true },
    });
    if (user) {
      assertReachable(provider, user);
      const existing = await prisma.userIdentity.findUnique({
        where: { providerId_userId: { providerId: provider.id, userId: user.id } },
      });
      // The account is linked to another subject of this provider, confirmed by its owner.
      if (existing?.confirmedAt) throw new ProviderRefusal('no-account', 'linked elsewhere');
      // A link waiting for its owner: this answer's subject is the one to confirm.
      const pending = existing
        ? await prisma.userIdentity.update({
            where: { id: existing.id },
            data: { subject: claims.sub },
          })
        : await prisma.userIdentity.create({
            data: { providerId: provider.id, subject: claims.sub, userId: user.id },
          });
      return { confirmLink: pending.id };
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
  ].filter((role) => providerMayReach([role]));
  if (roles.length === 0) throw new ProviderRefusal('no-role', 'no role is mapped for this person');
  try {
    const user = await prisma.$transaction(async (tx) => {
      const created = await createProvisionedUser(tx, {
        email: verifiedEmail,
        displayName:
          typeof claims.name === 'string' && claims.name.trim()
            ? claims.name.trim().slice(0, 120)
            : verifiedEmail,
        roles,
        agencyId: provider.agencyId,
        identity: { providerId: provider.id, subject: claims.sub, at: now },
      });
      for (const kind of ['IDENTITY_LINKED', 'FIRST_SINGLE_SIGN_ON'] as const) {
        await recordSecurityEvent({ userId: created.id, kind, provider: label, ipAddress }, tx);
      }
      return created;
    });
    return { signIn: user.id };
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ProviderRefusal('address-in-use', 'the address is another account’s');
    }
    throw error;
  }
}
