import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { matchSecret } from '../../config.js';

// Webhook secrets: generated here, shown once, kept encrypted (AES-256-GCM under a key derived
// from the server secret, MATCH_SECRET), and used to sign each delivery the way Stripe and
// GitHub do: HMAC-SHA256 over "<timestamp>.<body>", so a receiver can refuse replays.

const PREFIX = 'whsec_';

// The server secret is a parameter so that rotating it (src/tools/rotate-secrets.ts) can open
// under the previous one and seal under the next.
function key(serverSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, 'gba-ipnet', 'webhook-secrets', 32));
}

export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function sealSecret(secret: string, serverSecret = matchSecret()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(serverSecret), iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), sealed]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function openSecret(stored: string, serverSecret = matchSecret()): string {
  const [version, iv, tag, sealed] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || !sealed) throw new Error('unreadable webhook secret');
  const decipher = createDecipheriv('aes-256-gcm', key(serverSecret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(sealed, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}

/** The `X-IPNet-Signature` header value: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Checks a signature header as a receiver should: right MAC, and a timestamp within
 * `toleranceSeconds` of now. Exported for receivers written in TypeScript and for the tests.
 */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  const parts = Object.fromEntries(
    header.split(',').map((p) => p.split('=', 2) as [string, string]),
  );
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1) return false;
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(
    signatureHeader(secret, timestamp, body).split('v1=')[1] ?? '',
    'hex',
  );
  const given = Buffer.from(parts.v1, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
