import { createClient as createSseClient } from 'graphql-sse';
import { type Client, createClient as createWsClient } from 'graphql-ws';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { latestCursor } from '../../src/alert-log.js';
import { expectMember, send } from './api.js';
import { graphql } from './graphql.js';

// Live subscriptions as a client sees them: every event received, in order, over graphql-ws or
// server-sent events, with the way the stream ended.

export interface LiveEvent {
  type: 'ALERT' | 'VISIBILITY_LOST';
  cursor: string;
  alert: { id: string; kind: string; title: string; cursor: string } | null;
  lostSubject: string | null;
}

export const ALERTS = /* GraphQL */ `
  subscription Alerts($filter: AlertFilterInput, $rule: ID, $after: String) {
    alerts(filter: $filter, rule: $rule, after: $after) {
      type cursor lostSubject alert { id kind title cursor }
    }
  }
`;

export class LiveStream {
  readonly events: LiveEvent[] = [];
  readonly errors: { message: string; extensions?: Record<string, unknown> }[] = [];
  /** The WebSocket close code, once the connection closed. */
  closeCode: number | null = null;
  /** The HTTP status of an SSE request that was refused before its stream began. */
  httpStatus: number | null = null;
  completed = false;
  private waiters: (() => void)[] = [];
  private stop: () => void = () => {};
  private dispose: () => Promise<void> | void = () => {};

  static ws(baseUrl: string, token: string, variables: Record<string, unknown>): LiveStream {
    const stream = new LiveStream();
    const client: Client = createWsClient({
      url: `${baseUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
      // The close is recorded below; the client's default would print it to the console.
      onNonLazyError: () => {},
      on: {
        closed: (event) => {
          stream.closeCode = (event as { code?: number }).code ?? 0;
          stream.notify();
        },
      },
    });
    stream.dispose = () => client.dispose();
    stream.stop = client.subscribe({ query: ALERTS, variables }, stream.sink());
    return stream;
  }

  static sse(
    baseUrl: string,
    token: string,
    variables: Record<string, unknown>,
    query = ALERTS,
  ): LiveStream {
    const stream = new LiveStream();
    const client = createSseClient({
      url: `${baseUrl}/graphql`,
      headers: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    stream.dispose = () => client.dispose();
    stream.stop = client.subscribe({ query, variables }, stream.sink());
    return stream;
  }

  private sink() {
    return {
      next: (value: { data?: unknown; errors?: readonly unknown[] }) => {
        const data = value.data as { alerts?: LiveEvent } | null | undefined;
        if (data?.alerts) this.events.push(data.alerts);
        for (const error of value.errors ?? []) this.errors.push(error as never);
        this.notify();
      },
      error: (error: unknown) => {
        const list = Array.isArray(error) ? error : [error];
        for (const e of list) {
          const code = (e as { code?: number }).code;
          const response = (e as { response?: { status?: number } }).response;
          if (typeof code === 'number') this.closeCode = code;
          else if (typeof response?.status === 'number') this.httpStatus = response.status;
          else this.errors.push(e as never);
        }
        this.completed = true;
        this.notify();
      },
      complete: () => {
        this.completed = true;
        this.notify();
      },
    };
  }

  private notify() {
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits until `done` holds, failing with what arrived after `timeoutMs`. */
  async until(done: (stream: LiveStream) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        expect.fail(
          `stream condition not met in ${timeoutMs} ms; received ${JSON.stringify({
            events: this.events.length,
            last: this.events.at(-1),
            errors: this.errors,
            closeCode: this.closeCode,
          })}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for `count` events in all. */
  received(count: number, timeoutMs?: number): Promise<void> {
    return this.until((s) => s.events.length >= count, timeoutMs);
  }

  get lastCursor(): string | undefined {
    return this.events.at(-1)?.cursor;
  }

  async close(): Promise<void> {
    this.stop();
    await this.dispose();
  }
}

/** Cursors strictly increase: nothing repeated, nothing out of order. */
export function expectIncreasing(events: readonly LiveEvent[]): void {
  const cursors = events.map((e) => BigInt(e.cursor));
  for (let i = 1; i < cursors.length; i += 1) {
    expect((cursors[i] as bigint) > (cursors[i - 1] as bigint), `cursor ${i}`).toBe(true);
  }
}

/** The cursor of the last alert written so far: subscribe `after` it to miss nothing that follows. */
export async function alertLogEnd(): Promise<string> {
  return (await latestCursor()).toString();
}

const BROADCAST = graphql(`
  mutation Broadcast($input: BroadcastInput!) { broadcastAlert(input: $input) {
    __typename
    ... on BroadcastAlertSuccess { alert { id cursor title } }
    ... on ValidationError { issues { path message } }
    ... on Error { code message } } }
`);

/** A network admin's broadcast, through the real mutation. */
export async function broadcast(token: string, title: string, body?: string) {
  const data = await send(token, BROADCAST, { input: { title, body, severity: 'INFO' } });
  return expectMember(data.broadcastAlert, 'BroadcastAlertSuccess').alert;
}
