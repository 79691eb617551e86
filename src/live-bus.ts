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
let clients: Redis[] = [];

export function liveBus(): PubSub<Topics> {
  if (bus) return bus;
  const url = config().REDIS_URL;
  if (!url) {
    bus = createPubSub<Topics>();
    return bus;
  }
  const connect = (role: string) => {
    const client = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
    client.on('error', (error) => logger.warn({ err: error, role }, 'redis connection problem'));
    return client;
  };
  const publishClient = connect('publish');
  const subscribeClient = connect('subscribe');
  clients = [publishClient, subscribeClient];
  bus = createPubSub<Topics>({
    eventTarget: createRedisEventTarget({ publishClient, subscribeClient }),
  });
  return bus;
}

export async function closeLiveBus(): Promise<void> {
  const closing = clients;
  clients = [];
  bus = null;
  await Promise.all(closing.map((c) => c.quit().catch(() => c.disconnect())));
}
