import { signal } from '@preact/signals';
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { createClient, type Client as WsClient } from 'graphql-ws';

// Queries and mutations over HTTP with urql; the live alert feed over graphql-ws. Both carry the
// HttpOnly session cookie the server sets at sign-in: the console never sees the token, and
// its mutations come from this site's origin, which the server's CSRF rule requires.

export const api = new Client({
  url: '/graphql',
  exchanges: [cacheExchange, fetchExchange],
  fetchOptions: { credentials: 'same-origin' },
  requestPolicy: 'network-only',
});

/** Whether the socket is up; the feed shows "reconnecting" when it is not. */
export const connected = signal(false);

let ws: WsClient | null = null;
const connectionListeners = new Set<() => void>();

/** Called on every (re)connection, so that a subscription can resume from its last cursor. */
export function onConnected(listener: () => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}

export function socket(): WsClient {
  if (ws) return ws;
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  ws = createClient({
    url: url.href,
    lazy: false,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
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

export function closeSocket(): void {
  void ws?.dispose();
  ws = null;
  connected.value = false;
}

/** What a refused answer tells a person: its validation issues, else its message, else `fallback`. */
export function problemOf(answer: object | null | undefined, fallback: string): string {
  const { issues, message } = (answer ?? {}) as {
    issues?: { message: string }[];
    message?: string;
  };
  return issues?.map((issue) => issue.message).join('; ') ?? message ?? fallback;
}
