import { parseCookie } from 'cookie';
import type { Plugin } from 'graphql-yoga';
import { cookieSecure } from '../../config.js';
import { type ContextSource, clientAddress } from '../../context.js';
import { prisma } from '../../db.js';
import { logger } from '../../logger.js';
import { publicUrl } from '../../public-url.js';
import { rateLimiter, secondsToWait } from '../../rate-limit.js';
import { SecondFactorRequiredError } from '../auth/auth.errors.js';
import { afterFirstFactor } from '../auth/auth.service.js';
import { setSessionCookie } from '../auth/session.cookie.js';
import { startLinkChallenge } from './identity-link.service.js';
import { signInProviderWhere } from './identity-provider.access.js';
import {
  accountForClaims,
  type ProviderAnswer,
  type ProviderClaims,
  ProviderRefusal,
} from './identity-provider.service.js';
import { client, providerConfiguration } from './oidc-client.js';

// Single sign-on with an agency's OpenID Connect provider: the authorization code flow with
// PKCE, a state and a nonce (openid-client).
//
//   GET /auth/oidc/{providerId}/start  → the provider's sign-in page
//   GET /auth/oidc/callback            → a session (the same as a password's), then the console
//
// The state is kept in the database with the PKCE verifier and nonce, and in an HttpOnly cookie
// of the browser that started: a callback is only accepted from that browser, so nobody can
// sign another person's browser into their own account. It is used once and lives ten minutes.
// The redirect URI is built on PUBLIC_URL, never on the request's Host header.

const STATE_COOKIE = 'ipnet_oidc_state';
const STATE_MINUTES = 10;
const CALLBACK_PATH = '/auth/oidc/callback';
const CONSOLE = '/console/';

function redirect(location: string, cookies: string[] = []): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response(null, { status: 303, headers });
}

function stateCookie(value: string, maxAgeSeconds: number): string {
  return [
    `${STATE_COOKIE}=${value}`,
    'Path=/auth/oidc',
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(cookieSecure() ? ['Secure'] : []),
  ].join('; ');
}

/** Back to the console's sign-in page with a reason it can show (never the details). */
function refused(base: string, reason: string): Response {
  return redirect(`${base}${CONSOLE}#sign-in/sso-${encodeURIComponent(reason)}`, [
    stateCookie('', 0),
  ]);
}

/** Starts per client address and minute: each writes a row that waits ten minutes. */
const STARTS_PER_MINUTE = 30;
let starts: ReturnType<typeof rateLimiter> | null = null;

async function start(providerId: string, address: string): Promise<Response> {
  const base = publicUrl();
  if (!base) return new Response('PUBLIC_URL is not configured.', { status: 503 });
  starts ??= rateLimiter('ipnet:oidc-start', STARTS_PER_MINUTE, 60);
  const seconds = await secondsToWait(starts, address);
  if (seconds !== null) {
    return new Response('Too many sign-ins from your address; try again in a minute.', {
      status: 429,
      headers: { 'retry-after': String(seconds) },
    });
  }
  const provider = /^[0-9a-f-]{36}$/i.test(providerId)
    ? await prisma.identityProvider.findFirst({ where: { id: providerId, ...signInProviderWhere } })
    : null;
  if (!provider) return refused(base, 'unknown-provider');
  let configuration: Awaited<ReturnType<typeof providerConfiguration>>;
  try {
    configuration = await providerConfiguration(provider);
  } catch (error) {
    logger.warn({ err: error, providerId }, 'identity provider discovery failed');
    return refused(base, 'provider-unavailable');
  }
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  await prisma.oidcSignIn.create({
    data: {
      state,
      providerId: provider.id,
      codeVerifier,
      nonce,
      expiresAt: new Date(Date.now() + STATE_MINUTES * 60_000),
    },
  });
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: `${base}${CALLBACK_PATH}`,
    scope: provider.scopes,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return redirect(url.href, [stateCookie(state, STATE_MINUTES * 60)]);
}

async function callback(request: Request, url: URL, source: ContextSource): Promise<Response> {
  const base = publicUrl();
  if (!base) return new Response('PUBLIC_URL is not configured.', { status: 503 });
  const state = url.searchParams.get('state') ?? '';
  const held = parseCookie(request.headers.get('cookie') ?? '')[STATE_COOKIE];
  if (!state || held !== state) return refused(base, 'not-started-here');
  // Used once, whatever follows.
  const pending = await prisma.oidcSignIn.findFirst({
    where: { state, provider: signInProviderWhere },
    include: { provider: { include: { agency: { select: { nameEn: true } } } } },
  });
  await prisma.oidcSignIn.deleteMany({ where: { state } });
  if (!pending || pending.expiresAt <= new Date()) {
    return refused(base, 'expired');
  }
  const { provider } = pending;
  if (url.searchParams.has('error')) {
    logger.info(
      { providerId: provider.id, error: url.searchParams.get('error') },
      'provider refused the sign-in',
    );
    return refused(base, 'provider-refused');
  }
  let claims: ProviderClaims;
  try {
    const configuration = await providerConfiguration(provider);
    const tokens = await client.authorizationCodeGrant(
      configuration,
      new URL(`${base}${CALLBACK_PATH}${url.search}`),
      {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
      },
    );
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('no ID token in the answer');
    claims = { ...idClaims } as ProviderClaims;
    // Scopes such as email may be answered at userinfo rather than in the ID token.
    if (claims.email === undefined && configuration.serverMetadata().userinfo_endpoint) {
      const info = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
      claims = { ...info, ...claims, email: info.email, email_verified: info.email_verified };
    }
  } catch (error) {
    logger.warn({ err: error, providerId: provider.id }, 'identity provider answer refused');
    return refused(base, 'invalid-answer');
  }
  const meta = {
    ipAddress: clientAddress({ ...source, request }),
    userAgent: request.headers.get('user-agent'),
  };
  let answer: ProviderAnswer;
  try {
    answer = await accountForClaims(provider, claims, meta.ipAddress);
  } catch (error) {
    if (!(error instanceof ProviderRefusal)) throw error;
    logger.info(
      { providerId: provider.id, reason: error.reason, detail: error.message },
      'single sign-on refused',
    );
    return refused(base, error.reason);
  }
  if ('confirmLink' in answer) {
    // The owner proves the account is theirs once; the token travels in the fragment.
    const token = await startLinkChallenge(answer.confirmLink);
    logger.info(
      { providerId: provider.id },
      'single sign-on waits for the owner to confirm the link',
    );
    return redirect(`${base}${CONSOLE}#link-account/${encodeURIComponent(token)}`, [
      stateCookie('', 0),
    ]);
  }
  const userId = answer.signIn;
  try {
    const { session } = await afterFirstFactor(userId, meta);
    await setSessionCookie(request, session.token, session.expiresAt);
    logger.info(
      { userId, sessionId: session.id, providerId: provider.id },
      'signed in by single sign-on',
    );
    return redirect(`${base}${CONSOLE}`, [stateCookie('', 0)]);
  } catch (error) {
    if (!(error instanceof SecondFactorRequiredError)) throw error;
    // The challenge travels in the fragment, which the browser never sends to a server.
    const step = `${error.enrolled ? 'code' : 'enrol'}/${encodeURIComponent(error.challenge)}`;
    return redirect(`${base}${CONSOLE}#second-factor/${step}`, [stateCookie('', 0)]);
  }
}

export function useOidcEndpoints(): Plugin {
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      if (!url.pathname.startsWith('/auth/oidc/')) return;
      if (request.method !== 'GET') {
        return endResponse(new Response('Use GET.', { status: 405 }));
      }
      const source = serverContext as ContextSource;
      try {
        if (url.pathname === CALLBACK_PATH) {
          return endResponse(await callback(request, url, source));
        }
        const match = /^\/auth\/oidc\/([^/]+)\/start$/.exec(url.pathname);
        if (!match?.[1]) return endResponse(new Response('Not found.', { status: 404 }));
        endResponse(await start(match[1], clientAddress({ ...source, request })));
      } catch (error) {
        // Whatever failed (the database, a provider), the browser learns nothing of it.
        logger.error({ err: error, path: url.pathname }, 'single sign-on request failed');
        const base = publicUrl();
        endResponse(
          base ? refused(base, 'error') : new Response('Unexpected error.', { status: 500 }),
        );
      }
    },
  };
}
