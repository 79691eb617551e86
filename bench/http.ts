// The benchmark's side of the API: GraphQL over HTTP, as any client script would call it.

/** A GraphQL request (signed in with `token`, if given); throws on any error in the answer. */
export async function graphql<T = unknown>(
  base: string,
  token: string | null,
  query: string,
  variables: object = {},
): Promise<T> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Signs in through the real mutation and returns the session token. */
export async function signInAs(base: string, email: string, password: string): Promise<string> {
  const data = await graphql<{ signIn: { session?: { token: string } } }>(
    base,
    null,
    `mutation($e: EmailAddress!, $p: String!) { signIn(email: $e, password: $p) {
       ... on SignInSuccess { session { token } } } }`,
    { e: email, p: password },
  );
  if (!data.signIn.session) throw new Error(`could not sign in as ${email}`);
  return data.signIn.session.token;
}
