import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { Plugin as YogaPlugin } from 'graphql-yoga';
import type { Config } from './config.js';

// OpenTelemetry traces, when OTEL_EXPORTER_OTLP_ENDPOINT names a collector (OTLP over HTTP).
// Three layers of spans:
// - each HTTP request (SERVER), continuing the caller's W3C `traceparent` when it sends one;
// - each GraphQL operation inside it: name and type, and the document only when it carries no
//   inline arguments (values are the client's data); never variables or results;
// - each Prisma call and its SQL: statements with placeholders, never their parameters.
// Without the setting the SDK (src/tracing-sdk.ts) is never loaded and requests are not wrapped.

export interface ActiveTracing {
  plugins: YogaPlugin[];
  stop(): Promise<void>;
}

let active: ActiveTracing | null = null;

/** Starts tracing before the server's modules load; a no-op without an OTLP endpoint. */
export async function startTracing(cfg: Config): Promise<void> {
  if (!cfg.OTEL_EXPORTER_OTLP_ENDPOINT || active) return;
  const { startSdk } = await import('./tracing-sdk.js');
  active = startSdk(cfg);
}

/** Sends the spans still buffered; called as the server stops. */
export async function stopTracing(): Promise<void> {
  const stopping = active;
  active = null;
  await stopping?.stop();
}

/** The GraphQL operation spans, as Yoga plugins (none when tracing is off). */
export function tracingPlugins(): YogaPlugin[] {
  return active?.plugins ?? [];
}

/**
 * Runs an HTTP request's handling inside a SERVER span that continues the caller's trace, so
 * that the operation and SQL spans beneath it join that trace.
 */
export function traceRequest(req: IncomingMessage, res: ServerResponse, handle: () => void): void {
  if (!active) {
    handle();
    return;
  }
  const path = req.url?.split('?')[0] ?? '/';
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = trace.getTracer('gba-ipnet').startSpan(
    `${req.method} ${path}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': req.method ?? 'GET',
        'url.path': path,
        'http.request.header.x-request-id': String(req.headers['x-request-id'] ?? ''),
      },
    },
    parent,
  );
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), handle);
}
