import type { Transporter } from 'nodemailer';
import { config } from '../../config.js';
import { logger } from '../../logger.js';
import { smtpTransport } from '../../smtp.js';

// Messages about an account (password reset) go out at once over SMTP_URL, not through an
// outbox: they carry a secret that the database must not keep in the clear, and they are worth
// nothing minutes later. They are sent after the answer, so the answer takes the same time
// whether or not a message goes.

let transport: Transporter | null = null;

function accountTransport(): Transporter | null {
  const url = config().SMTP_URL;
  if (!url) return null;
  transport ??= smtpTransport(url);
  return transport;
}

export interface AccountMessage {
  to: string;
  subject: string;
  text: string;
  /** What the log may say about it (never the secret). */
  kind: string;
}

export function sendAccountMessage(message: AccountMessage): void {
  const mailer = accountTransport();
  if (!mailer) {
    logger.warn({ kind: message.kind }, 'no SMTP_URL: an account message was not sent');
    // A newcomer on the embedded demo reads the link in the log instead.
    if (config().NODE_ENV === 'development') logger.info({ text: message.text }, message.subject);
    return;
  }
  mailer
    .sendMail({
      from: config().MAIL_FROM,
      to: message.to,
      subject: message.subject,
      text: message.text,
    })
    .then(
      () => logger.info({ kind: message.kind }, 'account message sent'),
      (error: unknown) =>
        logger.warn({ err: error, kind: message.kind }, 'could not send an account message'),
    );
}
