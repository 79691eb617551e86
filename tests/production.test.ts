import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMember, globalId, member, present } from './support/api.js';
import { graphql } from './support/graphql.js';
import { type Instance, post, startInstance } from './support/instance.js';
import { alertLogEnd, LiveStream } from './support/live.js';

// The production start: `npm run build` compiles the server to dist/, and `node dist/main.js`
// runs it as plain JavaScript (no TypeScript loader), migrations and demo included.

beforeAll(() => {
  const build = spawnSync('npm', ['run', '-s', 'build'], { encoding: 'utf8' });
  expect(build.status, build.stdout + build.stderr).toBe(0);
  expect(existsSync('dist/main.js')).toBe(true);
}, 120_000);

describe('the compiled server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ipnet-production-'));
  let instance: Instance | undefined;

  afterAll(async () => {
    await instance?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the first session from dist/main.js', async () => {
    // Production mode, as the image runs it; the demo is asked for (production's default is none).
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      MATCH_SECRET: 'a-production-match-secret-of-32-characters',
      DATA_DIR: dataDir,
      SEED_DEMO: 'auto',
      DEMO_PASSWORD: 'production-demo-password',
    };
    instance = await startInstance({ ...env, DATABASE_URL: '' }, ['dist/main.js']);
    const signedIn = await post(
      instance,
      graphql(`mutation($e: EmailAddress!, $p: String!) { signIn(email: $e, password: $p) {
        __typename ... on SignInSuccess { session { token } } } }`),
      { e: 'analyst@hk-customs.demo', p: present(env.DEMO_PASSWORD, 'the demo password') },
    );
    const token = expectMember(signedIn.data?.signIn, 'SignInSuccess').session.token;
    const me = await post(instance, graphql('{ me { email agency { slug } } }'), {}, token);
    expect(me).toEqual({
      data: { me: { email: 'analyst@hk-customs.demo', agency: { slug: 'hk-customs' } } },
    });

    // No GraphiQL, and introspection only with a session.
    const page = await fetch(instance.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('GraphiQL');
    const INTROSPECT = '{ __schema { queryType { name } } }';
    const anonymous = await post(instance, INTROSPECT);
    expect(
      anonymous.errors?.map((e: { extensions?: { code?: string } }) => e.extensions?.code),
    ).toEqual(['UNAUTHENTICATED']);
    expect(anonymous.data).toBeUndefined();
    const asMember = await post(instance, INTROSPECT, {}, token);
    expect(asMember.data, JSON.stringify(asMember.errors)).toEqual({
      __schema: { queryType: { name: 'Query' } },
    });
    expect((await post(instance, graphql('{ __typename }'))).data).toEqual({ __typename: 'Query' });
  });
});

describe('importing the server', () => {
  it('opens no database: the connection opens when the server or a script starts', () => {
    const dataDir = join(tmpdir(), `ipnet-never-opened-${process.pid}-${Date.now()}`);
    const imported = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "const { schema } = await import('./src/schema.ts'); console.log(Object.keys(schema.getTypeMap()).length);",
      ],
      { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir } },
    );
    expect(imported.status, imported.stderr).toBe(0);
    expect(Number(imported.stdout.trim())).toBeGreaterThan(100);
    expect(existsSync(dataDir)).toBe(false);
  });
});

// What compose.yaml runs, without a container engine: the image's command (`node dist/main.js`,
// production mode) twice against PostgreSQL and Redis, behind nginx with deploy/nginx.conf (its
// upstreams pointed at the two processes). Needs TEST_DATABASE_URL, TEST_REDIS_URL and nginx.
const postgres = process.env.TEST_DATABASE_URL;
const redis = process.env.TEST_REDIS_URL;
const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));

describe.skipIf(!postgres || !redis || !nginx)('the production topology', () => {
  const METRICS_TOKEN = 'a-metrics-token-for-the-topology-test';
  const instances: Instance[] = [];
  const streams: LiveStream[] = [];
  let balancer: ChildProcess | undefined;
  let front = '';
  const folder = mkdtempSync(join(tmpdir(), 'ipnet-balancer-'));

  beforeAll(async () => {
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: postgres as string,
      REDIS_URL: redis as string,
      MATCH_SECRET: 'the-topology-test-match-secret-0123456789',
      METRICS_TOKEN,
      TRUST_PROXY: 'true',
      SEED_DEMO: '',
    };
    const dist = ['dist/main.js'];
    instances.push(...(await Promise.all([startInstance(env, dist), startInstance(env, dist)])));
    const port = await freePort();
    const [a, b] = instances.map((i) => new URL(i.url).host);
    const site = readFileSync('deploy/nginx.conf', 'utf8')
      .replace('server ipnet-1:4000', `server ${a}`)
      .replace('server ipnet-2:4000', `server ${b}`)
      .replace('listen 80;', `listen 127.0.0.1:${port};`);
    expect(site).toContain(`server ${a}`);
    writeFileSync(join(folder, 'site.conf'), site);
    writeFileSync(
      join(folder, 'nginx.conf'),
      `daemon off; pid ${folder}/nginx.pid; error_log ${folder}/error.log warn;
       events { worker_connections 256; }
       http { access_log off; client_body_temp_path ${folder}/body; proxy_temp_path ${folder}/proxy;
              fastcgi_temp_path ${folder}/fcgi; uwsgi_temp_path ${folder}/uwsgi; scgi_temp_path ${folder}/scgi;
              include ${folder}/site.conf; }`,
    );
    balancer = spawn(
      nginx as string,
      ['-p', folder, '-c', `${folder}/nginx.conf`, '-e', `${folder}/error.log`],
      {
        stdio: 'ignore',
      },
    );
    front = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${front}/healthz`).catch(() => null))?.ok === true);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close().catch(() => {})));
    balancer?.kill('SIGQUIT');
    await Promise.all(instances.map((i) => i.stop()));
    rmSync(folder, { recursive: true, force: true });
  });

  const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const response = await fetch(`${front}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return response.json();
  };

  it('is ready, healthy by the image health check, and serves a signed-in query through the balancer', async () => {
    expect((await fetch(`${front}/readyz`)).status).toBe(200);
    for (const instance of instances) {
      const check = spawnSync(process.execPath, ['dist/tools/healthcheck.js'], {
        encoding: 'utf8',
        env: { ...process.env, PORT: new URL(instance.url).port },
      });
      expect(check.status, check.stderr).toBe(0);
    }
    const { user, token } = await member(['ANALYST']);
    // Round-robin: consecutive requests reach both instances; both know the session.
    for (let i = 0; i < 4; i += 1) {
      const me = await gql('query Me { me { email } }', {}, token);
      expect(me).toEqual({ data: { me: { email: user.email } } });
    }
    const anonymous = await gql('{ __schema { queryType { name } } }', {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('carries a WebSocket subscription and server-sent events through the balancer', async () => {
    const admin = await member(['NETWORK_ADMIN']);
    const listener = await member(['VIEWER']);
    const filter = { originAgencies: [globalId('Agency', admin.agency.id)] };
    const after = await alertLogEnd();
    const overWs = LiveStream.ws(front, listener.token, { filter, after });
    const overSse = LiveStream.sse(front, listener.token, { filter, after });
    streams.push(overWs, overSse);
    const sent = await gql(
      `mutation($title: String!) { broadcastAlert(input: { title: $title, severity: URGENT }) {
        __typename } }`,
      { title: 'Through the balancer' },
      admin.token,
    );
    expect(sent.data.broadcastAlert.__typename).toBe('BroadcastAlertSuccess');
    await Promise.all([overWs.received(1), overSse.received(1)]);
    expect(overWs.events.map((e) => e.alert?.title)).toEqual(['Through the balancer']);
    expect(overSse.events.map((e) => e.alert?.title)).toEqual(['Through the balancer']);
  });

  it('counts on /metrics, scraped from each instance with its token and closed at the balancer', async () => {
    expect((await fetch(`${front}/metrics`)).status).toBe(404);
    const scrapes = await Promise.all(
      instances.map(async (instance) => {
        const response = await fetch(`${instance.base}/metrics`, {
          headers: { authorization: `Bearer ${METRICS_TOKEN}` },
        });
        expect(response.status).toBe(200);
        return response.text();
      }),
    );
    const served = scrapes.map((text) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith('ipnet_graphql_operations_total{operation="Me",type="query"}'))
          ?.split(' ')
          .at(-1) ?? 0,
      ),
    );
    // The four signed-in queries of the first test, shared by the two instances.
    expect(served.reduce((sum, n) => sum + n, 0)).toBe(4);
    expect(served.every((n) => n > 0)).toBe(true);
    for (const text of scrapes)
      expect(text).toMatch(/ipnet_db_pool_connections\{state="open"\} [1-9]/);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function until(ready: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error('not ready in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
