// Live alerts under load: many graphql-ws subscribers on one instance (or split over two joined
// by Redis), driven from this process. Measures how fast one alert reaches every subscriber,
// whether a sustained rate is delivered without loss, and the server memory each idle
// subscriber costs. The clients speak the graphql-transport-ws protocol directly over `ws`, so
// that the client side stays light next to the server being measured.
import WebSocket from 'ws';
import { graphql } from './http.js';

// Every subscriber takes broadcasts of its region: the sustained phase writes to one region, so
// only its share of subscribers receives those, while the others stay subscribed.
const SUBSCRIPTION = `subscription($r: [Region!]) { alerts(filter: { kinds: [BROADCAST, INTEL_PUBLISHED], regions: $r }) { cursor alert { title } } }`;
// A report to the whole network from a Greater Bay Area agency: its alert goes through the
// audience rule in SQL (once per subscribed user), unlike broadcasts.
const CREATE_REPORT = `mutation($t: String!) { createIntelReport(input: { title: $t, summary: "Counterfeit power banks in courier parcels.", language: "en", ipRight: TRADEMARK, category: BATTERIES, sourceReliability: B, infoCredibility: 2, tlp: GREEN, pap: GREEN, audience: { scope: NETWORK } }) { ... on CreateIntelReportSuccess { report { id } } } }`;
const PUBLISH_REPORT = `mutation($id: ID!) { publishIntelReport(id: $id) { __typename } }`;
const BROADCAST = `mutation($t: String!, $r: [Region!]) { broadcastAlert(input: { title: $t, severity: INFO, regions: $r }) { __typename } }`;
const EVERYONE = ['GREATER_BAY_AREA', 'BELT_AND_ROAD'];
const SUSTAINED_REGION = ['BELT_AND_ROAD'];

export interface Server {
  base: string;
}

interface Subscriber {
  socket: WebSocket;
  /** Receive time of each alert, by the number in its title. */
  received: Map<number, number>;
}

function subscribe(base: string, token: string, regions: string[]): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const subscriber: Subscriber = { socket, received: new Map() };
    socket.on('open', () =>
      socket.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
      ),
    );
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as {
        type: string;
        payload?: { data?: { alerts?: { alert?: { title?: string } } } };
      };
      if (message.type === 'connection_ack') {
        socket.send(
          JSON.stringify({
            id: '1',
            type: 'subscribe',
            payload: { query: SUBSCRIPTION, variables: { r: regions } },
          }),
        );
        resolve(subscriber);
      } else if (message.type === 'next') {
        const title: string = message.payload?.data?.alerts?.alert?.title ?? '';
        const seq = Number(title.split('#')[1]);
        if (!subscriber.received.has(seq)) subscriber.received.set(seq, performance.now());
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      }
    });
    socket.on('error', reject);
  });
}

async function memory(base: string): Promise<{ heap: number; rss: number }> {
  const read = async () =>
    (await (await fetch(`${base}/diagnostics?gc=1`)).json()) as {
      heapUsedBytes: number;
      rssBytes: number;
    };
  await read();
  const m = await read();
  return { heap: m.heapUsedBytes, rss: m.rssBytes };
}

async function waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export interface AlertBenchOptions {
  servers: Server[];
  /** Tokens of the subscribing users (several connections share each). */
  tokens: string[];
  adminToken: string;
  /** An analyst of a Greater Bay Area agency, to publish reports to the network. */
  analystToken: string;
  subscribers: number;
  /** How many of them receive the sustained alerts. */
  sustainedSubscribers: number;
  rounds: number;
  rate: number;
  seconds: number;
  log: (line: string) => void;
}

export interface AlertBenchResult {
  /** Sockets of one account after it signed out everywhere: how many closed, the slowest. */
  revocation: { sockets: number; closed: number; slowestMs: number };
  subscribers: number;
  instances: number;
  connectSeconds: number;
  heapPerSubscriberKB: number;
  rssPerSubscriberKB: number;
  fanout: { p50: number; p99: number; max: number; lost: number };
  /** The same for a published report: the alert's audience decided in SQL per viewer. */
  intelFanout: { receivers: number; p50: number; p99: number; max: number; lost: number };
  sustained: {
    receivers: number;
    sent: number;
    /** Alerts the server refused to write (an error answer): expected counts only the others. */
    refused: number;
    expected: number;
    delivered: number;
    p50: number;
    p99: number;
    drainSeconds: number;
  } | null;
}

let sequence = 0;

export async function alertBench(options: AlertBenchOptions): Promise<AlertBenchResult> {
  const { servers, tokens, adminToken, log } = options;
  const sender = servers[0] as Server;
  const before = await Promise.all(servers.map((s) => memory(s.base)));

  const t0 = performance.now();
  const subscribers: Subscriber[] = [];
  for (let i = 0; i < options.subscribers; i += 100) {
    const batch = Array.from({ length: Math.min(100, options.subscribers - i) }, (_, j) => {
      const n = i + j;
      return subscribe(
        (servers[n % servers.length] as Server).base,
        tokens[n % tokens.length] as string,
        n < options.sustainedSubscribers ? SUSTAINED_REGION : ['GREATER_BAY_AREA'],
      );
    });
    subscribers.push(...(await Promise.all(batch)));
  }
  // A subscription without a cursor starts from the moment the server sets it up, a little after
  // the connection is acknowledged: probe until a probe has reached every subscriber.
  const probes = new Set<number>();
  const reached = () => subscribers.every((s) => [...probes].some((seq) => s.received.has(seq)));
  const probing = performance.now();
  while (!reached()) {
    if (performance.now() - probing > 120_000) throw new Error('not every subscriber is listening');
    const probe = ++sequence;
    probes.add(probe);
    await graphql(sender.base, adminToken, BROADCAST, { t: `probe #${probe}`, r: EVERYONE });
    await waitFor(reached, 500);
  }
  const connectSeconds = (performance.now() - t0) / 1000;
  const after = await Promise.all(servers.map((s) => memory(s.base)));
  const heap = after.reduce((sum, m, i) => sum + m.heap - (before[i]?.heap ?? 0), 0);
  const rss = after.reduce((sum, m, i) => sum + m.rss - (before[i]?.rss ?? 0), 0);
  log(`  ${subscribers.length} subscribers in ${connectSeconds.toFixed(1)} s`);

  // One alert at a time, every subscriber must receive it.
  const latencies: number[] = [];
  let lost = 0;
  for (let round = 0; round < options.rounds; round += 1) {
    const seq = ++sequence;
    const sentAt = performance.now();
    await graphql(sender.base, adminToken, BROADCAST, { t: `fan-out #${seq}`, r: EVERYONE });
    await waitFor(() => subscribers.every((s) => s.received.has(seq)), 30_000);
    for (const s of subscribers) {
      const at = s.received.get(seq);
      if (at === undefined) lost += 1;
      else latencies.push(at - sentAt);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  latencies.sort((a, b) => a - b);
  const fanout = {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? 0,
    lost,
  };
  log(`  fan-out p50 ${fanout.p50.toFixed(0)} ms, p99 ${fanout.p99.toFixed(0)} ms, lost ${lost}`);

  // A report published to the network reaches the subscribers whose region filter takes the
  // author agency's region (Greater Bay Area): all but the sustained phase's receivers.
  const intelReceivers = subscribers.slice(options.sustainedSubscribers);
  const intelLatencies: number[] = [];
  let intelLost = 0;
  for (let round = 0; round < options.rounds; round += 1) {
    const seq = ++sequence;
    const created = await graphql<{ createIntelReport: { report: { id: string } } }>(
      sender.base,
      options.analystToken,
      CREATE_REPORT,
      { t: `Report #${seq}` },
    );
    const sentAt = performance.now();
    await graphql(sender.base, options.analystToken, PUBLISH_REPORT, {
      id: created.createIntelReport.report.id,
    });
    await waitFor(() => intelReceivers.every((s) => s.received.has(seq)), 30_000);
    for (const s of intelReceivers) {
      const at = s.received.get(seq);
      if (at === undefined) intelLost += 1;
      else intelLatencies.push(at - sentAt);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  intelLatencies.sort((a, b) => a - b);
  const intelFanout = {
    receivers: intelReceivers.length,
    p50: quantile(intelLatencies, 0.5),
    p99: quantile(intelLatencies, 0.99),
    max: intelLatencies.at(-1) ?? 0,
    lost: intelLost,
  };
  log(
    `  report fan-out to ${intelReceivers.length}: p50 ${intelFanout.p50.toFixed(0)} ms, p99 ${intelFanout.p99.toFixed(0)} ms, lost ${intelLost}`,
  );

  // A sustained rate: `rate` alerts a second for `seconds`, then wait for the last to arrive.
  let sustained: AlertBenchResult['sustained'] = null;
  if (options.rate > 0 && options.seconds > 0) {
    const total = options.rate * options.seconds;
    const sentAt = new Map<number, number>();
    const start = performance.now();
    const inFlight: Promise<unknown>[] = [];
    let refused = 0;
    for (let k = 0; k < total; k += 1) {
      const due = start + (k * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const seq = ++sequence;
      sentAt.set(seq, performance.now());
      inFlight.push(
        graphql(sender.base, adminToken, BROADCAST, {
          t: `sustained #${seq}`,
          r: SUSTAINED_REGION,
        }).catch(() => {
          refused += 1;
          sentAt.delete(seq);
        }),
      );
    }
    await Promise.all(inFlight);
    const last = Math.max(...sentAt.keys());
    const receivers = subscribers.slice(0, options.sustainedSubscribers);
    const complete = () => receivers.every((s) => s.received.has(last));
    await waitFor(complete, 180_000);
    const drainSeconds = (performance.now() - start) / 1000 - options.seconds;
    const times: number[] = [];
    let delivered = 0;
    for (const s of receivers) {
      for (const seq of sentAt.keys()) {
        const at = s.received.get(seq);
        if (at === undefined) continue;
        delivered += 1;
        times.push(at - (sentAt.get(seq) ?? at));
      }
    }
    times.sort((a, b) => a - b);
    sustained = {
      receivers: receivers.length,
      sent: total,
      refused,
      expected: sentAt.size * receivers.length,
      delivered,
      p50: quantile(times, 0.5),
      p99: quantile(times, 0.99),
      drainSeconds,
    };
    log(
      `  sustained: ${delivered} of ${sustained.expected} delivered (${refused} writes refused), p99 ${sustained.p99.toFixed(0)} ms`,
    );
  }

  // Revocation: one account signs out everywhere; its sockets (on every instance) must close.
  const victims = subscribers.filter((_, n) => n % tokens.length === 0);
  const closedAt: number[] = [];
  for (const victim of victims) victim.socket.once('close', () => closedAt.push(performance.now()));
  const revokedAt = performance.now();
  await graphql(sender.base, tokens[0] as string, 'mutation { signOutEverywhere }', {});
  await waitFor(() => closedAt.length === victims.length, 10_000);
  const revocation = {
    sockets: victims.length,
    closed: closedAt.length,
    slowestMs: Math.max(0, ...closedAt.map((t) => t - revokedAt)),
  };
  log(
    `  revocation: ${revocation.closed} of ${victims.length} sockets closed, slowest ${revocation.slowestMs.toFixed(0)} ms`,
  );

  for (const s of subscribers) s.socket.close();
  return {
    revocation,
    subscribers: subscribers.length,
    instances: servers.length,
    connectSeconds,
    heapPerSubscriberKB: heap / subscribers.length / 1024,
    rssPerSubscriberKB: rss / subscribers.length / 1024,
    fanout,
    intelFanout,
    sustained,
  };
}
