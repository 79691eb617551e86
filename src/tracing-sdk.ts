import { readFileSync } from 'node:fs';
import { useOpenTelemetry } from '@envelop/opentelemetry';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import type { Plugin as YogaPlugin } from 'graphql-yoga';
import type { Config } from './config.js';
import type { ActiveTracing } from './tracing.js';

// The OpenTelemetry SDK, loaded by src/tracing.ts only when OTEL_EXPORTER_OTLP_ENDPOINT is set:
// a batching OTLP/HTTP exporter (it reads the standard OTEL_EXPORTER_OTLP_* settings itself),
// the operation spans of @envelop/opentelemetry, and Prisma's spans for each call and its SQL.

function packageVersion(): string {
  const file = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export function startSdk(cfg: Config): ActiveTracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': cfg.OTEL_SERVICE_NAME,
      'service.version': packageVersion(),
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // The global tracer provider, AsyncLocalStorage context and the W3C trace-context propagator.
  provider.register();
  const prismaSpans = new PrismaInstrumentation();
  prismaSpans.setTracerProvider(provider);
  prismaSpans.enable();

  // Variables and results never leave; the document only when it has no inline arguments.
  const operations = useOpenTelemetry(
    { resolvers: false, variables: false, result: false },
    provider,
    SpanKind.INTERNAL,
    {},
    cfg.OTEL_SERVICE_NAME,
  ) as YogaPlugin;

  return {
    plugins: [operations],
    async stop() {
      prismaSpans.disable();
      await provider.shutdown();
    },
  };
}
