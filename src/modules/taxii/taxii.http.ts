import type { Plugin } from 'graphql-yoga';
import { type Context, type ContextSource, clientAddress, contextFor } from '../../context.js';
import { logger } from '../../logger.js';
import type { Viewer } from '../auth/viewer.js';
import { credentialFor } from '../credentials/api-credential.service.js';
import { type Collection, collectionsFor } from './taxii-collections.js';
import {
  collectionPage,
  cursorScope,
  type Delivered,
  decodePosition,
  type ObjectPage,
  type ObjectQuery,
} from './taxii-objects.js';

// The read side of TAXII 2.1 (OASIS, 2021) under /taxii2/: discovery, one API root (`api`), its
// collections, and for each the objects, one object, its versions and the manifest. Partner tools
// sign in with an API credential (HTTP Basic or Bearer); what a request receives is decided by
// the intelligence rule for the credential's agency, at or under its TLP ceiling.

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';
const ROOT = '/taxii2/';
const API_ROOT = 'api';
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

class TaxiiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly description?: string,
  ) {
    super(title);
  }
}

function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': TAXII_MEDIA_TYPE, 'cache-control': 'no-store', ...headers },
  });
}

function errorResponse(error: TaxiiError, headers: Record<string, string> = {}): Response {
  return json(
    {
      title: error.title,
      ...(error.description ? { description: error.description } : {}),
      http_status: String(error.status),
    },
    error.status,
    error.status === 401
      ? { 'www-authenticate': 'Basic realm="GBA IPNet TAXII", charset="UTF-8"', ...headers }
      : headers,
  );
}

const REFUSAL_TITLES = {
  401: 'Authentication required',
  403: 'Not permitted',
  429: 'Too many failed attempts',
} as const;

/** TAXII clients ask for the TAXII media type; a client asking for anything accepts it too. */
function acceptsTaxii(accept: string | null): boolean {
  if (!accept) return true;
  return accept
    .split(',')
    .map((part) => part.split(';').map((p) => p.trim().toLowerCase()))
    .some(([type, ...params]) => {
      if (type === '*/*' || type === 'application/*') return true;
      if (type !== 'application/taxii+json') return false;
      const version = params.find((p) => p.startsWith('version='));
      return !version || version === 'version=2.1';
    });
}

function list(url: URL, name: string): string[] | null {
  const value = url.searchParams.get(name);
  if (value === null) return null;
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (items.length > 100) throw new TaxiiError(400, `Too many values in ${name}`, 'At most 100.');
  return items;
}

function timestamp(value: string, name: string): Date {
  const date = new Date(value);
  // Date reads year 0 and rolls 2026-02-30 over into March; the database has no year 0. Both
  // are refused here rather than read or sent on.
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value) ||
    Number.isNaN(date.getTime()) ||
    date.getUTCFullYear() < 1 ||
    date.toISOString().slice(0, 19) !== value.slice(0, 19)
  ) {
    throw new TaxiiError(
      400,
      `Invalid ${name}`,
      'Expected an RFC 3339 timestamp in UTC from the year 1 on, such as 2026-01-31T08:00:00.000Z.',
    );
  }
  return date;
}

/**
 * The query of an objects, object, versions or manifest request; `scope` is what `next` is bound
 * to. Get an Object names its object in the path; Get Object Versions (§5.8) lists every version,
 * so `match[version]` has no place there.
 */
function objectQuery(
  url: URL,
  scope: string,
  object?: { id: string; allVersions: boolean },
): ObjectQuery {
  const limitText = url.searchParams.get('limit');
  let limit = DEFAULT_PAGE;
  if (limitText !== null) {
    limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1) {
      throw new TaxiiError(400, 'Invalid limit', 'The limit must be a positive whole number.');
    }
    limit = Math.min(limit, MAX_PAGE);
  }
  const nextText = url.searchParams.get('next');
  const next = nextText === null ? null : decodePosition(nextText, scope);
  if (nextText !== null && !next) {
    throw new TaxiiError(
      400,
      'Invalid next',
      'Use the next value of the previous page of this collection as it was given, with the same credential.',
    );
  }
  const addedAfter = url.searchParams.get('added_after');
  const versions = object?.allVersions ? ['all'] : (list(url, 'match[version]') ?? ['last']);
  for (const v of versions) {
    if (v !== 'all' && v !== 'first' && v !== 'last') timestamp(v, 'match[version]');
  }
  const ids = object ? [object.id] : list(url, 'match[id]');
  return {
    addedAfter: addedAfter === null ? null : timestamp(addedAfter, 'added_after'),
    limit,
    next,
    ids,
    types: object ? null : list(url, 'match[type]'),
    versions,
    specVersions: list(url, 'match[spec_version]'),
  };
}

function collectionResource(collection: Collection) {
  return {
    id: collection.id,
    title: collection.title,
    description: collection.description,
    can_read: true,
    can_write: false,
    media_types: [STIX_MEDIA_TYPE],
  };
}

function dateHeaders(objects: Delivered[]): Record<string, string> {
  const first = objects[0];
  const last = objects.at(-1);
  if (!first || !last) return {};
  return {
    'x-taxii-date-added-first': first.dateAdded.toISOString(),
    'x-taxii-date-added-last': last.dateAdded.toISOString(),
  };
}

function pageFields(page: ObjectPage) {
  return { more: page.more, ...(page.next ? { next: page.next } : {}) };
}

async function route(
  context: Context,
  viewer: Viewer,
  url: URL,
  parts: string[],
): Promise<Response> {
  const base = new URL(ROOT, url);
  if (parts.length === 0) {
    return json(
      {
        title: 'GBA IPNet',
        description:
          'Counterfeiting intelligence shared by the enforcement agencies of the Greater Bay Area, the Pan-Pearl River Delta and Belt and Road partners.',
        default: new URL(`${API_ROOT}/`, base).href,
        api_roots: [new URL(`${API_ROOT}/`, base).href],
      },
      200,
    );
  }
  if (parts[0] !== API_ROOT) throw new TaxiiError(404, 'No such API root');
  if (parts.length === 1) {
    return json(
      {
        title: 'GBA IPNet intelligence',
        description:
          'Reports, observables, sightings and the agencies that wrote them, as STIX 2.1.',
        versions: [TAXII_MEDIA_TYPE],
        max_content_length: 0,
      },
      200,
    );
  }
  if (parts[1] === 'status')
    throw new TaxiiError(404, 'No such status', 'Nothing is written over TAXII here.');
  if (parts[1] !== 'collections') throw new TaxiiError(404, 'Not found');
  const collections = await collectionsFor(viewer);
  if (parts.length === 2) return json({ collections: collections.map(collectionResource) }, 200);
  const collection = collections.find((c) => c.id === parts[2]);
  if (!collection) throw new TaxiiError(404, 'No such collection');
  const [, , , resource, objectId, sub, ...rest] = parts;
  const scope = cursorScope(viewer, collection);
  if (rest.length > 0) throw new TaxiiError(404, 'Not found');
  if (resource === undefined) return json(collectionResource(collection), 200);
  if (resource === 'manifest' && objectId === undefined) {
    const page = await collectionPage(context, viewer, collection, objectQuery(url, scope));
    return json(
      {
        ...pageFields(page),
        ...(page.objects.length > 0
          ? {
              objects: page.objects.map((d) => ({
                id: d.object.id,
                date_added: d.dateAdded.toISOString(),
                version: d.version,
                media_type: STIX_MEDIA_TYPE,
              })),
            }
          : {}),
      },
      200,
      dateHeaders(page.objects),
    );
  }
  if (resource !== 'objects') throw new TaxiiError(404, 'Not found');
  if (objectId !== undefined && !/^[a-z][a-z0-9-]+--[0-9a-f-]{36}$/.test(objectId)) {
    throw new TaxiiError(404, 'No such object');
  }
  if (sub === 'versions') {
    const page = await collectionPage(
      context,
      viewer,
      collection,
      objectQuery(url, scope, { id: objectId as string, allVersions: true }),
    );
    if (page.objects.length === 0 && !page.more) throw new TaxiiError(404, 'No such object');
    return json(
      { ...pageFields(page), versions: [...new Set(page.objects.map((d) => d.version))] },
      200,
      dateHeaders(page.objects),
    );
  }
  if (sub !== undefined) throw new TaxiiError(404, 'Not found');
  const page = await collectionPage(
    context,
    viewer,
    collection,
    objectQuery(
      url,
      scope,
      objectId === undefined ? undefined : { id: objectId, allVersions: false },
    ),
  );
  if (objectId !== undefined && page.objects.length === 0 && !page.more)
    throw new TaxiiError(404, 'No such object');
  return json(
    {
      ...pageFields(page),
      ...(page.objects.length > 0 ? { objects: page.objects.map((d) => d.object) } : {}),
    },
    200,
    dateHeaders(page.objects),
  );
}

export function useTaxiiEndpoint(): Plugin {
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      if (url.pathname !== '/taxii2' && !url.pathname.startsWith(ROOT)) return;
      try {
        const parts = url.pathname
          .slice(ROOT.length)
          .split('/')
          .filter(Boolean)
          .map((part) => {
            try {
              return decodeURIComponent(part);
            } catch {
              throw new TaxiiError(404, 'Not found');
            }
          });
        if (request.method === 'POST' || request.method === 'DELETE') {
          throw new TaxiiError(
            403,
            'Read only',
            'Collections here are read-only views; import through the import endpoints.',
          );
        }
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          throw new TaxiiError(405, 'Method not allowed');
        }
        if (!acceptsTaxii(request.headers.get('accept'))) {
          throw new TaxiiError(406, 'Not acceptable', `This server answers ${TAXII_MEDIA_TYPE}.`);
        }
        const signedIn = await credentialFor(
          request.headers.get('authorization'),
          'READ',
          clientAddress({ ...(serverContext as ContextSource), request }),
        );
        if (!('viewer' in signedIn)) {
          const refusal = new TaxiiError(
            signedIn.status,
            REFUSAL_TITLES[signedIn.status],
            signedIn.reason,
          );
          return endResponse(
            errorResponse(
              refusal,
              'retryAfterSeconds' in signedIn
                ? { 'retry-after': String(signedIn.retryAfterSeconds) }
                : {},
            ),
          );
        }
        const { viewer } = signedIn;
        const context = contextFor({ request }, viewer, 'api-credential');
        endResponse(await route(context, viewer, url, parts));
      } catch (error) {
        if (error instanceof TaxiiError) return endResponse(errorResponse(error));
        logger.error({ err: error, path: url.pathname }, 'TAXII request failed');
        endResponse(errorResponse(new TaxiiError(500, 'Unexpected error')));
      }
    },
  };
}
