import { describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import {
  errorCode,
  expectMember,
  expectType,
  globalId,
  gql,
  makeAgency,
  makeUser,
  member,
  signIn,
  TEST_PASSWORD,
  tokenFor,
  unique,
} from './support/api.js';
import { graphql, type ResultOf, type VariablesOf } from './support/graphql.js';

const CREATE_USER = graphql(`
  mutation($input: CreateUserInput!) {
    createUser(input: $input) {
      __typename
      ... on CreateUserSuccess { user { id email roles agency { slug } } }
      ... on ValidationError { issues { path message } }
      ... on Error { code message }
    }
  }
`);

type CreateUserInput = VariablesOf<typeof CREATE_USER>['input'];

function newUser(overrides: Partial<CreateUserInput> = {}): CreateUserInput {
  return {
    email: `${unique('new')}@Example.test`,
    displayName: 'Chan Tai Man',
    password: 'a long enough password',
    roles: ['ANALYST'],
    ...overrides,
  };
}

describe('createUser', () => {
  it('agency admins create users of their own agency who can then sign in', async () => {
    const { agency, token } = await member(['AGENCY_ADMIN']);
    const input = newUser({ locale: 'ZH_HANT' });
    const result = await gql(CREATE_USER, { input }, { token });
    const success = expectMember(result.data?.createUser, 'CreateUserSuccess');
    expect(success.user.email).toBe(input.email.toLowerCase());
    expect(success.user.agency.slug).toBe(agency.slug);

    const row = await prisma.user.findUniqueOrThrow({
      where: { email: input.email.toLowerCase() },
    });
    expect(row).toMatchObject({
      agencyId: agency.id,
      roles: ['ANALYST'],
      locale: 'zh-Hant',
      active: true,
    });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expectType((await signIn(input.email, input.password)).data?.signIn, 'SignInSuccess');
  });

  it('refuses users for another agency, and the NETWORK_ADMIN role, writing nothing', async () => {
    const { token } = await member(['AGENCY_ADMIN']);
    const other = await makeAgency();
    const elsewhere = newUser({ agencyId: globalId('Agency', other.id) });
    const refused = await gql(CREATE_USER, { input: elsewhere }, { token });
    expect(expectMember(refused.data?.createUser, 'ForbiddenError').code).toBe('FORBIDDEN');

    const promote = newUser({ roles: ['NETWORK_ADMIN'] });
    expectType(
      (await gql(CREATE_USER, { input: promote }, { token })).data?.createUser,
      'ForbiddenError',
    );
    expect(
      await prisma.user.count({
        where: { email: { in: [elsewhere.email.toLowerCase(), promote.email.toLowerCase()] } },
      }),
    ).toBe(0);
  });

  it('is refused to analysts outright', async () => {
    const { token } = await member(['ANALYST']);
    const input = newUser();
    expect(errorCode(await gql(CREATE_USER, { input }, { token }))).toBe('FORBIDDEN');
    expect(await prisma.user.count({ where: { email: input.email.toLowerCase() } })).toBe(0);
  });

  it('network admins create users in any agency', async () => {
    const { token } = await member(['NETWORK_ADMIN']);
    const target = await makeAgency();
    const input = newUser({ agencyId: globalId('Agency', target.id), roles: ['AGENCY_ADMIN'] });
    const result = await gql(CREATE_USER, { input }, { token });
    expect(expectMember(result.data?.createUser, 'CreateUserSuccess').user.agency.slug).toBe(
      target.slug,
    );
  });

  it('reports every bad field, and a duplicate e-mail as a conflict', async () => {
    const { agency, token } = await member(['AGENCY_ADMIN']);
    const bad = await gql(
      CREATE_USER,
      { input: newUser({ displayName: ' ', password: 'short', roles: [] }) },
      { token },
    );
    const issues = expectMember(bad.data?.createUser, 'ValidationError').issues;
    expect(issues.map((i) => i.path.at(-1)).sort()).toEqual(['displayName', 'password', 'roles']);
    expect(issues.find((i) => i.path.at(-1) === 'password')?.message).toMatch(/12 characters/);
    // An address that is no e-mail address is refused by its scalar, before anything runs.
    const malformed = await gql(
      CREATE_USER,
      { input: newUser({ email: 'not-an-email' }) },
      { token },
    );
    expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
    expect(malformed.errors?.[0]?.message).toMatch(/"input\.email".*EmailAddress must be/s);
    expect(await prisma.user.count({ where: { agencyId: agency.id } })).toBe(1);

    const existing = await makeUser(agency.id, ['VIEWER']);
    const dup = await gql(
      CREATE_USER,
      { input: newUser({ email: existing.email.toUpperCase() }) },
      { token },
    );
    expect(expectMember(dup.data?.createUser, 'ConflictError').code).toBe('CONFLICT');
    expect(await prisma.user.count({ where: { email: existing.email } })).toBe(1);
  });
});

describe('roles and deactivation', () => {
  const SET_ROLES = graphql(`mutation($id: ID!, $roles: [Role!]!) {
    setUserRoles(userId: $id, roles: $roles) { __typename ... on SetUserRolesSuccess { user { roles } } ... on Error { code } }
  }`);
  const DEACTIVATE = graphql(`mutation($id: ID!) {
    deactivateUser(userId: $id) { __typename ... on DeactivateUserSuccess { user { active deactivatedAt } } ... on Error { code } }
  }`);

  it('agency admins change roles of their own users only', async () => {
    const { agency, token } = await member(['AGENCY_ADMIN']);
    const colleague = await makeUser(agency.id, ['VIEWER']);
    const result = await gql(
      SET_ROLES,
      { id: globalId('User', colleague.id), roles: ['ANALYST', 'COORDINATOR'] },
      { token },
    );
    expect(
      expectMember(result.data?.setUserRoles, 'SetUserRolesSuccess').user.roles.sort(),
    ).toEqual(['ANALYST', 'COORDINATOR']);

    const stranger = await makeUser((await makeAgency()).id, ['VIEWER']);
    const refused = await gql(
      SET_ROLES,
      { id: globalId('User', stranger.id), roles: ['AGENCY_ADMIN'] },
      { token },
    );
    // Users of other agencies are invisible to an agency admin: not found, not "forbidden".
    expect(expectMember(refused.data?.setUserRoles, 'NotFoundError').code).toBe('NOT_FOUND');
    expect((await prisma.user.findUniqueOrThrow({ where: { id: stranger.id } })).roles).toEqual([
      'VIEWER',
    ]);
  });

  it('deactivating a user ends their sessions at once and stops sign-in; reactivating restores it', async () => {
    const { agency, token } = await member(['AGENCY_ADMIN']);
    const colleague = await makeUser(agency.id, ['ANALYST']);
    const colleagueToken = await tokenFor(colleague.email);

    const result = await gql(DEACTIVATE, { id: globalId('User', colleague.id) }, { token });
    const user = expectMember(result.data?.deactivateUser, 'DeactivateUserSuccess').user;
    expect(user.active).toBe(false);
    expect(user.deactivatedAt).toBeTruthy();

    expect(await prisma.session.count({ where: { userId: colleague.id } })).toBe(0);
    expect(
      (await gql(graphql('{ me { id } }'), {}, { token: colleagueToken })).data?.me,
    ).toBeNull();
    expectType(
      (await signIn(colleague.email, TEST_PASSWORD)).data?.signIn,
      'InvalidCredentialsError',
    );

    const back = await gql(
      graphql('mutation($id: ID!) { reactivateUser(userId: $id) { __typename } }'),
      { id: globalId('User', colleague.id) },
      { token },
    );
    expectType(back.data?.reactivateUser, 'ReactivateUserSuccess');
    expectType((await signIn(colleague.email)).data?.signIn, 'SignInSuccess');
  });

  it('an admin cannot deactivate themselves', async () => {
    const { user, token } = await member(['AGENCY_ADMIN']);
    const result = await gql(DEACTIVATE, { id: globalId('User', user.id) }, { token });
    expectType(result.data?.deactivateUser, 'ValidationError');
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).active).toBe(true);
  });
});

describe('who sees which users', () => {
  const NODE = graphql('query($id: ID!) { node(id: $id) { __typename ... on User { email } } }');
  const AGENCY_USERS = graphql(`query($id: ID!) { node(id: $id) {
    __typename ... on Agency { users(first: 10) { totalCount edges { node { email } } } } } }`);
  const usersOf = (node: ResultOf<typeof AGENCY_USERS>['node'] | undefined) =>
    expectMember(node, 'Agency').users;
  const emailOf = (node: ResultOf<typeof NODE>['node'] | undefined) =>
    expectMember(node, 'User').email;

  it('members see their own agency; other agencies show no users, by node(id:) or through the agency', async () => {
    const { agency, token } = await member(['ANALYST']);
    const colleague = await makeUser(agency.id, ['VIEWER']);
    const otherAgency = await makeAgency();
    const stranger = await makeUser(otherAgency.id, ['VIEWER']);

    expect(
      emailOf((await gql(NODE, { id: globalId('User', colleague.id) }, { token })).data?.node),
    ).toBe(colleague.email);
    expect(
      (await gql(NODE, { id: globalId('User', stranger.id) }, { token })).data?.node,
    ).toBeNull();

    const own = await gql(AGENCY_USERS, { id: globalId('Agency', agency.id) }, { token });
    expect(usersOf(own.data?.node).totalCount).toBe(2);
    const foreign = await gql(AGENCY_USERS, { id: globalId('Agency', otherAgency.id) }, { token });
    expect(usersOf(foreign.data?.node)).toEqual({ totalCount: 0, edges: [] });
  });

  it('network admins see everyone', async () => {
    const { token } = await member(['NETWORK_ADMIN']);
    const otherAgency = await makeAgency();
    const stranger = await makeUser(otherAgency.id, ['VIEWER']);
    expect(
      emailOf((await gql(NODE, { id: globalId('User', stranger.id) }, { token })).data?.node),
    ).toBe(stranger.email);
    const list = await gql(AGENCY_USERS, { id: globalId('Agency', otherAgency.id) }, { token });
    expect(usersOf(list.data?.node).totalCount).toBe(1);
  });

  it('anonymous callers see no one', async () => {
    const agency = await makeAgency();
    const user = await makeUser(agency.id, ['VIEWER']);
    expect((await gql(graphql('{ me { id } }'))).data?.me).toBeNull();
    const hidden = await gql(NODE, { id: globalId('User', user.id) });
    expect(hidden.errors).toBeUndefined();
    expect(hidden.data?.node).toBeNull();
  });
});

describe('own account', () => {
  it('changePassword checks the current password and ends the other sessions', async () => {
    const { user, token } = await member(['VIEWER']);
    const other = await tokenFor(user.email);
    const CHANGE =
      graphql(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) {
      __typename ... on ValidationError { issues { path message } } } }`);

    const wrong = await gql(CHANGE, { c: 'not my password', n: 'a brand new password' }, { token });
    expect(expectType<any>(wrong.data?.changePassword, 'ValidationError').issues[0].path).toEqual([
      'currentPassword',
    ]);

    const ok = await gql(CHANGE, { c: TEST_PASSWORD, n: 'a brand new password' }, { token });
    expectType(ok.data?.changePassword, 'ChangePasswordSuccess');
    expect((await gql(graphql('{ me { id } }'), {}, { token })).data?.me?.id).toBe(
      globalId('User', user.id),
    );
    expect((await gql(graphql('{ me { id } }'), {}, { token: other })).data?.me).toBeNull();
    expectType((await signIn(user.email, 'a brand new password')).data?.signIn, 'SignInSuccess');
  });
});
