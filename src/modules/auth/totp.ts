import { Secret, TOTP } from 'otpauth';
import { newTypedCode, typedCodeHash } from './secret-token.js';

// TOTP (RFC 6238) through otpauth: SHA-1, six digits, 30-second steps, the parameters every
// authenticator app understands. A code is accepted one step either side of now (clock drift),
// and never for a step at or before the last one accepted, so an overheard code cannot be replayed.

const PERIOD = 30;
const WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

function totp(secret: string, label = 'account'): TOTP {
  return new TOTP({
    issuer: 'GBA IPNet',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secret),
  });
}

/** A new shared secret: 160 bits, base32, as RFC 4226 recommends. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://` URI an authenticator app reads (from a QR code or typed). */
export function totpUri(secret: string, email: string): string {
  return totp(secret, email).toString();
}

export function isTotpCode(code: string): boolean {
  return /^\d{6}$/.test(code);
}

/** The time step the code is valid for, or null; a step at or before `lastStep` is refused. */
export function acceptedTotpStep(
  secret: string,
  code: string,
  lastStep: number | null,
  now = Date.now(),
): number | null {
  if (!isTotpCode(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: now, window: WINDOW });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

/** Ten recovery codes (`XXXXX-XXXXX`), with the hashes the database keeps. */
export function newRecoveryCodes(): { codes: string[]; hashes: Uint8Array<ArrayBuffer>[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newTypedCode);
  return { codes, hashes: codes.map(typedCodeHash) };
}
