import { randomUUID } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import {
  expectMember,
  expectType,
  globalId,
  gql,
  makeUser,
  member,
  present,
  rawId,
  send,
  tokenFor,
  yoga,
} from './support/api.js';
import {
  cancel,
  confirmedGuest,
  confirmGuest,
  decide,
  eventInput,
  guest,
  happeningToday,
  openEvent,
  outboxConfirmationCode,
  Registration,
  register,
  registered,
  UPDATE_FORUM_EVENT,
} from './support/forums.js';
import { graphql } from './support/graphql.js';

const INVITE_TO_EVENT = graphql(
  `mutation($input: EventInvitationInput!) { inviteToEvent(input: $input) { __typename ... on InviteToEventSuccess { registrations { ...Registration } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
  [Registration],
);

const CHECK_IN = graphql(
  `mutation($code: String!) { checkIn(code: $code) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
);

// Forum registration through the GraphQL API: capacity, quotas and the waiting list, approval,
// idempotent retries, check-in, exports and personal data. Each test builds its own agencies.

async function colleague(agencyId: string, roles: Parameters<typeof makeUser>[1] = ['VIEWER']) {
  const user = await makeUser(agencyId, roles);
  return { user, token: await tokenFor(user.email) };
}

async function statuses(eventId: string) {
  const rows = await prisma.forumRegistration.groupBy({
    by: ['status'],
    where: { eventId: rawId(eventId) },
    _count: { _all: true },
  });
  return Object.fromEntries(rows.map((row) => [row.status, row._count._all]));
}

/** The first hour of the event, for a session. */
async function sessionTimes(eventId: string) {
  const event = await prisma.forumEvent.findUniqueOrThrow({ where: { id: rawId(eventId) } });
  return {
    startsAt: event.startsAt.toISOString(),
    endsAt: new Date(event.startsAt.getTime() + 3_600_000).toISOString(),
  };
}

async function messagesOf(registrationGlobalId: string) {
  const rows = await prisma.forumMessage.findMany({
    where: { registrationId: rawId(registrationGlobalId) },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((row) => row.kind);
}

describe('forum events', () => {
  it('reports every problem of a bad event at once and writes nothing', async () => {
    const { token, agency } = await member(['ORGANIZER']);
    const result = (
      await send(
        token,
        graphql(
          `mutation($input: ForumEventInput!) { createForumEvent(input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {
          input: eventInput({
            nameZhHant: ' ',
            venue: null,
            timeZone: 'Mars/Olympus',
            capacity: 0,
            endsAt: '2020-01-01T00:00:00Z',
          }),
        },
      )
    ).createForumEvent;
    const error = expectMember(result, 'ValidationError');
    const paths = error.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'input.nameZhHant',
        'input.venue',
        'input.timeZone',
        'input.capacity',
        'input.endsAt',
      ]),
    );
    expect(await prisma.forumEvent.count({ where: { organizerAgencyId: agency.id } })).toBe(0);
  });

  it('shows drafts to their organizers only, NETWORK events to members, PUBLIC ones to all', async () => {
    const { token } = await member(['ORGANIZER']);
    const other = await member(['ORGANIZER', 'AGENCY_ADMIN']);
    const draft = expectMember(
      (
        await send(
          token,
          graphql(
            `mutation($input: ForumEventInput!) { createForumEvent(input: $input) { __typename ... on CreateForumEventSuccess { event { id } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
          ),
          { input: eventInput({ visibility: 'PUBLIC' }) },
        )
      ).createForumEvent,
      'CreateForumEventSuccess',
    ).event.id;
    const network = await openEvent(token, { visibility: 'NETWORK' });
    const open = await openEvent(token, { visibility: 'PUBLIC' });
    const invitationOnly = await openEvent(token, { visibility: 'INVITATION_ONLY' });

    const ids = async (viewerToken?: string) => {
      const result = await gql(
        graphql(`{ forumEvents(first: 100, filter: { startsAfter: "2026-01-01T00:00:00Z" }) {
            totalCount edges { node { id } } } }`),
        {},
        { token: viewerToken },
      );
      expect(result.errors).toBeUndefined();
      return result.data?.forumEvents.edges.map((e) => e.node.id) as string[];
    };
    const mine = await ids(token);
    expect(mine).toEqual(expect.arrayContaining([draft, network, open, invitationOnly]));
    const theirs = await ids(other.token);
    expect(theirs).toEqual(expect.arrayContaining([network, open]));
    expect(theirs).not.toContain(draft);
    expect(theirs).not.toContain(invitationOnly);
    const anonymous = await ids();
    expect(anonymous).toContain(open);
    for (const hidden of [draft, network, invitationOnly]) expect(anonymous).not.toContain(hidden);

    // node(id:) says the same, for anonymous callers too.
    const node = async (id: string, viewerToken?: string) =>
      (
        await gql(
          graphql(`query($id: ID!) { node(id: $id) { id } }`),
          { id },
          { token: viewerToken },
        )
      ).data?.node;
    expect(await node(open)).toEqual({ id: open });
    expect(await node(network)).toBeNull();
    expect(await node(draft, other.token)).toBeNull();
    expect(await node(invitationOnly, other.token)).toBeNull();

    // Invitations wait for publication: an invitee must be able to read the event.
    const early = (
      await send(
        token,
        graphql(
          `mutation($input: EventInvitationInput!) { inviteToEvent(input: $input) { __typename ... on RegistrationClosedError { status } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { input: { eventId: draft, invitees: [{ guest: guest() }], type: 'SPEAKER' } },
      )
    ).inviteToEvent;
    expect(expectMember(early, 'RegistrationClosedError').status).toBe('DRAFT');
    expect(await prisma.forumRegistration.count({ where: { eventId: rawId(draft) } })).toBe(0);

    // Members of an invitation-only event cannot register themselves; invited people are in.
    const self = await register(other.token, invitationOnly);
    expect(self.__typename).toBe('NotFoundError');
    const invited = (
      await send(token, INVITE_TO_EVENT, {
        input: {
          eventId: invitationOnly,
          invitees: [{ userId: globalId('User', other.user.id) }],
          type: 'SPEAKER',
          message: 'We would be honoured to hear you on the opening panel.',
        },
      })
    ).inviteToEvent;
    const [speaker] = expectType<any>(invited, 'InviteToEventSuccess').registrations;
    expect(speaker).toMatchObject({ status: 'CONFIRMED', type: 'SPEAKER' });
    expect(await node(invitationOnly, other.token)).toEqual({ id: invitationOnly });
    expect(await messagesOf(speaker.id)).toEqual(['INVITED', 'REGISTRATION_CONFIRMED']);
  });
});

describe('seats, quotas and the waiting list', () => {
  it('confirms up to capacity, queues the rest, and promotes the next in line', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, { capacity: 2 });
    type Member = Awaited<ReturnType<typeof member>>;
    const people = (await Promise.all([1, 2, 3].map(() => member(['VIEWER'])))) as [
      Member,
      Member,
      Member,
    ];
    const first = await registered(people[0].token, eventId);
    const second = await registered(people[1].token, eventId);
    const third = await registered(people[2].token, eventId);
    expect([first.status, second.status, third.status]).toEqual([
      'CONFIRMED',
      'CONFIRMED',
      'WAITLISTED',
    ]);
    expect(third.waitingListPosition).toBe(1);
    expect(third.checkInCode).toBeNull();

    const cancelled = expectMember(
      await cancel(people[0].token, first.id),
      'CancelRegistrationSuccess',
    ).registration;
    expect(cancelled.status).toBe('CANCELLED');
    const promoted = await gql(
      graphql(
        `query($id: ID!) { node(id: $id) { __typename ... on ForumRegistration { status checkInCode } } }`,
      ),
      { id: third.id },
      { token: people[2].token },
    );
    expect(expectMember(promoted.data?.node, 'ForumRegistration').status).toBe('CONFIRMED');
    expect(expectMember(promoted.data?.node, 'ForumRegistration').checkInCode).toMatch(
      /^[A-Z2-7]{24}$/,
    );
    expect(await messagesOf(third.id)).toEqual([
      'REGISTRATION_WAITLISTED',
      'REGISTRATION_PROMOTED',
    ]);
    expect(await messagesOf(first.id)).toEqual([
      'REGISTRATION_CONFIRMED',
      'REGISTRATION_CANCELLED',
    ]);
    expect(await statuses(eventId)).toEqual({ CONFIRMED: 2, CANCELLED: 1 });

    // A cancelled registration cannot be cancelled again, and someone else's not at all.
    expect((await cancel(people[0].token, first.id)).__typename).toBe('ConflictError');
    expect((await cancel(people[0].token, second.id)).__typename).toBe('NotFoundError');
  });

  it('places a delegation all or nothing within its quota; the next eligible entry passes', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, { capacity: 10, agencyQuota: 2 });
    const admin = await member(['AGENCY_ADMIN']);
    const delegates = await Promise.all([1, 2, 3].map(() => makeUser(admin.agency.id, ['VIEWER'])));
    const nominate = (userIds: string[], key = randomUUID()) =>
      send(
        admin.token,
        graphql(
          `mutation($input: NominationInput!) { nominateDelegates(input: $input) { __typename ... on NominateDelegatesSuccess { registrations { ...Registration } } ... on QuotaReachedError { quota held } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
          [Registration],
        ),
        {
          input: {
            eventId,
            userIds: userIds.map((id) => globalId('User', id)),
            type: 'DELEGATE',
            idempotencyKey: key,
          },
        },
      ).then((data) => data.nominateDelegates);
    // Three exceed the quota of two: the whole group waits, as one entry.
    const group = expectMember(
      await nominate(delegates.map((d) => d.id)),
      'NominateDelegatesSuccess',
    ).registrations;
    expect(group.map((r) => r.status)).toEqual(['WAITLISTED', 'WAITLISTED', 'WAITLISTED']);
    expect(group.map((r) => r.waitingListPosition)).toEqual([1, 1, 1]);
    // Someone from another agency, later, passes: seats are free and their quota is untouched.
    const outsider = await member(['VIEWER']);
    expect((await registered(outsider.token, eventId)).status).toBe('CONFIRMED');

    // Raising the agency's quota to 3 lets the group in, together.
    const raised = (
      await send(token, UPDATE_FORUM_EVENT, {
        id: eventId,
        input: {
          agencyQuotas: [{ agencyId: globalId('Agency', admin.agency.id), seats: 3 }],
        },
      })
    ).updateForumEvent;
    expect(raised.__typename).toBe('UpdateForumEventSuccess');
    const rows = await prisma.forumRegistration.findMany({
      where: { id: { in: group.map((r) => rawId(r.id)) } },
    });
    expect(rows.map((r) => r.status)).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED']);

    // Without a waiting list a request beyond the quota is refused and leaves nothing.
    const strict = await openEvent(token, { capacity: 10, agencyQuota: 2, waitingList: false });
    const before = await prisma.forumRegistration.count();
    const refused = (
      await send(
        admin.token,
        graphql(
          `mutation($input: NominationInput!) { nominateDelegates(input: $input) { __typename ... on QuotaReachedError { quota held } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {
          input: {
            eventId: strict,
            userIds: delegates.map((d) => globalId('User', d.id)),
            type: 'DELEGATE',
            idempotencyKey: randomUUID(),
          },
        },
      )
    ).nominateDelegates;
    expect(expectMember(refused, 'QuotaReachedError')).toMatchObject({ quota: 2, held: 0 });
    expect(await prisma.forumRegistration.count()).toBe(before);
    expect(await prisma.forumRequest.count({ where: { eventId: rawId(strict) } })).toBe(0);
  });

  it('refuses a full event without a waiting list, and closed registration', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, { capacity: 1, waitingList: false });
    const [a, b] = await Promise.all([member(['VIEWER']), member(['VIEWER'])]);
    expect((await registered(a.token, eventId)).status).toBe('CONFIRMED');
    const full = await register(b.token, eventId);
    expect(expectMember(full, 'EventFullError').capacity).toBe(1);
    expect(await statuses(eventId)).toEqual({ CONFIRMED: 1 });

    const closed = (
      await send(
        token,
        graphql(
          `mutation($id: ID!) { closeForumEvent(id: $id) { __typename ... on CloseForumEventSuccess { event { status registrationOpen } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: eventId },
      )
    ).closeForumEvent;
    expect(expectMember(closed, 'CloseForumEventSuccess').event).toEqual({
      status: 'CLOSED',
      registrationOpen: false,
    });
    expect((await register(b.token, eventId)).__typename).toBe('RegistrationClosedError');
  });

  it('never oversells: 300 concurrent registrations for 50 seats', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, { capacity: 50, visibility: 'PUBLIC' });
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        register(null, eventId, { guest: guest({ name: `Guest ${i}` }) }),
      ),
    );
    const kinds = results.map((r) => r.__typename);
    expect(new Set(kinds)).toEqual(new Set(['RegisterForEventSuccess']));
    const answered = results.map(
      (r) => expectMember(r, 'RegisterForEventSuccess').registration.status,
    );
    expect(answered.filter((s) => s === 'CONFIRMED')).toHaveLength(50);
    expect(answered.filter((s) => s === 'WAITLISTED')).toHaveLength(250);
    const rows = await prisma.forumRegistration.findMany({ where: { eventId: rawId(eventId) } });
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((r) => r.email)).size).toBe(300);
    expect(rows.filter((r) => r.status === 'CONFIRMED')).toHaveLength(50);
    expect(rows.filter((r) => r.status === 'WAITLISTED')).toHaveLength(250);
  });
});

describe('approval and idempotency', () => {
  it('runs two-step approval: home agency first, then the organizers', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, {
      requiresApproval: true,
      requiresAgencyApproval: true,
    });
    const admin = await member(['AGENCY_ADMIN']);
    const delegate = await colleague(admin.agency.id);
    const pending = await registered(delegate.token, eventId);
    expect(pending).toMatchObject({ status: 'PENDING_APPROVAL', approvalStage: 'AGENCY' });

    // The organizers wait for the home agency; the delegate cannot approve themselves.
    expect((await decide(token, pending.id, 'APPROVE')).__typename).toBe('ForbiddenError');
    expect((await decide(delegate.token, pending.id, 'APPROVE')).__typename).toBe('ForbiddenError');
    const awaiting = await gql(
      graphql(
        `{ registrationsAwaitingMyDecision(first: 10) { totalCount edges { node { id } } } }`,
      ),
      {},
      { token: admin.token },
    );
    expect(awaiting.data?.registrationsAwaitingMyDecision.edges).toEqual([
      { node: { id: pending.id } },
    ]);
    const agencyOk = expectMember(
      await decide(admin.token, pending.id, 'APPROVE'),
      'DecideRegistrationSuccess',
    ).registration;
    expect(agencyOk).toMatchObject({ status: 'PENDING_APPROVAL', approvalStage: 'ORGANIZER' });
    expect((await decide(admin.token, pending.id, 'APPROVE')).__typename).toBe('ForbiddenError');
    const confirmed = expectMember(
      await decide(token, pending.id, 'APPROVE'),
      'DecideRegistrationSuccess',
    ).registration;
    expect(confirmed.status).toBe('CONFIRMED');
    const row = await prisma.forumRegistration.findUniqueOrThrow({
      where: { id: rawId(pending.id) },
    });
    expect(row.agencyDecidedById).toBe(admin.user.id);
    expect(row.decidedById).not.toBeNull();
    expect(await messagesOf(pending.id)).toEqual([
      'REGISTRATION_RECEIVED',
      'REGISTRATION_CONFIRMED',
    ]);

    // A decline ends it, with the reason in the message.
    const other = await colleague(admin.agency.id);
    const second = await registered(other.token, eventId);
    const declined = expectMember(
      await decide(admin.token, second.id, 'DECLINE', 'Travel budget exhausted this year.'),
      'DecideRegistrationSuccess',
    ).registration;
    expect(declined.status).toBe('DECLINED');
    const declineMessage = await prisma.forumMessage.findFirstOrThrow({
      where: { registrationId: rawId(second.id), kind: 'REGISTRATION_DECLINED' },
    });
    expect(declineMessage.data).toEqual({ reason: 'Travel budget exhausted this year.' });
    expect((await decide(admin.token, second.id, 'APPROVE')).__typename).toBe('ConflictError');
  });

  it('answers a retry with the first answer, and refuses a second registration', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token);
    const person = await member(['VIEWER']);
    const key = randomUUID();
    const first = await registered(person.token, eventId, { idempotencyKey: key });
    const retried = await Promise.all(
      [1, 2, 3].map(() => registered(person.token, eventId, { idempotencyKey: key })),
    );
    for (const again of retried) expect(again).toEqual(first);
    expect(await prisma.forumRegistration.count({ where: { userId: person.user.id } })).toBe(1);

    const duplicate = await register(person.token, eventId);
    expect(expectMember(duplicate, 'DuplicateRegistrationError').person).toBe(first.name);
    // After cancelling, the person may register again.
    await cancel(person.token, first.id);
    expect((await registered(person.token, eventId)).status).toBe('CONFIRMED');
  });
});

/** Dates of an event that starts in an hour, with registration open until then. */
describe('check-in', () => {
  it('admits a guest only once the e-mail address is confirmed', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, { visibility: 'PUBLIC', ...happeningToday() });
    const seat = await registered(null, eventId, { guest: guest() });
    const code = present(seat.checkInCode, 'check-in code');
    const scan = async () => (await send(token, CHECK_IN, { code })).checkIn;
    expect(await scan()).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect(
      (await prisma.forumRegistration.findUniqueOrThrow({ where: { id: rawId(seat.id) } })).status,
    ).toBe('CONFIRMED');
    await confirmGuest(await outboxConfirmationCode(seat.id));
    expect((await scan()).__typename).toBe('CheckInSuccess');
  });

  it('checks in once, says so on a second scan, and works for sessions', async () => {
    const { token } = await member(['ORGANIZER']);
    // Check-in is open on the event's day: this one is today.
    const eventId = await openEvent(token, { capacity: 1, ...happeningToday() });
    const session = expectMember(
      (
        await send(
          token,
          graphql(
            `mutation($eventId: ID!, $input: ForumSessionInput!) { addSession(eventId: $eventId, input: $input) { __typename ... on AddSessionSuccess { session { id } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
          ),
          {
            eventId,
            input: {
              titleEn: 'Cross-border e-commerce',
              titleZhHans: '跨境电商',
              titleZhHant: '跨境電商',
              ...(await sessionTimes(eventId)),
              room: 'Hall B',
            },
          },
        )
      ).addSession,
      'AddSessionSuccess',
    ).session.id;
    const [person, late] = await Promise.all([member(['VIEWER']), member(['VIEWER'])]);
    const mine = await registered(person.token, eventId, { sessionIds: [session] });
    const waiting = await registered(late.token, eventId);
    const qr = await gql(
      graphql(
        `query($id: ID!) { node(id: $id) { __typename ... on ForumRegistration { qrCode(format: SVG) png: qrCode(format: PNG) } } }`,
      ),
      { id: mine.id },
      { token: person.token },
    );
    expect(expectMember(qr.data?.node, 'ForumRegistration').qrCode).toContain('<svg');
    expect(expectMember(qr.data?.node, 'ForumRegistration').png).toMatch(
      /^data:image\/png;base64,/,
    );

    const scan = (code: string, sessionIds?: string[]) =>
      send(
        token,
        graphql(
          `mutation($code: String!, $sessionIds: [ID!]) { checkIn(code: $code, sessionIds: $sessionIds) { __typename ... on CheckInSuccess { checkIn { alreadyCheckedIn checkedInAt registration { status } sessions { session { id } alreadyCheckedIn } } } ... on CheckInRefusedError { status } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { code, sessionIds },
      ).then((data) => data.checkIn);
    const code = present(mine.checkInCode, 'check-in code');
    const first = expectMember(await scan(code), 'CheckInSuccess').checkIn;
    expect(first).toMatchObject({
      alreadyCheckedIn: false,
      registration: { status: 'CHECKED_IN' },
    });
    const again = expectMember(await scan(code.toLowerCase(), [session]), 'CheckInSuccess').checkIn;
    expect(again.alreadyCheckedIn).toBe(true);
    expect(again.checkedInAt).toBe(first.checkedInAt);
    expect(again.sessions).toEqual([{ session: { id: session }, alreadyCheckedIn: false }]);
    const sessionAgain = expectType<any>(await scan(code, [session]), 'CheckInSuccess');
    expect(sessionAgain.checkIn.sessions[0].alreadyCheckedIn).toBe(true);

    // A waitlisted code does not admit; another agency's organizers find no such code.
    const row = await prisma.forumRegistration.findUniqueOrThrow({
      where: { id: rawId(waiting.id) },
    });
    expect(expectMember(await scan(row.checkInCode), 'CheckInRefusedError').status).toBe(
      'WAITLISTED',
    );
    const stranger = await member(['ORGANIZER']);
    const foreign = (
      await send(stranger.token, CHECK_IN, {
        code,
      })
    ).checkIn;
    expect(foreign.__typename).toBe('NotFoundError');
    expect(
      (await prisma.forumRegistration.findUniqueOrThrow({ where: { id: rawId(mine.id) } }))
        .checkedInById,
    ).not.toBeNull();
  });
});

describe('the check-in window', () => {
  it('opens on the event’s own day, not six weeks before', async () => {
    const { token } = await member(['ORGANIZER']);
    const early = await openEvent(token, { capacity: 5, visibility: 'PUBLIC' });
    const seated = await confirmedGuest(early);
    expect(seated.status).toBe('CONFIRMED');
    const refused = (
      await send(token, CHECK_IN, { code: present(seated.checkInCode, 'check-in code') })
    ).checkIn;
    expect(expectMember(refused, 'ConflictError').message).toMatch(/on the event's day/);
    expect(
      (await prisma.forumRegistration.findUniqueOrThrow({ where: { id: rawId(seated.id) } }))
        .status,
    ).toBe('CONFIRMED');

    const today = await openEvent(token, {
      capacity: 5,
      visibility: 'PUBLIC',
      ...happeningToday(),
    });
    const guestToday = await confirmedGuest(today);
    const admitted = (
      await send(
        token,
        graphql(
          `mutation($code: String!) { checkIn(code: $code) { __typename ... on CheckInSuccess { checkIn { alreadyCheckedIn } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { code: present(guestToday.checkInCode, 'check-in code') },
      )
    ).checkIn;
    expect(expectMember(admitted, 'CheckInSuccess').checkIn.alreadyCheckedIn).toBe(false);
  });
});

describe('guests and personal data', () => {
  it('lets guests register for PUBLIC events and see only their own registration', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, { visibility: 'PUBLIC' });
    const networkOnly = await openEvent(token, { visibility: 'NETWORK' });
    const alice = guest({ name: '陈美玲', email: 'mei.ling.chen@example.test' });
    const mine = await registered(null, eventId, {
      guest: alice,
      listConsent: true,
      locale: 'ZH_HANT',
    });
    expect(mine).toMatchObject({ status: 'CONFIRMED', email: alice.email });
    const other = await registered(null, eventId, { guest: guest({ name: 'Bob Quiet' }) });
    expect((await register(null, networkOnly, { guest: guest() })).__typename).toBe(
      'NotFoundError',
    );
    const missing = await register(null, eventId, {});
    expect(expectType<any>(missing, 'ValidationError').issues[0].path).toEqual(['input', 'guest']);

    // The code opens the guest's own registration, and nothing else.
    const byCode = await gql(
      graphql(
        `query($code: String!) { forumRegistrationByCode(code: $code) { id name email status } }`,
      ),
      { code: present(mine.checkInCode, 'check-in code') },
    );
    expect(byCode.data?.forumRegistrationByCode).toMatchObject({ id: mine.id, email: alice.email });
    const nodeOfOther = await gql(graphql(`query($id: ID!) { node(id: $id) { id } }`), {
      id: other.id,
    });
    expect(nodeOfOther.data?.node).toBeNull();
    const list = await gql(
      graphql(`query($id: ID!) { node(id: $id) { __typename ... on ForumEvent {
          participants { name organisation country }
          registrations(first: 10) { totalCount } } } }`),
      { id: eventId },
    );
    expect(list.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const published = await gql(
      graphql(
        `query($id: ID!) { node(id: $id) { __typename ... on ForumEvent { participants { name organisation country } } } }`,
      ),
      { id: eventId },
    );
    expect(expectMember(published.data?.node, 'ForumEvent').participants).toEqual([
      { name: '陈美玲', organisation: alice.organisation, country: 'FR' },
    ]);
    // A member who is not an organizer sees neither guest's contact details nor their rows.
    const someone = await member(['ORGANIZER']);
    const seen = await gql(
      graphql(
        `query($id: ID!) { node(id: $id) { __typename ... on ForumEvent { registrations(first: 10) { totalCount } } } }`,
      ),
      { id: eventId },
      { token: someone.token },
    );
    expect(expectMember(seen.data?.node, 'ForumEvent').registrations.totalCount).toBe(0);

    // A guest invited to a NETWORK event reads it through their code, and only so.
    const invited = (
      await send(token, INVITE_TO_EVENT, {
        input: { eventId: networkOnly, invitees: [{ guest: guest() }], type: 'SPEAKER' },
      })
    ).inviteToEvent;
    const [speaker] = expectType<any>(invited, 'InviteToEventSuccess').registrations;
    const speakerView = await gql(
      graphql(`query($code: String!) { forumRegistrationByCode(code: $code) { event { id } } }`),
      { code: speaker.checkInCode },
    );
    expect(speakerView.data?.forumRegistrationByCode?.event).toEqual({ id: networkOnly });
    const withoutCode = await gql(graphql(`query($id: ID!) { node(id: $id) { id } }`), {
      id: networkOnly,
    });
    expect(withoutCode.data?.node).toBeNull();

    // The guest cancels with their code.
    const cancelled = expectMember(
      await cancel(null, mine.id, present(mine.checkInCode, 'check-in code')),
      'CancelRegistrationSuccess',
    );
    expect(cancelled.registration.status).toBe('CANCELLED');
    expect((await cancel(null, other.id, present(mine.checkInCode, 'code'))).__typename).toBe(
      'NotFoundError',
    );
  });

  it('erases personal data after the event and keeps the anonymised record', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, { visibility: 'PUBLIC' });
    const person = await registered(null, eventId, { guest: guest({ name: 'Erika Muster' }) });
    const erase = () =>
      send(
        token,
        graphql(
          `mutation($id: ID!) { eraseRegistrantData(id: $id) { __typename ... on EraseRegistrantDataSuccess { registration { name email erasedAt status } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: person.id },
      ).then((data) => data.eraseRegistrantData);
    expect((await erase()).__typename).toBe('ConflictError');

    const past = Date.now() - 10 * 24 * 3_600_000;
    const moved = (
      await send(token, UPDATE_FORUM_EVENT, {
        id: eventId,
        input: {
          registrationOpensAt: new Date(past - 86_400_000).toISOString(),
          registrationClosesAt: new Date(past).toISOString(),
          startsAt: new Date(past).toISOString(),
          endsAt: new Date(past + 86_400_000).toISOString(),
        },
      })
    ).updateForumEvent;
    expect(moved.__typename).toBe('UpdateForumEventSuccess');
    const erased = expectMember(await erase(), 'EraseRegistrantDataSuccess').registration;
    expect(erased).toMatchObject({ name: 'Erased registrant', email: null, status: 'CONFIRMED' });
    const row = await prisma.forumRegistration.findUniqueOrThrow({
      where: { id: rawId(person.id) },
    });
    expect(row).toMatchObject({ email: null, organisation: null, country: null, personKey: null });
    const messages = await prisma.forumMessage.findMany({ where: { registrationId: row.id } });
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.recipient === null)).toBe(true);
  });
});

describe('exports', () => {
  it('publishes an RFC 5545 calendar and a CSV that keeps Chinese names', async () => {
    const { token } = await member(['ORGANIZER']);
    const eventId = await openEvent(token, { visibility: 'PUBLIC' });
    (
      await send(
        token,
        graphql(
          `mutation($eventId: ID!, $input: ForumSessionInput!) { addSession(eventId: $eventId, input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        {
          eventId,
          input: {
            titleEn: 'Opening',
            titleZhHans: '开幕式',
            titleZhHant: '開幕式',
            ...(await sessionTimes(eventId)),
            capacity: 20,
          },
        },
      )
    ).addSession;
    await registered(null, eventId, {
      guest: guest({ name: '张伟', organisation: '=HYPERLINK("x")' }),
    });

    const response = await yoga.fetch(
      `http://localhost/forum-events/${encodeURIComponent(eventId)}/calendar.ics?locale=zh-Hans`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/calendar');
    const calendar = new ICAL.Component(ICAL.parse(await response.text()));
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.summary)).toEqual([
      '广州国际知识产权论坛',
      '开幕式 — 广州国际知识产权论坛',
    ]);
    expect(events[0]?.uid).toBe(`${rawId(eventId)}@gba-ipnet`);
    const stored = await prisma.forumEvent.findUniqueOrThrow({ where: { id: rawId(eventId) } });
    expect(events[0]?.startDate.toJSDate().getTime()).toBe(
      Math.floor(stored.startsAt.getTime() / 1000) * 1000,
    );
    expect(events[0]?.startDate.zone.tzid).toBe('UTC');

    const csvResponse = await yoga.fetch(
      `http://localhost/forum-events/${encodeURIComponent(eventId)}/attendees.csv`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(csvResponse.status).toBe(200);
    const bytes = new Uint8Array(await csvResponse.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder().decode(bytes), { bom: true, columns: true });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      name: '张伟',
      status: 'CONFIRMED',
      organisation: `'=HYPERLINK("x")`,
    });

    // The attendee list is for the organizers only; a NETWORK event's calendar needs a session.
    const outsider = await member(['ORGANIZER']);
    const refused = await yoga.fetch(
      `http://localhost/forum-events/${encodeURIComponent(eventId)}/attendees.csv`,
      { headers: { authorization: `Bearer ${outsider.token}` } },
    );
    expect(refused.status).toBe(403);
    const networkEvent = await openEvent(token, { visibility: 'NETWORK' });
    const anonymous = await yoga.fetch(
      `http://localhost/forum-events/${encodeURIComponent(networkEvent)}/calendar.ics`,
    );
    expect(anonymous.status).toBe(401);
    const field = await gql(
      graphql(
        `query($id: ID!) { node(id: $id) { __typename ... on ForumEvent { icalendar attendeesCsv } } }`,
      ),
      { id: eventId },
      { token: outsider.token },
    );
    expect(expectMember(field.data?.node, 'ForumEvent').icalendar).toContain('BEGIN:VCALENDAR');
    expect(expectMember(field.data?.node, 'ForumEvent').attendeesCsv).toBeNull();
  });
});

describe('demo forums', () => {
  it('seeds a full upcoming forum with a waiting list, and a past workshop with check-ins', async () => {
    const { seedDemoNetwork } = await import('../src/demo/seed.js');
    await seedDemoNetwork('ipnet-demo-2026');
    const forum = await prisma.forumEvent.findFirstOrThrow({
      where: { nameEn: 'Guangzhou International IP Forum 2027' },
    });
    const counts = await prisma.forumRegistration.groupBy({
      by: ['status'],
      where: { eventId: forum.id },
      _count: { _all: true },
    });
    expect(Object.fromEntries(counts.map((c) => [c.status, c._count._all]))).toEqual({
      CONFIRMED: 14,
      WAITLISTED: 2,
    });
    // No delegation holds more than its quota (invitations aside).
    const delegations = await prisma.forumRegistration.groupBy({
      by: ['agencyId'],
      where: { eventId: forum.id, status: 'CONFIRMED', request: { invitation: false } },
      _count: { _all: true },
    });
    expect(Math.max(...delegations.filter((d) => d.agencyId).map((d) => d._count._all))).toBe(2);

    const listed = await gql(
      graphql(`{ forumEvents(first: 50, filter: { search: "Guangzhou International IP Forum 2027" }) {
          edges { node { name(locale: ZH_HANT) seats { confirmed waitlisted available }
            sessions { title seats { capacity confirmed } } } } } }`),
      {},
    );
    expect(listed.data?.forumEvents.edges[0]?.node).toMatchObject({
      name: '2027廣州國際知識產權論壇',
      seats: { confirmed: 14, waitlisted: 2, available: 0 },
    });
    expect(listed.data?.forumEvents.edges[0]?.node.sessions[1]?.seats).toEqual({
      capacity: 8,
      confirmed: 8,
    });

    const workshop = await prisma.forumEvent.findFirstOrThrow({
      where: { nameEn: 'Workshop: Identifying Counterfeit Cosmetics' },
      include: { registrations: true },
    });
    expect(workshop.endsAt.getTime()).toBeLessThan(Date.now());
    expect(workshop.registrations.filter((r) => r.status === 'CHECKED_IN')).toHaveLength(3);
  });
});
