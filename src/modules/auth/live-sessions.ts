import { Repeater } from 'graphql-yoga';
import { config } from '../../config.js';
import { prisma } from '../../db.js';
import { UnauthenticatedError } from '../../errors.js';
import { liveBus } from '../../live-bus.js';
import { logger } from '../../logger.js';

// Sessions behind open WebSocket connections and subscription streams. A request is checked
// once; a live connection must be checked for as long as it lives: every LIVE_SESSION_CHECK_MS
// one query finds which of these sessions were signed out, revoked, expired or belong to a
// deactivated user, and their connections are ended. A revocation also wakes the check at once
// (on every instance, through the live bus), so it never waits a full period.

type End = () => void;

const watched = new Map<string, Set<End>>();
let timer: NodeJS.Timeout | null = null;
let stopSignals: (() => void) | null = null;
let checking = false;
let again = false;

/** Calls `end` once the session is no longer valid; returns a function to stop watching. */
export function watchSession(sessionId: string, end: End): () => void {
  let ends = watched.get(sessionId);
  if (!ends) {
    ends = new Set();
    watched.set(sessionId, ends);
  }
  ends.add(end);
  startChecking();
  return () => {
    const current = watched.get(sessionId);
    current?.delete(end);
    if (current?.size === 0) watched.delete(sessionId);
  };
}

function startChecking(): void {
  if (timer) return;
  timer = setInterval(() => void checkSessions(), config().LIVE_SESSION_CHECK_MS);
  timer.unref();
  const signals = liveBus().subscribe('sessions:revoked');
  stopSignals = () => void signals.return?.();
  void (async () => {
    for await (const _ of signals) void checkSessions();
  })();
}

export function stopCheckingSessions(): void {
  if (timer) clearInterval(timer);
  timer = null;
  stopSignals?.();
  stopSignals = null;
}

/** Ends the connections of sessions that are no longer valid. */
export async function checkSessions(): Promise<void> {
  if (checking) {
    again = true;
    return;
  }
  checking = true;
  try {
    do {
      again = false;
      const ids = [...watched.keys()];
      if (ids.length === 0) break;
      const valid = await prisma.session.findMany({
        where: { id: { in: ids }, expiresAt: { gt: new Date() }, user: { active: true } },
        select: { id: true },
      });
      const alive = new Set(valid.map((s) => s.id));
      for (const id of ids) {
        if (alive.has(id)) continue;
        const ends = watched.get(id);
        watched.delete(id);
        for (const end of ends ?? []) end();
      }
    } while (again);
  } catch (error) {
    logger.warn({ err: error }, 'could not check live sessions; retrying');
  } finally {
    checking = false;
  }
}

/** Call after revoking sessions: every instance re-checks its live ones now. */
export function announceRevocation(): void {
  liveBus().publish('sessions:revoked');
}

/**
 * A subscription's stream that ends, with UNAUTHENTICATED, as soon as its session does; every
 * subscription field wraps its source in it, over WebSocket and SSE alike.
 */
export function untilSessionEnds<T>(sessionId: string, source: AsyncIterable<T>): Repeater<T> {
  return new Repeater<T>(async (push, stop) => {
    const unwatch = watchSession(sessionId, () =>
      stop(new UnauthenticatedError('Your session ended: sign in again to keep receiving events.')),
    );
    const iterator = source[Symbol.asyncIterator]();
    const stopped = stop.then(() => ({ done: true as const, value: undefined }));
    try {
      for (;;) {
        const next = await Promise.race([iterator.next(), stopped]);
        if (next.done) break;
        await push(next.value);
      }
      stop();
    } catch (error) {
      stop(error instanceof Error ? error : new Error(String(error)));
    } finally {
      unwatch();
      void iterator.return?.();
    }
  });
}
