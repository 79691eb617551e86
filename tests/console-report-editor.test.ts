import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  haveChromium,
  launchChromium,
  widerThanScreen,
} from './support/console-browser.js';
import { graphql } from './support/graphql.js';
import { type Instance, post, startInstance } from './support/instance.js';

// The report editor as an analyst uses it, in Debian's Chromium on a server started as
// `npm start` starts it, with the demo network: a report written with its observables (one typed
// and checked, the rest pasted in bulk), the readers said in words, a draft saved, then
// published; read back through the API as its author and as analysts of an agency in and out of
// its audience. Each state is checked with axe-core and photographed into test-results/.

const PASSWORD = 'ipnet-demo-2026';

const dataDir = mkdtempSync(join(tmpdir(), 'ipnet-console-editor-'));
let server: Instance | undefined;
let base = '';
let browser: Browser;
/** The report the first journey publishes, corrected and retracted by the second. */
let publishedId = '';

const SIGN_IN = graphql(`
  mutation ($email: EmailAddress!, $password: String!) {
    signIn(email: $email, password: $password) { __typename ... on SignInSuccess { session { token } } }
  }
`);
const READ = graphql(`
  query ($id: ID!) { intelReport(id: $id) {
    title summary status tlp pap category brands language
    grading { code } route { origin transit destination }
    audience { scope agencies { name } }
    observables { type value }
  } }
`);

beforeAll(async () => {
  if (!haveChromium) return;
  server = await startInstance({
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    SEED_DEMO: 'auto',
    DEMO_PASSWORD: '',
  });
  base = server.base;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function tokenOf(email: string): Promise<string> {
  if (!server) throw new Error('no server');
  const answer = (await post(server, SIGN_IN, { email, password: PASSWORD })).data?.signIn;
  return answer?.__typename === 'SignInSuccess' ? answer.session.token : '';
}

/** The page `from` shows, at desktop and phone width, in English and Simplified Chinese. */
async function photograph(from: Page, name: string, ready: (page: Page) => Promise<unknown>) {
  const storageState = await from.context().storageState();
  const sizes = [
    ['', { width: 1280, height: 900 }],
    ['-phone', { width: 390, height: 844 }],
  ] as const;
  for (const [suffix, viewport] of sizes) {
    for (const language of ['en', 'zh-Hans'] as const) {
      const page = await browser.newPage({ viewport, storageState });
      await page.goto(from.url());
      await page.locator('.lang select').selectOption(language);
      await ready(page);
      expect(await widerThanScreen(page), `${name}${suffix} ${language}`).toBeLessThanOrEqual(0);
      await expectAccessible(page, `${name}${language === 'en' ? '' : '-zh-hans'}${suffix}`);
      await page.close();
    }
  }
}

describe.runIf(haveChromium)('the report editor', () => {
  it('writes a report with observables, says who will read it, saves a draft and publishes', async () => {
    if (!server) throw new Error('no server');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${base}/console/#intelligence`);
    await page.getByLabel('E-mail').fill('analyst@gz-customs.demo');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'New report' }).click();
    await expect
      .poll(() => page.locator('h1#editor-title').textContent(), { timeout: 15_000 })
      .toBe('New report');

    // Saving an empty report: the server's refusals are shown at their fields.
    await page.getByRole('button', { name: 'Save the draft' }).click();
    await expect.poll(() => page.locator('.field.invalid').count()).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toContain('need attention');

    const title = 'Fake Pearl River earphones through Nansha, editor journey';
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page
      .getByLabel('Summary')
      .fill('Counterfeit earphones declared as phone cases, consigned from Nansha to Macao.');
    await page.getByLabel('Category').selectOption('ELECTRONICS');
    await page.getByLabel('Brands (separated by commas)').fill('Pearl Audio, Riverbeat');
    await page.getByLabel('TLP 2.0').selectOption('AMBER');
    await page.getByLabel('PAP').selectOption('GREEN');
    await page.getByLabel('Source reliability').selectOption('B');
    await page.getByLabel('Information credibility').selectOption('3');
    await page.getByLabel('Origin').fill('cn');
    await page.getByLabel('Transit (separated by commas)').fill('HK');
    await page.getByLabel('Destination').fill('MO');

    // The audience: one chosen agency, said in words.
    await page.getByLabel('Chosen agencies').check();
    await page.getByRole('checkbox', { name: 'Macao Customs Service' }).check();
    await expect
      .poll(() => page.locator('.readers').textContent())
      .toContain('Macao Customs Service');
    await expect.poll(() => page.locator('.readers').textContent()).toContain('draft');

    // One observable typed: its check digit is wrong, then right, and its normal form shown.
    await page.getByRole('button', { name: 'Add an observable' }).click();
    await page.getByLabel('Type 1').selectOption('CONTAINER_NUMBER');
    await page.getByLabel('Value 1').fill('CSQU 305438-4');
    await expect
      .poll(() => page.locator('.observable').first().textContent(), { timeout: 10_000 })
      .toContain('check digit');
    await page.getByLabel('Value 1').fill('csqu 305438-3');
    await expect
      .poll(() => page.locator('.observable').first().textContent(), { timeout: 10_000 })
      .toContain('Stored as CSQU3054383');

    // More pasted in bulk, one a line, their types recognised.
    await page
      .getByLabel('Paste several, one a line (types are recognised)')
      .fill(
        '160-12345675\nIMO 9074729\n+852 2123 4567\nsales@Pearl-Audio.example\nwww.pearl-audio.example\n',
      );
    await page.getByRole('button', { name: 'Add these lines' }).click();
    await expect.poll(() => page.locator('.observable').count()).toBe(6);
    expect(await page.getByLabel('Type 2').inputValue()).toBe('AIR_WAYBILL');
    expect(await page.getByLabel('Type 3').inputValue()).toBe('VESSEL_IMO');
    expect(await page.getByLabel('Type 4').inputValue()).toBe('PHONE');
    expect(await page.getByLabel('Type 5').inputValue()).toBe('EMAIL');
    expect(await page.getByLabel('Type 6').inputValue()).toBe('DOMAIN');
    await expect
      .poll(() => page.locator('.observable').nth(3).textContent(), { timeout: 10_000 })
      .toContain('+85221234567');
    await expectAccessible(page, 'report-editor-new');

    await page.getByRole('button', { name: 'Save the draft' }).click();
    await page.waitForURL(/#report\/[^/]+\/edit$/, { timeout: 15_000 });
    const id = decodeURIComponent(/#report\/([^/]+)\/edit$/.exec(page.url())?.[1] ?? '');
    await expect.poll(() => page.locator('.editor .status').textContent()).toBe('Draft');
    await expect.poll(() => page.locator('.stored li').count()).toBe(6);
    await photograph(page, 'report-editor-draft', (p) =>
      p.locator('.stored li').first().waitFor({ timeout: 15_000 }),
    );

    const author = await tokenOf('analyst@gz-customs.demo');
    const macao = await tokenOf('analyst@mo-customs.demo');
    const hongKong = await tokenOf('analyst@hk-customs.demo');
    // A draft: its author agency only.
    expect((await post(server, READ, { id }, macao)).data?.intelReport).toBeNull();

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/#report\/[^/]+$/, { timeout: 15_000 });
    await expect.poll(() => page.locator('h1#report-title').textContent()).toBe(title);

    const written = (await post(server, READ, { id }, author)).data?.intelReport;
    expect(written).toMatchObject({
      title,
      status: 'PUBLISHED',
      tlp: 'AMBER',
      pap: 'GREEN',
      category: 'ELECTRONICS',
      brands: ['Pearl Audio', 'Riverbeat'],
      grading: { code: 'B3' },
      route: { origin: 'CN', transit: ['HK'], destination: 'MO' },
      audience: { scope: 'AGENCIES', agencies: [{ name: 'Macao Customs Service' }] },
    });
    expect(written?.observables.map((o) => `${o.type} ${o.value}`).sort()).toEqual(
      [
        'AIR_WAYBILL 160-12345675',
        'CONTAINER_NUMBER CSQU3054383',
        'DOMAIN pearl-audio.example',
        'EMAIL sales@pearl-audio.example',
        'PHONE +85221234567',
        'VESSEL_IMO IMO9074729',
      ].sort(),
    );
    // The chosen agency reads it, without its audience; another does not.
    const read = (await post(server, READ, { id }, macao)).data?.intelReport;
    expect(read).toMatchObject({ title, status: 'PUBLISHED', audience: null });
    expect(read?.observables).toHaveLength(6);
    expect((await post(server, READ, { id }, hongKong)).data?.intelReport).toBeNull();
    publishedId = id;
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 180_000);
});

const HISTORY = graphql(`
  query ($id: ID!) { intelReport(id: $id) {
    summary status retractionReason matchingOptOut tlp observables { value }
    versions { version changes }
  } }
`);

async function signedIn(email: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(`${base}/console/#intelligence`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('h1#intel-title').waitFor({ timeout: 15_000 });
  return page;
}

describe.runIf(haveChromium)('the report editor after publication', () => {
  it('edits a published report with its versions shown, and retracts it with a reason', async () => {
    if (!server) throw new Error('no server');
    expect(publishedId).not.toBe('');
    const page = await signedIn('analyst@gz-customs.demo');
    await page.goto(`${base}/console/#report/${encodeURIComponent(publishedId)}`);
    await page.getByRole('link', { name: 'Edit' }).click();
    await expect
      .poll(() => page.locator('h1#editor-title').textContent(), { timeout: 15_000 })
      .toBe('Edit the report');
    await expect.poll(() => page.locator('.versions').textContent()).toContain('No change');
    const summary = 'Counterfeit earphones declared as phone cases; 4,000 pieces held at Nansha.';
    await page.getByLabel('Summary').fill(summary);
    await page.getByRole('button', { name: 'Save the changes' }).click();
    await expect
      .poll(() => page.locator('.versions li').first().textContent(), { timeout: 15_000 })
      .toContain(`→ ${summary}`);
    // An observable removed after publication is a version of its own.
    await page.getByRole('button', { name: 'Remove sales@pearl-audio.example' }).click();
    await expect.poll(() => page.locator('.stored li').count(), { timeout: 15_000 }).toBe(5);
    await expect
      .poll(() => page.locator('.versions li').first().textContent())
      .toContain('Version');
    await photograph(page, 'report-editor-published', (p) =>
      p.locator('.versions li').first().waitFor({ timeout: 15_000 }),
    );

    // A reason too short is refused at its field; a real one retracts.
    await page.getByLabel('Reason for the retraction').fill('no');
    await page.getByRole('button', { name: 'Retract' }).click();
    await expect.poll(() => page.locator('.retract .problem').count(), { timeout: 10_000 }).toBe(1);
    const reason = 'The consignment was genuine: the rights holder confirmed it.';
    await page.getByLabel('Reason for the retraction').fill(reason);
    await page.getByRole('button', { name: 'Retract' }).click();
    await expect
      .poll(() => page.locator('.editor .status').textContent(), { timeout: 15_000 })
      .toBe('Retracted');
    await expectAccessible(page, 'report-editor-retracted');

    const author = await tokenOf('analyst@gz-customs.demo');
    const history = (await post(server, HISTORY, { id: publishedId }, author)).data?.intelReport;
    expect(history).toMatchObject({ summary, status: 'RETRACTED', retractionReason: reason });
    expect(JSON.stringify(history?.versions)).toContain(summary);
    expect(history?.observables).toHaveLength(5);
    expect(history?.versions.length).toBeGreaterThanOrEqual(2);
    await page.close();
  }, 180_000);

  it('sends TLP:RED to named people only, and opts it into matching only when asked', async () => {
    if (!server) throw new Error('no server');
    const page = await signedIn('analyst@gz-customs.demo', { width: 390, height: 844 });
    await page.goto(`${base}/console/#report/new`);
    await page.locator('h1#editor-title').waitFor({ timeout: 15_000 });
    await page.getByLabel('TLP 2.0').selectOption('RED');
    await expect.poll(() => page.getByRole('radio').count()).toBe(1);
    expect(await page.getByLabel('Named people (TLP:RED)').isChecked()).toBe(true);
    expect(await page.getByLabel('Take part in hit/no-hit matching').isChecked()).toBe(false);
    await expect.poll(() => page.locator('.readers').textContent()).toContain('name at least one');
    const person = page.locator('.choices input[type="checkbox"]').first();
    await person.check();
    await expect.poll(() => page.locator('.readers').textContent()).toContain('Nobody else');
    expect(await widerThanScreen(page)).toBeLessThanOrEqual(0);
    await expectAccessible(page, 'report-editor-red-phone');

    await page.getByLabel('Take part in hit/no-hit matching').check();
    await page.getByLabel('Title', { exact: true }).fill('Named informant on a Zhongshan workshop');
    await page.getByLabel('Summary').fill('A workshop in Zhongshan fills fake cosmetics jars.');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/#report\/(?!new$)[^/]+$/, { timeout: 15_000 });
    const id = decodeURIComponent(/#report\/([^/]+)$/.exec(page.url())?.[1] ?? '');
    const author = await tokenOf('analyst@gz-customs.demo');
    const red = (await post(server, HISTORY, { id }, author)).data?.intelReport;
    expect(red).toMatchObject({ tlp: 'RED', status: 'PUBLISHED', matchingOptOut: false });
    await page.close();
  }, 180_000);
});
