import type { Context } from '../../context.js';
import { prisma } from '../../db.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { isNetworkAdmin } from '../auth/roles.js';
import type { Viewer } from '../auth/viewer.js';
import { loadById, type Selection } from '../common/by-id.js';

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

/**
 * One user by id through the rule above: null when there is none or the viewer may not see
 * them. For fields that name a person (authors, assignees, who changed what); `query` is the
 * Pothos selection of the field. The users of one page are read together (by-id.ts).
 */
export function visibleUser(context: Context, id: string | null, query: Selection = {}) {
  if (!id) return Promise.resolve(null);
  return loadById(
    context,
    'User',
    query,
    (ids, selection) =>
      prisma.user.findMany({
        ...(selection as Prisma.UserFindManyArgs),
        where: { id: { in: ids }, AND: [userVisibilityWhere(context.viewer)] },
      }),
    id,
  );
}
