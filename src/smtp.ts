import nodemailer, { type Transporter } from 'nodemailer';

// The SMTP client (nodemailer) for every message the server sends: forum messages from their
// outbox (forum-mailer.ts), account messages at once (account-mail.ts).

export function smtpTransport(url: string): Transporter {
  return nodemailer.createTransport(url);
}
