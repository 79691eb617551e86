import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { config } from '../../config.js';
import { rateLimiter } from '../../rate-limit.js';

// Failed credential attempts (a malformed token, an unknown id, a wrong secret) are counted per
// client address with sign-in's limits: past SIGNIN_MAX_FAILURES_PER_ADDRESS the address is
// refused for SIGNIN_LOCKOUT_MINUTES, whether or not the credential would have been right, as a
// sign-in is. There is no count per credential: its secret has 160 bits, so a lock per credential
// would only let whoever knows an id (the Basic user name) shut a partner's tool out.

let perAddress: RateLimiterAbstract | null = null;

function limiter(): RateLimiterAbstract {
  const cfg = config();
  perAddress ??= rateLimiter(
    'ipnet:credential-address',
    cfg.SIGNIN_MAX_FAILURES_PER_ADDRESS,
    cfg.SIGNIN_LOCKOUT_MINUTES * 60,
  );
  return perAddress;
}

/** Seconds until this address may present a credential again; null while it may. */
export async function credentialLockout(address: string): Promise<number | null> {
  const client = await limiter().get(address);
  if (!client || client.consumedPoints < config().SIGNIN_MAX_FAILURES_PER_ADDRESS) return null;
  return Math.max(1, Math.ceil(client.msBeforeNext / 1000));
}

export async function recordCredentialFailure(address: string): Promise<void> {
  // `penalty` adds points without rejecting, so the counter saturates instead of throwing here.
  await limiter().penalty(address, 1);
}
