import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { config } from '../../config.js';
import { prisma } from '../../db.js';
import type { Region, Role } from '../../generated/prisma/enums.js';
import { isLocale } from '../i18n/locale.js';
import { announceRevocation } from './live-sessions.js';
import { hashSecret, issueToken, tokenParts } from './secret-token.js';
import { forgetSessions, lookupStarted, remember, rememberedViewer } from './session-cache.js';
import type { Viewer } from './viewer.js';

// Sessions after Lucia's design (lucia-auth.com, "Basic session API"): the token handed to the
// client is `<id>.<secret>`, both 160 bits from the CSPRNG. The database keeps the id and only a
// SHA-256 of the secret, so a leaked table cannot be replayed; the secret is compared in
// constant time. A session ends at its absolute expiry, after an idle period, on sign-out,
// or when its user is deactivated. Validated sessions are remembered briefly (session-cache.ts).

const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

interface SessionRow {
  id: string;
  secretHash: Uint8Array;
  expiresAt: Date;
  lastUsedAt: Date;
  userId: string;
  agencyId: string;
  roles: Role[];
  email: string;
  active: boolean;
  locale: string | null;
  regions: Region[];
}

export interface NewSession {
  token: string;
  id: string;
  expiresAt: Date;
}

export async function createSession(
  userId: string,
  meta: { userAgent?: string | null; ipAddress?: string | null } = {},
): Promise<NewSession> {
  const { id, secretHash, token } = issueToken();
  const expiresAt = new Date(Date.now() + config().SESSION_MAX_AGE_HOURS * 3_600_000);
  await prisma.session.create({
    data: {
      id,
      secretHash,
      userId,
      expiresAt,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      ipAddress: meta.ipAddress ?? null,
    },
  });
  return { token, id, expiresAt };
}

/**
 * The viewer a token stands for, or null when it is malformed, unknown, expired or revoked.
 * `remember: false` reads the database without leaving the session in the cache (sign-in: a
 * session is remembered from the first request that presents it).
 */
export async function validateSessionToken(
  token: string,
  options: { remember?: boolean } = {},
): Promise<Viewer | null> {
  const parts = tokenParts(token);
  if (!parts) return null;
  const { id } = parts;
  const secretHash = hashSecret(parts.secret);
  const remembered = rememberedViewer(id, secretHash, Date.now());
  if (remembered) return remembered;

  // One round trip for the session, its user and the user's agency.
  const lookup = lookupStarted();
  const [session] = await prisma.$queryRaw<SessionRow[]>`
    SELECT s.id, s."secretHash", s."expiresAt", s."lastUsedAt",
           u.id AS "userId", u."agencyId", u.roles::text[] AS roles, u.email, u.active, u.locale,
           a.regions::text[] AS regions
      FROM "Session" s
      JOIN "User" u ON u.id = s."userId"
      JOIN "Agency" a ON a.id = u."agencyId"
     WHERE s.id = ${id}`;
  if (!session) return null;
  if (!constantTimeEqual(secretHash, new Uint8Array(session.secretHash))) return null;
  const expiresAt = new Date(session.expiresAt);
  const lastUsedAt = new Date(session.lastUsedAt);

  const now = Date.now();
  const idleLimit = config().SESSION_IDLE_TIMEOUT_MINUTES * 60_000;
  if (expiresAt.getTime() <= now || now - lastUsedAt.getTime() > idleLimit || !session.active) {
    await prisma.session.deleteMany({ where: { id } });
    return null;
  }
  let usedAt = lastUsedAt.getTime();
  if (now - usedAt > ACTIVITY_WRITE_INTERVAL_MS) {
    await prisma.session.updateMany({ where: { id }, data: { lastUsedAt: new Date(now) } });
    usedAt = now;
  }
  const viewer: Viewer = {
    userId: session.userId,
    agencyId: session.agencyId,
    agencyRegions: session.regions,
    roles: session.roles,
    email: session.email,
    locale: session.locale && isLocale(session.locale) ? session.locale : null,
    sessionId: session.id,
    sessionExpiresAt: expiresAt,
  };
  // Remembered until the next activity write is due at the latest, so the idle timeout still
  // sees every session in use.
  if (options.remember === false) return viewer;
  remember(
    lookup,
    id,
    secretHash,
    viewer,
    Math.min(expiresAt.getTime(), usedAt + ACTIVITY_WRITE_INTERVAL_MS),
  );
  return viewer;
}

/**
 * The one way the server tells itself that sessions ended, once the change that deleted them
 * (a sign-out, a deactivation, a password changed or reset) has committed and before it answers:
 * this instance forgets the sessions it remembered, and every instance re-checks the sessions
 * behind its open connections and streams.
 */
export function sessionsEnded(): void {
  forgetSessions();
  announceRevocation();
}

/**
 * Once a change to what a viewer holds (roles, locale, an agency's regions, a second factor) has
 * committed, before answering: remembered viewers are read again.
 */
export function viewersChanged(): void {
  forgetSessions();
}

export async function invalidateSession(sessionId: string): Promise<void> {
  await prisma.session.deleteMany({ where: { id: sessionId } });
  sessionsEnded();
}

/** Ends every session of a user; returns how many there were. */
export async function invalidateUserSessions(userId: string): Promise<number> {
  const { count } = await prisma.session.deleteMany({ where: { userId } });
  sessionsEnded();
  return count;
}

/** Removes sessions past their absolute expiry (housekeeping; validation never needs it). */
export async function deleteExpiredSessions(): Promise<number> {
  const { count } = await prisma.session.deleteMany({ where: { expiresAt: { lte: new Date() } } });
  return count;
}
