import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstSession } from '../src/yoga.js';
import { type Instance, startInstance } from './support/instance.js';

// GraphiQL as a newcomer meets it, in a real headless Chromium (Debian's, which .ci/run
// installs), on a network that reaches nothing but this machine: every request that leaves
// loopback is refused, and the README's first session must still work.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

// A server of its own, as `npm start` runs it: an embedded database with the demo network.
const dataDir = mkdtempSync(join(tmpdir(), 'ipnet-graphiql-'));
let server: Instance | undefined;
let base = '';
let browser: Browser;
const leftLoopback: string[] = [];

beforeAll(async () => {
  if (!haveChromium) return;
  server = await startInstance({
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    SEED_DEMO: 'auto',
    DEMO_PASSWORD: '',
    GRAPHIQL: 'true',
  });
  base = server.base;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function closedNetworkPage(): Promise<Page> {
  // Tall enough for Monaco to lay out every line of the first session (it renders what is visible).
  const page = await browser.newPage({ viewport: { width: 1400, height: 2000 } });
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = ['127.0.0.1', 'localhost'].includes(url.hostname);
    if (local || url.protocol === 'blob:' || url.protocol === 'data:') return route.continue();
    leftLoopback.push(url.href);
    return route.abort();
  });
  return page;
}

/** Puts the cursor in the operation on `line` (1-based) and runs it, as Ctrl+Enter does. */
async function runOperationAt(page: Page, line: number): Promise<string> {
  const editor = page.locator('.graphiql-query-editor');
  await editor
    .locator('.view-line')
    .nth(line - 1)
    .click();
  await page.keyboard.press('Control+Enter');
  const response = page.locator('.graphiql-response');
  await expect
    .poll(async () => (await response.innerText()).length, { timeout: 15_000 })
    .toBeGreaterThan(10);
  return (await response.innerText()).replace(/\s+/g, ' ');
}

describe.runIf(haveChromium)('GraphiQL on a closed network', () => {
  it('loads from this server alone and runs the README’s first session', async () => {
    const page = await closedNetworkPage();
    await page.goto(`${base}/graphql`);
    const editor = page.locator('.graphiql-query-editor');
    // Monaco lays text out with no-break spaces.
    const shownText = async () => (await editor.innerText()).replace(/\s+/g, ' ');
    await expect.poll(shownText, { timeout: 20_000 }).toContain('mutation SignIn');
    const shown = await shownText();
    expect(shown).toContain('query Agencies');
    expect(shown).toContain('agencies(first: 5, filter: { region: GREATER_BAY_AREA })');

    const lines = firstSession('ipnet-demo-2026').split('\n');
    const signedIn = await runOperationAt(page, lines.indexOf('mutation SignIn {') + 2);
    expect(signedIn).toContain('"__typename": "SignInSuccess"');
    expect(signedIn).toContain('analyst');
    // The session cookie is kept: Agencies answers as the analyst.
    const agencies = await runOperationAt(page, lines.indexOf('query Agencies {') + 2);
    expect(agencies).toContain('"totalCount"');
    expect(agencies).toContain('GREATER_BAY_AREA');
    expect(agencies).not.toContain('UNAUTHENTICATED');
    expect(leftLoopback).toEqual([]);
  }, 60_000);
});

describe('the README’s first session', () => {
  it('is what GraphiQL opens with, word for word', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## A first session in GraphiQL'));
    const block = section.split('```graphql\n')[1]?.split('```')[0] ?? '';
    expect(block.length).toBeGreaterThan(100);
    expect(firstSession('ipnet-demo-2026')).toContain(block);
  });
});
