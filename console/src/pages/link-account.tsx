import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { Field, Problem } from '../credentials-ui.tsx';
import { graphql, type ResultOf } from '../graphql.ts';
import { t } from '../i18n.ts';
import { LoadFailed, reasonOf } from '../read.tsx';

// The first single sign-on through a provider that named an existing account: its owner confirms
// once, with the account's password or a code of its second factor, that the account is theirs.
// Until then nothing is linked, and the provider signs nobody in.

const CHALLENGE = graphql(`
  query ConsoleIdentityLinkChallenge($challenge: String!) {
    identityLinkChallenge(challenge: $challenge) { provider email password code }
  }
`);

const CONFIRM = graphql(`
  mutation ConsoleConfirmIdentityLink($challenge: String!, $password: String, $code: String) {
    confirmIdentityLink(challenge: $challenge, password: $password, code: $code) {
      __typename
      ... on SecondFactorRequiredError { challenge enrolled }
    }
  }
`);

type Details = NonNullable<ResultOf<typeof CHALLENGE>['identityLinkChallenge']>;

export function LinkAccountPage(props: { challenge: string; onSignedIn: () => void }) {
  const words = t();
  // A challenge is asked about once: it is used up when confirmed, so no cached answer stands in.
  const [asked, askAgain] = useQuery({
    query: CHALLENGE,
    variables: { challenge: props.challenge },
    requestPolicy: 'network-only',
  });
  // Once the confirmation says the challenge has expired or was used.
  const [expired, setExpired] = useState(false);
  // undefined while asking; null once the challenge has expired or was used.
  const details: Details | null | undefined = expired
    ? null
    : asked.data == null
      ? undefined
      : (asked.data.identityLinkChallenge ?? null);
  const [chosen, setMethod] = useState<'password' | 'code' | null>(null);
  const method = chosen ?? (details && !details.password && details.code ? 'code' : 'password');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [{ fetching: busy }, confirm] = useMutation(CONFIRM);

  const submit = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const result = await confirm(
      method === 'code'
        ? { challenge: props.challenge, code }
        : { challenge: props.challenge, password },
    );
    const answer = result.data?.confirmIdentityLink;
    switch (answer?.__typename) {
      case 'ConfirmIdentityLinkSuccess':
        return props.onSignedIn();
      case 'SecondFactorRequiredError':
        // Confirmed: the sign-in goes on as after a password, at its second-factor step.
        window.location.hash = `#second-factor/${answer.enrolled ? 'code' : 'enrol'}/${encodeURIComponent(answer.challenge)}`;
        return;
      case 'SignInChallengeExpiredError':
        return setExpired(true);
      case 'ValidationError':
        setPassword('');
        setCode('');
        return setProblem(method === 'code' ? words.linkCodeWrong : words.linkPasswordWrong);
      case 'RateLimitedError':
        return setProblem(words.signInThrottled);
      default:
        return setProblem(result.error ? reasonOf(result.error) : words.error);
    }
  };

  if (details === undefined) {
    return (
      <section class="card sign-in" aria-labelledby="link-title">
        <h1 id="link-title">{words.linkTitle}</h1>
        {asked.error ? (
          <LoadFailed
            error={asked.error}
            onRetry={() => askAgain({ requestPolicy: 'network-only' })}
          />
        ) : null}
      </section>
    );
  }

  if (details === null) {
    return (
      <section class="card sign-in link-account" aria-labelledby="link-title">
        <h1 id="link-title">{words.linkTitle}</h1>
        <p class="problem" role="alert">
          {words.linkExpired}
        </p>
        <a class="button" href="#alerts">
          {words.goToSignIn}
        </a>
      </section>
    );
  }

  const both = details.password && details.code;
  return (
    <form class="card sign-in link-account" onSubmit={submit} aria-labelledby="link-title">
      <h1 id="link-title">{words.linkTitle}</h1>
      <p class="claim">
        {words.linkIntro(<strong>{details.provider}</strong>, <strong>{details.email}</strong>)}
      </p>
      {!details.password && !details.code ? (
        <p class="problem" role="alert">
          {words.linkNoProof}
        </p>
      ) : (
        <>
          {/* The account the password belongs to, for password managers. */}
          <input
            type="email"
            name="email"
            autoComplete="username"
            value={details.email}
            readOnly
            hidden
          />
          {method === 'password' ? (
            <Field label={words.password} field="password" value={password} onInput={setPassword} />
          ) : (
            <Field label={words.enterCode} field="code" value={code} onInput={setCode} />
          )}
          <Problem text={problem} />
          <button type="submit" disabled={busy}>
            {words.confirmLink}
          </button>
          {both ? (
            <button
              type="button"
              class="link"
              onClick={() => {
                setProblem(null);
                setMethod(method === 'password' ? 'code' : 'password');
              }}
            >
              {method === 'password' ? words.useCodeInstead : words.usePasswordInstead}
            </button>
          ) : null}
        </>
      )}
      <p class="note">{words.linkNotYou}</p>
    </form>
  );
}
