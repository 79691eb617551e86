import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
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
