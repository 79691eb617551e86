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

function startServer(env: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*"msg":"GBA IPNet is listening"/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1], output: () => output, exited });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
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
    `mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) {
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
  it('SIGTERM during writes lets them finish; after a restart no acknowledged write is lost', async () => {
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
  });
});
