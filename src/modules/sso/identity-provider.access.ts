import type { Prisma } from '../../generated/prisma/client.js';
import { hasRole, isNetworkAdmin } from '../auth/roles.js';
import type { Viewer } from '../auth/viewer.js';

/**
 * THE rule for identity providers: an agency's admins see and change their agency's providers;
 * nobody else does (network admins of other agencies included), and no API credential does.
 * Signing in names enabled providers only by name (`signInProviders`).
 */
export function identityProviderVisibilityWhere(
  viewer: Viewer | null,
): Prisma.IdentityProviderWhereInput {
  if (!viewer || viewer.credential || !hasRole(viewer, 'AGENCY_ADMIN')) return { id: { in: [] } };
  return { agencyId: viewer.agencyId };
}

/**
 * The providers anyone may sign in with, signed in or not: the enabled ones. Only their names
 * and where to start are shown (`signInProviders`); signing in starts and ends with them only.
 */
export const signInProviderWhere = {
  enabled: true,
} as const satisfies Prisma.IdentityProviderWhereInput;

/**
 * THE rule for an account's links to providers: the account itself, and those who manage it
 * (its agency's admins, network admins). No API credential.
 */
export function identityLinkVisibilityWhere(viewer: Viewer | null): Prisma.UserIdentityWhereInput {
  if (!viewer || viewer.credential) return { id: { in: [] } };
  if (isNetworkAdmin(viewer)) return {};
  if (hasRole(viewer, 'AGENCY_ADMIN')) {
    return { OR: [{ userId: viewer.userId }, { user: { agencyId: viewer.agencyId } }] };
  }
  return { userId: viewer.userId };
}
