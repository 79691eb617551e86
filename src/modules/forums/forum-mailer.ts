import type { Transporter } from 'nodemailer';
import { config } from '../../config.js';
import { prisma } from '../../db.js';
import type { ForumMessage } from '../../generated/prisma/client.js';
import { logger } from '../../logger.js';
import { smtpTransport } from '../../smtp.js';
import { type Locale, localizedText, matchLocale } from '../i18n/locale.js';
import { renderMessage } from './forum-messages.i18n.js';

// Delivers the forum outbox by e-mail (nodemailer over SMTP). Messages are claimed with a lease
// (a claimed row is not claimed again for five minutes, and SKIP LOCKED keeps several instances
// apart), sent, then marked SENT; a failure is retried with exponential backoff and given up
// (FAILED) after MAX_ATTEMPTS. The text is rendered now, in the recipient's language.

const MAX_ATTEMPTS = 8;
const LEASE_MINUTES = 5;

function backoffMinutes(attempts: number): number {
  return Math.min(2 ** attempts, 24 * 60);
}

async function claim(limit: number, eventId: string | null): Promise<ForumMessage[]> {
  return prisma.$queryRaw<ForumMessage[]>`
    UPDATE "ForumMessage"
       SET attempts = attempts + 1,
           "nextAttemptAt" = now() + make_interval(mins => ${LEASE_MINUTES})
     WHERE id IN (
       SELECT id FROM "ForumMessage"
        WHERE status = 'PENDING' AND "nextAttemptAt" <= now()
          AND (${eventId}::uuid IS NULL OR "eventId" = ${eventId}::uuid)
        ORDER BY "createdAt", id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
    RETURNING *`;
}

function formatWhen(start: Date, end: Date, timeZone: string, locale: Locale): string {
  const format = new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  });
  return format.formatRange(start, end);
}

async function compose(message: ForumMessage) {
  const event = await prisma.forumEvent.findUniqueOrThrow({ where: { id: message.eventId } });
  const registration = message.registrationId
    ? await prisma.forumRegistration.findUnique({ where: { id: message.registrationId } })
    : null;
  const locale = matchLocale(message.locale) ?? 'en';
  const data = (message.data ?? {}) as {
    reason?: string;
    message?: string;
    confirmationCode?: string;
  };
  const seated = registration?.status === 'CONFIRMED' || registration?.status === 'CHECKED_IN';
  return renderMessage(message.kind, locale, {
    name: registration?.name ?? '',
    eventName: localizedText(event, 'name', locale),
    when: formatWhen(event.startsAt, event.endsAt, event.timeZone, locale),
    where: [event.venue, event.onlineUrl].filter(Boolean).join(' · '),
    checkInCode: seated ? (registration?.checkInCode ?? null) : null,
    // A guest has no account: before a seat, the code is how they reach their registration.
    guestCode:
      !seated && registration && !registration.userId && !registration.erasedAt
        ? registration.checkInCode
        : null,
    reason: data.reason ?? null,
    invitation: data.message ?? null,
    confirmationCode: data.confirmationCode ?? null,
    minutes: config().GUEST_CONFIRM_MINUTES,
  });
}

/** Sends what is due (of one event only, with `eventId`); returns how many were sent. */
export async function deliverForumMessages(
  transport: Transporter,
  options: { from?: string; limit?: number; eventId?: string } = {},
): Promise<number> {
  const from = options.from ?? config().MAIL_FROM;
  let sent = 0;
  for (const message of await claim(options.limit ?? 50, options.eventId ?? null)) {
    try {
      if (!message.recipient) {
        await prisma.forumMessage.update({
          where: { id: message.id },
          data: { status: 'FAILED', lastError: 'no address (erased, or none was given)' },
        });
        continue;
      }
      const { subject, text } = await compose(message);
      await transport.sendMail({ from, to: message.recipient, subject, text });
      await prisma.forumMessage.update({
        where: { id: message.id },
        // A confirmation code is kept no longer than it takes to send it.
        data: {
          status: 'SENT',
          sentAt: new Date(),
          lastError: null,
          ...(message.kind === 'EMAIL_CONFIRMATION' ? { data: {} } : {}),
        },
      });
      sent += 1;
    } catch (error) {
      const giveUp = message.attempts >= MAX_ATTEMPTS;
      logger.warn({ err: error, messageId: message.id, giveUp }, 'could not send a forum message');
      await prisma.forumMessage.update({
        where: { id: message.id },
        data: {
          status: giveUp ? 'FAILED' : 'PENDING',
          lastError: String((error as Error).message ?? error).slice(0, 500),
          nextAttemptAt: new Date(Date.now() + backoffMinutes(message.attempts) * 60_000),
        },
      });
    }
  }
  return sent;
}

/** Starts delivering the outbox every MAIL_POLL_SECONDS when SMTP_URL is set; returns a stop. */
export function startForumMailer(): (() => void) | null {
  const cfg = config();
  if (!cfg.SMTP_URL) return null;
  const transport = smtpTransport(cfg.SMTP_URL);
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await deliverForumMessages(transport);
    } catch (error) {
      logger.warn({ err: error }, 'forum mailer pass failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, cfg.MAIL_POLL_SECONDS * 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    transport.close();
  };
}
