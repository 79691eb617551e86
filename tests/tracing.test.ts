import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../src/config.js';
import { buildApp } from '../src/server.js';
import { startTracing, stopTracing } from '../src/tracing.js';
import { member } from './support/api.js';

// OpenTelemetry: with OTEL_EXPORTER_OTLP_ENDPOINT set, the server sends its spans to a
// collector, here a stand-in that keeps every span of the OTLP/HTTP (JSON) exports it receives.
// Tracing starts before the server is built, as src/main.ts does; each test file runs in a
// process of its own, so only this file's server is traced.

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
  service: string;
}

describe('tracing', () => {
  const spans: ReceivedSpan[] = [];
  let collector: Server;
  let app: ReturnType<typeof buildApp>;
  let url: string;
  let token: string;

  beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          for (const resource of body.resourceSpans ?? []) {
            const service = resource.resource?.attributes?.find(
              (a: { key: string }) => a.key === 'service.name',
            )?.value?.stringValue;
            for (const scope of resource.scopeSpans ?? []) {
              for (const span of scope.spans ?? []) spans.push({ ...span, service });
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    collector.listen(0, '127.0.0.1');
    await once(collector, 'listening');
    const { port } = collector.address() as AddressInfo;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    process.env.OTEL_BSP_SCHEDULE_DELAY = '100';
    await startTracing({ ...config(), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
    app = buildApp({ port: 0, host: '127.0.0.1' });
    url = (await app.start()).url;
    token = (await member(['ANALYST'])).token;
  });

  afterAll(async () => {
    await app?.stop();
    await stopTracing();
    collector?.close();
  });

  it("continues the caller's trace through the HTTP request, the operation and its SQL", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        traceparent: `00-${traceId}-${callerSpan}-01`,
      },
      body: JSON.stringify({
        query: 'query Partners($n: Int) { agencies(first: $n) { totalCount } }',
        variables: { n: 3 },
      }),
    });
    expect((await response.json()).data.agencies.totalCount).toBeGreaterThan(0);

    // Spans arrive in batches as they end: the SQL first, the request's own span last.
    const deadline = Date.now() + 15_000;
    const ours = () => spans.filter((s) => s.traceId === traceId);
    const expected = ['prisma:client:db_query', 'query.Partners', 'POST /graphql'];
    while (!expected.every((name) => ours().some((s) => s.name === name))) {
      if (Date.now() > deadline)
        throw new Error(`spans received: ${JSON.stringify(ours().map((s) => s.name))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The request span hangs off the caller's span; the operation off the request; SQL beneath.
    const received = ours();
    const http = received.find((s) => s.name === 'POST /graphql');
    const operation = received.find((s) => s.name === 'query.Partners');
    expect(http?.parentSpanId).toBe(callerSpan);
    expect(operation?.parentSpanId).toBe(http?.spanId);
    const sql = received.filter((s) => s.name === 'prisma:client:db_query');
    expect(sql.length).toBeGreaterThan(0);
    const text = sql.flatMap((s) => s.attributes).find((a) => a.key === 'db.query.text')
      ?.value.stringValue;
    expect(text).toMatch(/SELECT/i);
    expect(received.every((s) => s.service === 'gba-ipnet')).toBe(true);
    // Variables and results stay with the server.
    const attributes = JSON.stringify(received.map((s) => s.attributes));
    expect(attributes).not.toContain('graphql.execute.variables');
    expect(attributes).not.toContain('graphql.execute.result');
  });

  it('leaves out a document that carries values inline, and keeps one that takes variables', async () => {
    const traced = async (traceId: string, query: string, variables = {}) => {
      await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        },
        body: JSON.stringify({ query, variables }),
      });
      const operation = await spanNamed(traceId, /^query\./);
      return operation.attributes.find((a) => a.key === 'graphql.execute.document')?.value
        .stringValue;
    };
    const inline = await traced(
      '11111111111111111111111111111111',
      'query Lookup { lookupObservable(type: CONTAINER_NUMBER, value: "CSQU3054383") { normalisedValue } }',
    );
    expect(inline).toBeUndefined();
    const withVariables = await traced(
      '22222222222222222222222222222222',
      'query Lookup($t: ObservableType!, $v: String!) { lookupObservable(type: $t, value: $v) { normalisedValue } }',
      { t: 'CONTAINER_NUMBER', v: 'CSQU3054383' },
    );
    expect(withVariables).toContain('lookupObservable');
    expect(JSON.stringify(spans)).not.toContain('CSQU3054383');
  });

  async function spanNamed(traceId: string, name: RegExp): Promise<ReceivedSpan> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = spans.find((s) => s.traceId === traceId && name.test(s.name));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no span ${name} in trace ${traceId}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
});
