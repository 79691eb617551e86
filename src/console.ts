import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';
import { COMMON_HEADERS } from './security-headers.js';

// The web console at /console: the files `npm run build:console` writes to console/dist (npm ci
// builds them too), served with strict headers. The console is a client of the public GraphQL
// API like any other; this file only hands out its files. Paths that are not files are the
// console's own pages and get its index.html.

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

const files = new Map<string, Buffer>();

/**
 * A file of the built console, or null. Assets are kept once read (a build names them by their
 * content); the page itself, and anything missing, is read again, so that a console rebuilt or
 * built after the server started is served.
 */
async function file(relative: string): Promise<Buffer | null> {
  const kept = files.get(relative);
  if (kept) return kept;
  const path = normalize(join(ROOT, relative));
  if (!path.startsWith(ROOT)) return null;
  try {
    if (!(await stat(path)).isFile()) return null;
    const body = await readFile(path);
    if (relative.startsWith('assets/')) files.set(relative, body);
    return body;
  } catch {
    return null;
  }
}

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
      if (relative.includes('\0') || relative.split(/[\\/]/).includes('..')) {
        return endResponse(new Response('Not found', { status: 404, headers: HEADERS }));
      }
      const asset = relative !== '' && extname(relative) !== '';
      const body = asset ? await file(relative) : await file('index.html');
      if (!body) {
        const built = await file('index.html');
        return endResponse(
          new Response(
            built ? 'Not found' : 'The console is not built here: run `npm run build:console`.',
            { status: built ? 404 : 503, headers: { ...HEADERS, 'content-type': 'text/plain' } },
          ),
        );
      }
      const type = TYPES[extname(asset ? relative : 'index.html')] ?? 'application/octet-stream';
      // Built assets carry a content hash in their names; the page itself is always revalidated.
      const caching = relative.startsWith('assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache';
      endResponse(
        new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
          status: 200,
          headers: { ...HEADERS, 'content-type': type, 'cache-control': caching },
        }),
      );
    },
  };
}
