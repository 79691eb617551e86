import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMember, present } from './support/api.js';
import { startFakeProvider } from './support/fake-oidc.js';
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
/** The HK Customs provider's id. */
let providerId: string;
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
  // What a provider's operator can make it say: a network admin's address, a colleague's.
  'network-admin': { email: 'admin@network.demo', email_verified: true },
  'claims-colleague': { email: 'coordinator@hk-customs.demo', email_verified: true },
  rogue: { email: 'rogue@directory.example', email_verified: true },
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
    // The test's providers run on this machine, which single sign-on may not reach unless allowed.
    SSO_ALLOWED_HOSTS: '127.0.0.1',
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
      claims: () => ({ sub: id, ...PEOPLE[id] }),
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

/** The link challenge in the fragment the console is sent to after a first single sign-on. */
function linkChallengeOf(landed: URL): string {
  const step = /^#link-account\/(.+)$/.exec(landed.hash);
  return decodeURIComponent(present(step?.[1], `a link challenge in ${landed.hash}`));
}

async function linkStep(challenge: string) {
  const answer = await post(
    server,
    graphql(`query IdLinkStep($c: String!) {
      identityLinkChallenge(challenge: $c) { provider email password code } }`),
    { c: challenge },
  );
  return answer.data?.identityLinkChallenge;
}

/** Confirms a link as the browser does (its cookie jar gets the session). */
async function confirmLink(
  jar: Jar,
  challenge: string,
  proof: { password?: string; code?: string },
  address = `198.51.100.${Math.floor(Math.random() * 200) + 1}`,
) {
  const url = new URL('/graphql', server.base);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: jar.header(url),
      origin: new URL(server.base).origin,
      'x-forwarded-for': address,
    },
    body: JSON.stringify({
      query: `mutation($c: String!, $p: String, $code: String) {
        confirmIdentityLink(challenge: $c, password: $p, code: $code) {
          __typename ... on Error { code message } } }`,
      variables: { c: challenge, p: proof.password ?? null, code: proof.code ?? null },
    }),
  });
  jar.take(url, response);
  return ((await response.json()) as { data?: { confirmIdentityLink: Record<string, unknown> } })
    .data?.confirmIdentityLink;
}

const SECURITY_LOG = graphql(`
  query IdSecurityLog { me { securityLog(first: 50) { edges { node {
    kind provider actor { email } } } } } }
`);

async function securityLog(token: string) {
  const answer = await post(server, SECURITY_LOG, {}, token);
  return (answer.data?.me?.securityLog.edges ?? []).map((edge) => edge.node);
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

  it('signs a member in by a verified e-mail address once they confirm the link with their password', async () => {
    // The first time, the provider's word is not enough: the owner proves the account is theirs.
    const jar = new Jar();
    const first = await singleSignOn(jar, startPath, 'hk-analyst');
    expect(first.pathname).toBe('/console/');
    const challenge = linkChallengeOf(first);
    expect(await meWithCookie(jar)).toBeNull();
    expect(await linkStep(challenge)).toEqual({
      provider: expect.stringMatching(/^HK Customs directory \(.+\)$/),
      email: 'analyst@hk-customs.demo',
      password: true,
      code: false,
    });
    const wrong = await confirmLink(jar, challenge, { password: 'not the password' });
    expect(wrong).toMatchObject({ __typename: 'ValidationError' });
    const confirmed = await confirmLink(jar, challenge, { password: PASSWORD });
    expect(confirmed).toMatchObject({ __typename: 'ConfirmIdentityLinkSuccess' });
    // Used once.
    expect(await linkStep(challenge)).toBeNull();

    const me = await meWithCookie(jar);
    expect(me).toMatchObject({
      email: 'analyst@hk-customs.demo',
      roles: ['ANALYST'],
      agency: { slug: 'hk-customs' },
    });
    // Roles and the name stay IPNet's.
    expect(me?.displayName).not.toBe('HK analyst at the directory');
    // The owner reads the link and the first single sign-on in the account's security log.
    const log = await securityLog(await tokenOf('analyst@hk-customs.demo'));
    expect(log.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['IDENTITY_LINKED', 'FIRST_SINGLE_SIGN_ON']),
    );
    expect(log.find((e) => e.kind === 'IDENTITY_LINKED')).toMatchObject({
      actor: null,
      provider: expect.stringMatching(/^HK Customs directory/),
    });

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

    // The next time, the link is confirmed: the provider signs the same account in at once.
    const again = new Jar();
    const landed = await singleSignOn(again, startPath, 'hk-analyst');
    expect(landed.hash).toBe('');
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

describe("a provider's owner never becomes someone else", () => {
  const LINK = graphql(`
    mutation IdLink($p: ID!, $u: ID!, $s: String!) {
      linkUserIdentity(providerId: $p, userId: $u, subject: $s) {
        __typename
        ... on LinkUserIdentitySuccess { user { identityLinks { provider confirmed } } }
        ... on Error { code message }
      }
    }
  `);
  const COLLEAGUES = graphql(`query IdColleagues { me { agency { users(first: 100) {
    edges { node { id email } } } } } }`);

  /** The id of an account of the viewer's own agency. */
  async function userId(email: string, token: string) {
    const answer = await post(server, COLLEAGUES, {}, token);
    const node = answer.data?.me?.agency.users.edges.find((edge) => edge.node.email === email);
    return present(node?.node.id, `id of ${email}`);
  }

  it('never signs in a network administrator, by e-mail or by a link an admin prepared', async () => {
    // The secretariat's own agency admin, created by the network admin, runs a provider that
    // answers with the network admin's verified address.
    const networkAdmin = await tokenOf('admin@network.demo');
    const created = await post(
      server,
      graphql(`mutation IdCreateUser($input: CreateUserInput!) { createUser(input: $input) {
        __typename ... on Error { message } } }`),
      {
        input: {
          email: 'secretariat-admin@network.example',
          displayName: 'Secretariat admin',
          password: PASSWORD,
          roles: ['AGENCY_ADMIN'],
        },
      },
      networkAdmin,
    );
    expect(created.data?.createUser.__typename).toBe('CreateUserSuccess');
    const secretariatAdmin = await tokenOf('secretariat-admin@network.example');
    const provider = expectMember(
      (
        await post(
          server,
          CREATE_PROVIDER,
          {
            input: {
              name: 'Secretariat directory',
              issuer,
              clientId: 'ipnet',
              clientSecret: 'a-client-secret-for-the-test-only',
            },
          },
          secretariatAdmin,
        )
      ).data?.createIdentityProvider,
      'CreateIdentityProviderSuccess',
    ).identityProvider;

    const jar = new Jar();
    const landed = await singleSignOn(jar, provider.signInPath, 'network-admin');
    expect(landed.hash).toBe('#sign-in/sso-no-account');
    expect(await meWithCookie(jar)).toBeNull();

    const target = await userId('admin@network.demo', networkAdmin);
    const linked = await post(
      server,
      LINK,
      { p: provider.id, u: target, s: 'network-admin' },
      secretariatAdmin,
    );
    expect(linked.data?.linkUserIdentity.__typename).toBe('ForbiddenError');
    const again = await singleSignOn(new Jar(), provider.signInPath, 'network-admin');
    expect(again.hash).toBe('#sign-in/sso-no-account');
    // Nothing links the network admin to the provider, and the log says nothing happened.
    const me = await post(
      server,
      graphql('query IdNetLinks { me { identityLinks { provider } } }'),
      {},
      networkAdmin,
    );
    expect(me.data?.me?.identityLinks).toEqual([]);
  });

  it('cannot be named after another agency on the shared sign-in page', async () => {
    const admin = await tokenOf('agency-admin@hk-customs.demo');
    for (const name of ['Guangzhou Customs District login', '广州海关统一身份认证']) {
      const answer = await post(
        server,
        CREATE_PROVIDER,
        { input: { name, issuer, clientId: 'ipnet' } },
        admin,
      );
      const refused = expectMember(answer.data?.createIdentityProvider, 'ValidationError');
      expect(refused.issues[0]).toEqual({
        path: ['input', 'name'],
        message: expect.stringMatching(/must not name another agency/),
      });
    }
  });

  it("takes a colleague's account only as far as the owner's confirmation, which the admin cannot give", async () => {
    const admin = await tokenOf('agency-admin@hk-customs.demo');
    const coordinator = await userId('coordinator@hk-customs.demo', admin);
    const ownerToken = await tokenOf('coordinator@hk-customs.demo');
    const prepared = await post(server, LINK, { p: providerId, u: coordinator, s: 'rogue' }, admin);
    expect(
      expectMember(prepared.data?.linkUserIdentity, 'LinkUserIdentitySuccess').user.identityLinks,
    ).toEqual([{ provider: expect.stringMatching(/^HK Customs directory/), confirmed: false }]);

    // The admin's own directory entry, linked to the colleague: no session, only the owner's step.
    const jar = new Jar();
    const landed = await singleSignOn(jar, startPath, 'rogue');
    const challenge = linkChallengeOf(landed);
    expect(await meWithCookie(jar)).toBeNull();
    // Guessing the colleague's password is bounded: five wrong answers end the challenge, and
    // they count against the account like wrong sign-ins (its lockout).
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const guess = await confirmLink(jar, challenge, { password: `guess-${attempt}` });
      expect(guess?.__typename).toBe('ValidationError');
    }
    expect(await linkStep(challenge)).toBeNull();
    expect((await confirmLink(jar, challenge, { password: PASSWORD }))?.__typename).toBe(
      'SignInChallengeExpiredError',
    );
    expect(await meWithCookie(jar)).toBeNull();
    expect((await signIn('coordinator@hk-customs.demo'))?.__typename).toBe('RateLimitedError');

    // A directory that claims the colleague's verified address gets no further.
    const claimed = await singleSignOn(new Jar(), startPath, 'claims-colleague');
    expect(await linkStep(linkChallengeOf(claimed))).toMatchObject({
      email: 'coordinator@hk-customs.demo',
    });

    // The owner sees who prepared the link; the admin does not read the owner's log.
    const own = await securityLog(ownerToken);
    expect(own.find((e) => e.kind === 'IDENTITY_LINK_PREPARED')).toMatchObject({
      actor: { email: 'agency-admin@hk-customs.demo' },
    });
    const asAdmin = await post(
      server,
      graphql(`query IdOthersLog($id: ID!) { node(id: $id) { ... on User {
        securityLog(first: 5) { edges { node { kind } } } } } }`),
      { id: coordinator },
      admin,
    );
    expect(asAdmin.data?.node).toEqual({ securityLog: { edges: [] } });
    // The links show to the owner and the agency's admins, not to a colleague.
    const asColleague = await post(
      server,
      graphql(`query IdOthersLinks($id: ID!) { node(id: $id) { ... on User {
        identityLinks { confirmed } } } }`),
      { id: coordinator },
      await tokenOf('viewer@hk-customs.demo'),
    );
    expect(asColleague.data?.node).toEqual({ identityLinks: [] });

    // The owner removes the link; it is logged.
    const removed = await post(
      server,
      graphql(`mutation IdUnlink($p: ID!, $u: ID!) { unlinkUserIdentity(providerId: $p, userId: $u) {
        __typename ... on UnlinkUserIdentitySuccess { user { identityLinks { provider } } } } }`),
      { p: providerId, u: coordinator },
      ownerToken,
    );
    expect(
      expectMember(removed.data?.unlinkUserIdentity, 'UnlinkUserIdentitySuccess').user
        .identityLinks,
    ).toEqual([]);
    expect((await securityLog(ownerToken)).map((e) => e.kind)).toContain('IDENTITY_UNLINKED');
  });
});

describe('what single sign-on reaches over the network', () => {
  it('refuses issuers inside the server’s network, when added and at every request', async () => {
    const admin = await tokenOf('agency-admin@hk-customs.demo');
    for (const internal of [
      'https://169.254.169.254/',
      'https://10.0.0.1/',
      'https://192.168.1.1/',
      'https://[fd00::1]/',
      'http://127.0.0.2:1/',
    ]) {
      const answer = await post(
        server,
        CREATE_PROVIDER,
        { input: { name: `Internal ${internal}`, issuer: internal, clientId: 'ipnet' } },
        admin,
      );
      const refused = expectMember(answer.data?.createIdentityProvider, 'ValidationError');
      expect(refused.issues[0]?.path, internal).toEqual(['input', 'issuer']);
      expect(refused.issues[0]?.message).toMatch(/SSO_ALLOWED_HOSTS/);
    }

    // An allowed issuer whose discovery document names endpoints inside the network: the
    // server never connects to them.
    const inside = createServer();
    const reached: string[] = [];
    inside.on('request', (request, response) => {
      reached.push(request.url ?? '');
      response.end('{}');
    });
    await new Promise<void>((resolve) => inside.listen(0, '127.0.0.3', resolve));
    const fake = await startFakeProvider({
      claims: { sub: 'fake-analyst', email: 'analyst@hk-customs.demo', email_verified: true },
      endpointsAt: `http://127.0.0.3:${(inside.address() as AddressInfo).port}`,
    });
    try {
      const provider = expectMember(
        (
          await post(
            server,
            CREATE_PROVIDER,
            { input: { name: 'Points inside', issuer: fake.issuer, clientId: 'ipnet' } },
            admin,
          )
        ).data?.createIdentityProvider,
        'CreateIdentityProviderSuccess',
      ).identityProvider;
      const landed = await singleSignOn(new Jar(), provider.signInPath, 'anyone');
      expect(landed.hash).toBe('#sign-in/sso-invalid-answer');
      expect(fake.requests).toContain('/.well-known/openid-configuration');
      expect(reached).toEqual([]);
    } finally {
      await fake.close();
      inside.close();
    }
  });

  it("checks the ID token's signature against the provider's published keys", async () => {
    const admin = await tokenOf('agency-admin@hk-customs.demo');
    const fake = await startFakeProvider({
      claims: { sub: 'fake-analyst', email: 'analyst@hk-customs.demo', email_verified: true },
      signWithUnpublishedKey: true,
    });
    try {
      const provider = expectMember(
        (
          await post(
            server,
            CREATE_PROVIDER,
            { input: { name: 'Signs with another key', issuer: fake.issuer, clientId: 'ipnet' } },
            admin,
          )
        ).data?.createIdentityProvider,
        'CreateIdentityProviderSuccess',
      ).identityProvider;
      const forged = await singleSignOn(new Jar(), provider.signInPath, 'anyone');
      expect(forged.hash).toBe('#sign-in/sso-invalid-answer');
      expect(fake.requests).toContain('/jwks');

      // The same provider signing with its published key is answered (the owner's step).
      fake.options.signWithUnpublishedKey = false;
      const signed = await singleSignOn(new Jar(), provider.signInPath, 'anyone');
      expect(signed.hash).toMatch(/^#link-account\//);
    } finally {
      await fake.close();
    }
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

    // The phone is lost: the agency's admin removes the factor, and the member hears of it by
    // e-mail, in their language, as well as by alert.
    const hkAdmin = await tokenOf('agency-admin@hk-customs.demo');
    const colleagues = await post(
      server,
      graphql(
        `query IdHkPeople { me { agency { users(first: 100) { edges { node { id email } } } } } }`,
      ),
      {},
      hkAdmin,
    );
    const analyst = colleagues.data?.me?.agency.users.edges.find(
      (edge) => edge.node.email === 'analyst@hk-customs.demo',
    );
    const reset = await post(
      server,
      graphql(`mutation IdResetFactor($u: ID!) { resetSecondFactor(userId: $u) { __typename } }`),
      { u: present(analyst?.node.id, 'the analyst') },
      hkAdmin,
    );
    expect(reset.data?.resetSecondFactor.__typename).toBe('ResetSecondFactorSuccess');
    await expect
      .poll(() => mailbox.to('analyst@hk-customs.demo').length, { timeout: 10_000 })
      .toBe(1);
    const [told] = mailbox.to('analyst@hk-customs.demo');
    expect(told?.subject).toBe('Your GBA IPNet second factor was removed');
    expect(told?.text).toContain('removed the authenticator');
  });
});
