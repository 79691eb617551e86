import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectMember, gql, present, rawId, send, unique } from './api.js';
import { graphql, type VariablesOf } from './graphql.js';

// Driving forum events and registration through the real mutations.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const CREATE_EVENT = graphql(`
  mutation CreateEvent($input: ForumEventInput!) { createForumEvent(input: $input) {
    __typename
    ... on CreateForumEventSuccess { event { id status } }
    ... on ValidationError { issues { path message } }
    ... on Error { code message } } }
`);
export type ForumEventInput = VariablesOf<typeof CREATE_EVENT>['input'];

const PUBLISH_EVENT = graphql(`
  mutation PublishEvent($id: ID!) { publishForumEvent(id: $id) {
    __typename
    ... on PublishForumEventSuccess { event { status } }
    ... on Error { code message } } }
`);

/** An event a month ahead, registration open now. */
export function eventInput(overrides: Partial<ForumEventInput> = {}): ForumEventInput {
  const start = new Date(Date.now() + 30 * DAY);
  return {
    kind: 'FORUM',
    nameEn: `Guangzhou International IP Forum ${unique('f')}`,
    nameZhHans: '广州国际知识产权论坛',
    nameZhHant: '廣州國際知識產權論壇',
    descriptionEn: 'Enforcement across the Greater Bay Area.',
    descriptionZhHans: '大湾区知识产权执法合作。',
    descriptionZhHant: '大灣區知識產權執法合作。',
    venue: 'Guangzhou International Convention Centre',
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 2 * DAY).toISOString(),
    timeZone: 'Asia/Shanghai',
    registrationOpensAt: new Date(Date.now() - HOUR).toISOString(),
    registrationClosesAt: new Date(start.getTime() - DAY).toISOString(),
    visibility: 'NETWORK',
    capacity: 50,
    ...overrides,
  };
}

/** Creates and publishes an event; returns its id. */
export async function openEvent(token: string, overrides: Partial<ForumEventInput> = {}) {
  const created = (await send(token, CREATE_EVENT, { input: eventInput(overrides) }))
    .createForumEvent;
  const { id } = expectMember(created, 'CreateForumEventSuccess').event;
  const published = (await send(token, PUBLISH_EVENT, { id })).publishForumEvent;
  expect(expectMember(published, 'PublishForumEventSuccess').event.status).toBe('OPEN');
  return id;
}

export const Registration = graphql(`
  fragment Registration on ForumRegistration {
    id name status type email checkInCode guestCode approvalStage waitingListPosition
  }
`);

const REGISTER = graphql(
  `mutation Register($input: RegistrationInput!) { registerForEvent(input: $input) {
    __typename
    ... on RegisterForEventSuccess { registration { ...Registration } }
    ... on DuplicateRegistrationError { person }
    ... on QuotaReachedError { quota held }
    ... on EventFullError { capacity }
    ... on RegistrationClosedError { status }
    ... on ValidationError { issues { path message } }
    ... on Error { code message } } }`,
  [Registration],
);
export type RegistrationInput = VariablesOf<typeof REGISTER>['input'];

export async function register(
  token: string | null,
  eventId: string,
  extra: Partial<RegistrationInput> = {},
) {
  const data = await send(token, REGISTER, {
    input: { eventId, type: 'DELEGATE', idempotencyKey: randomUUID(), ...extra },
  });
  return data.registerForEvent;
}

/** Registers and expects success; returns the registration. */
export async function registered(
  token: string | null,
  eventId: string,
  extra: Partial<RegistrationInput> = {},
) {
  return expectMember(await register(token, eventId, extra), 'RegisterForEventSuccess')
    .registration;
}

export function guest(overrides: Record<string, unknown> = {}) {
  return {
    name: '李明',
    email: `${unique('guest')}@example.test`,
    organisation: 'Université de Lyon',
    country: 'FR',
    ...overrides,
  };
}

const CONFIRM_GUEST = graphql(
  `mutation ConfirmGuest($code: String!) {
    confirmGuestEmail(code: $code) {
      __typename
      ... on ConfirmGuestEmailSuccess { registration { ...Registration emailConfirmation } }
      ... on ValidationError { issues { path message } }
      ... on Error { code message } } }`,
  [Registration],
);

/** The confirmation code in a guest's message (English or Chinese). */
export function confirmationCodeIn(text: string | undefined): string {
  const code = /(?:Confirmation code|确认码)[:：] ?([A-Z2-7]{5}-[A-Z2-7]{5})/.exec(text ?? '')?.[1];
  return present(code, 'a confirmation code in the message');
}

/** The confirmation code of a guest's registration, as its message carries it. */
export async function outboxConfirmationCode(registrationId: string): Promise<string> {
  const message = await prisma.forumMessage.findFirstOrThrow({
    where: { registrationId: rawId(registrationId), kind: 'EMAIL_CONFIRMATION' },
  });
  return (message.data as { confirmationCode: string }).confirmationCode;
}

/** A guest registers and confirms the address with the code sent to it. */
export async function confirmedGuest(eventId: string, extra: Partial<RegistrationInput> = {}) {
  const registration = await registered(null, eventId, { guest: guest(), ...extra });
  await confirmGuest(await outboxConfirmationCode(registration.id));
  return registration;
}

export async function confirmGuest(code: string) {
  const answer = await gql(CONFIRM_GUEST, { code });
  return expectMember(answer.data?.confirmGuestEmail, 'ConfirmGuestEmailSuccess').registration;
}

const DECIDE = graphql(
  `mutation Decide($id: ID!, $decision: RegistrationDecision!, $reason: String) {
    decideRegistration(id: $id, decision: $decision, reason: $reason) {
      __typename
      ... on DecideRegistrationSuccess { registration { ...Registration } }
      ... on ValidationError { issues { path message } }
      ... on Error { code message } } }`,
  [Registration],
);

export async function decide(
  token: string,
  id: string,
  decision: VariablesOf<typeof DECIDE>['decision'],
  reason?: string,
) {
  return (await send(token, DECIDE, { id, decision, reason })).decideRegistration;
}

const CANCEL = graphql(
  `mutation Cancel($id: ID!, $code: String) { cancelRegistration(id: $id, code: $code) {
    __typename
    ... on CancelRegistrationSuccess { registration { ...Registration } }
    ... on ValidationError { issues { path message } }
    ... on Error { code message } } }`,
  [Registration],
);

export async function cancel(token: string | null, id: string, code?: string) {
  return (await send(token, CANCEL, { id, code })).cancelRegistration;
}

/** An organizer changes an event. */
export const UPDATE_FORUM_EVENT = graphql(
  `mutation($id: ID!, $input: ForumEventChanges!) { updateForumEvent(id: $id, input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
);

/**
 * An event starting within the hour, on today's date in its own time zone (check-in opens on the
 * event's day): UTC, or Hong Kong's when UTC's hour is already too late for a start today.
 */
export function happeningToday() {
  const hour = 3_600_000;
  const now = Date.now();
  const dayIn = (timeZone: string, at: number) =>
    new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' }).format(at);
  const timeZone =
    ['UTC', 'Asia/Hong_Kong'].find((zone) => dayIn(zone, now) === dayIn(zone, now + hour)) ?? 'UTC';
  return {
    registrationOpensAt: new Date(now - hour).toISOString(),
    registrationClosesAt: new Date(now + hour / 2).toISOString(),
    startsAt: new Date(now + hour).toISOString(),
    endsAt: new Date(now + 5 * hour).toISOString(),
    timeZone,
  };
}
