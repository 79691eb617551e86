import { decodeGlobalID } from '@pothos/plugin-relay';
import contentDisposition from 'content-disposition';
import type { Plugin } from 'graphql-yoga';
import { type Context, createContext } from '../../context.js';
import { AppError, httpStatusOf } from '../../errors.js';
import { isUuid } from '../../input-guard.js';

// Plain HTTP GET endpoints that export one entity (STIX bundles, after-action reports) for
// people and tools that fetch over HTTP. Same session as GraphQL (Bearer token or cookie), the
// same services and so the same rules; expected errors answer with their HTTP status and
// message, anything else is logged and masked.

/**
 * A file name for an export, from what it is about (a report's title, an operation's name): the
 * characters file systems refuse and control characters become dashes, at most 80 characters,
 * and `fallback` when nothing is left. Non-ASCII names travel in `filename*` (RFC 6266, through
 * the content-disposition package), with an ASCII `filename` beside it for old clients.
 */
export function exportFilename(name: string, fallback: string, extension: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[\\/:*?"<>|\p{Cc}\p{Cf}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, '-')
    .slice(0, 80)
    .replace(/^[.-]+|[.-]+$/g, '');
  return `${cleaned || fallback}.${extension}`;
}

/** The database id in a path segment: a raw UUID or a global id of `typename`. */
function entityIdOf(raw: string, typename: string): string | null {
  const value = decodeURIComponent(raw);
  if (isUuid(value)) return value;
  try {
    const decoded = decodeGlobalID(value);
    return decoded.typename === typename && isUuid(decoded.id) ? decoded.id : null;
  } catch {
    return null;
  }
}

export interface ExportEndpoint {
  /** Matches the path; its first group is the entity's id. */
  path: RegExp;
  typename: string;
  /** What the failure log says, e.g. "STIX export failed". */
  failure: string;
  /** Serve callers without a session too (render applies the entity's rule to them). */
  anonymous?: boolean;
  render(
    context: Context,
    id: string,
    match: RegExpExecArray,
    url: URL,
  ): Promise<{ body: string; type: string; filename?: string }>;
}

export function useExportEndpoint(endpoint: ExportEndpoint): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const match = endpoint.path.exec(url.pathname);
      if (!match?.[1] || request.method !== 'GET') return;
      const respond = (body: string, status: number, type: string, filename?: string) =>
        endResponse(
          new fetchAPI.Response(body, {
            status,
            headers: {
              'content-type': type,
              ...(filename ? { 'content-disposition': contentDisposition(filename) } : {}),
            },
          }),
        );
      const refuse = (message: string, status: number) =>
        respond(JSON.stringify({ error: message }), status, 'application/json');
      const context = await createContext({ request });
      if (!context.viewer && !endpoint.anonymous) {
        return refuse('Sign in first: send your session token as a Bearer header.', 401);
      }
      const id = entityIdOf(match[1], endpoint.typename);
      if (!id) return refuse(`The path does not hold a ${endpoint.typename} id.`, 404);
      try {
        const { body, type, filename } = await endpoint.render(context, id, match, url);
        respond(body, 200, type, filename);
      } catch (error) {
        if (error instanceof AppError) {
          // A caller without a session learns to sign in rather than that the entity is missing.
          if (!context.viewer && error.code === 'NOT_FOUND') {
            return refuse('Sign in first, or no such entity exists.', 401);
          }
          return refuse(error.message, httpStatusOf(error));
        }
        context.log.error({ err: error }, endpoint.failure);
        refuse('Unexpected error.', 500);
      }
    },
  };
}
