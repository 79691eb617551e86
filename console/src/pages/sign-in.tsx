import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { graphql } from '../graphql.ts';
import { t } from '../i18n.ts';

const SIGN_IN = graphql(`
  mutation ConsoleSignIn($email: EmailAddress!, $password: String!) {
    signIn(email: $email, password: $password) {
      __typename
      ... on RateLimitedError { message }
      ... on ValidationError { issues { path message } }
    }
  }
`);

export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const words = t();
  const submit = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const result = await api.mutation(SIGN_IN, { email, password }).toPromise();
    const answer = result.data?.signIn;
    if (answer?.__typename === 'SignInSuccess') return onSignedIn();
    setProblem(
      answer?.__typename === 'RateLimitedError'
        ? words.signInThrottled
        : answer
          ? words.signInFailed
          : words.error,
    );
  };
  return (
    <form class="card sign-in" onSubmit={submit}>
      <h1>{words.signIn}</h1>
      <label>
        {words.email}
        <input
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        {words.password}
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
        />
      </label>
      {problem ? (
        <p class="problem" role="alert">
          {problem}
        </p>
      ) : null}
      <button type="submit">{words.signIn}</button>
    </form>
  );
}
