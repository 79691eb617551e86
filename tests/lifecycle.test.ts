import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { prisma } from '../src/db.js';
import { DEMO_AGENCIES, NETWORK_ADMIN_EMAIL } from '../src/demo/demo-network.js';
import { seedDemoNetwork } from '../src/demo/seed.js';
import { expectType, signIn, unique } from './support/api.js';

// The server as an operator runs it: `src/main.ts` in its own process.

const DEMO_PASSWORD = 'lifecycle-demo-password';
const dataDir = mkdtempSync(join(tmpdir(), 'ipnet-lifecycle-'));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// Tests that start the server process twice, seeding an embedded demo first: their time is
// the machine's (two cores share them with the other test files), not something they measure.
const SERVER_STARTS_TIMEOUT = 120_000;

function serverEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { DATA_DIR: _memory, DATABASE_URL, ...rest } = process.env;
  return {
    ...rest,
    ...(DATABASE_URL ? { DATABASE_URL } : { DATA_DIR: dataDir }),
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SEED_DEMO: 'always',
    DEMO_PASSWORD,
    MATCH_SECRET: 'lifecycle-test-match-secret-0123456789abcdef',
    ...extra,
  };
}

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpExecArray>;
}

function launch(env: NodeJS.ProcessEnv): Launched {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output);
        if (!match) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(match);
      };
      const timer = setTimeout(
        () => reject(new Error(`no ${pattern} in ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      listeners.add(check);
      check();
      exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    });
  return { child, output: () => output, exited, waitFor };
}

async function startServer(env: NodeJS.ProcessEnv): Promise<Running> {
  const launched = launch(env);
  const match = await launched.waitFor(/"url":"(http:\/\/[^"]+)".*"msg":"GBA IPNet is listening"/);
  return { ...launched, url: match[1] as string };
}

async function call(url: string, query: string, variables: object = {}, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as any;
}

async function signInOver(url: string, email: string, password: string): Promise<string> {
  const result = await call(
    url,
    `mutation($e: EmailAddress!, $p: String!) { signIn(email: $e, password: $p) {
      __typename ... on SignInSuccess { session { token } } } }`,
    { e: email, p: password },
  );
  return expectType<any>(result.data.signIn, 'SignInSuccess').session.token;
}

const CREATE = `mutation($input: CreateAgencyInput!) {
  createAgency(input: $input) { __typename ... on CreateAgencySuccess { agency { slug } } }
}`;

describe('configuration', () => {
  it('names every bad variable', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' }),
    ).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('DATABASE_URL: must start with postgres://');
      expect(message).toContain('LOG_LEVEL');
    }
    expect(loadConfig({ PORT: '' }).PORT).toBe(4000);
    // Production must hold its own secret for matching observables.
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /MATCH_SECRET: required in production/,
    );
  });

  it('turns GraphiQL, the demo seed and anonymous introspection off in production unless asked', () => {
    const secret = { MATCH_SECRET: 'a-production-match-secret-of-32-characters' };
    const pick = (c: ReturnType<typeof loadConfig>) => ({
      GRAPHIQL: c.GRAPHIQL,
      SEED_DEMO: c.SEED_DEMO,
      INTROSPECTION: c.INTROSPECTION,
    });
    expect(pick(loadConfig({}))).toEqual({
      GRAPHIQL: true,
      SEED_DEMO: 'auto',
      INTROSPECTION: 'everyone',
    });
    expect(pick(loadConfig({ NODE_ENV: 'production', ...secret }))).toEqual({
      GRAPHIQL: false,
      SEED_DEMO: 'never',
      INTROSPECTION: 'signed-in',
    });
    expect(
      pick(
        loadConfig({
          NODE_ENV: 'production',
          ...secret,
          GRAPHIQL: 'true',
          SEED_DEMO: 'auto',
          INTROSPECTION: 'everyone',
        }),
      ),
    ).toEqual({ GRAPHIQL: true, SEED_DEMO: 'auto', INTROSPECTION: 'everyone' });
  });

  it('stops `npm start` with the message and exit code 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: serverEnv({ PORT: 'eighty' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toContain('PORT: must be a port number');
  });
});

describe('demo network', () => {
  it('seeds every demo agency and account, and seeding again changes nothing', async () => {
    const first = await seedDemoNetwork(DEMO_PASSWORD);
    const slugs = DEMO_AGENCIES.map((a) => a.slug);
    expect(await prisma.agency.count({ where: { slug: { in: slugs } } })).toBe(
      DEMO_AGENCIES.length,
    );
    const demoUsers = { email: { endsWith: '.demo' } };
    const usersAfterFirst = await prisma.user.count({ where: demoUsers });
    expect(usersAfterFirst).toBe(first.users);

    const second = await seedDemoNetwork(DEMO_PASSWORD);
    expect(second).toEqual({ ...first, reports: 0, operations: 0, forums: 0 });
    // This run or, on a shared PostgreSQL, another test file's run wrote the demo reports.
    expect(
      await prisma.intelReport.count({ where: { authorUser: { email: { endsWith: '.demo' } } } }),
    ).toBeGreaterThan(0);
    expect(await prisma.user.count({ where: demoUsers })).toBe(usersAfterFirst);

    expectType(
      (await signIn('analyst@hk-customs.demo', DEMO_PASSWORD)).data?.signIn,
      'SignInSuccess',
    );
    const admin = await prisma.user.findUniqueOrThrow({ where: { email: NETWORK_ADMIN_EMAIL } });
    expect(admin.roles).toEqual(['NETWORK_ADMIN']);

    // The demo intelligence shows hit/no-hit at work: Guangzhou and Kuala Lumpur each hold a
    // report on the same consignment that the other may not read.
    const matches = await prisma.intelMatch.findMany({
      where: { agency: { slug: { in: ['gz-customs', 'my-customs'] } } },
      select: { agency: { select: { slug: true } }, counterpartAgency: { select: { slug: true } } },
    });
    expect(matches.map((m) => `${m.agency.slug}>${m.counterpartAgency.slug}`)).toEqual(
      expect.arrayContaining(['gz-customs>my-customs', 'my-customs>gz-customs']),
    );
    expect(
      await prisma.intelAccessRequest.count({ where: { requesterAgency: { slug: 'my-customs' } } }),
    ).toBe(1);
  });
});

describe('shutdown', () => {
  it(
    'SIGTERM during writes lets them finish; after a restart no acknowledged write is lost',
    async () => {
      const first = await startServer(serverEnv());
      const token = await signInOver(first.url, NETWORK_ADMIN_EMAIL, DEMO_PASSWORD);
      const tag = unique('term');

      const writes = Array.from({ length: 30 }, (_, i) =>
        call(
          first.url,
          CREATE,
          {
            input: {
              slug: `${tag}-${i}`,
              nameEn: `Shutdown ${tag} ${i}`,
              nameZhHans: '测试',
              nameZhHant: '測試',
              kind: 'OTHER',
              jurisdiction: 'HK',
              regions: ['GREATER_BAY_AREA'],
            },
          },
          token,
        ).then(
          (result) => result.data?.createAgency?.agency?.slug as string | undefined,
          () => undefined,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      first.child.kill('SIGTERM');
      const acknowledged = (await Promise.all(writes)).filter((slug): slug is string => !!slug);
      expect(await first.exited).toBe(0);
      expect(first.output()).toContain('stopped cleanly');
      // The signal came while writes were under way: some were answered before it, or during
      // the grace period.
      expect(acknowledged.length).toBeGreaterThan(0);

      const second = await startServer(serverEnv({ SEED_DEMO: 'never' }));
      try {
        const again = await signInOver(second.url, NETWORK_ADMIN_EMAIL, DEMO_PASSWORD);
        const listed = await call(
          second.url,
          '{ agencies(first: 100, filter: { search: "Shutdown" }) { edges { node { slug } } } }',
          {},
          again,
        );
        const stored = listed.data.agencies.edges.map((e: any) => e.node.slug);
        for (const slug of acknowledged) expect(stored).toContain(slug);
      } finally {
        second.child.kill('SIGTERM');
        expect(await second.exited).toBe(0);
      }
    },
    SERVER_STARTS_TIMEOUT,
  );
});

describe('interrupted and stuck', () => {
  it(
    'an interrupted first start leaves a demo that the next start loads whole',
    async () => {
      const fresh = mkdtempSync(join(tmpdir(), 'ipnet-first-start-'));
      try {
        const env = serverEnv({ DATA_DIR: fresh, SEED_DEMO: 'auto' });
        delete env.DATABASE_URL;
        const first = launch(env);
        await first.waitFor(/seeding the demo network/);
        first.child.kill('SIGINT');
        expect(await first.exited).toBe(0);
        expect(first.output()).toContain('start-up interrupted');
        expect(first.output()).not.toContain('GBA IPNet is listening');

        const second = await startServer(env);
        try {
          expect(second.output()).toMatch(/interrupted while loading the demo network/);
          const token = await signInOver(second.url, 'coordinator@gz-customs.demo', DEMO_PASSWORD);
          const seen = await call(
            second.url,
            '{ intelReports(first: 1) { totalCount } operations(first: 5) { totalCount } forumEvents(first: 5) { totalCount } }',
            {},
            token,
          );
          expect(seen.errors).toBeUndefined();
          expect(seen.data.intelReports.totalCount).toBeGreaterThan(0);
          expect(seen.data.operations.totalCount).toBeGreaterThan(0);
          expect(seen.data.forumEvents.totalCount).toBeGreaterThan(0);
        } finally {
          second.child.kill('SIGTERM');
          expect(await second.exited).toBe(0);
        }
      } finally {
        rmSync(fresh, { recursive: true, force: true });
      }
    },
    SERVER_STARTS_TIMEOUT,
  );

  it('SIGTERM ends the server within its grace period when Redis is unreachable', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'ipnet-no-redis-'));
    try {
      const env = serverEnv({
        DATA_DIR: fresh,
        SEED_DEMO: 'never',
        REDIS_URL: 'redis://127.0.0.1:1',
        SHUTDOWN_GRACE_MS: '2000',
      });
      delete env.DATABASE_URL;
      const server = await startServer(env);
      const asked = Date.now();
      server.child.kill('SIGTERM');
      const code = await server.exited;
      expect(Date.now() - asked).toBeLessThan(2000 + 2000);
      expect(code).toBe(0);
      expect(server.output()).toContain('stopped cleanly');
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
