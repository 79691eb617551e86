import { embeddedTypes, possibleTypes } from 'virtual:ipnet-schema';
import { signal } from '@preact/signals';
import {
  Client,
  type CombinedError,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
} from '@urql/core';
import { cacheExchange, type KeyingConfig } from '@urql/exchange-graphcache';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { updates } from './updates.ts';

// The console's one GraphQL client: queries and mutations over HTTP, subscriptions over
// graphql-ws, all through one normalised cache (Graphcache), so that a change shows on every
// page that shows the thing. Both transports carry the HttpOnly session cookie the server sets
// at sign-in: the console never sees the token, and its mutations come from this site's origin,
// which the server's CSRF rule requires. A fresh client (and cache) is made at every sign-in
// and sign-out, so nothing of one person's session is shown to the next.

/** Whether the socket is up; the feed shows "reconnecting" when it is not. */
export const connected = signal(false);

/**
 * Set when the server answers that there is no session (it ended elsewhere, expired or was
 * revoked): the console then goes back to its sign-in page and says why.
 */
export const sessionEnded = signal(false);

let ws: WsClient | null = null;
const connectionListeners = new Set<() => void>();

/** Called on every (re)connection, so that a subscription can resume from its last cursor. */
export function onConnected(listener: () => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}

/** The server closes a socket whose session is missing or has ended with 4401 or 4403. */
const refusedSession = (event: unknown) =>
  event instanceof CloseEvent && (event.code === 4401 || event.code === 4403);

function socket(): WsClient {
  if (ws) return ws;
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  ws = createClient({
    url: url.href,
    // Open from the first subscription on, so that "Live" means the socket, not a request.
    lazy: false,
    retryAttempts: Number.POSITIVE_INFINITY,
    // Every loss of the connection is retried, except the server's refusal of a session that
    // is gone: that one sends the person to sign in.
    shouldRetry: (event) => !refusedSession(event),
    onNonLazyError: (event) => {
      if (refusedSession(event)) sessionEnded.value = true;
    },
    // 1 s, 2 s, 4 s… up to 15 s, with jitter, so that a restarted server is not stormed.
    retryWait: (retries) =>
      new Promise((resolve) =>
        setTimeout(resolve, Math.min(15_000, 1_000 * 2 ** retries) * (0.75 + Math.random() / 2)),
      ),
    on: {
      connected: () => {
        connected.value = true;
        for (const listener of connectionListeners) listener();
      },
      closed: () => {
        connected.value = false;
      },
    },
  });
  return ws;
}

function closeSocket(): void {
  void ws?.dispose();
  ws = null;
  connected.value = false;
}

const unauthenticated = (error: CombinedError) =>
  error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');

/**
 * Types without an `id` (results, connections, edges, counts…) have no identity of their own:
 * the cache keeps them inside the entity or field that holds them. The list comes from the
 * schema at build time, so a new type cannot be forgotten.
 */
const keys: KeyingConfig = Object.fromEntries(embeddedTypes.map((name) => [name, () => null]));

function makeClient(): Client {
  return new Client({
    url: '/graphql',
    fetchOptions: { credentials: 'same-origin' },
    requestPolicy: 'cache-and-network',
    exchanges: [
      mapExchange({
        onError(error) {
          if (unauthenticated(error)) sessionEnded.value = true;
        },
      }),
      cacheExchange({ possibleTypes, keys, updates }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: socket().subscribe({ ...request, query: request.query ?? '' }, sink),
          }),
        }),
      }),
    ],
  });
}

export const client = signal<Client>(makeClient());

/** A new session (or none): a new cache, and a socket that connects with the new cookie. */
export function resetClient(): void {
  closeSocket();
  sessionEnded.value = false;
  client.value = makeClient();
}
