import { useEffect, useState } from 'preact/hooks';
import { api, problemOf } from '../api.ts';
import {
  type Enrolment,
  Field,
  NewAuthenticator,
  Problem,
  RecoveryCodes,
} from '../credentials-ui.tsx';
import { graphql } from '../graphql.ts';
import { t } from '../i18n.ts';

// The signed-in person's own second factor: set up an authenticator before anyone requires it,
// see how many recovery codes are left, replace them, or turn the factor off (when allowed).

const ACCOUNT = graphql(`query ConsoleAccount { me { id secondFactorEnabled recoveryCodesLeft } }`);
const START = graphql(`
  mutation ConsoleStartEnrolment {
    startSecondFactorEnrolment {
      __typename
      ... on StartSecondFactorEnrolmentSuccess { enrolment { secret uri qrCode } }
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

export function AccountPage() {
  const words = t();
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [left, setLeft] = useState<number | null>(null);
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    void api
      .query(ACCOUNT, {}, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        setEnabled(result.data?.me?.secondFactorEnabled ?? false);
        setLeft(result.data?.me?.recoveryCodesLeft ?? null);
      });
  }, [version]);

  const start = async () => {
    setProblem(null);
    const answer = (await api.mutation(START, {}).toPromise()).data?.startSecondFactorEnrolment;
    if (answer?.__typename === 'StartSecondFactorEnrolmentSuccess') {
      setEnrolment(answer.enrolment);
      setCode('');
    } else setProblem(problemOf(answer, words.error));
  };
  const confirm = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const answer = (await api.mutation(CONFIRM, { code }).toPromise()).data
      ?.confirmSecondFactorEnrolment;
    if (answer?.__typename === 'ConfirmSecondFactorEnrolmentSuccess') {
      setCodes(answer.recoveryCodes);
      setEnrolment(null);
      setCode('');
      setVersion((v) => v + 1);
    } else setProblem(answer ? words.codeWrong : words.error);
  };
  const replace = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const answer = (await api.mutation(REPLACE, { code }).toPromise()).data?.replaceRecoveryCodes;
    if (answer?.__typename === 'ReplaceRecoveryCodesSuccess') {
      setCodes(answer.recoveryCodes);
      setCode('');
      setVersion((v) => v + 1);
    } else setProblem(answer ? words.codeWrong : words.error);
  };
  const turnOff = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const answer = (await api.mutation(TURN_OFF, { password }).toPromise()).data
      ?.turnOffSecondFactor;
    if (answer?.__typename === 'TurnOffSecondFactorSuccess') {
      setPassword('');
      setCodes(null);
      setVersion((v) => v + 1);
    } else setProblem(problemOf(answer, words.error));
  };

  const codeField = <Field label={words.enterCode} field="code" value={code} onInput={setCode} />;

  return (
    <section class="card sign-in" aria-labelledby="account-title">
      <h1 id="account-title">{words.secondFactor}</h1>
      {enabled === null ? null : (
        <p role="status">{enabled ? words.secondFactorOn(left ?? 0) : words.secondFactorOff}</p>
      )}
      {codes ? (
        <>
          <h2>{words.recoveryTitle}</h2>
          <RecoveryCodes codes={codes} />
        </>
      ) : null}
      <Problem text={problem} />
      {enabled === false && !enrolment ? (
        <button type="button" onClick={start}>
          {words.setUpAuthenticator}
        </button>
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
            <Field label={words.password} field="password" value={password} onInput={setPassword} />
            <button type="submit">{words.turnOffSecondFactor}</button>
          </form>
        </>
      ) : null}
    </section>
  );
}
