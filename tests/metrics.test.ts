import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yoga } from './support/api.js';
import { type Instance, post, startInstance } from './support/instance.js';

// /metrics, scraped as Prometheus would, from a server started with METRICS_TOKEN.

const TOKEN = 'metrics-token-for-the-test-suite-0123';

/** The value of one sample (`name{labels} value`) in a scrape, or undefined. */
function sample(scrape: string, name: string, labels = ''): number | undefined {
  const line = scrape
    .split('\n')
    .find((l) => l.startsWith(labels ? `${name}{${labels}` : `${name} `));
  return line ? Number(line.split(' ').at(-1)) : undefined;
}

describe('metrics', () => {
  let instance: Instance;
  beforeAll(async () => {
    const env: Record<string, string> = { METRICS_TOKEN: TOKEN };
    if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
    else env.DATA_DIR = 'memory://';
    instance = await startInstance(env);
  }, 60_000);
  afterAll(() => instance?.stop());

  const scrape = async (token = TOKEN) =>
    fetch(`${instance.base}/metrics`, { headers: { authorization: `Bearer ${token}` } });

  it('answers only the holder of the token, and not at all without one', async () => {
    expect((await fetch(`${instance.base}/metrics`)).status).toBe(401);
    expect((await scrape(`${TOKEN}x`)).status).toBe(401);
    // The in-process server of the other tests has no METRICS_TOKEN: no such endpoint.
    expect((await yoga.fetch('http://localhost/metrics')).status).toBe(404);
  });

  it('counts operations by name, errors by code, and reports process, pool and queues', async () => {
    const before = await (await scrape()).text();
    const seen = (text: string) =>
      sample(text, 'ipnet_graphql_operations_total', 'operation="Floor",type="query"') ?? 0;
    const refusals = (text: string) =>
      sample(text, 'ipnet_graphql_errors_total', 'code="UNAUTHENTICATED"') ?? 0;

    await post(instance, 'query Floor { __typename }');
    await post(instance, 'query Floor { __typename }');
    await post(instance, '{ agencies(first: 1) { totalCount } }');
    await post(instance, 'query Floor { __typename }');

    const response = await scrape();
    expect(response.headers.get('content-type')).toContain('text/plain');
    const after = await response.text();
    expect(seen(after) - seen(before)).toBe(3);
    expect(refusals(after) - refusals(before)).toBe(1);
    expect(after).toContain('ipnet_graphql_operation_duration_seconds_bucket{');
    expect(sample(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(after, 'ipnet_live_subscribers')).toBe(0);
    expect(sample(after, 'ipnet_webhook_deliveries', 'status="PENDING"')).toBeGreaterThanOrEqual(0);
    if (process.env.DATABASE_URL) {
      expect(sample(after, 'ipnet_db_pool_connections', 'state="max"')).toBe(10);
    }
  });

  it('keeps made-up operation names to a bounded set of labels', async () => {
    await post(
      instance,
      'query Not_A_Label_Because_It_Is_Far_Too_Long_For_Any_Dashboard_0123456789 { __typename }',
    );
    const text = await (await scrape()).text();
    expect(text).not.toContain('Far_Too_Long');
    expect(text).toContain('operation="other"');
  });
});
