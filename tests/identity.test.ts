import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMember, present } from './support/api.js';
import { graphql } from './support/graphql.js';
import { type Instance, post, startInstance } from './support/instance.js';
import { type Mailbox, openMailbox } from './support/mailbox.js';

// Identity on a server of its own (its own embedded database, with the demo), as an operator
// runs it: single sign-on through an OpenID Connect provider running on loopback (oidc-provider),
// password reset by e-mail through an SMTP server in this process, and the network's
// second-factor requirement, which would reach every other test file's sign-ins if it were set
// on their database.

const PASSWORD = 'identity-demo-password';
let mailbox: Mailbox;
let idp: Server;
let issuer: string;
let server: Instance;
/** Where the HK Customs provider's sign-in starts, once an admin has added it. */
let startPath: string;
const dataDir = mkdtempSync(join(tmpdir(), 'ipnet-identity-'));

/** The people the provider knows, by the login typed at its sign-in page. */
const PEOPLE: Record<string, Record<string, unknown>> = {
  'hk-analyst': {
    email: 'analyst@hk-customs.demo',
    email_verified: true,
    name: 'HK analyst at the directory',
  },
  'unverified-analyst': { email: 'analyst@gz-customs.demo', email_verified: false },
  'new-officer': {
    email: 'new.officer@customs.gov.hk.example',
    email_verified: true,
    name: 'New Officer',
    groups: ['ipnet-analysts', 'staff'],
  },
  'other-agency': { email: 'analyst@gz-customs.demo', email_verified: true },
};

const SIGN_IN = graphql(`
  mutation IdSignIn($email: EmailAddress!, $password: String!) {
    signIn(email: $email, password: $password) {
      __typename
      ... on SignInSuccess { session { token } }
      ... on SecondFactorRequiredError { challenge enrolled }
      ... on Error { code message }
    }
  }
`);

const ME = graphql('query IdMe { me { email roles agency { slug } } }');

async function signIn(email: string, password = PASSWORD) {
  return present((await post(server, SIGN_IN, { email, password })).data?.signIn, 'signIn');
}

async function tokenOf(email: string, password = PASSWORD) {
  return expectMember(await signIn(email, password), 'SignInSuccess').session.token;
}

beforeAll(async () => {
  mailbox = await openMailbox();

  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;

  server = await startInstance({
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    SEED_DEMO: 'auto',
    DEMO_PASSWORD: PASSWORD,
    SMTP_URL: mailbox.url,
    // Links are built on the address the instance listens on.
    PUBLIC_URL: '',
  });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'ipnet',
        client_secret: 'a-client-secret-for-the-test-only',
        redirect_uris: [`${server.base}/auth/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: `subject-${id}`, ...PEOPLE[id] }),
    }),
    cookies: { keys: ['identity-test-cookie-key'] },
  });
  idp.on('request', provider.callback());
}, 120_000);

afterAll(async () => {
  await server?.stop();
  idp?.close();
  await mailbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A browser's cookie jar, by host. */
class Jar {
  private readonly byHost = new Map<string, Map<string, string>>();
  take(url: URL, response: Response) {
    const cookies = this.byHost.get(url.host) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (!pair || at < 0) continue;
      const value = pair.slice(at + 1);
      if (value === '' || /max-age=0/i.test(line)) cookies.delete(pair.slice(0, at));
      else cookies.set(pair.slice(0, at), value);
    }
    this.byHost.set(url.host, cookies);
  }
  header(url: URL): string {
    return [...(this.byHost.get(url.host) ?? [])].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(url: URL, name: string): string | undefined {
    return this.byHost.get(url.host)?.get(name);
  }
}

/**
 * Signs in at the console's "sign in with …" link as a browser does: follows the redirects,
 * signs in at the provider's page as `login`, consents, and stops where IPNet sends the browser
 * at the end. Answers that address.
 */
async function singleSignOn(jar: Jar, startPath: string, login: string): Promise<URL> {
  let url = new URL(startPath, server.base);
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop += 1) {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: jar.header(url) },
    });
    jar.take(url, response);
    init = {};
    const location = response.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.origin === new URL(server.base).origin && !next.pathname.startsWith('/auth/oidc/')) {
        return next;
      }
      url = next;
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    if (!action || !prompt)
      throw new Error(`stuck at ${url}: ${response.status} ${html.slice(0, 300)}`);
    url = new URL(action, url);
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(
        prompt === 'login' ? { prompt, login, password: 'anything' } : { prompt },
      ).toString(),
    };
  }
  throw new Error('too many redirects');
}

async function meWithCookie(jar: Jar) {
  const url = new URL('/graphql', server.base);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: jar.header(url) },
    body: JSON.stringify({ query: 'query { me { email roles displayName agency { slug } } }' }),
  });
  return ((await response.json()) as { data?: { me: Record<string, unknown> | null } }).data?.me;
}

const CREATE_PROVIDER = graphql(`
  mutation CreateProvider($input: IdentityProviderInput!) {
    createIdentityProvider(input: $input) {
      __typename
      ... on CreateIdentityProviderSuccess { identityProvider { id signInPath redirectUri hasClientSecret } }
      ... on ValidationError { issues { path message } }
      ... on Error { code message }
    }
  }
`);

describe('single sign-on with OpenID Connect', () => {
  let providerId: string;

  it("is configured by an agency's admin, with the client secret never shown", async () => {
    const admin = await tokenOf('agency-admin@hk-customs.demo');
    const refused = await post(
      server,
      CREATE_PROVIDER,
      {
        input: {
          name: 'Plain http elsewhere',
          issuer: 'http://idp.example.org',
          clientId: 'ipnet',
        },
      },
      admin,
    );
    expect(
      expectMember(refused.data?.createIdentityProvider, 'ValidationError').issues[0]?.path,
    ).toEqual(['input', 'issuer']);
    const notAdmin = await post(
      server,
      CREATE_PROVIDER,
      { input: { name: 'x', issuer, clientId: 'ipnet' } },
      await tokenOf('analyst@hk-customs.demo'),
    );
    expect(notAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const created = expectMember(
      (
        await post(
          server,
          CREATE_PROVIDER,
          {
            input: {
              name: 'HK Customs directory',
              issuer,
              clientId: 'ipnet',
              clientSecret: 'a-client-secret-for-the-test-only',
              roleMappings: [{ claim: 'groups', value: 'ipnet-analysts', role: 'ANALYST' }],
            },
          },
          admin,
        )
      ).data?.createIdentityProvider,
      'CreateIdentityProviderSuccess',
    ).identityProvider;
    expect(created?.redirectUri).toBe(`${server.base}/auth/oidc/callback`);
    expect(created?.hasClientSecret).toBe(true);
    startPath = present(created?.signInPath, 'sign-in path');
    providerId = present(created?.id, 'provider id');

    // Another agency's admin neither sees nor changes it.
    const stranger = await tokenOf('agency-admin@gz-customs.demo');
    const seen = await post(
      server,
      graphql(`query IdSeen($id: ID!) { identityProviders { id } node(id: $id) { id } }`),
      { id: providerId },
      stranger,
    );
    expect(seen.data).toEqual({ identityProviders: [], node: null });
    const changed = await post(
      server,
      graphql(`mutation IdDelete($id: ID!) { deleteIdentityProvider(id: $id) { __typename } }`),
      { id: providerId },
      stranger,
    );
    expect(changed.data?.deleteIdentityProvider.__typename).toBe('NotFoundError');

    // The sign-in page offers it by name, without a session; nothing about its client.
    const offered = await post(
      server,
      graphql('query Offered { signInProviders { name agencyName signInPath } }'),
      {},
    );
    expect(offered.data?.signInProviders).toEqual([
      { name: 'HK Customs directory', agencyName: expect.any(String), signInPath: startPath },
    ]);
  });

  it('signs a member in by a verified e-mail address, with the same session as a password’s', async () => {
    const jar = new Jar();
    const landed = await singleSignOn(jar, startPath, 'hk-analyst');
    expect(landed.pathname).toBe('/console/');
    expect(landed.hash).toBe('');
    const me = await meWithCookie(jar);
    expect(me).toMatchObject({
      email: 'analyst@hk-customs.demo',
      roles: ['ANALYST'],
      agency: { slug: 'hk-customs' },
    });
    // Roles and the name stay IPNet's.
    expect(me?.displayName).not.toBe('HK analyst at the directory');

    // The session ends like any other: signing out everywhere ends it.
    const url = new URL('/graphql', server.base);
    const out = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: jar.header(url),
        origin: new URL(server.base).origin,
      },
      body: JSON.stringify({ query: 'mutation { signOutEverywhere }' }),
    });
    expect(
      ((await out.json()) as { data: { signOutEverywhere: number } }).data.signOutEverywhere,
    ).toBeGreaterThanOrEqual(1);
    expect(await meWithCookie(jar)).toBeNull();

    // The next time, the subject is linked: the same account.
    const again = new Jar();
    await singleSignOn(again, startPath, 'hk-analyst');
    expect((await meWithCookie(again))?.email).toBe('analyst@hk-customs.demo');
  });

  it('refuses an unverified address, an account of another agency, and an unknown person', async () => {
    for (const login of ['unverified-analyst', 'other-agency', 'new-officer']) {
      const jar = new Jar();
      const landed = await singleSignOn(jar, startPath, login);
      expect(landed.hash).toBe('#sign-in/sso-no-account');
      expect(await meWithCookie(jar)).toBeNull();
    }
  });

  it('refuses a callback the browser did not start (no sign-in into someone else’s account)', async () => {
    // An attacker starts a sign-in and hands the victim the provider's answer.
    const attacker = new Jar();
    const start = await fetch(new URL(startPath, server.base), { redirect: 'manual' });
    attacker.take(new URL(server.base), start);
    const authorize = new URL(present(start.headers.get('location'), 'authorize URL'));
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toBeTruthy();
    const state = present(authorize.searchParams.get('state'), 'state');
    const victim = new Jar();
    const callback = await fetch(
      new URL(`/auth/oidc/callback?code=stolen&state=${state}`, server.base),
      { redirect: 'manual', headers: { cookie: victim.header(new URL(server.base)) } },
    );
    expect(callback.headers.get('location')).toMatch(/#sign-in\/sso-not-started-here$/);
    expect(callback.headers.getSetCookie().some((c) => c.startsWith('ipnet_session='))).toBe(false);
  });

  it('creates accounts just in time only when enabled, with the mapped roles only', async () => {
    const admin = await tokenOf('agency-admin@hk-customs.demo');
    const UPDATE = graphql(`
      mutation UpdateProvider($id: ID!, $input: IdentityProviderInput!) {
        updateIdentityProvider(id: $id, input: $input) {
          __typename
          ... on UpdateIdentityProviderSuccess { identityProvider { createAccounts hasClientSecret } }
          ... on Error { code message }
        }
      }
    `);
    const updated = await post(
      server,
      UPDATE,
      {
        id: providerId,
        input: {
          name: 'HK Customs directory',
          issuer,
          clientId: 'ipnet',
          createAccounts: true,
          roleMappings: [
            { claim: 'groups', value: 'ipnet-analysts', role: 'ANALYST' },
            { claim: 'groups', value: 'ipnet-admins', role: 'AGENCY_ADMIN' },
          ],
        },
      },
      admin,
    );
    expect(
      expectMember(updated.data?.updateIdentityProvider, 'UpdateIdentityProviderSuccess')
        .identityProvider,
    ).toEqual({ createAccounts: true, hasClientSecret: true });

    const jar = new Jar();
    const landed = await singleSignOn(jar, startPath, 'new-officer');
    expect(landed.pathname).toBe('/console/');
    expect(await meWithCookie(jar)).toMatchObject({
      email: 'new.officer@customs.gov.hk.example',
      displayName: 'New Officer',
      roles: ['ANALYST'],
      agency: { slug: 'hk-customs' },
    });
    // It signs in through the provider only: no password sign-in, no reset link.
    expect(
      (await signIn('new.officer@customs.gov.hk.example', 'any password at all')).__typename,
    ).toBe('InvalidCredentialsError');
    // Still not another agency's account, and never a network admin by mapping.
    const other = await singleSignOn(new Jar(), startPath, 'other-agency');
    expect(other.hash).toBe('#sign-in/sso-address-in-use');
    const mapped = await post(
      server,
      UPDATE,
      {
        id: providerId,
        input: {
          name: 'HK Customs directory',
          issuer,
          clientId: 'ipnet',
          roleMappings: [{ claim: 'groups', value: 'staff', role: 'NETWORK_ADMIN' }],
        },
      },
      admin,
    );
    expect(mapped.data?.updateIdentityProvider?.__typename).toBe('ValidationError');
  });
});

describe('password reset by e-mail', () => {
  const REQUEST = graphql(`
    mutation RequestReset($email: EmailAddress!) {
      requestPasswordReset(email: $email) {
        __typename
        ... on RequestPasswordResetSuccess { accepted }
        ... on Error { code message }
      }
    }
  `);
  const RESET = graphql(`
    mutation Reset($token: String!, $newPassword: String!) {
      resetPassword(token: $token, newPassword: $newPassword) {
        __typename
        ... on ResetPasswordSuccess { reset }
        ... on ValidationError { issues { path message } }
        ... on Error { code message }
      }
    }
  `);

  async function mailTo(address: string, count: number) {
    await expect.poll(() => mailbox.to(address).length, { timeout: 10_000 }).toBe(count);
    return mailbox.to(address);
  }

  it('sends a single-use link, answers the same for an unknown address, and ends every session', async () => {
    const email = 'coordinator@sz-customs.demo';
    const oldSession = await tokenOf(email);
    const known = await post(server, REQUEST, { email });
    const unknown = await post(server, REQUEST, { email: 'nobody@sz-customs.demo' });
    expect(unknown.data).toEqual(known.data);
    expect(known.data?.requestPasswordReset).toEqual({
      __typename: 'RequestPasswordResetSuccess',
      accepted: true,
    });

    const [mail] = await mailTo(email, 1);
    expect(mail?.subject).toBe('Reset your GBA IPNet password');
    const link = present(/(http\S+reset-password\S+)/.exec(mail?.text ?? '')?.[1], 'reset link');
    const prefix = `${server.base}/console/#reset-password/`;
    expect(link.startsWith(prefix)).toBe(true);
    const token = decodeURIComponent(link.slice(prefix.length));
    expect(mailbox.to('nobody@')).toEqual([]);

    const short = await post(server, RESET, { token, newPassword: 'short' });
    expect(short.data?.resetPassword?.__typename).toBe('ValidationError');
    const done = await post(server, RESET, { token, newPassword: 'a brand new passphrase 2026' });
    expect(done.data?.resetPassword).toEqual({ __typename: 'ResetPasswordSuccess', reset: true });

    // Every session ended; the old password is gone, the new one works; the link works once.
    expect((await post(server, ME, {}, oldSession)).data?.me ?? null).toBeNull();
    expect((await signIn(email)).__typename).toBe('InvalidCredentialsError');
    expect((await signIn(email, 'a brand new passphrase 2026')).__typename).toBe('SignInSuccess');
    const reused = await post(server, RESET, { token, newPassword: 'yet another passphrase 2026' });
    expect(reused.data?.resetPassword).toMatchObject({ __typename: 'InvalidResetTokenError' });
    const forged = await post(server, RESET, {
      token: `${token.split('.')[0]}.forgedsecretforgedsecretforged`,
      newPassword: 'yet another passphrase 2026',
    });
    expect(forged.data?.resetPassword).toMatchObject({ __typename: 'InvalidResetTokenError' });
  });
});

describe("the network's second-factor requirement", () => {
  it('asks every role that reads restricted intelligence to set up a factor at its next sign-in', async () => {
    const SET = graphql(`
      mutation NetworkRequire($required: Boolean!) {
        setNetworkSecondFactorRequirement(required: $required) {
          __typename
          ... on SetNetworkSecondFactorRequirementSuccess {
            networkSecurity { secondFactorRequiredForRestrictedReaders }
          }
        }
      }
    `);
    const agencyAdmin = await post(
      server,
      SET,
      { required: true },
      await tokenOf('agency-admin@gz-amr.demo'),
    );
    expect(agencyAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await signIn('viewer@gz-amr.demo')).__typename).toBe('SignInSuccess');

    const admin = await tokenOf('admin@network.demo');
    const set = await post(server, SET, { required: true }, admin);
    expect(set.data?.setNetworkSecondFactorRequirement).toMatchObject({
      networkSecurity: { secondFactorRequiredForRestrictedReaders: true },
    });
    for (const email of ['viewer@gz-amr.demo', 'organizer@gz-amr.demo']) {
      const step = expectMember(await signIn(email), 'SecondFactorRequiredError');
      expect(step.enrolled).toBe(false);
    }

    // Single sign-on meets the same requirement: the browser comes back at the second-factor
    // step, the challenge in the fragment, and no session yet.
    const jar = new Jar();
    const landed = await singleSignOn(jar, startPath, 'hk-analyst');
    const step = /^#second-factor\/enrol\/(.+)$/.exec(landed.hash);
    const challenge = decodeURIComponent(present(step?.[1], 'a challenge in the fragment'));
    expect(await meWithCookie(jar)).toBeNull();
    const enrolment = await post(
      server,
      graphql(`mutation IdEnrol($c: String) { startSecondFactorEnrolment(challenge: $c) {
        __typename ... on StartSecondFactorEnrolmentSuccess { enrolment { secret } } } }`),
      { c: challenge },
    );
    const { secret } = expectMember(
      enrolment.data?.startSecondFactorEnrolment,
      'StartSecondFactorEnrolmentSuccess',
    ).enrolment;
    const completed = await post(
      server,
      graphql(`mutation IdComplete($ch: String!, $c: String!) { completeSignIn(challenge: $ch, code: $c) {
        __typename ... on CompleteSignInSuccess { session { token user { email } } } } }`),
      { ch: challenge, c: TOTP.generate({ secret: Secret.fromBase32(secret) }) },
    );
    expect(
      expectMember(completed.data?.completeSignIn, 'CompleteSignInSuccess').session.user.email,
    ).toBe('analyst@hk-customs.demo');

    await post(server, SET, { required: false }, admin);
    expect((await signIn('viewer@gz-amr.demo')).__typename).toBe('SignInSuccess');
  });
});
