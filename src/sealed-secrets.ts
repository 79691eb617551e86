import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { matchSecret } from './config.js';

// Secrets the server must read back (webhook signing secrets, TOTP shared secrets, identity
// providers' client secrets) are kept sealed: AES-256-GCM under a key derived from the server
// secret, MATCH_SECRET (HKDF-SHA-256, one key per purpose), so a copy of the database alone does
// not reveal them. `v1.<iv>.<tag>.<sealed>`, base64url. Rotating MATCH_SECRET re-seals every one
// of them (src/tools/rotate-secrets.ts). Keys that sign what the server hands out and reads back
// (TAXII `next` cursors) come from the same derivation under purposes of their own; a rotation
// turns those values stale.

export type SealedPurpose = 'webhook-secrets' | 'totp-secrets' | 'provider-secrets';
/** Purposes of keys used to sign what the server hands out and reads back (not sealed). */
export type SigningPurpose = 'taxii-cursors';

/**
 * The key of one purpose, derived from the server secret. The server secret is a parameter so
 * that rotating it can open under the previous one and seal under the next.
 */
export function derivedKey(
  purpose: SealedPurpose | SigningPurpose,
  serverSecret = matchSecret(),
): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, 'gba-ipnet', purpose, 32));
}

const key = (serverSecret: string, purpose: SealedPurpose) => derivedKey(purpose, serverSecret);

export function sealSecret(
  secret: string,
  purpose: SealedPurpose,
  serverSecret = matchSecret(),
): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(serverSecret, purpose), iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), sealed]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Throws when the value was sealed under another secret or purpose, or was altered. */
export function openSecret(
  stored: string,
  purpose: SealedPurpose,
  serverSecret = matchSecret(),
): string {
  const [version, iv, tag, sealed] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || !sealed) throw new Error('unreadable sealed secret');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    key(serverSecret, purpose),
    Buffer.from(iv, 'base64url'),
  );
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(sealed, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}

/** The opened secret, or null when it does not open. */
export function tryOpenSecret(
  stored: string,
  purpose: SealedPurpose,
  serverSecret = matchSecret(),
): string | null {
  try {
    return openSecret(stored, purpose, serverSecret);
  } catch {
    return null;
  }
}
