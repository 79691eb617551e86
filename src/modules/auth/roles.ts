import type { Role } from '../../generated/prisma/enums.js';
import type { Viewer } from './viewer.js';

// Role rules in one place. NETWORK_ADMIN runs the network and holds every other role.

export function isNetworkAdmin(viewer: Viewer | null): boolean {
  return viewer?.roles.includes('NETWORK_ADMIN') ?? false;
}

export function hasRole(viewer: Pick<Viewer, 'roles'> | null, role: Role): boolean {
  if (!viewer) return false;
  return viewer.roles.includes(role) || viewer.roles.includes('NETWORK_ADMIN');
}

/** Agency admins manage their own agency's users; network admins manage everyone's. */
export function mayManageUsersOf(viewer: Viewer | null, agencyId: string): boolean {
  if (!viewer) return false;
  if (isNetworkAdmin(viewer)) return true;
  return viewer.agencyId === agencyId && viewer.roles.includes('AGENCY_ADMIN');
}

/** Roles an actor may hand out: only network admins may make network admins. */
export function mayGrantRoles(viewer: Viewer | null, roles: readonly Role[]): boolean {
  if (!viewer) return false;
  return isNetworkAdmin(viewer) || !roles.includes('NETWORK_ADMIN');
}
