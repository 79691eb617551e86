import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';
import { COMMON_HEADERS } from './security-headers.js';

// The web console at /console: the files `npm run build:console` writes to console/dist (npm ci
// builds them too), served with strict headers. The console is a client of the public GraphQL
// API like any other; this file only hands out its files. Paths that are not files are the
// console's own pages and get its index.html. Text files are handed out compressed as the
// browser accepts (brotli, else gzip), from the copies the build stored beside them; source
// maps are for development and are not served in production.

const ROOT = fileURLToPath(new URL('../console/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

const HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; media-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  ...COMMON_HEADERS,
  'permissions-policy': 'camera=(self), microphone=(), geolocation=()',
};

/** The encodings the build stores beside each text file, in order of preference. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;
type Encoding = (typeof ENCODINGS)[number]['name'];

/** The encodings a request's Accept-Encoding allows (a weight of 0 refuses one). */
export function acceptedEncodings(header: string | null): Set<Encoding> {
  const accepted = new Set<Encoding>();
  let star = false;
  const refused = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const weight = q === undefined ? 1 : Number(q);
    if (!(weight > 0)) {
      refused.add(token);
      continue;
    }
    if (token === '*') star = true;
    else if (token === 'br' || token === 'gzip') accepted.add(token);
  }
  if (star) {
    for (const { name } of ENCODINGS) if (!refused.has(name)) accepted.add(name);
  }
  return accepted;
}

const files = new Map<string, Buffer | null>();

/**
 * A file of the built console, or null. Assets (and their compressed copies) are kept once read,
 * found or not (a build names them by their content); the page itself, and anything else, is
 * read again, so that a console rebuilt or built after the server started is served.
 */
async function file(relative: string): Promise<Buffer | null> {
  const kept = files.get(relative);
  if (kept !== undefined) return kept;
  const path = normalize(join(ROOT, relative));
  if (!path.startsWith(ROOT)) return null;
  const keep = relative.startsWith('assets/');
  try {
    if (!(await stat(path)).isFile()) return null;
    const body = await readFile(path);
    if (keep) files.set(relative, body);
    return body;
  } catch {
    // A compressed copy the build did not store (it would not have been smaller) stays absent.
    if (keep && /\.(br|gz)$/.test(relative)) files.set(relative, null);
    return null;
  }
}

/** The smallest stored form of a file that the request accepts: compressed, else as it is. */
async function encoded(
  relative: string,
  accepted: Set<Encoding>,
): Promise<{ body: Buffer; encoding: Encoding | null } | null> {
  for (const { name, suffix } of ENCODINGS) {
    if (!accepted.has(name)) continue;
    const body = await file(`${relative}${suffix}`);
    if (body) return { body, encoding: name };
  }
  const body = await file(relative);
  return body ? { body, encoding: null } : null;
}

/** Source maps show the console's source: for development, never served in production. */
const servesSourceMaps = () => process.env.NODE_ENV !== 'production';

export function useConsole(): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== '/console' && !url.pathname.startsWith('/console/')) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return endResponse(new Response('Method not allowed', { status: 405, headers: HEADERS }));
      }
      if (url.pathname === '/console') {
        return endResponse(
          new Response(null, { status: 308, headers: { ...HEADERS, location: '/console/' } }),
        );
      }
      let relative: string;
      try {
        relative = decodeURIComponent(url.pathname.slice('/console/'.length));
      } catch {
        return endResponse(new Response('Not found', { status: 404, headers: HEADERS }));
      }
      if (
        relative.includes('\0') ||
        relative.split(/[\\/]/).includes('..') ||
        // The compressed copies are served by content negotiation, not by their own names.
        /\.(br|gz)$/.test(relative) ||
        (relative.endsWith('.map') && !servesSourceMaps())
      ) {
        return endResponse(new Response('Not found', { status: 404, headers: HEADERS }));
      }
      const asset = relative !== '' && extname(relative) !== '';
      const wanted = asset ? relative : 'index.html';
      const found = await encoded(
        wanted,
        acceptedEncodings(request.headers.get('accept-encoding')),
      );
      if (!found) {
        const built = await file('index.html');
        return endResponse(
          new Response(
            built ? 'Not found' : 'The console is not built here: run `npm run build:console`.',
            { status: built ? 404 : 503, headers: { ...HEADERS, 'content-type': 'text/plain' } },
          ),
        );
      }
      const type = TYPES[extname(wanted)] ?? 'application/octet-stream';
      // Built assets carry a content hash in their names; the page itself is always revalidated.
      const caching = relative.startsWith('assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache';
      const compressible = await hasCompressedCopy(wanted);
      endResponse(
        new Response(request.method === 'HEAD' ? null : new Uint8Array(found.body), {
          status: 200,
          headers: {
            ...HEADERS,
            'content-type': type,
            'cache-control': caching,
            ...(found.encoding ? { 'content-encoding': found.encoding } : {}),
            // Caches keep one copy per encoding of what is stored in more than one.
            ...(compressible ? { vary: 'Accept-Encoding' } : {}),
          },
        }),
      );
    },
  };
}

/** Whether the build stored a compressed copy of a file, so that its answer varies. */
async function hasCompressedCopy(relative: string): Promise<boolean> {
  for (const { suffix } of ENCODINGS) if (await file(`${relative}${suffix}`)) return true;
  return false;
}
