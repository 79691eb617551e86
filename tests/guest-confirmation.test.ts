import { describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import { releaseUnconfirmedGuests } from '../src/modules/forums/guest-confirmation.js';
import { registerForEvent } from '../src/modules/forums/registration.service.js';
import { member, rawId, send } from './support/api.js';
import {
  confirmGuest,
  guest,
  openEvent,
  outboxConfirmationCode,
  register,
  registered,
} from './support/forums.js';
import { graphql } from './support/graphql.js';

// A guest's place is held while the e-mail address is unconfirmed, and lapses after
// GUEST_CONFIRM_MINUTES: the seat goes to the next in line. The organizer sees who has not
// confirmed. An address can be registered a few times an hour only.

const ATTENDEES = graphql(`
  query Attendees($id: ID!) {
    node(id: $id) {
      ... on ForumEvent {
        registrations(first: 20) {
          edges { node { name status guest emailConfirmation emailConfirmBy } }
        }
      }
    }
  }
`);

describe('guests confirm their e-mail address', () => {
  it("releases an unconfirmed guest's seat to the next in line, and keeps a confirmed one", async () => {
    const organizer = await member(['ORGANIZER']);
    const eventId = await openEvent(organizer.token, { visibility: 'PUBLIC', capacity: 1 });
    const unconfirmed = await registered(null, eventId, { guest: guest({ name: 'Nobody Real' }) });
    const next = await registered(null, eventId, { guest: guest({ name: 'Next In Line' }) });
    expect([unconfirmed.status, next.status]).toEqual(['CONFIRMED', 'WAITLISTED']);

    // The organizer sees who has not confirmed, and until when the place is held.
    const before = await send(organizer.token, ATTENDEES, { id: eventId });
    const rows =
      before.node && 'registrations' in before.node
        ? before.node.registrations.edges.map((e) => e.node)
        : [];
    expect(rows.map((r) => [r.name, r.emailConfirmation])).toEqual(
      expect.arrayContaining([
        ['Nobody Real', 'PENDING'],
        ['Next In Line', 'PENDING'],
      ]),
    );
    const held = await prisma.forumRegistration.findUniqueOrThrow({
      where: { id: rawId(unconfirmed.id) },
    });
    const minutes = ((held.emailConfirmBy?.getTime() ?? 0) - held.createdAt.getTime()) / 60_000;
    expect(minutes).toBeCloseTo(30, 0);
    // Only a hash of the code is kept on the registration.
    expect(held.emailCodeHash?.length).toBe(32);

    // The second guest confirms; the first lets the time pass.
    await confirmGuest(await outboxConfirmationCode(next.id));
    await prisma.forumRegistration.update({
      where: { id: held.id },
      data: { emailConfirmBy: new Date(Date.now() - 1000) },
    });
    expect(await releaseUnconfirmedGuests()).toBeGreaterThanOrEqual(1);

    const after = await prisma.forumRegistration.findMany({
      where: { eventId: rawId(eventId) },
      orderBy: { createdAt: 'asc' },
    });
    expect(after.map((r) => [r.name, r.status])).toEqual([
      ['Nobody Real', 'CANCELLED'],
      ['Next In Line', 'CONFIRMED'],
    ]);
    // The promoted guest hears of the seat; the lapsed address hears nothing more.
    const kinds = await prisma.forumMessage.findMany({
      where: { eventId: rawId(eventId) },
      select: { kind: true, registrationId: true },
    });
    expect(kinds.filter((m) => m.registrationId === held.id).map((m) => m.kind)).toEqual([
      'EMAIL_CONFIRMATION',
    ]);
    expect(
      kinds
        .filter((m) => m.registrationId === rawId(next.id))
        .map((m) => m.kind)
        .sort(),
    ).toEqual(['EMAIL_CONFIRMATION', 'REGISTRATION_PROMOTED', 'REGISTRATION_WAITLISTED']);

    const lapsed = await send(organizer.token, ATTENDEES, { id: eventId });
    const lapsedRows =
      lapsed.node && 'registrations' in lapsed.node
        ? lapsed.node.registrations.edges.map((e) => e.node)
        : [];
    expect(lapsedRows.map((r) => [r.name, r.emailConfirmation])).toEqual(
      expect.arrayContaining([
        ['Nobody Real', 'LAPSED'],
        ['Next In Line', 'CONFIRMED'],
      ]),
    );

    // A lapsed registration cannot be confirmed any more.
    const late = await send(
      null,
      graphql(`
      mutation Late($code: String!) {
        confirmGuestEmail(code: $code) { __typename ... on ValidationError { issues { path } } }
      }
    `),
      { code: await outboxConfirmationCode(unconfirmed.id) },
    );
    expect(late.confirmGuestEmail).toEqual({
      __typename: 'ValidationError',
      issues: [{ path: ['code'] }],
    });
  });

  it('limits how often one address is registered, whatever the event', async () => {
    const organizer = await member(['ORGANIZER']);
    const address = `often-${Date.now()}@example.test`;
    const answers = [];
    for (let n = 0; n < 6; n += 1) {
      const eventId = await openEvent(organizer.token, { visibility: 'PUBLIC' });
      answers.push(
        (await register(null, eventId, { guest: guest({ email: address }) })).__typename,
      );
    }
    expect(answers).toEqual([...Array(5).fill('RegisterForEventSuccess'), 'RateLimitedError']);
    expect(await prisma.forumRegistration.count({ where: { email: address } })).toBe(5);
  });

  it("does not count the operator's seeding against an address", async () => {
    const organizer = await member(['ORGANIZER']);
    const address = `seeded-${Date.now()}@example.test`;
    for (let n = 0; n < 6; n += 1) {
      const eventId = await openEvent(organizer.token, { visibility: 'PUBLIC' });
      await registerForEvent(
        null,
        {
          eventId: rawId(eventId),
          type: 'OBSERVER',
          sessionIds: [],
          listConsent: false,
          locale: null,
          guest: guest({ email: address }),
          idempotencyKey: crypto.randomUUID(),
        },
        'en',
        { byOperator: true },
      );
    }
    expect(await prisma.forumRegistration.count({ where: { email: address } })).toBe(6);
    // The address still has its whole hour of registrations by anyone else.
    const eventId = await openEvent(organizer.token, { visibility: 'PUBLIC' });
    expect((await register(null, eventId, { guest: guest({ email: address }) })).__typename).toBe(
      'RegisterForEventSuccess',
    );
  });

  it('needs no confirmation from members, whose address is known', async () => {
    const organizer = await member(['ORGANIZER']);
    const eventId = await openEvent(organizer.token, { visibility: 'PUBLIC' });
    const someone = await member(['VIEWER']);
    const mine = await registered(someone.token, eventId);
    const row = await prisma.forumRegistration.findUniqueOrThrow({ where: { id: rawId(mine.id) } });
    expect(row.emailConfirmBy).toBeNull();
    expect(
      await prisma.forumMessage.count({
        where: { registrationId: row.id, kind: 'EMAIL_CONFIRMATION' },
      }),
    ).toBe(0);
  });
});
