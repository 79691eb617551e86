import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import { deliverForumMessages } from '../src/modules/forums/forum-mailer.js';
import { smtpTransport } from '../src/smtp.js';
import { gql, member, present, rawId } from './support/api.js';
import {
  cancel,
  confirmationCodeIn,
  confirmGuest,
  guest,
  openEvent,
  registered,
} from './support/forums.js';
import { graphql } from './support/graphql.js';
import { type Mailbox, openMailbox } from './support/mailbox.js';

// Messages to registrants leave the outbox by SMTP, each in the recipient's language. An
// in-process SMTP server (smtp-server) receives them; mailparser reads them back.

let mailbox: Mailbox;
let port: number;
let received: ParsedMail[];

beforeAll(async () => {
  mailbox = await openMailbox();
  port = mailbox.port;
  received = mailbox.received;
});

afterAll(async () => {
  await mailbox.close();
});

describe('forum messages by e-mail', () => {
  it('sends each message once, in the registrant’s language, and records it', async () => {
    const organizer = await member(['ORGANIZER']);
    const eventId = await openEvent(organizer.token, { visibility: 'PUBLIC', capacity: 1 });
    const first = await registered(null, eventId, {
      guest: guest({ name: '王芳', email: 'wang.fang@example.test' }),
      locale: 'ZH_HANS',
    });
    const second = await registered(null, eventId, {
      guest: guest({ name: 'Ana Sousa', email: 'ana.sousa@example.test' }),
      locale: 'PT',
    });
    expect([first.status, second.status]).toEqual(['CONFIRMED', 'WAITLISTED']);

    const ours = { eventId: rawId(eventId) };
    // This event's messages only: other test files share the database on PostgreSQL.
    const deliver = async () => {
      const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
      const sent = await deliverForumMessages(transport, {
        from: 'Forum <forum@ipnet.test>',
        eventId: ours.eventId,
      });
      transport.close();
      return sent;
    };
    const to = (address: string) =>
      received.filter((m) => m.to && JSON.stringify(m.to).includes(address));

    // A guest's address hears nothing but its confirmation until it is confirmed.
    expect(await deliver()).toBe(2);
    expect(to('wang.fang').map((m) => m.subject)).toEqual([
      '请确认您的电子邮件地址：广州国际知识产权论坛',
    ]);
    expect(to('ana.sousa').map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Confirm your e-mail address: Guangzhou International IP Forum/),
    ]);
    for (const address of ['wang.fang', 'ana.sousa']) {
      const confirmed = await confirmGuest(confirmationCodeIn(to(address)[0]?.text));
      expect(confirmed.emailConfirmation).toBe('CONFIRMED');
    }

    expect(await deliver()).toBe(2);
    const toWang = to('wang.fang');
    expect(toWang).toHaveLength(2);
    expect(toWang[1]?.subject).toBe('报名已确认：广州国际知识产权论坛');
    expect(toWang[1]?.text).toContain(`签到码: ${first.checkInCode}`);
    const toAna = to('ana.sousa');
    expect(toAna.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Confirm your e-mail address: Guangzhou International IP Forum/),
      expect.stringMatching(/^On the waiting list: Guangzhou International IP Forum/),
    ]);
    expect(toAna[1]?.text).not.toMatch(/check-in code/i);

    const rows = await prisma.forumMessage.findMany({ where: ours });
    expect(rows.map((r) => [r.kind, r.status])).toEqual(
      expect.arrayContaining([
        ['EMAIL_CONFIRMATION', 'SENT'],
        ['REGISTRATION_CONFIRMED', 'SENT'],
        ['REGISTRATION_WAITLISTED', 'SENT'],
      ]),
    );
    expect(rows).toHaveLength(4);
    // The confirmation codes are not kept once sent.
    expect(rows.filter((r) => r.kind === 'EMAIL_CONFIRMATION').map((r) => r.data)).toEqual([
      {},
      {},
    ]);
    expect(rows.every((r) => r.attempts === 1 && r.sentAt !== null)).toBe(true);
  });

  it('keeps a message for a later try when the server cannot be reached', async () => {
    const organizer = await member(['ORGANIZER']);
    const eventId = await openEvent(organizer.token, { visibility: 'PUBLIC' });
    const person = await registered(null, eventId, { guest: guest() });
    const unreachable = smtpTransport('smtp://127.0.0.1:1');
    const before = Date.now();
    await deliverForumMessages(unreachable, { eventId: rawId(eventId) });
    unreachable.close();
    const row = await prisma.forumMessage.findFirstOrThrow({
      where: { registrationId: rawId(person.id) },
    });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, sentAt: null });
    expect(row.lastError).toBeTruthy();
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(before + 60_000);
  });

  it('gives a waitlisted guest a code to see and cancel the registration, in the answer and by e-mail', async () => {
    const organizer = await member(['ORGANIZER']);
    const eventId = await openEvent(organizer.token, { visibility: 'PUBLIC', capacity: 1 });
    await registered(null, eventId, { guest: guest() });
    const waiting = await registered(null, eventId, {
      guest: guest({ name: 'Lena Wolf', email: 'lena.wolf@example.test' }),
    });
    expect(waiting.status).toBe('WAITLISTED');
    expect(waiting.checkInCode).toBeNull();
    const answer = await gql(
      graphql(
        'query($code: String!) { forumRegistrationByCode(code: $code) { id status guestCode name } }',
      ),
      { code: present(waiting.guestCode, 'guest code') },
    );
    expect(answer.data?.forumRegistrationByCode).toEqual({
      id: waiting.id,
      status: 'WAITLISTED',
      guestCode: waiting.guestCode,
      name: 'Lena Wolf',
    });

    const deliver = async () => {
      const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
      await deliverForumMessages(transport, { eventId: rawId(eventId) });
      transport.close();
    };
    const toLena = () => received.filter((m) => JSON.stringify(m.to ?? '').includes('lena.wolf'));
    await deliver();
    expect(toLena()).toHaveLength(1);
    await confirmGuest(confirmationCodeIn(toLena()[0]?.text));
    await deliver();
    expect(toLena()).toHaveLength(2);
    expect(toLena()[1]?.text).toContain(
      `Your registration code (to see or cancel your registration): ${waiting.guestCode}`,
    );

    const cancelled = await cancel(null, waiting.id, present(waiting.guestCode, 'guest code'));
    expect(cancelled.__typename).toBe('CancelRegistrationSuccess');
    expect(
      (await prisma.forumRegistration.findUniqueOrThrow({ where: { id: rawId(waiting.id) } }))
        .status,
    ).toBe('CANCELLED');
  });
});
