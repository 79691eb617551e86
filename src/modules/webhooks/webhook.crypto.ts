import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Webhook secrets: generated here, shown once, kept sealed (src/sealed-secrets.ts), and used to sign each delivery the way Stripe and
// GitHub do: HMAC-SHA256 over "<timestamp>.<body>", so a receiver can refuse replays.

const PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64url');
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
