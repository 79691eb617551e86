import { request as httpRequest } from 'node:http';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../src/server.js';
import { member } from './support/api.js';

// The real HTTP and WebSocket server on a free port, driven like a client would.

const app = buildApp({ port: 0, host: '127.0.0.1' });
let base = '';
let token = '';

beforeAll(async () => {
  const { port } = await app.start();
  base = `http://127.0.0.1:${port}`;
  token = (await member(['VIEWER'])).token;
});

afterAll(async () => {
  await app.stop();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { response, json: (await response.json()) as any };
}

describe('HTTP', () => {
  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok' });
  });

  it('serves queries over GET and POST per GraphQL over HTTP, and refuses mutations over GET', async () => {
    const query = encodeURIComponent('{ me { email } }');
    const get = await fetch(`${base}/graphql?query=${query}`, {
      headers: { accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toContain('application/graphql-response+json');
    expect(((await get.json()) as any).data.me.email).toMatch(/@example\.test$/);

    const mutation = encodeURIComponent('mutation { signOut }');
    const refused = await fetch(`${base}/graphql?query=${mutation}`, {
      headers: { accept: 'application/graphql-response+json' },
    });
    expect(refused.status).toBe(405);
  });

  it('serves GraphiQL to browsers', async () => {
    const page = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('GBA IPNet');
  });

  it('echoes a request id, or makes one', async () => {
    const given = await post({ query: '{ __typename }' }, { 'x-request-id': 'trace-123' });
    expect(given.response.headers.get('x-request-id')).toBe('trace-123');
    const made = await post({ query: '{ __typename }' });
    expect(made.response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses bodies over the size limit and bodies without a length', async () => {
    const big = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }${' '.repeat(1_100_000)}` }),
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('x-frame-options')).toBe('DENY');

    // An import over the limit hears it in the import endpoints' own shape, with the limit named.
    const bigImport = await fetch(`${base}/import/stix`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'bundle', padding: 'x'.repeat(1_100_000) }),
    });
    expect(bigImport.status).toBe(413);
    expect(((await bigImport.json()) as { error: string }).error).toMatch(
      /larger than 1,000,000 bytes \(MAX_BODY_BYTES\)/,
    );

    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${base}/graphql`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"query":"{ __typename }"}'); // no Content-Length: sent chunked
      req.end();
    });
    expect(status).toBe(411);
  });

  it('refuses hostile queries before running them: depth, aliases, tokens', async () => {
    let deep = 'id';
    for (let i = 0; i < 14; i += 1)
      deep = `agency { users(first: 1) { edges { node { ${deep} } } } }`;
    const depth = await post({ query: `{ me { ${deep} } }` }, { authorization: `Bearer ${token}` });
    expect(depth.json.data).toBeUndefined();
    expect(depth.json.errors[0].message).toMatch(/depth/i);

    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: me { email }`).join(' ');
    const many = await post({ query: `{ ${aliases} }` });
    expect(many.json.errors[0].message).toMatch(/alias/i);

    const tokens = await post({ query: `{ ${'me { email } '.repeat(1500)} }` });
    expect(tokens.json.errors[0].message).toMatch(/token/i);
  });

  it('does not offer cross-origin access to untrusted sites', async () => {
    const preflight = await fetch(`${base}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect(preflight.headers.get('access-control-allow-credentials')).not.toBe('true');
  });
});

function wsClient(options: {
  connectionParams?: Record<string, unknown>;
  headers?: Record<string, string>;
}) {
  class HeaderSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: options.headers });
    }
  }
  return createWsClient({
    url: `${base.replace('http', 'ws')}/graphql`,
    webSocketImpl: HeaderSocket,
    connectionParams: options.connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
}

async function firstEvent(client: ReturnType<typeof wsClient>, query: string) {
  const iterator = client.iterate({ query });
  try {
    return await iterator.next();
  } finally {
    await iterator.return?.();
  }
}

describe('subscriptions', () => {
  const HEARTBEAT = 'subscription { heartbeat }';

  it('stream over graphql-ws with the token in connectionParams', async () => {
    const client = wsClient({ connectionParams: { authorization: `Bearer ${token}` } });
    try {
      const event = await firstEvent(client, HEARTBEAT);
      expect(Date.parse((event.value as any).data.heartbeat)).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      await client.dispose();
    }
  });

  it('refuse anonymous subscribers with UNAUTHENTICATED', async () => {
    const client = wsClient({});
    try {
      const outcome = await firstEvent(client, HEARTBEAT).catch((errors) => ({ errors }));
      const errors = (outcome as any).value?.errors ?? (outcome as any).errors;
      expect(errors[0].extensions.code).toBe('UNAUTHENTICATED');
    } finally {
      await client.dispose();
    }
  });

  it('close connections that present a bad token, or a cookie from a foreign origin', async () => {
    const bad = wsClient({ connectionParams: { authorization: 'Bearer nope.nope' } });
    const badClose = await firstEvent(bad, HEARTBEAT).then(
      () => null,
      (event) => event,
    );
    expect(badClose?.code).toBe(4403);
    await bad.dispose();

    const foreign = wsClient({
      headers: { cookie: `ipnet_session=${token}`, origin: 'https://evil.example' },
    });
    const foreignClose = await firstEvent(foreign, HEARTBEAT).then(
      () => null,
      (event) => event,
    );
    expect(foreignClose?.code).toBe(4403);
    await foreign.dispose();
  });

  it('stream over server-sent events with a bearer token', async () => {
    const client = createSseClient({
      url: `${base}/graphql`,
      headers: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    try {
      const iterator = client.iterate({ query: HEARTBEAT });
      const event = await iterator.next();
      await iterator.return?.();
      expect(Date.parse((event.value as any).data.heartbeat)).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      client.dispose();
    }
  });
});
