import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A minimal OpenID Connect provider for the tests that need one to misbehave on purpose (sign with
// a key it does not publish, name endpoints elsewhere), which a real provider will not do. It
// answers discovery, its keys, the authorization endpoint (straight back to the client, as if the
// person had signed in) and the token endpoint with an RS256 ID token.

export interface FakeProviderOptions {
  /** The claims the ID token carries beside iss, aud, exp, iat and nonce. */
  claims: Record<string, unknown>;
  /** Sign with a key other than the one published under the same `kid`. */
  signWithUnpublishedKey?: boolean;
  /** Where discovery says the token endpoint and key set are (default: this provider). */
  endpointsAt?: string;
}

export interface FakeProvider {
  issuer: string;
  /** Requests this provider answered, by path. */
  requests: string[];
  options: FakeProviderOptions;
  close(): Promise<void>;
}

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

function rsaKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export async function startFakeProvider(
  options: FakeProviderOptions,
  host = '127.0.0.1',
): Promise<FakeProvider> {
  const published = rsaKey();
  const other = rsaKey();
  const kid = 'key-1';
  const nonces = new Map<string, string>();
  const requests: string[] = [];
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const fake: FakeProvider = {
    issuer,
    requests,
    options,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  server.on('request', (request, response) => {
    const url = new URL(request.url ?? '/', issuer);
    requests.push(url.pathname);
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      const endpoints = fake.options.endpointsAt ?? issuer;
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${endpoints}/token`,
        jwks_uri: `${endpoints}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/jwks') {
      const jwk = published.publicKey.export({ format: 'jwk' });
      return json(200, { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] });
    }
    if (url.pathname === '/auth') {
      const code = randomUUID();
      nonces.set(code, url.searchParams.get('nonce') ?? '');
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      response.writeHead(303, { location: back.href });
      return response.end();
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const form = new URLSearchParams(body);
        const code = form.get('code') ?? '';
        const now = Math.floor(Date.now() / 1000);
        const header = base64url(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }));
        const payload = base64url(
          JSON.stringify({
            iss: issuer,
            aud: form.get('client_id') ?? 'ipnet',
            iat: now,
            exp: now + 300,
            nonce: nonces.get(code),
            ...fake.options.claims,
          }),
        );
        const key = fake.options.signWithUnpublishedKey ? other.privateKey : published.privateKey;
        const signature = base64url(sign('sha256', Buffer.from(`${header}.${payload}`), key));
        json(200, {
          access_token: randomUUID(),
          token_type: 'Bearer',
          expires_in: 300,
          id_token: `${header}.${payload}.${signature}`,
        });
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  return fake;
}
