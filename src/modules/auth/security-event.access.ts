import type { Prisma } from '../../generated/prisma/client.js';
import type { Viewer } from './viewer.js';

/**
 * The one rule for an account's security log: its owner reads it, nobody else (not its admins,
 * not network admins: an admin's own actions on the account are in it, and the owner is who must
 * be able to tell). API credentials act for no person and read none.
 */
export function securityEventVisibilityWhere(
  viewer: Viewer | null,
): Prisma.SecurityEventWhereInput {
  if (!viewer || viewer.credential) return { id: { in: [] } };
  return { userId: viewer.userId };
}
