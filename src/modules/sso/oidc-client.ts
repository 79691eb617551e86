import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import * as client from 'openid-client';
import { config } from '../../config.js';
import type { IdentityProvider } from '../../generated/prisma/client.js';
import { isLoopbackHost, OutboundRule } from '../../outbound-address.js';
import { openSecret } from '../../sealed-secrets.js';

// openid-client's view of an agency's provider: its discovered configuration, kept per provider
// and revision (a changed issuer, client or secret is discovered again).
//
// An agency admin types the issuer, and its discovery document names the token, userinfo and key
// endpoints, so every request single sign-on makes goes through the outbound address rule
// (src/outbound-address.ts): public addresses only, unless SSO_ALLOWED_HOSTS allows an internal
// provider, checked on the address each socket connects to. Plain http is allowed for loopback
// issuers only (a provider on the same machine, as in the tests), and loopback is internal: it
// must be allowed too. ID tokens are checked against the provider's published keys
// (non-repudiation checks), not only trusted because they came back over TLS.

const ISSUER_REFUSED =
  'points to a private, loopback, link-local or otherwise internal address; providers on an agency network must be allowed by the server operator (SSO_ALLOWED_HOSTS)';

const rule = new OutboundRule(() => config().SSO_ALLOWED_HOSTS, ISSUER_REFUSED);

/** The most a provider's answer may weigh: discovery documents, keys and tokens are small. */
const MAX_ANSWER_BYTES = 512 * 1024;
const TIMEOUT_MS = 10_000;

/** Why an issuer URL cannot be used, or null (its address is checked again at every request). */
export async function issuerProblem(issuer: string): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'is not a URL';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url));
  if (!secure) return 'must be an https:// address (http:// only on this machine)';
  return rule.problem(url);
}

function answerOf(response: IncomingMessage, body: Buffer): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const status = response.statusCode ?? 502;
  const empty = status === 204 || status === 205 || status === 304;
  return new Response(empty ? null : new Uint8Array(body), { status, headers });
}

/**
 * fetch for openid-client through the outbound rule's agent: the address is checked as the socket
 * connects, redirects are not followed, answers are bounded in size and time.
 */
const filteredFetch: client.CustomFetch = (resource, options) => {
  const url = new URL(resource);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body =
    options.body === undefined || options.body === null ? undefined : String(options.body);
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: options.method,
        headers: options.headers,
        agent: rule.agent(url),
        // openid-client passes its own signal (30 s by default); ours is the shorter bound.
        signal: options.signal
          ? AbortSignal.any([options.signal, AbortSignal.timeout(TIMEOUT_MS)])
          : AbortSignal.timeout(TIMEOUT_MS),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            request.destroy(new Error('the provider’s answer is too large'));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve(answerOf(response, Buffer.concat(chunks))));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
};

const configurations = new Map<string, Promise<client.Configuration>>();

export function providerConfiguration(provider: IdentityProvider): Promise<client.Configuration> {
  const key = `${provider.id}:${provider.updatedAt.getTime()}`;
  let found = configurations.get(key);
  if (!found) {
    const issuer = new URL(provider.issuer);
    const secret = provider.clientSecret
      ? openSecret(provider.clientSecret, 'provider-secrets')
      : null;
    found = client.discovery(
      issuer,
      provider.clientId,
      undefined,
      secret ? client.ClientSecretBasic(secret) : client.None(),
      {
        [client.customFetch]: filteredFetch,
        execute: [
          client.enableNonRepudiationChecks,
          ...(issuer.protocol === 'http:' ? [client.allowInsecureRequests] : []),
        ],
      },
    );
    // A failed discovery is tried again next time.
    found.catch(() => configurations.delete(key));
    configurations.set(key, found);
  }
  return found;
}

export { client };
