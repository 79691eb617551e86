import { randomUUID } from 'node:crypto';
import type { TadaDocumentNode } from 'gql.tada';
import { type DocumentNode, print } from 'graphql';
import { expect } from 'vitest';
import { prisma } from '../../src/db.js';
import type { Region, Role } from '../../src/generated/prisma/enums.js';
import { hashPassword } from '../../src/modules/auth/password.js';
import { buildYoga } from '../../src/yoga.js';
import { graphql } from './graphql.js';

// Tests speak GraphQL to the real Yoga handler (the same one the HTTP server uses), sign in
// through the real signIn mutation, and check the database directly.

export const yoga = buildYoga();
export const TEST_PASSWORD = 'correct horse battery staple';

export interface GqlResult<T = unknown> {
  data: T | null | undefined;
  errors?: {
    message: string;
    path?: string[];
    extensions?: { code?: string } & Record<string, unknown>;
  }[];
  response: Response;
}

export interface RequestOptions {
  token?: string;
  cookie?: string;
  headers?: Record<string, string>;
}

/** A document's variables (which may be left out when it has none) and the request options. */
type VariablesAndOptions<Variables> =
  Record<string, never> extends Variables
    ? [variables?: Variables, options?: RequestOptions]
    : [variables: Variables, options?: RequestOptions];

/**
 * A GraphQL request to the in-process server. Given a typed document (`graphql(\`…\`)` from
 * ./graphql.js) the variables and the result carry the document's types; a query given as text
 * is untyped.
 */
export async function gql<Result, Variables>(
  document: TadaDocumentNode<Result, Variables>,
  ...rest: VariablesAndOptions<Variables>
): Promise<GqlResult<Result>>;
export async function gql(
  query: string,
  variables?: Record<string, unknown>,
  options?: RequestOptions,
): Promise<GqlResult>;
export async function gql(
  query: string | DocumentNode,
  variables: unknown = {},
  options: RequestOptions = {},
): Promise<GqlResult<unknown>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...options.headers,
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  const response = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: typeof query === 'string' ? query : print(query), variables }),
  });
  const body = (await response.json()) as Omit<GqlResult<unknown>, 'response'>;
  return { ...body, response };
}

/** The `extensions.code` of the only error, failing when there is not exactly one. */
export function errorCode(result: GqlResult): string | undefined {
  expect(result.errors, JSON.stringify({ data: result.data, errors: result.errors })).toHaveLength(
    1,
  );
  return result.errors?.[0]?.extensions?.code;
}

/** Narrows a union result, failing with the whole payload when it is another member. */
export function expectType<T extends { __typename: string }>(value: unknown, typename: string): T {
  expect((value as { __typename?: string } | null)?.__typename, JSON.stringify(value)).toBe(
    typename,
  );
  return value as T;
}

/**
 * Narrows a typed union result to its member `typename`, failing with the whole payload when it
 * is another member (or missing). The member's fields are then typed.
 */
export function expectMember<V extends { __typename: string }, N extends V['__typename']>(
  value: V | null | undefined,
  typename: N,
): Extract<V, { __typename: N }> {
  expect(value?.__typename, JSON.stringify(value)).toBe(typename);
  return value as Extract<V, { __typename: N }>;
}

/** A value the schema allows to be null, which this test expects present. */
export function present<T>(value: T | null | undefined, what: string): T {
  expect(value ?? null, `${what} is missing`).not.toBeNull();
  return value as T;
}

/**
 * Calls a typed mutation document (signed in, or without a session when `token` is null), fails
 * on any GraphQL error, and returns its data.
 */
export async function send<Result, Variables>(
  token: string | null,
  document: TadaDocumentNode<Result, Variables>,
  variables: Variables,
): Promise<Result> {
  const result = await gql(document, variables, { token: token ?? undefined });
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  if (!result.data) throw new Error('no data in the answer');
  return result.data;
}

export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function makeAgency(
  overrides: Partial<{
    slug: string;
    nameEn: string;
    jurisdiction: string;
    regions: Region[];
  }> = {},
) {
  const slug = overrides.slug ?? unique('agency');
  return prisma.agency.create({
    data: {
      slug,
      nameEn: overrides.nameEn ?? `Test Agency ${slug}`,
      nameZhHans: `测试机构 ${slug}`,
      nameZhHant: `測試機構 ${slug}`,
      kind: 'CUSTOMS',
      jurisdiction: overrides.jurisdiction ?? 'HK',
      regions: overrides.regions ?? ['GREATER_BAY_AREA'],
    },
  });
}

let cachedHash: Promise<string> | undefined;

export async function makeUser(agencyId: string, roles: Role[], options: { locale?: string } = {}) {
  cachedHash ??= hashPassword(TEST_PASSWORD);
  const email = `${unique('user')}@example.test`;
  return prisma.user.create({
    data: {
      email,
      displayName: `Person ${email}`,
      passwordHash: await cachedHash,
      roles,
      agencyId,
      locale: options.locale ?? null,
    },
  });
}

const SIGN_IN = graphql(`
  mutation SignIn($email: EmailAddress!, $password: String!) {
    signIn(email: $email, password: $password) {
      __typename
      ... on SignInSuccess { session { token expiresAt user { id email } } }
      ... on Error { code message }
    }
  }
`);

export async function signIn(
  email: string,
  password = TEST_PASSWORD,
  headers?: Record<string, string>,
) {
  return gql(
    SIGN_IN,
    { email, password },
    { headers: { 'x-forwarded-for': unique('addr'), ...headers } },
  );
}

/** Signs in through the real mutation and returns the bearer token. */
export async function tokenFor(email: string): Promise<string> {
  const result = await signIn(email);
  return expectMember(result.data?.signIn, 'SignInSuccess').session.token;
}

/** A new agency with one signed-in member holding `roles`. */
export async function member(roles: Role[], agencyOverrides = {}) {
  const agency = await makeAgency(agencyOverrides);
  const user = await makeUser(agency.id, roles);
  const token = await tokenFor(user.email);
  return { agency, user, token };
}

export function globalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`).toString('base64');
}

/** The database id inside a global id. */
export function rawId(globalIdValue: string): string {
  return Buffer.from(globalIdValue, 'base64').toString().split(':')[1] as string;
}
