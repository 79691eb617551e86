import type { Viewer } from '../../context.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { isNetworkAdmin } from '../auth/roles.js';

/**
 * The one rule for who may see which user, as a Prisma filter that every read path applies
 * (lists, `node(id:)`, `me`, nested relations, counts): network admins see everyone; everybody
 * else sees the people of their own agency. Anonymous callers see nobody.
 */
export function userVisibilityWhere(viewer: Viewer | null): Prisma.UserWhereInput {
  if (!viewer) return { id: { in: [] } };
  if (isNetworkAdmin(viewer)) return {};
  return { agencyId: viewer.agencyId };
}
