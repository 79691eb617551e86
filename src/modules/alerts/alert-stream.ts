import { Repeater } from 'graphql-yoga';
import { latestCursor } from '../../alert-log.js';
import { config } from '../../config.js';
import { prisma } from '../../db.js';
import { ResumeRequiredError } from '../../errors.js';
import type { Alert } from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import { type AlertSubject, alertAudienceWhere, maySeeSubject, subjectOf } from './alert.access.js';
import { type AlertFilter, alertFilterWhere } from './alert-filter.js';
import { alertHub, type HubListener } from './alert-hub.js';

// One subscriber's stream: every alert after `after` that the viewer may receive and that
// matches the filter (replay), then live ones, each exactly once and in cursor order.
//
// No gap: the subscriber joins the hub before the replay reads the log, so an alert committed
// during the replay is either read by the replay or handed over by the hub (cursors follow
// commit order). No duplicate: nothing at or below the last cursor sent is sent again.

export type AlertEvent =
  | { type: 'ALERT'; cursor: bigint; alert: Alert }
  | { type: 'VISIBILITY_LOST'; cursor: bigint; subject: AlertSubject };

const REPLAY_PAGE = 200;

interface Batch {
  alerts: readonly Alert[];
  deliverable: ReadonlySet<bigint>;
}

function subjectKey(subject: AlertSubject): string {
  return `${subject.type}:${subject.id}`;
}

export function alertStream(
  viewer: Viewer,
  filter: AlertFilter | null,
  after: bigint | null,
  options: { maxBacklog?: number } = {},
): Repeater<AlertEvent> {
  const maxBacklog = options.maxBacklog ?? config().ALERT_MAX_BACKLOG;
  return new Repeater<AlertEvent>(async (push, stop) => {
    const waiting: Batch[] = [];
    let backlog = 0;
    let wakeUp: (() => void) | null = null;
    let ended = false;
    const end = (error?: Error) => {
      ended = true;
      wakeUp?.();
      stop(error);
    };
    void stop.then(() => {
      ended = true;
      wakeUp?.();
    });

    const listener: HubListener = {
      viewer,
      filter,
      receive: (alerts, deliverable) => {
        if (ended) return;
        waiting.push({ alerts, deliverable });
        backlog += deliverable.size;
        // A client that does not keep up is let go rather than buffered without end.
        if (backlog > maxBacklog) end(new ResumeRequiredError(position.toString()));
        wakeUp?.();
      },
      resumeRequired: () => {
        if (!ended) end(new ResumeRequiredError(position.toString()));
      },
    };
    // Subjects this subscriber has been told about: losing sight of one is announced.
    const watching = new Set<string>();
    let position = after ?? 0n;

    const send = async (alert: Alert) => {
      position = alert.cursor;
      const subject = subjectOf(alert);
      if (subject) watching.add(subjectKey(subject));
      await push({ type: 'ALERT', cursor: alert.cursor, alert });
    };

    try {
      await alertHub.add(listener);
      if (after === null) {
        position = await latestCursor();
      } else {
        for (;;) {
          const page = await prisma.alert.findMany({
            where: {
              cursor: { gt: position },
              AND: [alertAudienceWhere(viewer), alertFilterWhere(filter)],
            },
            orderBy: { cursor: 'asc' },
            take: REPLAY_PAGE,
          });
          for (const alert of page) {
            if (ended) return;
            await send(alert);
          }
          if (page.length < REPLAY_PAGE) break;
        }
      }

      while (!ended) {
        const batch = waiting.shift();
        if (batch) backlog -= batch.deliverable.size;
        if (!batch) {
          await new Promise<void>((resolve) => {
            wakeUp = resolve;
          });
          wakeUp = null;
          continue;
        }
        for (const alert of batch.alerts) {
          if (ended) return;
          if (alert.cursor <= position) continue;
          if (batch.deliverable.has(alert.cursor)) {
            await send(alert);
            continue;
          }
          // Not for this subscriber. If it is about something they were watching and can no
          // longer see, they are told so, without any of its content.
          const subject = subjectOf(alert);
          if (!subject || !watching.has(subjectKey(subject))) continue;
          if (await maySeeSubject(viewer, subject)) continue;
          watching.delete(subjectKey(subject));
          position = alert.cursor;
          await push({ type: 'VISIBILITY_LOST', cursor: alert.cursor, subject });
        }
      }
    } catch (error) {
      end(error instanceof Error ? error : new Error(String(error)));
    } finally {
      alertHub.remove(listener);
    }
  });
}
