import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

// The halves of the tokens the server hands out (sessions, API credentials), after Lucia's
// design: random values from the CSPRNG, of which the database keeps only a SHA-256 of the secret.

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
