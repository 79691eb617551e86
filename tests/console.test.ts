import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  haveChromium,
  launchChromium,
  widerThanScreen,
} from './support/console-browser.js';
import { type FakeProvider, startFakeProvider } from './support/fake-oidc.js';
import { eventInput, happeningToday } from './support/forums.js';
import { graphql } from './support/graphql.js';
import { type Instance, post, startInstance } from './support/instance.js';

// The web console as the people at the desk use it, in a real headless Chromium (Debian's) on a
// server started as `npm start` starts it, with the demo network: signing in through the form,
// the live alert feed (a broadcast arrives while the page is open, and once only after a reload),
// reading an alert, another language; each page is checked with axe-core for serious
// accessibility problems and photographed into test-results/.

const PASSWORD = 'ipnet-demo-2026';

const dataDir = mkdtempSync(join(tmpdir(), 'ipnet-console-'));
let server: Instance | undefined;
let base = '';
let browser: Browser;
let adminToken = '';
/** Single sign-on comes back to the address the instance listens on, from a provider here. */
const SSO_ENV = { PUBLIC_URL: '', SSO_ALLOWED_HOSTS: '127.0.0.1' };
let provider: FakeProvider | undefined;

const SIGN_IN = graphql(`
  mutation ($email: EmailAddress!, $password: String!) {
    signIn(email: $email, password: $password) { __typename ... on SignInSuccess { session { token } } }
  }
`);
const CREATE_EVENT = graphql(`
  mutation ($input: ForumEventInput!) { createForumEvent(input: $input) {
    __typename ... on CreateForumEventSuccess { event { id } } } }
`);
const PUBLISH_EVENT = graphql(`
  mutation ($id: ID!) { publishForumEvent(id: $id) { __typename } }
`);
const REGISTER = graphql(`
  mutation ($input: RegistrationInput!) { registerForEvent(input: $input) {
    __typename ... on RegisterForEventSuccess { registration { id name status } } } }
`);
const MY_REGISTRATION = graphql(`
  query ($id: ID!) { node(id: $id) { __typename ... on ForumRegistration { checkInCode checkedInAt } } }
`);
const EVENT_REGISTRATIONS = graphql(`
  query ($id: ID!) { node(id: $id) { __typename ... on ForumEvent {
    registrations(first: 50) { edges { node { name } } } } } }
`);
const CREATE_PROVIDER = graphql(`
  mutation ($input: IdentityProviderInput!) { createIdentityProvider(input: $input) {
    __typename ... on CreateIdentityProviderSuccess { identityProvider { id } } } }
`);
const PREPARE_LINK = graphql(`
  mutation ($p: ID!, $u: ID!, $s: String!) { linkUserIdentity(providerId: $p, userId: $u, subject: $s) {
    __typename } }
`);
const MY_LINKS = graphql(`
  query { me { id displayName agency { name } identityLinks { provider confirmed }
    securityLog(first: 20) { edges { node { kind provider actor { displayName } } } } } }
`);
const MEMBER_LINKS = graphql(`
  query ($id: ID!) { node(id: $id) { __typename ... on User { identityLinks { provider confirmed } } } }
`);
const SIGN_OUT = graphql('mutation { signOut }');
const BROADCAST = graphql(`
  mutation ($title: String!) { broadcastAlert(input: { title: $title, severity: URGENT }) { __typename } }
`);

beforeAll(async () => {
  if (!haveChromium) return;
  server = await startInstance({
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    SEED_DEMO: 'auto',
    DEMO_PASSWORD: '',
    ...SSO_ENV,
  });
  base = server.base;
  const signedIn = await post(server, SIGN_IN, { email: 'admin@network.demo', password: PASSWORD });
  const answer = signedIn.data?.signIn;
  adminToken = answer?.__typename === 'SignInSuccess' ? answer.session.token : '';
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await provider?.close();
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function broadcast(title: string): Promise<void> {
  if (!server) throw new Error('no server');
  const result = await post(server, BROADCAST, { title }, adminToken);
  expect(result.data?.broadcastAlert.__typename).toBe('BroadcastAlertSuccess');
}

async function tokenOf(email: string): Promise<string> {
  if (!server) throw new Error('no server');
  const answer = (await post(server, SIGN_IN, { email, password: PASSWORD })).data?.signIn;
  return answer?.__typename === 'SignInSuccess' ? answer.session.token : '';
}

/**
 * The page `from` shows, opened again with the same session at desktop and phone width, in English
 * and in Traditional Chinese: checked with axe, photographed, and never wider than the screen.
 */
async function photograph(
  from: Page,
  name: string,
  ready: (page: Page) => Promise<unknown>,
): Promise<void> {
  const storageState = await from.context().storageState();
  const sizes = [
    ['', { width: 1280, height: 900 }],
    ['-phone', { width: 390, height: 844 }],
  ] as const;
  for (const [suffix, viewport] of sizes) {
    for (const language of ['en', 'zh-Hant'] as const) {
      const page = await browser.newPage({ viewport, storageState });
      await page.goto(from.url());
      await page.locator('.lang select').selectOption(language);
      await ready(page);
      expect(
        await widerThanScreen(page),
        `${name}${suffix} ${language} is wider than the screen`,
      ).toBeLessThanOrEqual(0);
      await expectAccessible(page, `${name}${language === 'en' ? '' : '-zh-hant'}${suffix}`);
      await page.close();
    }
  }
}

/** What the single sign-on journeys share: the providers of the demo's HK IPD and its analyst. */
const sso = {
  staffId: '',
  longId: '',
  longName: '',
  agencyName: '',
  analyst: 'analyst@hk-ipd.demo',
};

const feedTitles = (page: Page) => page.locator('.feed .alert .title').allInnerTexts();

describe.runIf(haveChromium)('the web console', () => {
  it('signs in, receives a broadcast live and once only after a reload, and marks it read', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${base}/console/`);
    await expect.poll(() => page.locator('form.sign-in').count(), { timeout: 20_000 }).toBe(1);
    await expectAccessible(page, 'sign-in');

    await page.getByLabel('E-mail').fill('analyst@hk-customs.demo');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not right');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('h1#alerts-title').count(), { timeout: 15_000 }).toBe(1);
    await expect
      .poll(() => page.locator('.status').textContent(), { timeout: 15_000 })
      .toBe('Live');
    await expect.poll(() => page.title()).toBe('Alerts · GBA IPNet');
    // The session is the HttpOnly cookie: the page's scripts cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('ipnet_session');
    const unreadBefore = Number((await page.getByTestId('unread').textContent())?.split(' ')[0]);

    const first = `Seizure notice ${Date.now()}`;
    await broadcast(first);
    await expect.poll(() => feedTitles(page), { timeout: 15_000 }).toContain(first);
    expect((await feedTitles(page))[0]).toBe(first);
    await expect
      .poll(async () => Number((await page.getByTestId('unread').textContent())?.split(' ')[0]))
      .toBe(unreadBefore + 1);
    await expect(page.locator(`.alert.urgent .label`).first().textContent()).resolves.toBe(
      'Urgent',
    );
    await expectAccessible(page, 'alerts');

    await page.reload();
    await expect
      .poll(() => page.locator('.status').textContent(), { timeout: 15_000 })
      .toBe('Live');
    const second = `Second notice ${Date.now()}`;
    await broadcast(second);
    await expect.poll(() => feedTitles(page), { timeout: 15_000 }).toContain(second);
    const titles = await feedTitles(page);
    expect(titles.filter((t) => t === first)).toHaveLength(1);
    expect(titles.filter((t) => t === second)).toHaveLength(1);

    const unread = async () =>
      Number((await page.getByTestId('unread').textContent())?.split(' ')[0]);
    const before = await unread();
    await page.locator('.feed .alert', { hasText: second }).getByRole('button').click();
    await expect.poll(unread).toBe(before - 1);
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await expect.poll(unread).toBe(0);

    // The severity filter saved as a rule, which then selects the feed.
    await page.getByLabel('Severity').selectOption('URGENT');
    await page.getByLabel('Rule name').fill(`Urgent only ${Date.now()}`);
    await page.getByRole('button', { name: 'Save these filters as a rule' }).click();
    const savedRule = page.getByLabel('Saved rules');
    await expect
      .poll(async () => (await savedRule.locator('option:checked').textContent()) ?? '')
      .toMatch(/^Urgent only/);
    await expect
      .poll(async () =>
        (await page.locator('.feed .alert .label').allTextContents()).every((l) => l === 'Urgent'),
      )
      .toBe(true);
    await page.getByLabel('Language').selectOption('zh-Hant');
    await expect.poll(() => page.locator('h1#alerts-title').textContent()).toBe('警報');
    await expectAccessible(page, 'alerts-zh-hant');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('draws the annual indicators with the demo’s figures, compares years and exports CSV', async () => {
    const page = await browser.newPage({
      viewport: { width: 1400, height: 1000 },
      acceptDownloads: true,
    });
    await page.goto(`${base}/console/#indicators`);
    await page.getByLabel('E-mail').fill('analyst@gz-customs.demo');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.locator('h1#indicators-title').count(), { timeout: 15_000 })
      .toBe(1);
    const byMarking = page.locator('article.figure', { hasText: 'Reports shared, by marking' });
    await expect
      .poll(() => byMarking.locator('canvas').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    // The figures behind the chart, as the API gives them to this analyst.
    const green = await byMarking
      .locator('tr', { hasText: 'TLP:GREEN' })
      .locator('td')
      .first()
      .textContent();
    expect(Number(green?.replace(/\D/g, ''))).toBeGreaterThan(0);
    const total = await page
      .locator('article.figure', { hasText: 'Reports shared' })
      .first()
      .locator('.big')
      .textContent();
    expect(Number(total?.split(' ')[0]?.replace(/\D/g, ''))).toBeGreaterThan(0);
    await expectAccessible(page, 'indicators');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export the figures (CSV)' }).click();
    const file = await (await download).path();
    const csv = readFileSync(file, 'utf8');
    const year = String(new Date().getFullYear());
    expect(csv.split('\n')[0]).toContain(`Item,${year},${Number(year) - 1}`);
    expect(csv).toMatch(/Reports shared, by marking",TLP:GREEN,\d+/);
  }, 120_000);

  it('searches intelligence and opens a report; opens a RED report only with a purpose', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const signIn = async (email: string) => {
      await page.goto(`${base}/console/#intelligence`);
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('h1#intel-title').count(), { timeout: 15_000 }).toBe(1);
    };
    await signIn('analyst@gz-customs.demo');
    await page.getByLabel('Words').fill('counterfeit');
    await page.getByRole('button', { name: 'Search' }).click();
    const results = page.locator('ol.reports li');
    await expect.poll(() => results.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // Each result shows its marking in the TLP 2.0 colours, with its name.
    expect(await results.first().locator('.tlp').textContent()).toMatch(/^TLP:/);
    await expectAccessible(page, 'intelligence');
    // The demo's access request from Kuala Lumpur, for a report of this agency, decided here.
    const incoming = page.locator('.incoming li', {
      hasText: 'Royal Malaysian Customs Department',
    });
    await expect.poll(() => incoming.count(), { timeout: 15_000 }).toBe(1);
    await incoming.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => incoming.count(), { timeout: 15_000 }).toBe(0);
    const title = await results.first().locator('a').textContent();
    await results.first().locator('a').click();
    await expect
      .poll(() => page.locator('h1#report-title').textContent(), { timeout: 15_000 })
      .toBe(title);
    await expect.poll(() => page.locator('article.report li').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'report');
    // Its STIX bundle is saved under the report's title, not as a file named "true".
    const bundle = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the STIX 2.1 bundle' }).click();
    expect((await bundle).suggestedFilename()).toBe(
      `${String(title)
        .trim()
        .replace(/[\\/:*?"<>|]+/g, ' ')
        .trim()
        .replace(/\s+/g, '-')}.stix.json`,
    );

    // The named recipient of the demo's TLP:RED report.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('analyst@mo-customs.demo');
    const notices = page.locator('.red-notices');
    await expect.poll(() => notices.count(), { timeout: 15_000 }).toBe(1);
    await notices.getByRole('link', { name: 'Open with a stated purpose' }).first().click();
    await page.getByLabel(/Purpose/).fill('short');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 })
      .toMatch(/purpose/);
    await page.getByRole('button', { name: 'Open with a stated purpose' }).click();
    await page.getByLabel(/Purpose/).fill('Preparing the joint inspection of the named warehouse');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect
      .poll(() => page.locator('h1#report-title').textContent(), { timeout: 15_000 })
      .toContain('Informant');
    expect(await page.locator('.report .note').textContent()).toContain('not exported');
    await expectAccessible(page, 'report-red');
    // The server recorded the opening: the notice now says so.
    await page.getByRole('link', { name: 'Back to the search' }).click();
    await expect.poll(() => notices.textContent(), { timeout: 15_000 }).toContain('opened before');
  }, 120_000);

  it('approves a registration at the desk and checks the registrant in by code', async () => {
    if (!server) throw new Error('no server');
    const instance = server;
    const tokenOf = async (email: string) => {
      const answer = (await post(instance, SIGN_IN, { email, password: PASSWORD })).data?.signIn;
      return answer?.__typename === 'SignInSuccess' ? answer.session.token : '';
    };
    const organizer = await tokenOf('organizer@gz-amr.demo');
    // An event that starts within the hour, today in its own time zone (check-in is open), and
    // asks for approval.
    const created = await post(
      instance,
      CREATE_EVENT,
      {
        input: eventInput({
          nameEn: `Desk drill ${Date.now()}`,
          ...happeningToday(),
          requiresApproval: true,
          capacity: 10,
        }),
      },
      organizer,
    );
    const createdEvent = created.data?.createForumEvent;
    const eventId =
      createdEvent?.__typename === 'CreateForumEventSuccess' ? createdEvent.event.id : '';
    expect(eventId).not.toBe('');
    await post(instance, PUBLISH_EVENT, { id: eventId }, organizer);
    const registrant = await tokenOf('viewer@hk-customs.demo');
    const registeredAnswer = (
      await post(
        instance,
        REGISTER,
        { input: { eventId, type: 'DELEGATE', idempotencyKey: `desk-${Date.now()}` } },
        registrant,
      )
    ).data?.registerForEvent;
    expect(registeredAnswer?.__typename).toBe('RegisterForEventSuccess');
    const registration =
      registeredAnswer?.__typename === 'RegisterForEventSuccess'
        ? registeredAnswer.registration
        : null;
    expect(registration?.status).toBe('PENDING_APPROVAL');

    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${base}/console/#desk`);
    await page.getByLabel('E-mail').fill('organizer@gz-amr.demo');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const waiting = page.locator(`.approvals li[data-registration="${registration?.name}"]`);
    await expect.poll(() => waiting.count(), { timeout: 15_000 }).toBe(1);
    await expectAccessible(page, 'desk');
    await waiting.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => waiting.count(), { timeout: 15_000 }).toBe(0);
    const seats = page.locator('article.figure', { hasText: 'Desk drill' });
    await expect.poll(() => seats.textContent()).toContain('1 of 10 seats taken');

    const code = (await post(instance, MY_REGISTRATION, { id: registration?.id ?? '' }, registrant))
      .data?.node;
    const checkInCode = code?.__typename === 'ForumRegistration' ? code.checkInCode : null;
    expect(checkInCode).toBeTruthy();
    await page.getByLabel('Check-in code').fill('NOT-A-CODE');
    await page.getByRole('button', { name: 'Check in', exact: true }).click();
    await expect.poll(() => page.locator('[role="status"]').textContent()).not.toBe('');
    expect(await page.locator('[role="status"]').getAttribute('class')).toBe('problem');
    await page.getByLabel('Check-in code').fill(checkInCode ?? '');
    await page.getByRole('button', { name: 'Check in', exact: true }).click();
    await expect
      .poll(() => page.locator('[role="status"]').textContent(), { timeout: 15_000 })
      .toBe(`${registration?.name} is checked in.`);
    const after = (
      await post(instance, MY_REGISTRATION, { id: registration?.id ?? '' }, registrant)
    ).data?.node;
    expect(after?.__typename === 'ForumRegistration' ? after.checkedInAt : null).toBeTruthy();

    // Inviting a speaker from the event's card.
    await seats.getByText('Invite a guest').click();
    await seats.getByLabel('Name').fill('Ana Ferreira');
    await seats.getByLabel('E-mail').fill(`ana.${Date.now()}@example.org`);
    await seats.getByLabel('Organisation').fill('Direção dos Serviços de Economia');
    await seats.getByLabel('Country code').fill('MO');
    await seats.getByRole('button', { name: 'Invite', exact: true }).click();
    await expect
      .poll(() => seats.locator('[role="status"]').textContent(), { timeout: 15_000 })
      .toContain('Ana Ferreira is invited');
    const invited = (await post(instance, EVENT_REGISTRATIONS, { id: eventId }, organizer)).data
      ?.node;
    const names =
      invited?.__typename === 'ForumEvent'
        ? invited.registrations.edges.map((e) => e.node.name)
        : [];
    expect(names).toContain('Ana Ferreira');
  }, 120_000);

  it('shows an agency’s operations by phase, with the after-action report once evaluated', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${base}/console/#operations`);
    await page.getByLabel('E-mail').fill('coordinator@gz-customs.demo');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const phases = page.locator('article.figure[data-phase]');
    await expect.poll(() => phases.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // The demo's THUNDER BAY 2026, led by this agency, is closed: its report is a link away.
    const closed = page.locator('article.figure[data-phase="CLOSED"]');
    await expect.poll(() => closed.textContent()).toContain('THUNDER BAY 2026');
    const link = closed.getByRole('link', { name: 'After-action report' }).first();
    const report = await page.request.get(`${base}${(await link.getAttribute('href')) ?? ''}`);
    expect(report.status()).toBe(200);
    expect(await report.text()).toContain('THUNDER BAY 2026');
    await expectAccessible(page, 'operations');
  }, 120_000);

  it('shows that it is reconnecting when the server goes away, and resumes without a gap', async () => {
    if (!server) throw new Error('no server');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/console/`);
    await page.getByLabel('E-mail').fill('analyst@hk-customs.demo');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.locator('.status').textContent(), { timeout: 15_000 })
      .toBe('Live');
    // The same server restarted on the same address and data, as an operator's restart does.
    const port = new URL(base).port;
    await server.stop();
    await expect
      .poll(() => page.locator('.status').textContent(), { timeout: 15_000 })
      .toBe('Reconnecting…');
    server = await startInstance({
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      PORT: port,
      DEMO_PASSWORD: '',
      ...SSO_ENV,
    });
    const signedIn = await post(server, SIGN_IN, {
      email: 'admin@network.demo',
      password: PASSWORD,
    });
    const answer = signedIn.data?.signIn;
    adminToken = answer?.__typename === 'SignInSuccess' ? answer.session.token : '';
    const missed = `While away ${Date.now()}`;
    // Sent while the console comes back: by the resumed subscription's replay or live, it
    // shows once.
    await broadcast(missed);
    await expect
      .poll(() => page.locator('.status').textContent(), { timeout: 30_000 })
      .toBe('Live');
    await expect.poll(() => feedTitles(page), { timeout: 15_000 }).toContain(missed);
    const after = `After the restart ${Date.now()}`;
    await broadcast(after);
    await expect.poll(() => feedTitles(page), { timeout: 15_000 }).toContain(after);
    const titles = await feedTitles(page);
    for (const title of [missed, after]) expect(titles.filter((t) => t === title)).toHaveLength(1);
  }, 120_000);

  it('signs in with a second factor, shows the recovery codes once, and sends a reset link', async () => {
    if (!server) throw new Error('no server');
    const email = 'viewer@sz-customs.demo';
    // The agency requires a second factor; the viewer has none yet and enrols as they sign in.
    const agencyAdmin = await post(server, SIGN_IN, {
      email: 'agency-admin@sz-customs.demo',
      password: PASSWORD,
    });
    const adminOfAgency =
      agencyAdmin.data?.signIn.__typename === 'SignInSuccess'
        ? agencyAdmin.data.signIn.session.token
        : '';
    const agency = await post(server, graphql('query { me { agency { id } } }'), {}, adminOfAgency);
    const required = await post(
      server,
      graphql(`mutation ($id: ID!) { setAgencySecondFactorRequirement(agencyId: $id, required: true) {
        __typename } }`),
      { id: agency.data?.me?.agency.id ?? '' },
      adminOfAgency,
    );
    expect(required.data?.setAgencySecondFactorRequirement.__typename).toBe(
      'SetAgencySecondFactorRequirementSuccess',
    );

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/console/`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const key = page.locator('form.sign-in code');
    await expect.poll(() => key.count(), { timeout: 15_000 }).toBe(1);
    await expectAccessible(page, 'second-factor-enrolment');
    const secret = (await key.textContent()) ?? '';
    const codeAt = (steps: number) =>
      TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + steps * 30_000 });
    const codeField = page.getByLabel('Code from your authenticator app, or a recovery code');
    await codeField.fill('000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not valid');
    await codeField.fill(codeAt(0));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.locator('.recovery-codes li').count(), { timeout: 15_000 })
      .toBe(10);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.locator('h1#alerts-title').count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('button', { name: 'Sign out' }).click();

    // The next sign-in asks for a code from the authenticator.
    await expect.poll(() => page.locator('form.sign-in').count(), { timeout: 15_000 }).toBe(1);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await codeField.fill(codeAt(1));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('h1#alerts-title').count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('button', { name: 'Sign out' }).click();

    // A forgotten password: the same notice whether or not the address has an account.
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByLabel('E-mail').fill('nobody@sz-customs.demo');
    await page.getByRole('button', { name: 'Send a reset link' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain('If the address belongs to an account');
    await expectAccessible(page, 'forgot-password');
    await page.close();
  });

  it('lets a person set up, renew and turn off their own second factor', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/console/`);
    await page.getByLabel('E-mail').fill('coordinator@gz-amr.demo');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('h1#alerts-title').count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('link', { name: 'Account' }).click();
    const status = page.locator('#account-title ~ p[role=status]');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('password only');

    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const key = page.locator('.sign-in form code');
    await expect.poll(() => key.count(), { timeout: 15_000 }).toBe(1);
    const secret = (await key.textContent()) ?? '';
    const codeAt = (steps: number) =>
      TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + steps * 30_000 });
    await page.getByLabel('Code from your authenticator app, or a recovery code').fill(codeAt(0));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .poll(() => page.locator('.recovery-codes li').count(), { timeout: 15_000 })
      .toBe(10);
    await expect.poll(() => status.textContent()).toContain('Recovery codes left: 10');
    await expectAccessible(page, 'account');

    await page.getByLabel('Code from your authenticator app, or a recovery code').fill(codeAt(1));
    await page.getByRole('button', { name: 'New recovery codes' }).click();
    await expect.poll(() => page.locator('.recovery-codes li').count()).toBe(10);

    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Turn the second factor off' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('current password');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Turn the second factor off' }).click();
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('password only');
    await page.close();
  });

  it('confirms a first single sign-on with the account’s password, once, and signs in', async () => {
    if (!server) throw new Error('no server');
    const instance = server;
    // The agency's directory says this person is the demo's analyst of the HK IPD, whose account
    // is not linked to it yet: the owner confirms once.
    provider = await startFakeProvider({
      claims: { sub: 'ipd-analyst', email: sso.analyst, email_verified: true },
    });
    const issuer = provider.issuer;
    const admin = await tokenOf('agency-admin@hk-ipd.demo');
    const create = async (name: string) => {
      const answer = (
        await post(instance, CREATE_PROVIDER, { input: { name, issuer, clientId: 'ipnet' } }, admin)
      ).data?.createIdentityProvider;
      expect(answer?.__typename).toBe('CreateIdentityProviderSuccess');
      return answer?.__typename === 'CreateIdentityProviderSuccess'
        ? answer.identityProvider.id
        : '';
    };
    sso.staffId = await create('IPD Staff Login');
    // A name of 100 characters without a space.
    sso.longName = 'IPDStaffDirectoryGateway'.repeat(5).slice(0, 100);
    sso.longId = await create(sso.longName);
    sso.agencyName = (await post(instance, MY_LINKS, {}, admin)).data?.me?.agency.name ?? '';
    expect(sso.agencyName).not.toBe('');

    // Each provider's button names the agency that runs it, on a line of its own.
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${base}/console/`);
    const staff = page.locator('a.provider', { hasText: 'Sign in with IPD Staff Login' });
    await expect.poll(() => staff.count(), { timeout: 15_000 }).toBe(1);
    expect(await staff.locator('.provider-agency').textContent()).toBe(`Run by ${sso.agencyName}`);
    const long = page.locator('a.provider', { hasText: sso.longName });
    expect(await long.locator('.provider-name').textContent()).toBe(`Sign in with ${sso.longName}`);
    await expectAccessible(page, 'sign-in-providers');
    // On a phone, the long name wraps inside the card.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${base}/console/`);
    const longOnPhone = phone.locator('a.provider', { hasText: sso.longName });
    await expect.poll(() => longOnPhone.count(), { timeout: 15_000 }).toBe(1);
    const card = await phone.locator('form.sign-in').boundingBox();
    const button = await longOnPhone.boundingBox();
    expect(card && button).toBeTruthy();
    if (card && button) {
      expect(button.x).toBeGreaterThanOrEqual(card.x);
      expect(button.x + button.width).toBeLessThanOrEqual(card.x + card.width);
      expect(card.x + card.width).toBeLessThanOrEqual(390);
    }
    await expectAccessible(phone, 'sign-in-providers-phone');
    await phone.close();

    // Through the provider and back: the console asks the owner to confirm.
    await staff.click();
    await expect.poll(() => page.url(), { timeout: 15_000 }).toContain('#link-account/');
    const claim = page.locator('.link-account .claim');
    await expect.poll(() => claim.count(), { timeout: 15_000 }).toBe(1);
    expect(await claim.textContent()).toBe(
      `IPD Staff Login (${sso.agencyName}) says you are ${sso.analyst}. To let it sign you in from now on, confirm once that this IPNet account is yours.`,
    );
    expect(await page.locator('.link-account .note').textContent()).toContain(
      'If this is not you, close this page; nothing is linked.',
    );
    // No second factor on this account: the password only.
    expect(await page.getByLabel('Code from your authenticator app').count()).toBe(0);
    await expectAccessible(page, 'link-account');
    await photograph(page, 'link-account', (shown) =>
      expect.poll(() => shown.locator('.link-account .claim').count(), { timeout: 15_000 }).toBe(1),
    );

    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 })
      .toBe('That password is not right. Attempts are limited.');
    await expectAccessible(page, 'link-account-wrong');
    const link = page.url();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await expect.poll(() => page.locator('h1#alerts-title').count(), { timeout: 15_000 }).toBe(1);
    expect(new URL(page.url()).hash).toBe('#alerts');
    expect(await page.locator('.top .who').textContent()).toContain(sso.agencyName);

    // Linked, and in the owner's security log.
    const mine = (await post(instance, MY_LINKS, {}, await tokenOf(sso.analyst))).data?.me;
    expect(mine?.identityLinks).toEqual([
      { provider: `IPD Staff Login (${sso.agencyName})`, confirmed: true },
    ]);
    const kinds = mine?.securityLog.edges.map((edge) => edge.node.kind) ?? [];
    expect(kinds).toContain('IDENTITY_LINKED');
    expect(kinds).toContain('FIRST_SINGLE_SIGN_ON');

    // The confirmation works once: the same link now says it has expired.
    const again = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await again.goto(link);
    await expect
      .poll(() => again.getByRole('alert').textContent(), { timeout: 15_000 })
      .toContain('has expired or was already used');
    await again.getByRole('link', { name: 'Go to the sign-in page' }).click();
    await expect.poll(() => again.locator('form.sign-in h1').textContent()).toBe('Sign in');
    await again.goto(link);
    await expect.poll(() => again.getByRole('alert').count(), { timeout: 15_000 }).toBe(1);
    await expectAccessible(again, 'link-account-expired');
    await again.close();
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 180_000);

  it('shows the account’s providers and security log, enrols after the password, confirms a prepared link by code and unlinks', async () => {
    if (!server || !provider || !sso.longId)
      throw new Error('the single sign-on journey ran first');
    const instance = server;
    const fake = provider;
    // The agency admin prepares a link to a subject of the long-named provider.
    const admin = await tokenOf('agency-admin@hk-ipd.demo');
    const adminName = (await post(instance, MY_LINKS, {}, admin)).data?.me?.displayName ?? '';
    const analystId = (await post(instance, MY_LINKS, {}, await tokenOf(sso.analyst))).data?.me?.id;
    const prepared = await post(
      instance,
      PREPARE_LINK,
      { p: sso.longId, u: analystId ?? '', s: 'ipd-analyst-directory' },
      admin,
    );
    expect(prepared.data?.linkUserIdentity.__typename).toBe('LinkUserIdentitySuccess');

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${base}/console/#account`);
    await page.getByLabel('E-mail').fill(sso.analyst);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const links = page.locator('.identity-links li');
    await expect.poll(() => links.count(), { timeout: 15_000 }).toBe(2);
    const staff = links.filter({ hasText: 'IPD Staff Login' });
    expect(await staff.textContent()).toContain('Linked on');
    expect(await staff.textContent()).toContain('last single sign-on');
    const waiting = links.filter({ hasText: sso.longName });
    expect(await waiting.locator('.waiting').textContent()).toBe(
      'Waiting for your confirmation at your next single sign-on',
    );
    const log = page.locator('.security-log li');
    const entry = (kind: string) => log.and(page.locator(`[data-kind="${kind}"]`)).first();
    expect(await entry('IDENTITY_LINK_PREPARED').locator('.what').textContent()).toBe(
      'An administrator prepared a link to a sign-in provider',
    );
    expect(await entry('IDENTITY_LINK_PREPARED').textContent()).toContain(`By ${adminName}`);
    expect(await entry('IDENTITY_LINK_PREPARED').textContent()).toContain(
      `Provider: ${sso.longName} (${sso.agencyName})`,
    );
    expect(await entry('IDENTITY_LINKED').locator('.what').textContent()).toBe(
      'Linked to a sign-in provider',
    );
    expect(await entry('IDENTITY_LINKED').textContent()).toContain('By you');
    expect(await entry('IDENTITY_LINKED').locator('time').getAttribute('datetime')).toMatch(
      /^\d{4}-\d\d-\d\dT/,
    );

    // Setting up an authenticator asks for the password first.
    await page.getByLabel('Current password').fill('not the password');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 })
      .toBe('That is not your current password.');
    expect(await page.locator('.sign-in form code').count()).toBe(0);
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const key = page.locator('.sign-in form code');
    await expect.poll(() => key.count(), { timeout: 15_000 }).toBe(1);
    const secret = (await key.textContent()) ?? '';
    const codeAt = (steps: number) =>
      TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + steps * 30_000 });
    await page.getByLabel('Code from your authenticator app, or a recovery code').fill(codeAt(0));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .poll(() => page.locator('.recovery-codes li').count(), { timeout: 15_000 })
      .toBe(10);
    await expect
      .poll(() => log.and(page.locator('[data-kind="SECOND_FACTOR_ENABLED"]')).count())
      .toBe(1);
    await expectAccessible(page, 'account-security');
    await photograph(page, 'account-security', (shown) =>
      expect
        .poll(() => shown.locator('.security-log li').count(), { timeout: 15_000 })
        .toBeGreaterThan(3),
    );

    // The prepared link, at its first single sign-on: this account has a password and a second
    // factor, and confirms with a code.
    await page.getByRole('button', { name: 'Sign out' }).click();
    fake.options.claims = {
      sub: 'ipd-analyst-directory',
      email: sso.analyst,
      email_verified: true,
    };
    await page.locator('a.provider', { hasText: sso.longName }).click();
    await expect
      .poll(() => page.locator('.link-account .claim').count(), { timeout: 15_000 })
      .toBe(1);
    expect(await page.getByLabel('Password').count()).toBe(1);
    await page.getByRole('button', { name: 'Use a code from your authenticator instead' }).click();
    expect(await page.getByLabel('Password').count()).toBe(0);
    const code = page.getByLabel('Code from your authenticator app, or a recovery code');
    await code.fill('000000');
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 })
      .toContain('Attempts are limited');
    await expectAccessible(page, 'link-account-code');
    await code.fill(codeAt(1));
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await expect.poll(() => page.locator('h1#alerts-title').count(), { timeout: 15_000 }).toBe(1);

    // Both links confirmed; the long-named one is unlinked after a question.
    await page.getByRole('link', { name: 'Account' }).click();
    await expect.poll(() => links.count(), { timeout: 15_000 }).toBe(2);
    expect(await page.locator('.identity-links .waiting').count()).toBe(0);
    await waiting.getByRole('button', { name: 'Unlink' }).click();
    expect(await waiting.locator('.confirm-unlink p').textContent()).toBe(
      `Unlink ${sso.longName} (${sso.agencyName})? It will no longer sign you in.`,
    );
    await page.getByRole('button', { name: 'Keep' }).click();
    expect(await links.count()).toBe(2);
    await waiting.getByRole('button', { name: 'Unlink' }).click();
    await expectAccessible(page, 'account-unlink');
    // The question names the long provider in full, and wraps it on a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await widerThanScreen(page)).toBeLessThanOrEqual(0);
    const question = await waiting.locator('.confirm-unlink').boundingBox();
    const section = await page.locator('.account-section', { has: waiting }).boundingBox();
    expect(question && section).toBeTruthy();
    if (question && section) {
      expect(question.x + question.width).toBeLessThanOrEqual(section.x + section.width);
    }
    await expectAccessible(page, 'account-unlink-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    await waiting.locator('.confirm-unlink').getByRole('button', { name: 'Unlink' }).click();
    await expect.poll(() => links.count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('.account-section [role=status]').textContent()).toBe(
      `${sso.longName} (${sso.agencyName}) no longer signs you in.`,
    );
    await expect
      .poll(() => log.and(page.locator('[data-kind="IDENTITY_UNLINKED"]')).count())
      .toBe(1);
    // As the agency admin who manages the account sees it.
    const managed = (await post(instance, MEMBER_LINKS, { id: analystId ?? '' }, admin)).data?.node;
    expect(managed?.__typename === 'User' ? managed.identityLinks : null).toEqual([
      { provider: `IPD Staff Login (${sso.agencyName})`, confirmed: true },
    ]);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 180_000);

  it('fits a phone on every signed-in page, names each page and moves the focus to its heading', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${base}/console/`);
    await page.getByLabel('E-mail').fill('admin@network.demo');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('h1#alerts-title').count(), { timeout: 15_000 }).toBe(1);

    // The first key press on a fresh page reaches the skip link, which passes the menu.
    await page.reload();
    await expect.poll(() => page.locator('h1#alerts-title').count(), { timeout: 15_000 }).toBe(1);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      'Skip to the content',
    );
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('content');

    const menu = page.getByRole('navigation', { name: 'Console' });
    const signOut = page.locator('.top .session button');
    /** Nothing off the screen, and signing out within reach. */
    const fits = async (name: string) => {
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth),
        `${name} is wider than the phone`,
      ).toBeLessThanOrEqual(390);
      const button = await signOut.boundingBox();
      expect(button, `${name}: no sign-out button`).toBeTruthy();
      if (button) {
        expect(button.x).toBeGreaterThanOrEqual(0);
        expect(button.x + button.width).toBeLessThanOrEqual(390);
      }
    };
    const pages = [
      ['Alerts', '#alerts-title'],
      ['Intelligence', '#intel-title'],
      ['Operations', '#operations-title'],
      ['Registration desk', '#desk-title'],
      ['Annual indicators', '#indicators-title'],
      ['Account', '#account-title'],
    ] as const;
    for (const [name, heading] of pages) {
      await menu.getByRole('link', { name, exact: true }).click();
      await expect.poll(() => page.locator(`h1${heading}`).count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => page.title()).toBe(`${name} · GBA IPNet`);
      // The focus moves to the page's heading, as a page load would for a screen reader.
      await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
      if (name === 'Annual indicators') {
        await expect
          .poll(() => page.locator('article.figure canvas').count(), { timeout: 15_000 })
          .toBeGreaterThan(0);
      }
      await fits(name);
      await expectAccessible(page, `${name.toLowerCase().replace(/ /g, '-')}-phone`);
    }
    // A report, titled by its own title.
    await menu.getByRole('link', { name: 'Intelligence', exact: true }).click();
    const first = page.locator('ol.reports li a').first();
    await expect.poll(() => first.count(), { timeout: 15_000 }).toBe(1);
    const title = (await first.textContent()) ?? '';
    await first.click();
    await expect.poll(() => page.locator('h1#report-title').textContent()).toBe(title);
    await expect.poll(() => page.title()).toBe(`${title} · GBA IPNet`);
    await fits('the report');
    await expectAccessible(page, 'report-phone');

    // The same pages in Simplified Chinese.
    await page.getByLabel('Language').selectOption('zh-Hans');
    for (const hash of ['#alerts', '#intelligence', '#operations', '#desk', '#account']) {
      await page.goto(`${base}/console/${hash}`);
      await expect.poll(() => page.locator('main h1').count(), { timeout: 15_000 }).toBe(1);
      await fits(`${hash} in Chinese`);
    }
    await expect.poll(() => page.title()).toBe('账户 · GBA IPNet');
    await expectAccessible(page, 'account-zh-hans-phone');
    await page.goto(`${base}/console/#intelligence`);
    await expect
      .poll(() => page.locator('ol.reports li').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expectAccessible(page, 'intelligence-zh-hans-phone');
    await page.getByLabel('语言').selectOption('en');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 180_000);

  it('offers each person the pages their roles may use', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/console/#desk`);
    await page.getByLabel('E-mail').fill('viewer@hk-customs.demo');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const menu = page.getByRole('navigation', { name: 'Console' });
    await expect.poll(() => menu.getByRole('link').count(), { timeout: 15_000 }).toBe(5);
    expect(await menu.getByRole('link', { name: 'Registration desk' }).count()).toBe(0);
    // Its address still answers, saying why there is nothing to do there.
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('This page is not for your account’s roles.');
    await expectAccessible(page, 'not-for-your-roles');
    await page.close();
  }, 60_000);

  it('sends a person whose session ended elsewhere to sign in, saying so, on any page', async () => {
    if (!server) throw new Error('no server');
    const instance = server;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const signIn = async () => {
      await page.getByLabel('E-mail').fill('analyst@hk-customs.demo');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    /** Signs this browser's session out from elsewhere, as another tab or an admin would. */
    const endElsewhere = async () => {
      const cookie = (await page.context().cookies()).find((c) => c.name === 'ipnet_session');
      expect(cookie).toBeDefined();
      const ended = await post(instance, SIGN_OUT, {}, cookie?.value ?? '');
      expect(ended.data?.signOut).toBe(true);
    };
    const notice = page.locator('form.sign-in .notice');

    // A search after the session ended: not an empty result, but the sign-in page.
    await page.goto(`${base}/console/#intelligence`);
    await signIn();
    await expect.poll(() => page.locator('h1#intel-title').count(), { timeout: 15_000 }).toBe(1);
    await expect
      .poll(() => page.locator('ol.reports li').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await endElsewhere();
    await page.getByLabel('Words').fill('counterfeit');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect
      .poll(() => notice.textContent(), { timeout: 15_000 })
      .toContain('Your session has ended');
    expect(await page.locator('h1#intel-title').count()).toBe(0);
    await expectAccessible(page, 'session-ended');
    // Signing in again comes back to the page.
    await signIn();
    await expect.poll(() => page.locator('h1#intel-title').count(), { timeout: 15_000 }).toBe(1);

    // The live feed ends with the session, and says so the same way.
    await page.goto(`${base}/console/#alerts`);
    await expect
      .poll(() => page.locator('.status').textContent(), { timeout: 15_000 })
      .toBe('Live');
    await endElsewhere();
    await expect
      .poll(() => notice.textContent(), { timeout: 15_000 })
      .toContain('Your session has ended');
    expect(await page.locator('h1#alerts-title').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);

  it('is served with strict headers, and its pages fall back to the console', async () => {
    const page = await fetch(`${base}/console/alerts`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<div id="app">');
    expect((await fetch(`${base}/console/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/console/..%2f..%2fpackage.json`)).status).toBe(404);
    const redirect = await fetch(`${base}/console`, { redirect: 'manual' });
    expect(redirect.headers.get('location')).toBe('/console/');
    // Its scripts compressed as the browser accepts, for caches by encoding.
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(
      await (await fetch(`${base}/console/`)).text(),
    )?.[1];
    expect(script).toBeDefined();
    for (const encoding of ['br', 'gzip']) {
      const asset = await fetch(`${base}${script}`, { headers: { 'accept-encoding': encoding } });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-encoding')).toBe(encoding);
      expect(asset.headers.get('vary')).toBe('Accept-Encoding');
      expect(await asset.text()).toContain('GBA IPNet');
    }
    const icon = await fetch(`${base}/console/favicon.svg`);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
