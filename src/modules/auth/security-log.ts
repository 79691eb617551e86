import { prisma, type Tx } from '../../db.js';
import type { SecurityEventKind } from '../../generated/prisma/enums.js';

// An account's security log: every change to how the account signs in (links to identity
// providers, the first single sign-on through each, the second factor, the password), who made it
// and from where. Written in the transaction of the change when there is one, so a change never
// stands without its record; its owner reads it as `User.securityLog`.

export interface SecurityEventInput {
  userId: string;
  kind: SecurityEventKind;
  /** Who did it, when not the account's owner (an admin). */
  actorId?: string | null;
  /** The provider, as "<name> (<agency>)", for identity events. */
  provider?: string | null;
  ipAddress?: string | null;
}

/** The event's INSERT: awaited alone, or put in the change's transaction (a batch or a `tx`). */
export function recordSecurityEvent(event: SecurityEventInput, db: Tx | typeof prisma = prisma) {
  return db.securityEvent.create({
    data: {
      userId: event.userId,
      kind: event.kind,
      actorId: event.actorId ?? null,
      provider: event.provider?.slice(0, 300) ?? null,
      ipAddress: event.ipAddress?.slice(0, 100) ?? null,
    },
    select: { id: true },
  });
}
