import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Instance, post, startInstance } from './support/instance.js';

// The production start: `npm run build` compiles the server to dist/, and `node dist/main.js`
// runs it as plain JavaScript (no TypeScript loader), migrations and demo included.

describe('the compiled server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ipnet-production-'));
  let instance: Instance | undefined;

  afterAll(async () => {
    await instance?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('builds with npm run build and serves the first session from dist/main.js', async () => {
    const build = spawnSync('npm', ['run', '-s', 'build'], { encoding: 'utf8' });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    expect(existsSync('dist/main.js')).toBe(true);

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
      `mutation($e: EmailAddress!, $p: String!) { signIn(email: $e, password: $p) {
        ... on SignInSuccess { session { token } } } }`,
      { e: 'analyst@hk-customs.demo', p: env.DEMO_PASSWORD },
    );
    const token = signedIn.data.signIn.session.token;
    const me = await post(instance, '{ me { email agency { slug } } }', {}, token);
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
    expect((await post(instance, '{ __typename }')).data).toEqual({ __typename: 'Query' });
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
