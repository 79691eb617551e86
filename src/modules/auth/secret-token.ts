import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';

// The tokens the server hands out (sessions, sign-in challenges, reset links, API credentials),
// after Lucia's design: `<id>.<secret>`, random values from the CSPRNG, of which the database
// keeps only a SHA-256 of the secret, compared in constant time. And the short codes people type
// from a message or from paper (recovery codes, guest confirmations), kept the same way.

/** 160 bits from the CSPRNG, base32-encoded. */
export function randomToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** The SHA-256 of a token's secret half: what the database keeps instead of the secret. */
export function hashSecret(secret: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(sha256(new TextEncoder().encode(secret)));
}

/** Whether a secret is the one whose hash was stored (in constant time). */
export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  return constantTimeEqual(hashSecret(secret), new Uint8Array(storedHash));
}

export interface IssuedToken {
  id: string;
  secretHash: Uint8Array<ArrayBuffer>;
  /** `<id>.<secret>`: handed out once, never stored. */
  token: string;
}

/** A new `<id>.<secret>` token and the hash to store with its id. */
export function issueToken(): IssuedToken {
  const id = randomToken();
  const secret = randomToken();
  return { id, secretHash: hashSecret(secret), token: `${id}.${secret}` };
}

/** The halves of an `<id>.<secret>` token, or null when it is not one. */
export function tokenParts(token: string): { id: string; secret: string } | null {
  const [id, secret, ...extra] = token.split('.');
  if (!id || !secret || extra.length > 0 || id.length > 64 || secret.length > 64) return null;
  return { id, secret };
}

/** A code to type: 50 random bits in two groups of five, `XXXXX-XXXXX`. */
export function newTypedCode(): string {
  const text = encodeBase32UpperCaseNoPadding(crypto.getRandomValues(new Uint8Array(7)));
  return `${text.slice(0, 5)}-${text.slice(5, 10)}`;
}

/** A typed code's hash, compared without case, spaces or dashes: people type them by hand. */
export function typedCodeHash(code: string): Uint8Array<ArrayBuffer> {
  return hashSecret(code.toUpperCase().replace(/[\s-]/g, ''));
}
