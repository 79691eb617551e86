import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import type { Me } from '../app.tsx';
import { DecideControls } from '../decide.tsx';
import { graphql, type ResultOf } from '../graphql.ts';
import { lang, localeEnum, t } from '../i18n.ts';
import { valueName } from '../labels.ts';
import { problemOfResult, Read } from '../read.tsx';
import { Scanner } from '../scanner.tsx';
import { dateTime } from '../time.ts';

// The registration desk for organizers: their events with seats taken, the waiting list and the
// quotas; the registrations awaiting their decision (their agency's admins decide first where
// the event asks for it); check-in by the QR code through the camera or by the typed code; and
// the attendee list and calendar.

const DESK = graphql(`
  query ConsoleDesk($locale: Locale) {
    forumEvents(first: 30, filter: { organizedByMyAgency: true }) {
      edges { node { id name(locale: $locale) startsAt timeZone status mayOrganize
        seats { capacity confirmed waitlisted available }
        agencyQuotas { seats agency { name } } } }
    }
    registrationsAwaitingMyDecision(first: 50) {
      edges { node { id name organisation approvalStage createdAt agency { name } event { id name(locale: $locale) } } }
    }
  }
`);
const DECIDE = graphql(`
  mutation ConsoleDecide($id: ID!, $decision: RegistrationDecision!, $reason: String) {
    decideRegistration(id: $id, decision: $decision, reason: $reason) {
      __typename
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const INVITE = graphql(`
  mutation ConsoleInvite($input: EventInvitationInput!) {
    inviteToEvent(input: $input) {
      __typename
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const CHECK_IN = graphql(`
  mutation ConsoleCheckIn($code: String!) {
    checkIn(code: $code) {
      __typename
      ... on CheckInSuccess { checkIn { alreadyCheckedIn registration { name } } }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
type Desk = ResultOf<typeof DESK>;
type Waiting = Desk['registrationsAwaitingMyDecision']['edges'][number]['node'];

export function DeskPage({ me }: { me: Me }) {
  const words = t();
  // Check-in and invitations are for organizers; agency admins decide on registrations too.
  const organizer = me.roles.includes('ORGANIZER') || me.roles.includes('NETWORK_ADMIN');
  const [result, reexecute] = useQuery({ query: DESK, variables: { locale: localeEnum() } });
  return (
    <section aria-labelledby="desk-title">
      <h1 id="desk-title">{words.desk}</h1>
      {organizer ? <CheckIn /> : null}
      <Read result={result} retry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(desk) => <Desk desk={desk} organizer={organizer} />}
      </Read>
    </section>
  );
}

/** Check-in by the typed code or the QR code through the camera. */
function CheckIn() {
  const words = t();
  const [code, setCode] = useState('');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [scanning, setScanning] = useState(false);
  const [, checkInMutation] = useMutation(CHECK_IN);

  const checkIn = async (given: string) => {
    setScanning(false);
    const result = await checkInMutation({ code: given.trim() });
    const answer = result.data?.checkIn;
    if (answer?.__typename === 'CheckInSuccess') {
      const name = answer.checkIn.registration.name;
      setOutcome({
        ok: true,
        text: answer.checkIn.alreadyCheckedIn ? words.alreadyIn(name) : words.checkedIn(name),
      });
      setCode('');
      return;
    }
    setOutcome({ ok: false, text: problemOfResult(result, answer) });
  };

  return (
    <div class="panel">
      <h2>{words.checkInTitle}</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void checkIn(code);
        }}
      >
        <label>
          {words.checkInCode}
          <input
            type="text"
            value={code}
            autoComplete="off"
            onInput={(e) => setCode((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">{words.checkInButton}</button>
        {scanning ? null : (
          <button type="button" onClick={() => setScanning(true)}>
            {words.scan}
          </button>
        )}
      </form>
      {scanning ? (
        <Scanner onCode={(found) => void checkIn(found)} onStop={() => setScanning(false)} />
      ) : null}
      {outcome ? (
        <p class={outcome.ok ? 'ok' : 'problem'} role="status">
          {outcome.text}
        </p>
      ) : null}
    </div>
  );
}

function Desk({ desk, organizer }: { desk: Desk; organizer: boolean }) {
  const words = t();
  const events = desk.forumEvents.edges.map((e) => e.node).filter((e) => e.mayOrganize);
  const waiting = desk.registrationsAwaitingMyDecision.edges.map((e) => e.node);
  return (
    <>
      <div class="panel approvals">
        <h2>{words.approvals}</h2>
        {waiting.length === 0 ? <p class="empty">{words.noApprovals}</p> : null}
        <ul class="reports">
          {waiting.map((r) => (
            <Decision key={r.id} registration={r} />
          ))}
        </ul>
      </div>
      {organizer && events.length === 0 ? <p class="empty">{words.noEvents}</p> : null}
      <div class="figures">
        {events.map((event) => (
          <article class="card figure" key={event.id}>
            <h2>{event.name}</h2>
            <p class="meta">
              {dateTime(event.startsAt, event.timeZone)} · {valueName(lang.value, event.status)}
            </p>
            {event.seats.capacity !== null && event.seats.capacity !== undefined ? (
              <meter
                min={0}
                max={event.seats.capacity}
                value={event.seats.confirmed}
                aria-label={words.seats(event.seats.confirmed, event.seats.capacity)}
              />
            ) : null}
            <p>{words.seats(event.seats.confirmed, event.seats.capacity ?? null)}</p>
            <p>{words.waiting(event.seats.waitlisted)}</p>
            {event.agencyQuotas.length > 0 ? (
              <table>
                <caption>{words.quotas}</caption>
                <tbody>
                  {event.agencyQuotas.map((q) => (
                    <tr key={q.agency.name}>
                      <th scope="row">{q.agency.name}</th>
                      <td>{q.seats}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {organizer ? <Invite eventId={event.id} /> : null}
            <p class="meta">
              <a href={`/forum-events/${encodeURIComponent(event.id)}/attendees.csv`}>
                {words.attendeesCsv}
              </a>
              <a href={`/forum-events/${encodeURIComponent(event.id)}/calendar.ics`}>
                {words.calendar}
              </a>
            </p>
          </article>
        ))}
      </div>
    </>
  );
}

function Decision({ registration }: { registration: Waiting }) {
  const words = t();
  const [, decideRegistration] = useMutation(DECIDE);
  const decide = async (decision: 'APPROVE' | 'DECLINE', reason: string | null) => {
    const result = await decideRegistration({ id: registration.id, decision, reason });
    const answer = result.data?.decideRegistration;
    if (answer?.__typename !== 'DecideRegistrationSuccess') return problemOfResult(result, answer);
    return null;
  };
  return (
    <li data-registration={registration.name}>
      <strong>{registration.name}</strong>
      <span class="meta">
        {registration.agency?.name ?? registration.organisation ?? ''} ·{' '}
        {registration.event?.name ?? ''}
      </span>
      <DecideControls reasonLabel={words.declineReason} decide={decide} />
    </li>
  );
}

const TYPES = ['SPEAKER', 'DELEGATE', 'OBSERVER', 'PRESS'] as const;

function Invite({ eventId }: { eventId: string }) {
  const words = t();
  const [, invite] = useMutation(INVITE);
  const [guest, setGuest] = useState({ name: '', email: '', organisation: '', country: '' });
  const [type, setType] = useState<(typeof TYPES)[number]>('SPEAKER');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const field = (key: keyof typeof guest) => ({
    value: guest[key],
    onInput: (e: Event) => setGuest({ ...guest, [key]: (e.target as HTMLInputElement).value }),
  });
  const send = async (event: Event) => {
    event.preventDefault();
    const result = await invite({
      input: {
        eventId,
        type,
        invitees: [{ guest: { ...guest, country: guest.country.trim().toUpperCase() } }],
      },
    });
    const answer = result.data?.inviteToEvent;
    if (answer?.__typename === 'InviteToEventSuccess') {
      setOutcome({ ok: true, text: words.invited(guest.name) });
      setGuest({ name: '', email: '', organisation: '', country: '' });
      return;
    }
    setOutcome({ ok: false, text: problemOfResult(result, answer) });
  };
  return (
    <details class="invite">
      <summary>{words.inviteGuest}</summary>
      <form class="actions" onSubmit={send}>
        <label>
          {words.personName}
          <input type="text" required {...field('name')} />
        </label>
        <label>
          {words.email}
          <input type="email" required {...field('email')} />
        </label>
        <label>
          {words.organisation}
          <input type="text" required {...field('organisation')} />
        </label>
        <label>
          {words.country}
          <input type="text" required maxLength={6} {...field('country')} />
        </label>
        <label>
          {words.role}
          <select
            value={type}
            onChange={(e) =>
              setType((e.target as HTMLSelectElement).value as (typeof TYPES)[number])
            }
          >
            {TYPES.map((ty) => (
              <option key={ty} value={ty}>
                {valueName(lang.value, ty)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{words.invite}</button>
      </form>
      {outcome ? (
        <p class={outcome.ok ? 'ok' : 'problem'} role="status">
          {outcome.text}
        </p>
      ) : null}
    </details>
  );
}
