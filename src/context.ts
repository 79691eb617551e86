import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseCookie } from 'cookie';
import type { Logger } from 'pino';
import { config } from './config.js';
import { UnauthenticatedError } from './errors.js';
import type { Region, Role } from './generated/prisma/enums.js';
import { logger } from './logger.js';
import { SESSION_COOKIE } from './modules/auth/session.cookie.js';
import { validateSessionToken } from './modules/auth/session.service.js';
import { type Locale, localeFromAcceptLanguage } from './modules/i18n/locale.js';

// Who is asking, settled once per request (HTTP, SSE) or per WebSocket operation, before any
// resolver runs. Resolvers and scopes read it; they never parse headers themselves.

export interface Viewer {
  userId: string;
  agencyId: string;
  /** Regions of the viewer's agency: audiences may be chosen by region. */
  agencyRegions: readonly Region[];
  roles: readonly Role[];
  email: string;
  /** Preferred locale saved on the account, if any. */
  locale: Locale | null;
  sessionId: string;
  sessionExpiresAt: Date;
}

export type AuthTransport = 'cookie' | 'bearer' | 'connection-params' | 'none';

export interface Context {
  requestId: string;
  viewer: Viewer | null;
  /** Locale chosen for this request: user preference, then Accept-Language, then English. */
  locale: Locale;
  clientAddress: string;
  authVia: AuthTransport;
  /** The incoming HTTP request (absent for WebSocket operations). */
  request?: Request;
  log: Logger;
}

/**
 * The signed-in viewer, for resolvers whose auth scopes already demand a session; throws
 * UNAUTHENTICATED should one ever run without.
 */
export function signedInViewer(context: Context): Viewer {
  if (!context.viewer) throw new UnauthenticatedError();
  return context.viewer;
}

/** What the transports hand over: a Fetch request (HTTP, SSE) or the upgrade request (WS). */
export interface ContextSource {
  request?: Request;
  req?: IncomingMessage;
  connectionParams?: Readonly<Record<string, unknown>>;
}

function header(source: ContextSource, name: string): string | null {
  if (source.request) return source.request.headers.get(name);
  const value = source.req?.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function bearer(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(value.trim());
  return match?.[1] ?? null;
}

/** The session token and how it came: header, WebSocket connection params, then cookie. */
export function findToken(source: ContextSource): { token: string | null; via: AuthTransport } {
  const fromHeader = bearer(header(source, 'authorization'));
  if (fromHeader) return { token: fromHeader, via: 'bearer' };
  const params = source.connectionParams;
  const fromParams = bearer(params?.authorization ?? params?.Authorization) ?? params?.token;
  if (typeof fromParams === 'string' && fromParams !== '') {
    return { token: fromParams, via: 'connection-params' };
  }
  const cookieHeader = header(source, 'cookie');
  const fromCookie = cookieHeader ? parseCookie(cookieHeader)[SESSION_COOKIE] : undefined;
  if (fromCookie) return { token: fromCookie, via: 'cookie' };
  return { token: null, via: 'none' };
}

export function clientAddress(source: ContextSource): string {
  if (config().TRUST_PROXY) {
    const forwarded = header(source, 'x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  return source.req?.socket.remoteAddress ?? 'unknown';
}

function requestIdOf(source: ContextSource): string {
  const given = header(source, 'x-request-id');
  return given && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
}

export async function createContext(source: ContextSource): Promise<Context> {
  const requestId = requestIdOf(source);
  const { token, via } = findToken(source);
  const viewer = token ? await validateSessionToken(token) : null;
  const locale =
    viewer?.locale ?? localeFromAcceptLanguage(header(source, 'accept-language')) ?? 'en';
  return {
    requestId,
    viewer,
    locale,
    clientAddress: clientAddress(source),
    authVia: viewer ? via : 'none',
    request: source.request,
    log: logger.child({ requestId, userId: viewer?.userId }),
  };
}
