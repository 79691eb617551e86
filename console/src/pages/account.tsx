import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  type Enrolment,
  Field,
  NewAuthenticator,
  Problem,
  RecoveryCodes,
} from '../credentials-ui.tsx';
import { graphql, type ResultOf } from '../graphql.ts';
import { t } from '../i18n.ts';
import { problemOfResult, Read } from '../read.tsx';
import { dateTime } from '../time.ts';

// The signed-in person's own account: their second factor (set up an authenticator, after their
// password, before anyone requires it; see how many recovery codes are left, replace them, or
// turn the factor off when allowed), the sign-in providers linked to it, and its security log.

const ACCOUNT = graphql(`
  query ConsoleAccount {
    me {
      id
      secondFactorEnabled
      recoveryCodesLeft
      identityLinks { providerId provider confirmed createdAt lastSignInAt }
      securityLog(first: 20) {
        edges { node { id kind at provider ipAddress actor { displayName } } }
      }
    }
  }
`);
const START = graphql(`
  mutation ConsoleStartEnrolment($password: String!) {
    startSecondFactorEnrolment(password: $password) {
      __typename
      ... on StartSecondFactorEnrolmentSuccess { enrolment { secret uri qrCode } }
      ... on ValidationError { issues { path message } }
      ... on Error { message }
    }
  }
`);
const CONFIRM = graphql(`
  mutation ConsoleConfirmEnrolment($code: String!) {
    confirmSecondFactorEnrolment(code: $code) {
      __typename
      ... on ConfirmSecondFactorEnrolmentSuccess { recoveryCodes }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const REPLACE = graphql(`
  mutation ConsoleReplaceRecoveryCodes($code: String!) {
    replaceRecoveryCodes(code: $code) {
      __typename
      ... on ReplaceRecoveryCodesSuccess { recoveryCodes }
      ... on ValidationError { issues { message } }
    }
  }
`);
const TURN_OFF = graphql(`
  mutation ConsoleTurnOff($password: String!) {
    turnOffSecondFactor(password: $password) {
      __typename
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const UNLINK = graphql(`
  mutation ConsoleUnlinkIdentity($providerId: ID!, $userId: ID!) {
    unlinkUserIdentity(providerId: $providerId, userId: $userId) {
      __typename
      ... on Error { message }
    }
  }
`);

type Account = NonNullable<ResultOf<typeof ACCOUNT>['me']>;
type Link = NonNullable<Account['identityLinks']>[number];
type SecurityEvent = Account['securityLog']['edges'][number]['node'];

const when = (at: string) => dateTime(at);

export function AccountPage() {
  const [result, reexecute] = useQuery({ query: ACCOUNT });
  return (
    <Read result={result} retry={() => reexecute({ requestPolicy: 'network-only' })}>
      {(data) => (data.me ? <Account account={data.me} /> : null)}
    </Read>
  );
}

function Account({ account }: { account: Account }) {
  const words = t();
  const enabled = account.secondFactorEnabled;
  const left = account.recoveryCodesLeft;
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [, startEnrolment] = useMutation(START);
  const [, confirmEnrolment] = useMutation(CONFIRM);
  const [, replaceCodes] = useMutation(REPLACE);
  const [, turnOffFactor] = useMutation(TURN_OFF);

  const start = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const result = await startEnrolment({ password });
    const answer = result.data?.startSecondFactorEnrolment;
    if (answer?.__typename === 'StartSecondFactorEnrolmentSuccess') {
      setEnrolment(answer.enrolment);
      setPassword('');
      setCode('');
    } else if (
      answer?.__typename === 'ValidationError' &&
      answer.issues.some((issue) => issue.path.includes('password'))
    ) {
      setProblem(words.passwordWrong);
    } else if (answer?.__typename === 'RateLimitedError') {
      setProblem(words.signInThrottled);
    } else setProblem(problemOfResult(result, answer));
  };
  const confirm = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const result = await confirmEnrolment({ code });
    const answer = result.data?.confirmSecondFactorEnrolment;
    if (answer?.__typename === 'ConfirmSecondFactorEnrolmentSuccess') {
      setCodes(answer.recoveryCodes);
      setEnrolment(null);
      setCode('');
    } else setProblem(answer ? words.codeWrong : problemOfResult(result, answer));
  };
  const replace = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const result = await replaceCodes({ code });
    const answer = result.data?.replaceRecoveryCodes;
    if (answer?.__typename === 'ReplaceRecoveryCodesSuccess') {
      setCodes(answer.recoveryCodes);
      setCode('');
    } else setProblem(answer ? words.codeWrong : problemOfResult(result, answer));
  };
  const turnOff = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const result = await turnOffFactor({ password });
    const answer = result.data?.turnOffSecondFactor;
    if (answer?.__typename === 'TurnOffSecondFactorSuccess') {
      setPassword('');
      setCodes(null);
    } else setProblem(problemOfResult(result, answer));
  };

  const codeField = <Field label={words.enterCode} field="code" value={code} onInput={setCode} />;

  return (
    <div class="account-page">
      <section class="card sign-in" aria-labelledby="account-title">
        <h1 id="account-title">{words.secondFactor}</h1>
        <p role="status">{enabled ? words.secondFactorOn(left ?? 0) : words.secondFactorOff}</p>
        {codes ? (
          <>
            <h2>{words.recoveryTitle}</h2>
            <RecoveryCodes codes={codes} />
          </>
        ) : null}
        <Problem text={problem} />
        {enabled === false && !enrolment ? (
          <form onSubmit={start} class="stack">
            <p>{words.enrolNeedsPassword}</p>
            <Field
              label={words.currentPassword}
              field="password"
              value={password}
              onInput={setPassword}
            />
            <button type="submit">{words.setUpAuthenticator}</button>
          </form>
        ) : null}
        {enrolment ? (
          <form onSubmit={confirm} class="stack">
            <p>{words.enrolSelf}</p>
            <NewAuthenticator enrolment={enrolment} />
            {codeField}
            <button type="submit">{words.confirmAuthenticator}</button>
          </form>
        ) : null}
        {enabled ? (
          <>
            <form onSubmit={replace} class="stack">
              {codeField}
              <button type="submit">{words.newRecoveryCodes}</button>
            </form>
            <form onSubmit={turnOff} class="stack">
              <Field
                label={words.password}
                field="password"
                value={password}
                onInput={setPassword}
              />
              <button type="submit">{words.turnOffSecondFactor}</button>
            </form>
          </>
        ) : null}
      </section>
      <IdentityLinks links={account.identityLinks ?? []} userId={account.id} />
      <SecurityLog events={account.securityLog.edges.map((edge) => edge.node)} />
    </div>
  );
}

/** The providers that may sign this account in, each with a way to unlink it. */
function IdentityLinks(props: { links: Link[]; userId: string }) {
  const words = t();
  const [asking, setAsking] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [, unlinkIdentity] = useMutation(UNLINK);
  const unlink = async (link: Link) => {
    setProblem(null);
    const result = await unlinkIdentity({ providerId: link.providerId, userId: props.userId });
    const answer = result.data?.unlinkUserIdentity;
    setAsking(null);
    if (answer?.__typename === 'UnlinkUserIdentitySuccess') {
      setDone(words.unlinked(link.provider));
    } else setProblem(problemOfResult(result, answer));
  };
  return (
    <section class="card account-section" aria-labelledby="links-title">
      <h2 id="links-title">{words.signInProviders}</h2>
      {done ? <p role="status">{done}</p> : null}
      <Problem text={problem} />
      {props.links.length === 0 ? (
        <p class="empty">{words.noIdentityLinks}</p>
      ) : (
        <ul class="identity-links">
          {props.links.map((link) => (
            <li key={link.providerId}>
              <p class="provider-label">{link.provider}</p>
              <p class="meta">
                {link.confirmed ? (
                  <span>
                    {words.linkedSince(when(link.createdAt))}
                    {link.lastSignInAt ? ` · ${words.lastSsoAt(when(link.lastSignInAt))}` : ''}
                  </span>
                ) : (
                  <span class="waiting">{words.linkWaiting}</span>
                )}
              </p>
              {asking === link.providerId ? (
                <ConfirmUnlink
                  provider={link.provider}
                  onUnlink={() => unlink(link)}
                  onKeep={() => setAsking(null)}
                />
              ) : (
                <button
                  type="button"
                  onClick={() => {
                    setDone(null);
                    setAsking(link.providerId);
                  }}
                >
                  {words.unlink}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The question before unlinking, with the safe answer focused. */
function ConfirmUnlink(props: { provider: string; onUnlink: () => void; onKeep: () => void }) {
  const words = t();
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  return (
    <div class="confirm-unlink">
      <p>{words.unlinkConfirm(props.provider)}</p>
      <div class="actions">
        <button type="button" class="danger" onClick={props.onUnlink}>
          {words.unlink}
        </button>
        <button type="button" ref={keep} onClick={props.onKeep}>
          {words.keepLink}
        </button>
      </div>
    </div>
  );
}

/** Changes to how the account signs in, newest first: what, when, through which provider, by whom, from where. */
function SecurityLog({ events }: { events: SecurityEvent[] }) {
  const words = t();
  return (
    <section class="card account-section" aria-labelledby="log-title">
      <h2 id="log-title">{words.securityLog}</h2>
      <p class="hint">{words.securityLogIntro}</p>
      {events.length === 0 ? (
        <p class="empty">{words.noSecurityEvents}</p>
      ) : (
        <ol class="security-log">
          {events.map((event) => (
            <li key={event.id} data-kind={event.kind}>
              <p class="what">{words.securityKind[event.kind]}</p>
              <p class="meta">
                <time dateTime={event.at}>{when(event.at)}</time>
                {event.provider ? (
                  <span class="provider-label">{words.logProvider(event.provider)}</span>
                ) : null}
                <span>{event.actor ? words.logBy(event.actor.displayName) : words.logByYou}</span>
                {event.ipAddress ? <span>{words.logFrom(event.ipAddress)}</span> : null}
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
