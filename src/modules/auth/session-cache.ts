import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { config } from '../../config.js';
import type { User } from '../../generated/prisma/client.js';
import type { Viewer } from './viewer.js';

// Validated sessions, remembered by this process for a few seconds so that a signed-in request
// need not look its session up again: that lookup is one of the two SQL statements of the
// cheapest signed-in request (docs/benchmarks.md). Everything the server does that ends a
// session or changes what a viewer holds (sign-out, deactivation, a password or role change, a
// profile's locale, an agency's regions) calls `sessionsEnded` or `viewersChanged`
// (session.service.ts, the one way in) before it answers, so access ends
// at once, as it did without the cache; so does any change to the user's own row (`me` keeps it
// beside the session). Rows changed behind the server's back (an operator's SQL on PostgreSQL)
// are seen within SESSION_CACHE_MS.
//
// With several instances (REDIS_URL), a revocation made on one instance cannot be known to the
// others' memory before it is answered, so there the cache stays off and every request asks the
// database.

interface Remembered {
  secretHash: Uint8Array;
  viewer: Viewer;
  /** The viewer's own user row, once `me` has read it (its columns only, no relations). */
  user?: User;
  /** Epoch ms after which the database must be asked again. */
  until: number;
}

const remembered = new Map<string, Remembered>();
/** Bounds the memory: past this many sessions the cache starts again from empty. */
const MAX_REMEMBERED = 20_000;
/** Bumped by every forgetting: a lookup begun before it must not be remembered after it. */
let generation = 0;

function enabled(): boolean {
  const cfg = config();
  return cfg.SESSION_CACHE_MS > 0 && !cfg.REDIS_URL;
}

/** The remembered viewer of session `id`, if its secret matches and it is still fresh. */
export function rememberedViewer(id: string, secretHash: Uint8Array, now: number): Viewer | null {
  const entry = remembered.get(id);
  if (!entry) return null;
  if (now >= entry.until) {
    remembered.delete(id);
    return null;
  }
  return constantTimeEqual(secretHash, entry.secretHash) ? entry.viewer : null;
}

/** Marks the start of a database lookup, for `remember`. */
export function lookupStarted(): number {
  return generation;
}

/**
 * Remembers a viewer just read from the database until `until` at the latest (the session's
 * expiry, the next activity write); nothing is kept if sessions were forgotten meanwhile.
 */
export function remember(
  lookup: number,
  id: string,
  secretHash: Uint8Array,
  viewer: Viewer,
  until: number,
): void {
  if (!enabled() || lookup !== generation) return;
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(id, {
    secretHash,
    viewer,
    until: Math.min(until, Date.now() + config().SESSION_CACHE_MS),
  });
}

/** The user row remembered with this session, while the session is. */
export function rememberedUser(sessionId: string): User | null {
  const entry = remembered.get(sessionId);
  return entry && Date.now() < entry.until ? (entry.user ?? null) : null;
}

/** Keeps `me`'s row beside its session; nothing is kept if sessions were forgotten meanwhile. */
export function rememberUser(lookup: number, sessionId: string, user: User): void {
  const entry = remembered.get(sessionId);
  if (entry && lookup === generation && entry.viewer.userId === user.id) entry.user = user;
}

/** Call as soon as sessions end or what a viewer holds changes; before answering. */
export function forgetSessions(): void {
  generation += 1;
  remembered.clear();
}
