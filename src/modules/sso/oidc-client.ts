import * as client from 'openid-client';
import type { IdentityProvider } from '../../generated/prisma/client.js';
import { openSecret } from '../../sealed-secrets.js';

// openid-client's view of an agency's provider: its discovered configuration, kept per provider
// and revision (a changed issuer, client or secret is discovered again). Plain http is allowed for
// loopback issuers only (a provider on the same machine, as in the tests); anything else is https.

const configurations = new Map<string, Promise<client.Configuration>>();

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Why an issuer URL cannot be used, or null. */
export function issuerProblem(issuer: string): string | null {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return null;
  return 'must be an https:// address (http:// only on this machine)';
}

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
      issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
    );
    // A failed discovery is tried again next time.
    found.catch(() => configurations.delete(key));
    configurations.set(key, found);
  }
  return found;
}

export { client };
