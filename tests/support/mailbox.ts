import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// An SMTP server in the test's process (smtp-server) that keeps every message it receives,
// parsed (mailparser): where the server's e-mails are read back.

export interface Mailbox {
  port: number;
  url: string;
  received: ParsedMail[];
  /** The messages to an address (or part of one). */
  to(address: string): ParsedMail[];
  close(): Promise<void>;
}

export async function openMailbox(): Promise<Mailbox> {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    to: (address) => received.filter((m) => JSON.stringify(m.to ?? '').includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
