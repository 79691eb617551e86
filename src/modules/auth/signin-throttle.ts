import { config } from '../../config.js';
import { RateLimitedError } from '../../errors.js';
import { rateLimiter } from '../../rate-limit.js';

// Failed sign-ins are counted per account and per client address; past the limit, further
// attempts are refused for the lockout period, whether or not the password would have been right.
// With REDIS_URL the counts live in Redis and every instance shares them; without it they live
// in this process's memory (one instance).

const cfg = config();
const duration = cfg.SIGNIN_LOCKOUT_MINUTES * 60;

const perAccount = rateLimiter(
  'ipnet:signin-account',
  cfg.SIGNIN_MAX_FAILURES_PER_ACCOUNT,
  duration,
);
const perAddress = rateLimiter(
  'ipnet:signin-address',
  cfg.SIGNIN_MAX_FAILURES_PER_ADDRESS,
  duration,
);

function refusal(msBeforeNext: number): RateLimitedError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new RateLimitedError(
    `Too many failed sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).`,
    seconds,
  );
}

/** Throws RateLimitedError when this account or address is locked out. */
export async function assertSignInAllowed(accountKey: string, address: string): Promise<void> {
  const [account, client] = await Promise.all([
    perAccount.get(accountKey),
    perAddress.get(address),
  ]);
  if (account && account.consumedPoints >= cfg.SIGNIN_MAX_FAILURES_PER_ACCOUNT) {
    throw refusal(account.msBeforeNext);
  }
  if (client && client.consumedPoints >= cfg.SIGNIN_MAX_FAILURES_PER_ADDRESS) {
    throw refusal(client.msBeforeNext);
  }
}

export async function recordSignInFailure(accountKey: string, address: string): Promise<void> {
  // `penalty` adds points without rejecting, so the counters saturate instead of throwing here.
  await Promise.all([perAccount.penalty(accountKey, 1), perAddress.penalty(address, 1)]);
}

export async function recordSignInSuccess(accountKey: string): Promise<void> {
  await perAccount.delete(accountKey);
}
