import { stringify } from 'csv-stringify/sync';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import QRCode from 'qrcode';
import { prisma } from '../../db.js';
import { ForbiddenError } from '../../errors.js';
import type { ForumEvent, ForumSession } from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import { type Locale, localizedText } from '../i18n/locale.js';
import { mayOrganize, requireVisibleEvent } from './forum.access.js';
import { sessionsOf } from './forum-event.service.js';

// Exports of a forum event: its calendar (RFC 5545, ical-generator), the attendee list (CSV,
// csv-stringify) and check-in QR codes (qrcode). The HTTP endpoints and the GraphQL fields both
// call these, after the same visibility rule.

/**
 * The event and its sessions as an iCalendar file. Times are written in UTC, which every
 * calendar converts; the venue's zone goes in X-WR-TIMEZONE. UIDs are stable and SEQUENCE is
 * the event's revision, so calendars update an imported copy in place.
 */
export function eventCalendar(
  event: ForumEvent & { sessions: ForumSession[] },
  locale: Locale,
): string {
  const status =
    event.status === 'CANCELLED' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED;
  const name = localizedText(event, 'name', locale);
  const calendar = ical({
    prodId: { company: 'GBA IPNet', product: 'Forums', language: locale.slice(0, 2).toUpperCase() },
    name,
    method: ICalCalendarMethod.PUBLISH,
    x: { 'X-WR-TIMEZONE': event.timeZone },
  });
  const location = [event.venue, event.onlineUrl].filter(Boolean).join(' · ') || null;
  calendar.createEvent({
    id: `${event.id}@gba-ipnet`,
    start: event.startsAt,
    end: event.endsAt,
    summary: name,
    description: localizedText(event, 'description', locale),
    location,
    // The online venue, if any: the server has no public page of its own for an event.
    url: event.onlineUrl ?? null,
    sequence: event.revision,
    stamp: event.updatedAt,
    status,
  });
  for (const session of event.sessions) {
    calendar.createEvent({
      id: `${session.id}@gba-ipnet`,
      start: session.startsAt,
      end: session.endsAt,
      summary: `${localizedText(session, 'title', locale)} — ${name}`,
      location: [session.room, event.venue].filter(Boolean).join(', ') || location,
      sequence: event.revision,
      stamp: event.updatedAt,
      status,
    });
  }
  return calendar.toString();
}

/** A spreadsheet would run a cell starting with these as a formula (CSV injection). */
function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Every registration of an event, for its organizers: UTF-8 with a BOM, so Excel reads Chinese. */
export async function attendeesCsv(viewer: Viewer, eventId: string): Promise<string> {
  const event = await requireVisibleEvent(viewer, eventId);
  if (!mayOrganize(viewer, event)) {
    throw new ForbiddenError("Only the event's organizers may export its attendees.");
  }
  const registrations = await prisma.forumRegistration.findMany({
    where: { eventId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: {
      agency: { select: { nameEn: true } },
      sessions: { select: { sessionId: true, checkedInAt: true } },
    },
  });
  const sessionTitles = new Map((await sessionsOf(eventId)).map((s) => [s.id, s.titleEn]));
  const rows = registrations.map((r) => ({
    name: r.name,
    email: r.email ?? '',
    organisation: r.organisation ?? '',
    country: r.country ?? '',
    agency: r.agency?.nameEn ?? '',
    type: r.type,
    status: r.status,
    sessions: r.sessions.map((s) => sessionTitles.get(s.sessionId)).join('; '),
    registeredAt: r.createdAt.toISOString(),
    confirmedAt: r.confirmedAt?.toISOString() ?? '',
    checkedInAt: r.checkedInAt?.toISOString() ?? '',
    listConsent: r.listConsent ? 'yes' : 'no',
    erased: r.erasedAt ? 'yes' : 'no',
  }));
  return stringify(rows, {
    bom: true,
    header: true,
    record_delimiter: 'windows',
    columns: [
      'name',
      'email',
      'organisation',
      'country',
      'agency',
      'type',
      'status',
      'sessions',
      'registeredAt',
      'confirmedAt',
      'checkedInAt',
      'listConsent',
      'erased',
    ],
    cast: { string: safeCell },
  });
}

export type QrFormat = 'SVG' | 'PNG';

/** The check-in QR code: SVG markup, or a PNG as a data: URL. */
export function checkInQrCode(code: string, format: QrFormat): Promise<string> {
  const options = { errorCorrectionLevel: 'M' as const, margin: 2 };
  return format === 'SVG'
    ? QRCode.toString(code, { ...options, type: 'svg' })
    : QRCode.toDataURL(code, { ...options, width: 320 });
}
