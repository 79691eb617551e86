import type { Plugin } from 'graphql-yoga';

// The headers every answer of this server carries, HTML and JSON alike: nothing may frame it
// (clickjacking of GraphiQL or the console), nothing may sniff a JSON or CSV answer into a page,
// and no address leaves in a Referer. The console sets its own strict Content-Security-Policy
// (src/console.ts); every other page (GraphiQL, whose code is inlined in it) gets one that forbids
// framing, plugins and a foreign base, and every other answer one that lets it run nothing.

export const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
} as const;

const PAGE_POLICY =
  "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'";
export const DATA_POLICY = "default-src 'none'; frame-ancestors 'none'";

export function useSecurityHeaders(): Plugin {
  return {
    onResponse({ response }) {
      const headers = response.headers;
      for (const [name, value] of Object.entries(COMMON_HEADERS)) {
        if (!headers.has(name)) headers.set(name, value);
      }
      if (!headers.has('content-security-policy')) {
        const html = headers.get('content-type')?.startsWith('text/html') ?? false;
        headers.set('content-security-policy', html ? PAGE_POLICY : DATA_POLICY);
      }
    },
  };
}
