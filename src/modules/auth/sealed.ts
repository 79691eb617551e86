import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { matchSecret } from '../../config.js';

// Secrets the server must read back (TOTP shared secrets, identity providers' client secrets)
// are kept sealed: AES-256-GCM under a key derived from MATCH_SECRET (HKDF-SHA-256, its own
// label), so a copy of the database alone does not reveal them. Format `v1.<iv>.<sealed+tag>`,
// base64url.

const LABEL = 'gba-ipnet:sealed-secrets:v1';
let key: Buffer | undefined;

function sealingKey(): Buffer {
  key ??= Buffer.from(hkdfSync('sha256', matchSecret(), Buffer.alloc(0), LABEL, 32));
  return key;
}

export function seal(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** The plain text, or null when it was sealed under another key or altered. */
export function unseal(sealed: string): string | null {
  const [version, iv, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !body) return null;
  try {
    const bytes = Buffer.from(body, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([
      decipher.update(bytes.subarray(0, bytes.length - 16)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return null;
  }
}
