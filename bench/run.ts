// `npm run bench`: measures intelligence search and lookup on PostgreSQL at several sizes.
// It resets the database in BENCH_DATABASE_URL, loads the demo network and N synthetic reports,
// starts the real server in its own process, and drives it over HTTP from this one.
//
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5433/ipnet_bench npm run bench
//
// Options: BENCH_SIZES (default 10000,100000; empty: no search figures), BENCH_REQUESTS (per
// measurement, default 1000), BENCH_CONCURRENCY (default 20), BENCH_FORUM (registration burst
// as requests:seats, default 1000:100; empty: none), BENCH_FORUM_WARMUP (a smaller burst first, to
// measure warm; default 50:10; empty: the first burst meets a freshly started server),
// BENCH_EMBEDDED_FORUM (the same burst on the embedded database of a fresh `npm start`, default
// 1000:100; empty: none), BENCH_ALERTS (graphql-ws subscribers,
// default 2000; empty: none), BENCH_ALERT_RATE and BENCH_ALERT_SECONDS (sustained alerts, default
// 100 a second for 60 s), BENCH_ALERT_RECEIVERS (subscribers of the sustained alerts, default
// 50), BENCH_REDIS_URL (adds the same alert test on two instances joined by that Redis).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const url = process.env.BENCH_DATABASE_URL;
if (!url) {
  console.error(
    'Set BENCH_DATABASE_URL to a PostgreSQL database that may be wiped (see docs/benchmarks.md).',
  );
  process.exit(2);
}
const MATCH_SECRET = 'benchmark-match-secret-0123456789abcdef';
const DEMO_PASSWORD = 'ipnet-demo-2026';
Object.assign(process.env, {
  DATABASE_URL: url,
  MATCH_SECRET,
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production',
  // Every benchmark guest registers from the loopback address; the per-address throttle would
  // refuse all but the first 120 of a burst.
  GUEST_REQUESTS_PER_MINUTE: '1000000',
});

const sizes = (process.env.BENCH_SIZES ?? '10000,100000').split(',').filter(Boolean).map(Number);
const forumBurst = (process.env.BENCH_FORUM ?? '1000:100').split(':').filter(Boolean).map(Number);
const forumWarmUp = (process.env.BENCH_FORUM_WARMUP ?? '50:10')
  .split(':')
  .filter(Boolean)
  .map(Number);
const requests = Number(process.env.BENCH_REQUESTS ?? 1000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 20);

const { openDatabase, migrateDatabase, closeDatabase } = await import('../src/db.js');
openDatabase();
const { seedDemoNetwork } = await import('../src/demo/seed.js');
const { populate } = await import('./populate.js');
const { registrationBurst } = await import('./forums.js');
const { alertBench } = await import('./alerts.js');
const { graphql, signInAs } = await import('./http.js');

const alertSubscribers = Number(process.env.BENCH_ALERTS ?? 2000);
const alertRate = Number(process.env.BENCH_ALERT_RATE ?? 100);
const alertSeconds = Number(process.env.BENCH_ALERT_SECONDS ?? 60);
const alertReceivers = Number(process.env.BENCH_ALERT_RECEIVERS ?? 50);
const benchRedis = process.env.BENCH_REDIS_URL;

const log = (line: string) => console.error(line);

async function sql<T = Record<string, unknown>>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

interface Started {
  child: ChildProcess;
  base: string;
}

/** The project's server as production runs it, or (BENCH_SERVER=tsx) from source through tsx. */
function serverEntry(): string[] {
  if (process.env.BENCH_SERVER === 'tsx') return ['--import', 'tsx', 'src/main.ts'];
  if (!existsSync('dist/main.js')) {
    console.error('dist/main.js is missing: `npm run bench` builds it first (npm run build).');
    process.exit(2);
  }
  return ['dist/main.js'];
}

function startServer(
  extraEnv: Record<string, string> = {},
  entry = serverEntry(),
): Promise<Started> {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--expose-gc', ...entry], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      SEED_DEMO: 'never',
      LOG_LEVEL: 'info',
      GRAPHIQL: 'false',
      DIAGNOSTICS: 'true',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(output);
      if (match?.[1]) {
        child.stdout?.removeAllListeners('data');
        // From now on only the server's errors are shown.
        child.stdout?.on('data', (more: Buffer) => {
          for (const line of more.toString().split('\n')) {
            if (/"level":(50|60)/.test(line)) console.error(`  server: ${line.slice(0, 600)}`);
          }
        });
        resolve({ child, base: match[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

const PAGE_FIELDS =
  'edges { node { id title tlp publishedAt authorAgency { name } observables { type value } sightingCounts { total truePositive } } }';
// What a search screen asks for: a page and a bounded count ("1,000+ reports").
const SEARCH = `query($f: IntelReportFilter, $n: Int) { intelReportCount(filter: $f) { count exact }
  intelReports(first: $n, filter: $f) { ${PAGE_FIELDS} } }`;
// The same page with the connection's exact totalCount, which visits every matching report.
const SEARCH_EXACT = `query($f: IntelReportFilter, $n: Int) { intelReports(first: $n, filter: $f) { totalCount ${PAGE_FIELDS} } }`;
const LOOKUP =
  'query($v: String!) { lookupObservable(type: DOMAIN, value: $v) { reports { id title } } }';
const FILTERS = [
  { category: ['BATTERIES'] },
  { search: 'counterfeit' },
  { tlp: ['AMBER'], routeCountry: 'MY' },
  { search: 'voltmax', category: ['BATTERIES', 'ELECTRONICS'] },
  { minSightings: 3 },
  {},
];

interface Stats {
  median: number;
  p99: number;
  rps: number;
  /** Requests answered with an error (such as the server's query timeout). */
  errors: number;
}

async function measure(
  count: number,
  workers: number,
  call: (i: number) => Promise<unknown>,
): Promise<Stats> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        try {
          await call(i);
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { median: at(0.5), p99: at(0.99), rps: count / seconds, errors };
}

/** SQL statements the server ran for one request (the server counts them with DIAGNOSTICS). */
async function statementsFor(base: string, call: () => Promise<unknown>): Promise<number> {
  const read = async () =>
    ((await (await fetch(`${base}/diagnostics`)).json()) as { sqlStatements: number })
      .sqlStatements;
  const before = await read();
  await call();
  return (await read()) - before;
}

/** The bare yoga anchor (bench/anchor.ts), started the way the server is. */
function startAnchor(): Promise<Started> {
  return startServer({}, ['--import', 'tsx', 'bench/anchor.ts']);
}

const HELLO = '{ hello }';
const ME = '{ me { id } }';

// One anchor for the whole run, beside every server the benchmark starts.
const anchor = await startAnchor();
const hello = () => graphql(anchor.base, null, HELLO, {});

/**
 * Alternating rounds of the anchor and the server, from this one client, so that both meet the
 * same machine at the same moment; each round is `requests` requests at `workers` connections.
 */
async function againstAnchor(
  call: (i: number) => Promise<unknown>,
  workers: number,
  rounds = 3,
): Promise<{ anchor: Stats; server: Stats; ratio: number }> {
  await measure(200, workers, hello);
  await measure(200, workers, call);
  const anchorRounds: Stats[] = [];
  const serverRounds: Stats[] = [];
  for (let round = 0; round < rounds; round += 1) {
    anchorRounds.push(await measure(requests, workers, hello));
    serverRounds.push(await measure(requests, workers, call));
  }
  const best = (all: Stats[]) => all.reduce((a, b) => (b.rps > a.rps ? b : a));
  const fastestAnchor = best(anchorRounds);
  const fastestServer = best(serverRounds);
  return {
    anchor: fastestAnchor,
    server: fastestServer,
    ratio: fastestServer.rps / fastestAnchor.rps,
  };
}

const anchorRows: string[] = [];
const anchorRow = (name: string, r: Awaited<ReturnType<typeof againstAnchor>>) =>
  `| ${name} | ${r.anchor.rps.toFixed(0)} | ${r.server.rps.toFixed(0)} | **${r.ratio.toFixed(2)}** | ${r.server.median.toFixed(1)} | ${r.server.p99.toFixed(1)} | ${r.server.errors} |`;

if (process.env.BENCH_FLOOR !== '') {
  log('\n== the floor: `{ me { id } }` against the bare yoga anchor');
  await sql('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
  await migrateDatabase();
  await seedDemoNetwork(DEMO_PASSWORD);
  const server = await startServer();
  try {
    const token = await signInAs(server.base, 'analyst@hk-customs.demo', DEMO_PASSWORD);
    const me = () => graphql(server.base, token, ME, {});
    const anonymous = () => graphql(server.base, null, '{ __typename }', {});
    for (const workers of [1, concurrency]) {
      anchorRows.push(
        anchorRow(
          `signed-in \`${ME}\`, ${workers} connection(s)`,
          await againstAnchor(me, workers),
        ),
        anchorRow(
          `anonymous \`{ __typename }\`, ${workers} connection(s)`,
          await againstAnchor(anonymous, workers),
        ),
      );
    }
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
  }
}

const results: string[] = [];
for (const size of sizes) {
  log(`\n== ${size} reports`);
  await sql('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
  await migrateDatabase();
  await seedDemoNetwork(DEMO_PASSWORD);
  const t0 = performance.now();
  const domains = await populate(url, size, log);
  log(`  loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const counts = await sql<{ r: string; o: string }>(
    'SELECT (SELECT count(*) FROM "IntelReport") AS r, (SELECT count(*) FROM "IntelObservable") AS o',
  );

  const { child, base } = await startServer();
  try {
    const token = await signInAs(base, 'analyst@hk-customs.demo', DEMO_PASSWORD);
    const search = (i: number) =>
      graphql(base, token, SEARCH, { f: FILTERS[i % FILTERS.length], n: 50 });
    const searchExact = (i: number) =>
      graphql(base, token, SEARCH_EXACT, { f: FILTERS[i % FILTERS.length], n: 50 });
    const lookup = (i: number) =>
      graphql(base, token, LOOKUP, { v: domains[(i * 7919) % domains.length] });

    await measure(100, 5, search);
    await measure(100, 5, lookup);
    const statements10 = await statementsFor(base, () =>
      graphql(base, token, SEARCH, { f: FILTERS[0], n: 10 }),
    );
    const statements50 = await statementsFor(base, () =>
      graphql(base, token, SEARCH, { f: FILTERS[0], n: 50 }),
    );
    const s1 = await measure(Math.max(30, Math.floor(requests / 10)), 1, search);
    const sAnchor = await measure(requests, concurrency, hello);
    const s = await measure(requests, concurrency, search);
    const e1 = await measure(Math.max(30, Math.floor(requests / 10)), 1, searchExact);
    // The cheapest signed-in request (session check and one trivial field): the floor under
    // every other figure, and with 20 clients the most requests per second this machine serves.
    const floor = () => graphql(base, token, '{ me { id } }', {});
    const f1 = await measure(requests, 1, floor);
    const f20 = await measure(requests, concurrency, floor);
    const l1 = await measure(requests, 1, lookup);
    const l20 = await measure(requests, concurrency, lookup);
    const row = (name: string, m: Stats) =>
      `| ${size.toLocaleString('en')} | ${name} | ${m.median.toFixed(1)} | ${m.p99.toFixed(1)} | ${m.rps.toFixed(1)} | ${m.errors} |`;
    results.push(
      row('search, page of 50, 1 client', s1),
      row(`search, page of 50, ${concurrency} clients`, s),
      row('search, page of 50 with exact totalCount, 1 client', e1),
      row('`{ me { id } }` (floor), 1 client', f1),
      row(`\`{ me { id } }\` (floor), ${concurrency} clients`, f20),
      row('lookupObservable, 1 client', l1),
      row(`lookupObservable, ${concurrency} clients`, l20),
    );
    results.push(
      `| ${size.toLocaleString('en')} | search at ${concurrency} clients against the anchor just before (${sAnchor.rps.toFixed(0)} requests/s) | ratio **${(s.rps / sAnchor.rps).toFixed(3)}** | | | |`,
      `| ${size.toLocaleString('en')} | SQL statements per search request (page 10 / page 50) | ${statements10} / ${statements50} | | | |`,
    );
    log(`  reports ${counts[0]?.r}, observables ${counts[0]?.o}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const forumRows: string[] = [];
if (forumBurst.length === 2) {
  const [burst = 1000, seats = 100] = forumBurst;
  log(`\n== forum registration: ${burst} at once for ${seats} seats`);
  await sql('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
  await migrateDatabase();
  await seedDemoNetwork(DEMO_PASSWORD);
  const { child, base } = await startServer();
  try {
    const token = await signInAs(base, 'organizer@gz-amr.demo', DEMO_PASSWORD);
    if (forumWarmUp.length === 2) {
      await registrationBurst(base, token, forumWarmUp[0] ?? 50, forumWarmUp[1] ?? 10);
    }
    for (let round = 1; round <= 3; round++) {
      const result = await registrationBurst(base, token, burst, seats);
      const rows = await sql<{ status: string; n: string }>(
        `SELECT r.status, count(*) AS n FROM "ForumRegistration" r
          WHERE r."eventId" = '${Buffer.from(result.eventId, 'base64').toString().split(':')[1]}' GROUP BY r.status`,
      );
      const stored = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      log(`  round ${round} answers: ${JSON.stringify(result.answered)}`);
      forumRows.push(
        `| ${round} | ${burst} at once, ${seats} seats | ${result.seconds.toFixed(2)} | ${result.median.toFixed(0)} | ${result.p99.toFixed(0)} | ${stored.CONFIRMED ?? 0} / ${stored.WAITLISTED ?? 0} | ${result.answered.error ?? 0} |`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

// The same burst on the embedded database (PGlite, one connection inside the server process),
// from a freshly started server on a new data folder: what `npm start` gives a newcomer.
const embeddedBurst = (process.env.BENCH_EMBEDDED_FORUM ?? '1000:100')
  .split(':')
  .filter(Boolean)
  .map(Number);
const embeddedRows: string[] = [];
if (embeddedBurst.length === 2) {
  const [burst = 1000, seats = 100] = embeddedBurst;
  log(`\n== forum registration on the embedded database: ${burst} at once for ${seats} seats`);
  const dataDir = mkdtempSync(join(tmpdir(), 'ipnet-bench-embedded-'));
  const { child, base } = await startServer({
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    SEED_DEMO: 'auto',
  });
  try {
    const token = await signInAs(base, 'organizer@gz-amr.demo', DEMO_PASSWORD);
    for (let round = 1; round <= 3; round++) {
      const result = await registrationBurst(base, token, burst, seats);
      embeddedRows.push(
        `| ${round} | ${burst} at once, ${seats} seats | ${result.seconds.toFixed(2)} | ${result.median.toFixed(0)} | ${result.p99.toFixed(0)} | ${result.answered.CONFIRMED ?? 0} / ${result.answered.WAITLISTED ?? 0} | ${result.answered.error ?? 0} |`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Cold start to first answer on an existing embedded database: the process spawned, the
// database opened and checked for migrations, the first `{ __typename }` answered, measured by
// this process from spawn to answer (the first start, which creates and seeds, is not counted).
const coldStartRows: string[] = [];
if (process.env.BENCH_COLD_START !== '') {
  log('\n== cold start on an existing embedded database');
  const dataDir = mkdtempSync(join(tmpdir(), 'ipnet-bench-cold-'));
  const env = { DATABASE_URL: '', DATA_DIR: dataDir, SEED_DEMO: 'auto' };
  const stop = async ({ child }: Started) => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  try {
    await stop(await startServer(env));
    for (let round = 1; round <= 3; round += 1) {
      const spawned = performance.now();
      const started = startServer({ ...env, PORT: String(45_000 + round) });
      const base = `http://127.0.0.1:${45_000 + round}`;
      let answered = 0;
      while (!answered) {
        try {
          await graphql(base, null, '{ __typename }', {});
          answered = performance.now();
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
      const listening = await started;
      coldStartRows.push(`| ${round} | ${((answered - spawned) / 1000).toFixed(2)} |`);
      await stop(listening);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

type AlertRun = Awaited<ReturnType<typeof alertBench>>;
const alertRuns: AlertRun[] = [];
if (alertSubscribers > 0) {
  const setups: { name: string; env: Record<string, string>; instances: number }[] = [
    { name: 'one instance', env: {}, instances: 1 },
  ];
  if (benchRedis) {
    setups.push({ name: 'two instances over Redis', env: { REDIS_URL: benchRedis }, instances: 2 });
  }
  for (const setup of setups) {
    log(`\n== alerts: ${alertSubscribers} subscribers, ${setup.name}`);
    await sql('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
    await migrateDatabase();
    await seedDemoNetwork(DEMO_PASSWORD);
    const servers: Awaited<ReturnType<typeof startServer>>[] = [];
    for (let i = 0; i < setup.instances; i += 1) servers.push(await startServer(setup.env));
    try {
      const first = servers[0]?.base as string;
      const emails = await sql<{ email: string }>(
        `SELECT email FROM "User" WHERE email LIKE '%.demo' AND active ORDER BY email LIMIT 100`,
      );
      const tokens: string[] = [];
      for (const { email } of emails) tokens.push(await signInAs(first, email, DEMO_PASSWORD));
      const adminToken = await signInAs(first, 'admin@network.demo', DEMO_PASSWORD);
      const analystToken = await signInAs(first, 'analyst@gz-customs.demo', DEMO_PASSWORD);
      alertRuns.push(
        await alertBench({
          servers,
          tokens,
          adminToken,
          analystToken,
          subscribers: alertSubscribers,
          sustainedSubscribers: Math.min(alertReceivers, alertSubscribers),
          rounds: 10,
          rate: alertRate,
          seconds: alertSeconds,
          log,
        }),
      );
    } finally {
      for (const { child } of servers) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
  }
}
anchor.child.kill('SIGTERM');
await new Promise((resolve) => anchor.child.once('exit', resolve));
await closeDatabase();

console.log(
  `\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
console.log(
  `PostgreSQL ${(await sql<{ server_version: string }>('SHOW server_version'))[0]?.server_version}; ${requests} requests per measurement\n`,
);
if (anchorRows.length > 0) {
  console.log(
    '| request | anchor `{ hello }` requests/s | server requests/s | ratio to the anchor | server median ms | server p99 ms | errors |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const line of anchorRows) console.log(line);
  console.log('');
}
if (results.length > 0) {
  console.log('| reports | measurement | median ms | p99 ms | requests/s | errors |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const line of results) console.log(line);
}
if (forumRows.length > 0) {
  console.log(
    '\n| round | forum registration burst | whole burst s | median ms | p99 ms | confirmed / waitlisted in the database | errors |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const line of forumRows) console.log(line);
}
if (embeddedRows.length > 0) {
  console.log(
    '\n| round | embedded database: registration burst | whole burst s | median ms | p99 ms | confirmed / waitlisted answered | errors |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const line of embeddedRows) console.log(line);
}
if (coldStartRows.length > 0) {
  console.log('\n| round | cold start to first answer, existing embedded database, s |');
  console.log('| --- | --- |');
  for (const line of coldStartRows) console.log(line);
}
if (alertRuns.length > 0) {
  console.log(
    '\n| instances | subscribers | one alert to all: p50 / p99 / max ms | lost | a published report: receivers, p50 / p99 / max ms, lost | idle subscriber: heap / RSS KB | sustained: receivers, alerts sent | delivered / expected | sustained p50 / p99 ms | drained after s | sign-out everywhere: sockets closed, slowest ms |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of alertRuns) {
    const s = r.sustained;
    console.log(
      `| ${r.instances} | ${r.subscribers} | ${r.fanout.p50.toFixed(0)} / ${r.fanout.p99.toFixed(0)} / ${r.fanout.max.toFixed(0)} | ${r.fanout.lost} | ${r.intelFanout.receivers}, ${r.intelFanout.p50.toFixed(0)} / ${r.intelFanout.p99.toFixed(0)} / ${r.intelFanout.max.toFixed(0)}, ${r.intelFanout.lost} | ${r.heapPerSubscriberKB.toFixed(1)} / ${r.rssPerSubscriberKB.toFixed(1)} | ${s ? `${s.receivers}, ${s.sent} (${s.refused} refused)` : '–'} | ${s ? `${s.delivered} / ${s.expected}` : '–'} | ${s ? `${s.p50.toFixed(0)} / ${s.p99.toFixed(0)}` : '–'} | ${s ? s.drainSeconds.toFixed(1) : '–'} | ${r.revocation.closed} of ${r.revocation.sockets}, ${r.revocation.slowestMs.toFixed(0)} |`,
    );
  }
}
