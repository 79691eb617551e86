import { prisma } from '../../db.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { ApiScope, Region, Role, Tlp } from '../../generated/prisma/enums.js';
import type { Locale } from '../i18n/locale.js';

// Who is asking: a person signed in with a session, or a partner tool with an API credential
// acting for its agency. Settled once per request by src/context.ts.

export interface Viewer {
  userId: string;
  agencyId: string;
  /** Regions of the viewer's agency: audiences may be chosen by region. */
  agencyRegions: readonly Region[];
  roles: readonly Role[];
  email: string;
  /** Preferred locale saved on the account, if any. */
  locale: Locale | null;
  sessionId: string;
  sessionExpiresAt: Date;
  /**
   * Set when a partner tool signs in with an API credential: it acts for its agency, reads
   * nothing above its ceiling and changes nothing (src/modules/credentials).
   */
  credential?: CredentialActor;
}

export interface CredentialActor {
  id: string;
  name: string;
  /** The agency admin who issued it: readings it makes are logged in their name, with it. */
  issuedById: string;
  tlpCeiling: Tlp;
  scopes: readonly ApiScope[];
}

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
