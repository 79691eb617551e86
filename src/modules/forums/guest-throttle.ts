import { config } from '../../config.js';
import type { Context } from '../../context.js';
import { RateLimitedError } from '../../errors.js';
import { rateLimiter, secondsToWait } from '../../rate-limit.js';

// What a caller without an account may do, guest registration and the look-ups and
// cancellations by check-in code, is counted per client address: past GUEST_REQUESTS_PER_MINUTE
// the next attempts are refused with RATE_LIMITED until the minute has passed. It keeps a script
// from registering a forum full of invented guests or guessing codes, and leaves a conference
// Wi-Fi (many people behind one address) room to register.

let perAddress: ReturnType<typeof rateLimiter> | null = null;

/** Counts one guest request from this caller's address; throws RateLimitedError past the limit. */
export async function throttleGuest(context: Context): Promise<void> {
  if (context.viewer) return;
  perAddress ??= rateLimiter('ipnet:guest-address', config().GUEST_REQUESTS_PER_MINUTE, 60);
  const seconds = await secondsToWait(perAddress, context.clientAddress);
  if (seconds !== null) {
    throw new RateLimitedError(
      `Too many requests without an account from your address. Try again in ${seconds} second(s).`,
      seconds,
    );
  }
}
