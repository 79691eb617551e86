import { config } from '../../config.js';
import { prisma } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { ForumRegistration } from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import { mayOrganize } from './forum.access.js';
import { CheckInRefusedError } from './forum.errors.js';

// Check-in at the door and at sessions, by the event's organizers with the registrant's code.
// Idempotent: scanning the same code again answers when the person came in, and changes nothing.

export interface SessionCheckIn {
  sessionId: string;
  alreadyCheckedIn: boolean;
  checkedInAt: Date;
}

export interface CheckInOutcome {
  registration: ForumRegistration;
  alreadyCheckedIn: boolean;
  checkedInAt: Date;
  sessions: SessionCheckIn[];
}

/** Seconds since local midnight of `instant` in `timeZone`. */
function secondsIntoDay(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part('hour') * 3600 + part('minute') * 60 + part('second');
}

/**
 * When the door is open: the event's own day(s) in its time zone, from local midnight of its
 * first day (CHECK_IN_EARLY_HOURS earlier) to the end of its last. (On a day the clocks change,
 * the edges may be an hour off; the event itself is inside.)
 */
export function checkInWindow(
  event: { startsAt: Date; endsAt: Date; timeZone: string },
  earlyHours = config().CHECK_IN_EARLY_HOURS,
): { opens: Date; closes: Date } {
  const dayStart = event.startsAt.getTime() - secondsIntoDay(event.startsAt, event.timeZone) * 1000;
  const dayEnd =
    event.endsAt.getTime() + (86_400 - secondsIntoDay(event.endsAt, event.timeZone)) * 1000;
  return {
    opens: new Date(Math.floor(dayStart / 1000) * 1000 - earlyHours * 3_600_000),
    closes: new Date(Math.floor(dayEnd / 1000) * 1000),
  };
}

/** Codes are printed in upper case; people type them as they come. */
function normalise(code: string): string {
  return code.trim().toUpperCase().replace(/[\s-]/g, '');
}

export async function checkIn(
  viewer: Viewer,
  rawCode: string,
  sessionIds: string[],
): Promise<CheckInOutcome> {
  const found = await prisma.forumRegistration.findUnique({
    where: { checkInCode: normalise(rawCode) },
    include: { event: { include: { sessions: { select: { id: true, capacity: true } } } } },
  });
  // Same answer for "no such code" and "not your event": codes cannot be probed.
  if (!found || !mayOrganize(viewer, found.event)) throw new NotFoundError('registration');
  if (found.status !== 'CONFIRMED' && found.status !== 'CHECKED_IN') {
    throw new CheckInRefusedError(found.status);
  }
  const { opens, closes } = checkInWindow(found.event);
  const scannedAt = new Date();
  if (found.status === 'CONFIRMED' && (scannedAt < opens || scannedAt >= closes)) {
    throw new ConflictError(
      `Check-in is open on the event's day(s) only: from ${opens.toISOString()} to ${closes.toISOString()} (the event's time zone is ${found.event.timeZone}).`,
    );
  }
  if (found.status === 'CONFIRMED' && found.emailConfirmBy !== null) {
    throw new ConflictError(
      'This guest has not confirmed the e-mail address yet: the place is only held. Ask them to enter the code sent to it first.',
    );
  }
  const sessions = new Map(found.event.sessions.map((session) => [session.id, session]));
  sessionIds.forEach((id, index) => {
    if (!sessions.has(id)) {
      throw ValidationError.single(['sessionIds', String(index)], 'is not a session of this event');
    }
  });
  const now = new Date();
  return prisma.$transaction(async (tx) => {
    const entered = await tx.forumRegistration.updateMany({
      where: { id: found.id, status: 'CONFIRMED' },
      data: { status: 'CHECKED_IN', checkedInAt: now, checkedInById: viewer.userId },
    });
    const registration = await tx.forumRegistration.findUniqueOrThrow({ where: { id: found.id } });
    const chosen = new Set(
      (
        await tx.forumSessionChoice.findMany({
          where: { registrationId: found.id },
          select: { sessionId: true },
        })
      ).map((choice) => choice.sessionId),
    );
    const outcomes: SessionCheckIn[] = [];
    for (const sessionId of new Set(sessionIds)) {
      if (!chosen.has(sessionId)) {
        // Sessions without a capacity of their own are open to every registrant.
        if (sessions.get(sessionId)?.capacity != null) {
          throw new ConflictError('This person has no seat in that session.');
        }
        await tx.forumSessionChoice.createMany({
          data: [{ registrationId: found.id, sessionId }],
          skipDuplicates: true,
        });
      }
      const first = await tx.forumSessionChoice.updateMany({
        where: { registrationId: found.id, sessionId, checkedInAt: null },
        data: { checkedInAt: now },
      });
      const choice = await tx.forumSessionChoice.findUniqueOrThrow({
        where: { registrationId_sessionId: { registrationId: found.id, sessionId } },
      });
      outcomes.push({
        sessionId,
        alreadyCheckedIn: first.count === 0,
        checkedInAt: choice.checkedInAt ?? now,
      });
    }
    return {
      registration,
      alreadyCheckedIn: entered.count === 0,
      checkedInAt: registration.checkedInAt ?? now,
      sessions: outcomes,
    };
  });
}
