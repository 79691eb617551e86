import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { config } from './config.js';
import { logger } from './logger.js';

// Wake-up signals between server instances: "alerts were written", "sessions were revoked".
// They carry no data anyone depends on: every receiver re-reads the database, and a periodic
// read covers a lost signal, so Redis pub/sub's at-most-once delivery is enough. Without
// REDIS_URL the signals stay in this process.

type Topics = {
  'alerts:written': [];
  'sessions:revoked': [];
};

let bus: PubSub<Topics> | null = null;
let commands: Redis | null = null;
let subscriber: Redis | null = null;

function connect(url: string, role: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  client.on('error', (error) => logger.warn({ err: error, role }, 'redis connection problem'));
  return client;
}

/** The Redis connection for commands (publishing, shared counters), when REDIS_URL is set. */
export function sharedRedis(): Redis | null {
  const url = config().REDIS_URL;
  if (!url) return null;
  commands ??= connect(url, 'commands');
  return commands;
}

export function liveBus(): PubSub<Topics> {
  if (bus) return bus;
  const url = config().REDIS_URL;
  const publishClient = sharedRedis();
  if (!url || !publishClient) {
    bus = createPubSub<Topics>();
    return bus;
  }
  // A subscribed connection can do nothing else: it gets its own.
  subscriber = connect(url, 'subscribe');
  bus = createPubSub<Topics>({
    eventTarget: createRedisEventTarget({ publishClient, subscribeClient: subscriber }),
  });
  return bus;
}

/**
 * Closes the Redis connections. A connected client says QUIT (its replies are awaited, briefly);
 * one that is not connected is dropped at once: QUIT would wait in its offline queue for a
 * server that may never come back, and hold the shutdown.
 */
export async function closeLiveBus(): Promise<void> {
  const closing = [commands, subscriber].filter((c): c is Redis => c !== null);
  commands = null;
  subscriber = null;
  bus = null;
  await Promise.all(
    closing.map(async (client) => {
      if (client.status !== 'ready') {
        client.disconnect();
        return;
      }
      const quit = client.quit().catch(() => undefined);
      const late = new Promise((resolve) => setTimeout(resolve, 1000).unref());
      await Promise.race([quit, late]);
      client.disconnect();
    }),
  );
}
