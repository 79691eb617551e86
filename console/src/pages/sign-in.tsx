import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import {
  type Enrolment,
  Field,
  NewAuthenticator,
  Problem,
  RecoveryCodes,
} from '../credentials-ui.tsx';
import { graphql } from '../graphql.ts';
import { t } from '../i18n.ts';
import { reasonOf } from '../read.tsx';

// Signing in: a password (then a second factor when the account takes one), single sign-on
// with an agency's provider, and the way back from a forgotten password.

const SIGN_IN = graphql(`
  mutation ConsoleSignIn($email: EmailAddress!, $password: String!) {
    signIn(email: $email, password: $password) {
      __typename
      ... on SecondFactorRequiredError { challenge enrolled }
      ... on RateLimitedError { message }
      ... on ValidationError { issues { path message } }
    }
  }
`);

const COMPLETE = graphql(`
  mutation ConsoleCompleteSignIn($challenge: String!, $code: String!) {
    completeSignIn(challenge: $challenge, code: $code) {
      __typename
      ... on CompleteSignInSuccess { session { recoveryCodes } }
    }
  }
`);

const ENROL = graphql(`
  mutation ConsoleEnrol($challenge: String) {
    startSecondFactorEnrolment(challenge: $challenge) {
      __typename
      ... on StartSecondFactorEnrolmentSuccess { enrolment { secret uri qrCode } }
    }
  }
`);

const PROVIDERS = graphql(
  `query ConsoleSignInProviders { signInProviders { name agencyName signInPath } }`,
);

const REQUEST_RESET = graphql(`
  mutation ConsoleRequestReset($email: EmailAddress!) {
    requestPasswordReset(email: $email) { __typename }
  }
`);

const RESET = graphql(`
  mutation ConsoleReset($token: String!, $newPassword: String!) {
    resetPassword(token: $token, newPassword: $newPassword) {
      __typename
      ... on ValidationError { issues { message } }
    }
  }
`);

export interface Challenge {
  challenge: string;
  enrolled: boolean;
}

type Step =
  | { name: 'password' }
  | {
      name: 'code';
      challenge: Challenge;
      enrolment: Enrolment | null;
    }
  | { name: 'recovery'; codes: string[] }
  | { name: 'forgot'; sent: boolean };

export function SignInPage(props: {
  onSignedIn: () => void;
  challenge?: Challenge | null;
  ssoRefused?: boolean;
  /** The session ended during this visit (signed out elsewhere, expired or revoked). */
  sessionEnded?: boolean;
}) {
  const [step, setStep] = useState<Step>(
    props.challenge
      ? { name: 'code', challenge: props.challenge, enrolment: null }
      : { name: 'password' },
  );
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(props.ssoRefused ? t().ssoRefused : null);
  // The providers are offered when known; without them, the password form still works.
  const [{ data: providerList }] = useQuery({ query: PROVIDERS });
  const providers = providerList?.signInProviders ?? [];
  const [, signIn] = useMutation(SIGN_IN);
  const [, complete] = useMutation(COMPLETE);
  const [, enrol] = useMutation(ENROL);
  const [, requestReset] = useMutation(REQUEST_RESET);
  const words = t();

  // An account enrolling as it signs in is shown the key of its new authenticator.
  const challenge = step.name === 'code' ? step.challenge : null;
  useEffect(() => {
    if (!challenge || challenge.enrolled) return;
    let current = true;
    void enrol({ challenge: challenge.challenge }).then((result) => {
      if (!current) return;
      const answer = result.data?.startSecondFactorEnrolment;
      if (answer?.__typename === 'StartSecondFactorEnrolmentSuccess') {
        setStep({ name: 'code', challenge, enrolment: answer.enrolment });
      } else {
        setProblem(words.signInExpired);
      }
    });
    return () => {
      current = false;
    };
  }, [challenge?.challenge]);

  const submitPassword = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const result = await signIn({ email, password });
    const answer = result.data?.signIn;
    if (answer?.__typename === 'SignInSuccess') return props.onSignedIn();
    if (answer?.__typename === 'SecondFactorRequiredError') {
      setCode('');
      return setStep({ name: 'code', challenge: answer, enrolment: null });
    }
    setProblem(
      answer?.__typename === 'RateLimitedError'
        ? words.signInThrottled
        : answer
          ? words.signInFailed
          : result.error
            ? reasonOf(result.error)
            : words.error,
    );
  };

  const submitCode = async (event: Event) => {
    event.preventDefault();
    if (step.name !== 'code') return;
    setProblem(null);
    const result = await complete({ challenge: step.challenge.challenge, code });
    const answer = result.data?.completeSignIn;
    if (answer?.__typename === 'CompleteSignInSuccess') {
      const codes = answer.session.recoveryCodes;
      return codes ? setStep({ name: 'recovery', codes }) : props.onSignedIn();
    }
    if (answer?.__typename === 'SignInChallengeExpiredError') {
      setStep({ name: 'password' });
      return setProblem(words.signInExpired);
    }
    setProblem(
      answer?.__typename === 'RateLimitedError'
        ? words.signInThrottled
        : answer
          ? words.codeWrong
          : result.error
            ? reasonOf(result.error)
            : words.error,
    );
  };

  const submitForgot = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const result = await requestReset({ email });
    const answer = result.data?.requestPasswordReset;
    if (answer?.__typename === 'RequestPasswordResetSuccess')
      return setStep({ name: 'forgot', sent: true });
    setProblem(answer?.__typename === 'RateLimitedError' ? words.signInThrottled : words.error);
  };

  if (step.name === 'recovery') {
    return (
      <section class="card sign-in">
        <h1>{words.recoveryTitle}</h1>
        <RecoveryCodes codes={step.codes} />
        <button type="button" onClick={props.onSignedIn}>
          {words.continueOn}
        </button>
      </section>
    );
  }

  if (step.name === 'code') {
    return (
      <form class="card sign-in" onSubmit={submitCode}>
        <h1>{words.secondFactor}</h1>
        {step.enrolment ? (
          <>
            <p>{words.enrolIntro}</p>
            <NewAuthenticator enrolment={step.enrolment} />
          </>
        ) : null}
        <Field label={words.enterCode} field="code" value={code} onInput={setCode} />
        <Problem text={problem} />
        <button type="submit">{words.signIn}</button>
      </form>
    );
  }

  if (step.name === 'forgot') {
    return (
      <form class="card sign-in" onSubmit={submitForgot}>
        <h1>{words.forgotPassword}</h1>
        {step.sent ? (
          <p role="status">{words.resetSent}</p>
        ) : (
          <>
            <Field label={words.email} field="email" value={email} onInput={setEmail} />
            <Problem text={problem} />
            <button type="submit">{words.sendResetLink}</button>
          </>
        )}
        <button type="button" class="link" onClick={() => setStep({ name: 'password' })}>
          {words.signIn}
        </button>
      </form>
    );
  }

  return (
    <form class="card sign-in" onSubmit={submitPassword}>
      <h1>{words.signIn}</h1>
      {props.sessionEnded ? (
        <p class="notice" role="status">
          {words.sessionEnded}
        </p>
      ) : null}
      <Field label={words.email} field="email" value={email} onInput={setEmail} />
      <Field label={words.password} field="password" value={password} onInput={setPassword} />
      <Problem text={problem} />
      <button type="submit">{words.signIn}</button>
      <button type="button" class="link" onClick={() => setStep({ name: 'forgot', sent: false })}>
        {words.forgotPassword}
      </button>
      {providers.map((provider) => (
        <a key={provider.signInPath} class="button provider" href={provider.signInPath}>
          <span class="provider-name">{words.signInWith(provider.name)}</span>{' '}
          <span class="provider-agency">{words.providerRunBy(provider.agencyName)}</span>
        </a>
      ))}
    </form>
  );
}

/** The page a reset link opens: a new password, then back to signing in. */
export function ResetPasswordPage({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [, reset] = useMutation(RESET);
  const words = t();
  const submit = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const result = await reset({ token, newPassword: password });
    const answer = result.data?.resetPassword;
    if (answer?.__typename === 'ResetPasswordSuccess') return setDone(true);
    setProblem(
      answer?.__typename === 'ValidationError'
        ? (answer.issues[0]?.message ?? words.error)
        : answer?.__typename === 'InvalidResetTokenError'
          ? words.resetInvalid
          : answer?.__typename === 'RateLimitedError'
            ? words.signInThrottled
            : words.error,
    );
  };
  if (done) {
    return (
      <section class="card sign-in">
        <p role="status">{words.resetDone}</p>
        <a class="button" href="#alerts">
          {words.signIn}
        </a>
      </section>
    );
  }
  return (
    <form class="card sign-in" onSubmit={submit}>
      <h1>{words.setPassword}</h1>
      <Field
        label={words.newPassword}
        field="new-password"
        value={password}
        onInput={setPassword}
      />
      <Problem text={problem} />
      <button type="submit">{words.setPassword}</button>
    </form>
  );
}
