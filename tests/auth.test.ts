import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import {
  errorCode,
  expectType,
  gql,
  makeAgency,
  makeUser,
  member,
  signIn,
  TEST_PASSWORD,
  tokenFor,
  unique,
} from './support/api.js';
import { graphql } from './support/graphql.js';

const ME = graphql('{ me { id email } }');

describe('signIn', () => {
  it('opens a session: token, HttpOnly SameSite=Lax cookie, and only a hash of the secret stored', async () => {
    const agency = await makeAgency();
    const user = await makeUser(agency.id, ['ANALYST']);

    const result = await signIn(user.email.toUpperCase());
    const success = expectType<any>(result.data?.signIn, 'SignInSuccess');
    expect(success.session.user.email).toBe(user.email);

    const token: string = success.session.token;
    const [id, secret] = token.split('.');
    expect(id).toMatch(/^[a-z2-7]{32}$/);
    expect(secret).toMatch(/^[a-z2-7]{32}$/);

    const cookie = result.response.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`ipnet_session=${token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);

    const stored = await prisma.session.findUniqueOrThrow({ where: { id } });
    expect(stored.userId).toBe(user.id);
    const expectedHash = createHash('sha256')
      .update(secret ?? '')
      .digest();
    expect(Buffer.from(stored.secretHash).equals(expectedHash)).toBe(true);
    expect(Buffer.from(stored.secretHash).toString('utf8')).not.toContain(secret);

    const me = await gql(ME, {}, { token });
    expect(me.data?.me?.email).toBe(user.email);
  });

  it('answers the same for an unknown account and a wrong password, and opens no session', async () => {
    const agency = await makeAgency();
    const user = await makeUser(agency.id, ['ANALYST']);

    const wrong = await signIn(user.email, 'not the password at all');
    const unknown = await signIn(`${unique('ghost')}@example.test`, 'not the password at all');
    const a = expectType<any>(wrong.data?.signIn, 'InvalidCredentialsError');
    const b = expectType<any>(unknown.data?.signIn, 'InvalidCredentialsError');
    expect(a).toEqual(b);
    expect(a.code).toBe('UNAUTHENTICATED');
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it('throttles failed attempts per account, even with the right password afterwards', async () => {
    const agency = await makeAgency();
    const user = await makeUser(agency.id, ['ANALYST']);
    for (let i = 0; i < 5; i += 1) {
      expectType(
        (await signIn(user.email, 'wrong password here')).data?.signIn,
        'InvalidCredentialsError',
      );
    }
    const locked = await signIn(user.email, TEST_PASSWORD);
    const refusal = expectType<any>(locked.data?.signIn, 'RateLimitedError');
    expect(refusal.code).toBe('RATE_LIMITED');
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it('throttles failed attempts per client address across accounts', async () => {
    const address = unique('addr');
    for (let i = 0; i < 20; i += 1) {
      await signIn(`${unique('ghost')}@example.test`, 'wrong password here', {
        'x-forwarded-for': address,
      });
    }
    const agency = await makeAgency();
    const user = await makeUser(agency.id, ['ANALYST']);
    const fromSameAddress = await signIn(user.email, TEST_PASSWORD, { 'x-forwarded-for': address });
    expectType(fromSameAddress.data?.signIn, 'RateLimitedError');
    const fromElsewhere = await signIn(user.email, TEST_PASSWORD);
    expectType(fromElsewhere.data?.signIn, 'SignInSuccess');
  });

  it('refuses a deactivated account with the same error as a wrong password', async () => {
    const agency = await makeAgency();
    const user = await makeUser(agency.id, ['ANALYST']);
    await prisma.user.update({ where: { id: user.id }, data: { active: false } });
    expectType((await signIn(user.email)).data?.signIn, 'InvalidCredentialsError');
  });

  it('refuses a malformed e-mail before running, and names an empty password', async () => {
    const malformed = await gql(
      graphql('mutation { signIn(email: " ", password: "x") { __typename } }'),
    );
    expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
    expect(malformed.errors?.[0]?.message).toMatch(/EmailAddress must be an e-mail address/);
    const result = await gql(
      graphql(
        'mutation { signIn(email: "someone@agency.demo", password: "") { __typename ... on ValidationError { code issues { path message } } } }',
      ),
    );
    const error = expectType<any>(result.data?.signIn, 'ValidationError');
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.issues.map((i: any) => i.path.join('.'))).toEqual(['password']);
  });
});

describe('sessions', () => {
  it('accepts the token as a bearer header and as the cookie', async () => {
    const { user, token } = await member(['VIEWER']);
    expect((await gql(ME, {}, { token })).data?.me?.id).toBeTruthy();
    const viaCookie = await gql(ME, {}, { cookie: `ipnet_session=${token}` });
    expect(viaCookie.data?.me?.email).toBe(user.email);
  });

  it('rejects a token whose secret was altered', async () => {
    const { token } = await member(['VIEWER']);
    const [id] = token.split('.');
    const forged = `${id}.${'a'.repeat(32)}`;
    expect((await gql(ME, {}, { token: forged })).data?.me).toBeNull();
    expect(
      errorCode(await gql(graphql('{ agencies(first: 1) { totalCount } }'), {}, { token: forged })),
    ).toBe('UNAUTHENTICATED');
  });

  it('ends at the absolute expiry and after the idle timeout, and removes the row', async () => {
    const { token: expired } = await member(['VIEWER']);
    const expiredId = expired.split('.')[0] ?? '';
    await prisma.session.update({
      where: { id: expiredId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await gql(ME, {}, { token: expired })).data?.me).toBeNull();
    expect(await prisma.session.count({ where: { id: expiredId } })).toBe(0);

    const { token: idle } = await member(['VIEWER']);
    const idleId = idle.split('.')[0] ?? '';
    await prisma.session.update({
      where: { id: idleId },
      data: { lastUsedAt: new Date(Date.now() - 13 * 3_600_000) },
    });
    expect((await gql(ME, {}, { token: idle })).data?.me).toBeNull();
    expect(await prisma.session.count({ where: { id: idleId } })).toBe(0);
  });

  it('signOut ends only the current session', async () => {
    const { user, token } = await member(['VIEWER']);
    const other = await tokenFor(user.email);
    const out = await gql(graphql('mutation { signOut }'), {}, { token });
    expect(out.data?.signOut).toBe(true);
    expect((await gql(ME, {}, { token })).data?.me).toBeNull();
    expect((await gql(ME, {}, { token: other })).data?.me?.email).toBe(user.email);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(1);
  });

  it('signOutEverywhere ends every session of the user', async () => {
    const { user, token } = await member(['VIEWER']);
    const other = await tokenFor(user.email);
    const out = await gql(graphql('mutation { signOutEverywhere }'), {}, { token });
    expect(out.data?.signOutEverywhere).toBe(2);
    expect((await gql(ME, {}, { token: other })).data?.me).toBeNull();
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe('cookie requests that change state', () => {
  const CHANGE = graphql('mutation { updateProfile(input: { locale: ZH_HANT }) { __typename } }');

  it('are refused without a trusted Origin and change nothing', async () => {
    const { user, token } = await member(['VIEWER']);
    const cookie = `ipnet_session=${token}`;
    const noOrigin = await gql(CHANGE, {}, { cookie });
    expect(errorCode(noOrigin)).toBe('FORBIDDEN');
    const foreign = await gql(CHANGE, {}, { cookie, headers: { origin: 'https://evil.example' } });
    expect(errorCode(foreign)).toBe('FORBIDDEN');
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).locale).toBeNull();
  });

  it('are accepted from the same origin or with the CSRF-prevention header', async () => {
    const { user, token } = await member(['VIEWER']);
    const cookie = `ipnet_session=${token}`;
    const sameOrigin = await gql(CHANGE, {}, { cookie, headers: { origin: 'http://localhost' } });
    expectType(sameOrigin.data?.updateProfile, 'UpdateProfileSuccess');
    const withHeader = await gql(CHANGE, {}, { cookie, headers: { 'x-graphql-yoga-csrf': '1' } });
    expectType(withHeader.data?.updateProfile, 'UpdateProfileSuccess');
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).locale).toBe(
      'zh-Hant',
    );
  });

  it('do not apply to bearer tokens, which a browser never adds by itself', async () => {
    const { token } = await member(['VIEWER']);
    const result = await gql(CHANGE, {}, { token, headers: { origin: 'https://other.example' } });
    expectType(result.data?.updateProfile, 'UpdateProfileSuccess');
  });
});
