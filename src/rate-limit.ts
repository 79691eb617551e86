import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { sharedRedis } from './live-bus.js';

// Counters of rate-limiter-flexible, in Redis when REDIS_URL is set (every instance shares them)
// and in this process's memory otherwise (one instance).

export function rateLimiter(
  keyPrefix: string,
  points: number,
  durationSeconds: number,
): RateLimiterAbstract {
  const redis = sharedRedis();
  return redis
    ? new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: durationSeconds })
    : new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
}

/**
 * Counts one use of `key`: null while within the limit, else the seconds until it may be used
 * again (at least one). Anything but a refusal (Redis unreachable) is thrown.
 */
export async function secondsToWait(
  limiter: RateLimiterAbstract,
  key: string,
): Promise<number | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (refused) {
    if (!(refused instanceof RateLimiterRes)) throw refused;
    return Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
  }
}
