import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Secret, TOTP } from 'otpauth';
import { afterAll, describe, expect, it } from 'vitest';
import { openSecret } from '../src/sealed-secrets.js';
import { expectMember, present } from './support/api.js';
import { graphql } from './support/graphql.js';
import { type Instance, post, startInstance } from './support/instance.js';

// The operator's tools in src/tools, run as an operator runs them (a process of their own) on an
// embedded data folder of their own: the first administrator of an empty network, and moving a
// database from one MATCH_SECRET to another.

const OLD_SECRET = 'the-secret-this-network-started-with-0001';
const NEW_SECRET = 'the-secret-it-is-rotated-to-after-a-leak-02';
const folders: string[] = [];
const instances: Instance[] = [];

function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ipnet-tools-'));
  folders.push(dir);
  return dir;
}

function tool(name: string, env: Record<string, string>, args: string[] = []) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', `src/tools/${name}.ts`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', ...env },
  });
  return { status: run.status, out: run.stdout + run.stderr };
}

async function start(env: Record<string, string>): Promise<Instance> {
  const instance = await startInstance({ DATABASE_URL: '', ...env });
  instances.push(instance);
  return instance;
}

async function signIn(instance: Instance, email: string, password: string): Promise<string> {
  const result = await post(
    instance,
    graphql(`mutation($e: EmailAddress!, $p: String!) { signIn(email: $e, password: $p) {
      __typename ... on SignInSuccess { session { token } } } }`),
    { e: email, p: password },
  );
  return expectMember(result.data?.signIn, 'SignInSuccess').session.token;
}

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('create-admin', () => {
  it('makes the first network administrator once, and refuses bad input with its reason', async () => {
    const dir = dataFolder();
    const env = { DATA_DIR: dir, MATCH_SECRET: OLD_SECRET, ADMIN_PASSWORD: 'first-admin-password' };
    const args = [
      '--email',
      'Admin@Secretariat.example',
      '--name',
      'Network Admin',
      '--agency-slug',
      'secretariat',
      '--agency-name',
      'Network Secretariat',
    ];

    const bad = tool('create-admin', env, ['--email', 'not-an-address', ...args.slice(2)]);
    expect(bad.status).toBe(1);
    expect(bad.out).toContain('email: is not an e-mail address');
    const short = tool('create-admin', { ...env, ADMIN_PASSWORD: 'short' }, args);
    expect(short.status).toBe(1);
    expect(short.out).toMatch(/password: must be at least \d+ characters long/);

    const made = tool('create-admin', env, args);
    expect(made.out).toContain('Created admin@secretariat.example, network and agency admin');
    expect(made.status).toBe(0);
    const again = tool('create-admin', { ...env, ADMIN_PASSWORD: 'another-password' }, [
      ...args.slice(0, 1),
      'second@secretariat.example',
      ...args.slice(2),
    ]);
    expect(again.status).toBe(1);
    expect(again.out).toContain('already has an administrator');

    // The account signs in through the real session path and holds both roles.
    const instance = await start({ DATA_DIR: dir, MATCH_SECRET: OLD_SECRET });
    const token = await signIn(instance, 'admin@secretariat.example', 'first-admin-password');
    const me = await post(instance, graphql('{ me { roles agency { slug regions } } }'), {}, token);
    expect(me.data?.me).toEqual({
      roles: expect.arrayContaining(['NETWORK_ADMIN', 'AGENCY_ADMIN']),
      agency: { slug: 'secretariat', regions: [] },
    });
    await instance.stop();
    // Only one administrator was made: the refused runs wrote nothing.
    const db = new PGlite(dir);
    const users = await db.query<{ email: string }>('SELECT email FROM "User"');
    await db.close();
    expect(users.rows).toEqual([{ email: 'admin@secretariat.example' }]);
  }, 120_000);
});

describe('rotate-secrets', () => {
  it('re-keys observable matching and sealed secrets, refuses a wrong previous secret, and can run twice', async () => {
    const dir = dataFolder();
    const password = 'demo-password-for-rotation';
    const LOOKUP = graphql(`{ lookupObservable(type: CONTAINER_NUMBER, value: "CSQU 305438-3") {
      reports { title } } }`);

    // A demo network under the old secret, with a webhook registered.
    let instance = await start({
      DATA_DIR: dir,
      MATCH_SECRET: OLD_SECRET,
      SEED_DEMO: 'auto',
      DEMO_PASSWORD: password,
    });
    let token = await signIn(instance, 'agency-admin@hk-customs.demo', password);
    const known = present((await post(instance, LOOKUP, {}, token)).data, 'data').lookupObservable
      .reports;
    expect(known.length).toBeGreaterThan(0);
    const registered = await post(
      instance,
      graphql(`mutation { registerWebhook(input: { url: "http://127.0.0.2:9/hook" }) {
        __typename ... on RegisterWebhookSuccess { registration { secret } } } }`),
      {},
      token,
    );
    const webhookSecret = expectMember(registered.data?.registerWebhook, 'RegisterWebhookSuccess')
      .registration.secret;
    expect(webhookSecret).toMatch(/^whsec_/);

    // An analyst with an authenticator: its shared secret is sealed under the server secret too.
    const analyst = await signIn(instance, 'analyst@hk-customs.demo', password);
    const started = await post(
      instance,
      graphql(`mutation($p: String) { startSecondFactorEnrolment(password: $p) {
        __typename ... on StartSecondFactorEnrolmentSuccess { enrolment { secret } } } }`),
      { p: password },
      analyst,
    );
    const totpSecret = expectMember(
      started.data?.startSecondFactorEnrolment,
      'StartSecondFactorEnrolmentSuccess',
    ).enrolment.secret;
    const codeAt = (steps: number) =>
      TOTP.generate({
        secret: Secret.fromBase32(totpSecret),
        timestamp: Date.now() + steps * 30_000,
      });
    const confirmed = await post(
      instance,
      graphql(`mutation($c: String!) { confirmSecondFactorEnrolment(code: $c) { __typename } }`),
      { c: codeAt(0) },
      analyst,
    );
    expect(confirmed.data?.confirmSecondFactorEnrolment.__typename).toBe(
      'ConfirmSecondFactorEnrolmentSuccess',
    );
    await instance.stop();

    // A wrong previous secret is refused before anything is written.
    const rotate = (previous: string) =>
      tool('rotate-secrets', {
        DATA_DIR: dir,
        MATCH_SECRET: NEW_SECRET,
        PREVIOUS_MATCH_SECRET: previous,
      });
    const wrong = rotate('not-the-secret-this-network-started-with');
    expect(wrong.status).toBe(1);
    expect(wrong.out).toContain('nothing was changed');

    const rotated = rotate(OLD_SECRET);
    expect(rotated.status, rotated.out).toBe(0);
    const observables = Number(/Observables re-hashed: (\d+)/.exec(rotated.out)?.[1]);
    expect(observables).toBeGreaterThan(0);
    expect(rotated.out).toContain(
      'Sealed secrets (webhooks, authenticators, identity providers) re-sealed: 2 (already: 0)',
    );
    const twice = rotate(OLD_SECRET);
    expect(twice.status, twice.out).toBe(0);
    expect(twice.out).toContain(
      `Observables re-hashed: 0 (already under the new secret: ${observables})`,
    );

    // The stored webhook secret opens under the new key only, and is the one shown at registration.
    const db = new PGlite(dir);
    const stored = await db.query<{ secret: string }>('SELECT secret FROM "WebhookEndpoint"');
    await db.close();
    const sealed = stored.rows[0]?.secret as string;
    expect(openSecret(sealed, 'webhook-secrets', NEW_SECRET)).toBe(webhookSecret);
    expect(() => openSecret(sealed, 'webhook-secrets', OLD_SECRET)).toThrow();

    // Under the new secret, the same value finds the same reports.
    instance = await start({ DATA_DIR: dir, MATCH_SECRET: NEW_SECRET });
    token = await signIn(instance, 'agency-admin@hk-customs.demo', password);
    expect((await post(instance, LOOKUP, {}, token)).data?.lookupObservable.reports).toEqual(known);

    // The authenticator still works: its secret opens under the new server secret.
    const step = await post(
      instance,
      graphql(`mutation($e: EmailAddress!, $p: String!) { signIn(email: $e, password: $p) {
        __typename ... on SecondFactorRequiredError { challenge } } }`),
      { e: 'analyst@hk-customs.demo', p: password },
    );
    const { challenge } = expectMember(step.data?.signIn, 'SecondFactorRequiredError');
    const completed = await post(
      instance,
      graphql(`mutation($ch: String!, $c: String!) { completeSignIn(challenge: $ch, code: $c) {
        __typename } }`),
      { ch: challenge, c: codeAt(1) },
    );
    expect(completed.data?.completeSignIn.__typename).toBe('CompleteSignInSuccess');
  }, 180_000);
});
