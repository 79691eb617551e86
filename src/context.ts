import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseCookie } from 'cookie';
import type { Logger } from 'pino';
import { config } from './config.js';
import { UnauthenticatedError } from './errors.js';
import type { AccessAction } from './generated/prisma/enums.js';
import { logger } from './logger.js';
import { SESSION_COOKIE } from './modules/auth/session.cookie.js';
import { validateSessionToken } from './modules/auth/session.service.js';
import type { Viewer } from './modules/auth/viewer.js';
import { type Locale, localeFromAcceptLanguage } from './modules/i18n/locale.js';
import type { Membership } from './modules/operations/operation.access.js';
import type { RequestFacts } from './request-log.js';

// Who is asking, settled once per request (HTTP, SSE) or per WebSocket operation, before any
// resolver runs. Resolvers and scopes read it; they never parse headers themselves.

export type AuthTransport = 'cookie' | 'bearer' | 'connection-params' | 'api-credential' | 'none';

/** A reading of a sensitive report waiting for the request's one access-log INSERT. */
export interface PendingReading {
  reportId: string;
  userId: string;
  agencyId: string;
  credentialId: string | null;
  action: AccessAction;
  purpose: string | null;
}

/**
 * What one request remembers about its reader beyond who they are. Each part belongs to the
 * module named, which alone reads and writes it; all of it ends with the request.
 */
export interface RequestMemory {
  /** intel: purposes stated in this request for reading reports, by report id. */
  readonly statedPurposes: Map<string, string>;
  /** intel: TLP:RED reports opened here with a stated purpose (their rule lets them through). */
  readonly openedRedReports: Set<string>;
  /** intel: readings already logged, as `${action}:${reportId}`: one entry per reading. */
  readonly loggedReadings: Set<string>;
  /** intel: readings of this tick, written together; null when none is waiting. */
  pendingReadings: { entries: PendingReading[]; written: Promise<void> } | null;
  /** forums: registrations whose check-in code was given in this request (guests' own). */
  readonly unlockedRegistrations: Set<string>;
  /** operations: the viewer's agency's place in each operation, loaded once per operation. */
  readonly memberships: Map<string, Promise<Membership | null>>;
  /** alerts: the viewer's acknowledge-all watermark, read once. */
  acknowledgedThrough: Promise<bigint> | null;
  /** Batched loads by id, one per entity and selection (src/modules/common/by-id.ts). */
  readonly loaders: Map<string, unknown>;
}

export function newRequestMemory(): RequestMemory {
  return {
    statedPurposes: new Map(),
    openedRedReports: new Set(),
    loggedReadings: new Set(),
    pendingReadings: null,
    unlockedRegistrations: new Set(),
    memberships: new Map(),
    acknowledgedThrough: null,
    loaders: new Map(),
  };
}

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
  /** What this request has learnt and been given so far; see RequestMemory. */
  memory: RequestMemory;
  /** What the HTTP layer's log line says of the operation (set when it runs; HTTP only). */
  requestFacts?: RequestFacts;
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
  /** Handed over by the HTTP layer, which logs it when the response closes. */
  requestFacts?: RequestFacts;
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
  const { token, via } = findToken(source);
  const viewer = token ? await validateSessionToken(token) : null;
  return contextFor(source, viewer, viewer ? via : 'none');
}

/** The context of a request whose viewer is already settled (a session, or an API credential). */
export function contextFor(
  source: ContextSource,
  viewer: Viewer | null,
  authVia: AuthTransport,
): Context {
  const requestId = requestIdOf(source);
  const locale =
    viewer?.locale ?? localeFromAcceptLanguage(header(source, 'accept-language')) ?? 'en';
  return {
    requestId,
    viewer,
    locale,
    clientAddress: clientAddress(source),
    authVia,
    request: source.request,
    log: logger.child({
      requestId,
      ...(viewer?.credential ? { credentialId: viewer.credential.id } : { userId: viewer?.userId }),
    }),
    memory: newRequestMemory(),
    requestFacts: source.requestFacts,
  };
}
