import type { NewAlert } from '../../alert-log.js';
import type { Tx } from '../../db.js';
import type {
  AlertKind,
  AlertSeverity,
  ForumMessageKind,
  Prisma,
} from '../../generated/prisma/client.js';
import { isLocale, localizedName } from '../i18n/locale.js';

// Alerts to members about their own forum registrations. A message to a registrant who is a
// member (not a guest) also reaches them as an alert addressed to them, pointing at the event,
// so the forum visibility rule still decides whether they receive it (see alert.access.ts). The
// title is the event's name in the registrant's language.

/** The messages that are also alerts; receipts, invitations and places in line are mail only. */
const ALERTED: Partial<Record<ForumMessageKind & AlertKind, AlertSeverity>> = {
  REGISTRATION_CONFIRMED: 'INFO',
  REGISTRATION_PROMOTED: 'INFO',
  REGISTRATION_DECLINED: 'WARNING',
  EVENT_CHANGED: 'INFO',
  EVENT_CANCELLED: 'WARNING',
};

function isAlerted(kind: ForumMessageKind): kind is ForumMessageKind & AlertKind {
  return kind in ALERTED;
}

export interface Registrant {
  id: string;
  userId: string | null;
  locale: string;
}

export interface RegistrantNotice {
  registrant: Registrant;
  kind: ForumMessageKind;
}

/**
 * The alerts that go with `notices` about one event, for the caller to record as its
 * transaction's last step. `data`: the message's own facts (a reason, the changed fields).
 */
export async function registrantAlerts(
  tx: Tx,
  eventId: string,
  notices: readonly RegistrantNotice[],
  data: Record<string, unknown> = {},
): Promise<NewAlert[]> {
  const alerted = notices.flatMap(({ registrant, kind }) => {
    if (registrant.userId === null || !isAlerted(kind)) return [];
    const severity = ALERTED[kind] ?? 'INFO';
    return [{ registrant, kind, severity }];
  });
  if (alerted.length === 0) return [];
  const event = await tx.forumEvent.findUniqueOrThrow({
    where: { id: eventId },
    select: {
      id: true,
      nameEn: true,
      nameZhHans: true,
      nameZhHant: true,
      namePt: true,
      startsAt: true,
      organizerAgencyId: true,
      organizerAgency: { select: { regions: true } },
    },
  });
  return alerted.map(({ registrant, kind, severity }) => ({
    kind,
    severity,
    title: localizedName(event, isLocale(registrant.locale) ? registrant.locale : 'en'),
    forumEventId: event.id,
    originAgencyId: event.organizerAgencyId,
    regions: [...event.organizerAgency.regions],
    recipientUserId: registrant.userId,
    data: {
      eventId: event.id,
      registrationId: registrant.id,
      startsAt: event.startsAt.toISOString(),
      ...data,
    } as Prisma.InputJsonValue,
  }));
}

/** Seats placed by `forum_place_seats`: a seat from the line is a promotion, a direct one a confirmation. */
export async function placementAlerts(
  tx: Tx,
  eventId: string,
  confirmed: readonly string[],
): Promise<NewAlert[]> {
  if (confirmed.length === 0) return [];
  const members = await tx.forumRegistration.findMany({
    where: { id: { in: [...confirmed] }, userId: { not: null } },
    select: { id: true, userId: true, locale: true, waitlistedAt: true },
  });
  return registrantAlerts(
    tx,
    eventId,
    members.map((registrant) => ({
      registrant,
      kind: registrant.waitlistedAt ? 'REGISTRATION_PROMOTED' : 'REGISTRATION_CONFIRMED',
    })),
  );
}
