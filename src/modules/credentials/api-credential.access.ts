import type { Context } from '../../context.js';
import type { Tx } from '../../db.js';
import { prisma } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import type { ApiCredential, Prisma } from '../../generated/prisma/client.js';
import { hasRole } from '../auth/roles.js';
import type { Viewer } from '../auth/viewer.js';
import { loadById, lockRow, type Selection } from '../common/by-id.js';

/**
 * THE rule for API credentials: an agency's admins see and revoke their agency's credentials;
 * nobody else does (network admins of other agencies included), and no credential sees any.
 */
export function apiCredentialVisibilityWhere(
  viewer: Viewer | null,
): Prisma.ApiCredentialWhereInput {
  if (!viewer || viewer.credential || !hasRole(viewer, 'AGENCY_ADMIN')) return { id: { in: [] } };
  return { agencyId: viewer.agencyId };
}

/** One credential by id through the rule, batched. */
export function visibleApiCredential(context: Context, id: string, query: Selection = {}) {
  return loadById(
    context,
    'ApiCredential',
    query,
    (ids, selection) =>
      prisma.apiCredential.findMany({
        ...(selection as Prisma.ApiCredentialFindManyArgs),
        where: { id: { in: ids }, AND: [apiCredentialVisibilityWhere(context.viewer)] },
      }),
    id,
  );
}

/** A credential the actor may manage, locked for the rest of the transaction. */
export async function lockVisibleApiCredential(
  tx: Tx,
  actor: Viewer,
  id: string,
): Promise<ApiCredential> {
  await lockRow(tx, 'ApiCredential', id);
  const credential = await tx.apiCredential.findFirst({
    where: { id, AND: [apiCredentialVisibilityWhere(actor)] },
  });
  if (!credential) throw new NotFoundError('API credential');
  return credential;
}
