import { latestCursor } from '../../alert-log.js';
import { config } from '../../config.js';
import { prisma } from '../../db.js';
import type { Alert } from '../../generated/prisma/client.js';
import { liveBus } from '../../live-bus.js';
import { logger } from '../../logger.js';
import { countLiveSubscribersWith, observeAlertDelivery } from '../../metrics.js';
import type { Viewer } from '../auth/viewer.js';
import { alertAudienceWhere, isForEveryone } from './alert.access.js';
import { type AlertFilter, alertFilterWhere, filterKey, matchesFilter } from './alert-filter.js';

// One reader of the alert log per process. Woken when alerts are written (here, or on another
// instance through the live bus) and every ALERT_POLL_MS in any case, it reads what follows the
// last cursor it saw and hands each batch to the live subscribers. Subscribers with the same
// viewer and filter share one audience query per batch: the rule runs in the database, at
// delivery time, exactly as for the alert history.

export interface HubListener {
  viewer: Viewer;
  filter: AlertFilter | null;
  /** A batch of new alerts and which of them this listener's viewer and filter may receive. */
  receive(alerts: readonly Alert[], deliverable: ReadonlySet<bigint>): void;
  /**
   * The hub could not decide what this listener may receive: it ends the stream with
   * RESUME_REQUIRED at the last cursor it sent, so that resuming loses nothing.
   */
  resumeRequired(): void;
}

const BATCH = 500;
/** A batch whose audience cannot be decided is tried this often before its listeners are let go. */
const ATTEMPTS = 3;
const RETRY_MS = 250;

class AlertHub {
  private readonly listeners = new Set<HubListener>();
  private last = 0n;
  private started: Promise<void> | null = null;
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  /** Failed attempts at the batch after `last` (the cursor moves only past what was delivered). */
  private failures = 0;
  private unsubscribe: (() => void) | null = null;

  /** Registers a listener; alerts committed from now on reach it. */
  async add(listener: HubListener): Promise<void> {
    await this.start();
    this.listeners.add(listener);
  }

  remove(listener: HubListener): void {
    this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  /** Reads the log now (coalesced: one read at a time, one more if woken meanwhile). */
  wake(): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
    });
  }

  private start(): Promise<void> {
    this.started ??= (async () => {
      this.last = await latestCursor();
      const signals = liveBus().subscribe('alerts:written');
      this.unsubscribe = () => void signals.return?.();
      void (async () => {
        for await (const _ of signals) this.wake();
      })();
      this.timer = setInterval(() => this.wake(), config().ALERT_POLL_MS);
      this.timer.unref();
    })();
    return this.started;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.unsubscribe?.();
    this.timer = null;
    this.unsubscribe = null;
    this.started = null;
    this.listeners.clear();
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        for (;;) {
          const alerts = await prisma.alert.findMany({
            where: { cursor: { gt: this.last } },
            orderBy: { cursor: 'asc' },
            take: BATCH,
          });
          if (alerts.length === 0) break;
          if (this.listeners.size > 0) await this.dispatch(alerts);
          // Only now, with the batch handed over, does the reader move past it.
          this.last = alerts[alerts.length - 1]?.cursor ?? this.last;
          this.failures = 0;
          if (alerts.length < BATCH) break;
        }
      } catch (error) {
        this.failures += 1;
        logger.warn(
          { err: error, attempt: this.failures, after: this.last.toString() },
          'could not deliver live alerts; retrying the same batch',
        );
        this.retry ??= setTimeout(() => {
          this.retry = null;
          this.wake();
        }, RETRY_MS);
        this.retry.unref();
        return;
      }
    } while (this.again);
  }

  /** Which of `cursors` the viewer may receive under the filter: the audience rule, in SQL. */
  async deliverableFor(
    viewer: Viewer,
    filter: AlertFilter | null,
    cursors: readonly bigint[],
  ): Promise<bigint[]> {
    const rows = await prisma.alert.findMany({
      where: {
        cursor: { in: [...cursors] },
        AND: [alertAudienceWhere(viewer), alertFilterWhere(filter)],
      },
      select: { cursor: true },
    });
    return rows.map((row) => row.cursor);
  }

  /**
   * Decides the audience of every group first and hands the batch over only when all are
   * decided, so that a failed query delivers nothing and the batch is tried again (subscribers
   * drop what they already had by its cursor). A group that still fails after ATTEMPTS is let
   * go with RESUME_REQUIRED instead of holding everyone back; resuming from its cursor then
   * reads the log itself.
   */
  private async dispatch(alerts: readonly Alert[]): Promise<void> {
    const groups = new Map<string, HubListener[]>();
    for (const listener of this.listeners) {
      const key = `${listener.viewer.userId}:${listener.viewer.agencyId}:${filterKey(listener.filter)}`;
      const group = groups.get(key);
      if (group) group.push(listener);
      else groups.set(key, [listener]);
    }
    // Broadcasts reach every member: only the filter decides, in memory. Everything else is
    // decided by the audience rule in the database, once per viewer and filter.
    const everyone = alerts.filter(isForEveryone);
    const restricted = alerts.filter((a) => !isForEveryone(a)).map((a) => a.cursor);
    const decided = await Promise.allSettled(
      [...groups.values()].map(async (group) => {
        const [first] = group;
        if (!first) return { group, deliverable: new Set<bigint>() };
        const deliverable = new Set(
          everyone.filter((a) => matchesFilter(a, first.filter)).map((a) => a.cursor),
        );
        if (restricted.length > 0) {
          for (const cursor of await this.deliverableFor(first.viewer, first.filter, restricted)) {
            deliverable.add(cursor);
          }
        }
        return { group, deliverable };
      }),
    );
    const failed = decided.filter((d) => d.status === 'rejected');
    if (failed.length > 0 && this.failures + 1 < ATTEMPTS) {
      throw (failed[0] as PromiseRejectedResult).reason;
    }
    observeAlertDelivery(alerts.map((alert) => alert.createdAt));
    [...groups.values()].forEach((group, index) => {
      const outcome = decided[index];
      if (outcome?.status === 'fulfilled') {
        for (const listener of group) listener.receive(alerts, outcome.value.deliverable);
      } else {
        for (const listener of group) listener.resumeRequired();
      }
    });
  }
}

export const alertHub = new AlertHub();
countLiveSubscribersWith(() => alertHub.size);

/** Tells every instance (this one included) that alerts may have been written. */
export function announceAlerts(): void {
  liveBus().publish('alerts:written');
}
