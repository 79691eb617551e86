import type { Viewer } from '../../context.js';
import { prisma } from '../../db.js';
import type { Prisma } from '../../generated/prisma/client.js';

/**
 * A user as a viewer without a session: to ask "what may this person see?" on their behalf
 * (hit/no-hit matching asks it for report authors; the demo seeding acts as demo users).
 */
export async function viewerForUser(
  where: Prisma.UserWhereUniqueInput,
  db: Prisma.TransactionClient = prisma,
): Promise<Viewer> {
  const user = await db.user.findUniqueOrThrow({
    where,
    select: {
      id: true,
      email: true,
      roles: true,
      agencyId: true,
      locale: true,
      agency: { select: { regions: true } },
    },
  });
  return {
    userId: user.id,
    agencyId: user.agencyId,
    agencyRegions: user.agency.regions,
    roles: user.roles,
    email: user.email,
    locale: null,
    sessionId: '',
    sessionExpiresAt: new Date(0),
  };
}
