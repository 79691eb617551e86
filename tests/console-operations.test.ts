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

// Joint operations in the web console, as coordinators run them, in Debian's Chromium against a
// server started as `npm start` starts it, with the demo network: an operation's page opened from
// the list (phases, tasks, thread, linked reports, results with totals per currency, the
// after-action report in English and Chinese), an invitation declined with a reason, a new
// operation proposed, agencies invited and one withdrawn, the phase moved, the thread written to,
// and the invitation accepted with conditions by the invited agency. The server's state is read
// back through the API; every page state is checked with axe-core, photographed into
// test-results/ and must fit a phone.

const PASSWORD = 'ipnet-demo-2026';
const GZ = 'coordinator@gz-customs.demo';
const HK = 'coordinator@hk-customs.demo';
const MY = 'coordinator@my-customs.demo';

const dataDir = mkdtempSync(join(tmpdir(), 'ipnet-console-operations-'));
let server: Instance | undefined;
let base = '';
let browser: Browser;

const SIGN_IN = graphql(`
  mutation ($email: EmailAddress!, $password: String!) {
    signIn(email: $email, password: $password) { __typename ... on SignInSuccess { session { token } } }
  }
`);
const OPERATIONS = graphql(`
  query ($search: String) {
    operations(first: 5, filter: { search: $search }) { edges { node {
      id codeName phase
      workspace {
        participants { status role conditions reason agency { slug } }
        phaseHistory { to note }
        tasks { status outcome comments { body } }
        results { kind count quantity unit }
      }
    } } }
  }
`);
const THREAD = graphql(`
  query ($id: ID!) {
    operation(id: $id) { workspace { log(first: 50) { edges { node { kind body } } } } }
  }
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

/** The operation with this code name as `email`'s agency sees it through the API. */
async function operationAs(email: string, codeName: string) {
  if (!server) throw new Error('no server');
  const result = await post(server, OPERATIONS, { search: codeName }, await tokenOf(email));
  expect(result.errors).toBeUndefined();
  return result.data?.operations.edges.map((e) => e.node).find((o) => o.codeName === codeName);
}

/** A new window signed in as `email` through the form, on `hash`. */
async function signedIn(email: string, hash: string, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(`${base}/console/${hash}`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.locator('h1').count(), { timeout: 15_000 }).toBe(1);
  return page;
}

/**
 * The page `from` shows, opened again with the same session at desktop and phone width, in English
 * and in Simplified Chinese: checked with axe, photographed, and never wider than the screen.
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
    for (const language of ['en', 'zh-Hans'] as const) {
      const page = await browser.newPage({ viewport, storageState });
      await page.goto(from.url());
      await page.locator('.lang select').selectOption(language);
      await ready(page);
      expect(
        await widerThanScreen(page),
        `${name}${suffix} ${language} is wider than the screen`,
      ).toBeLessThanOrEqual(0);
      await expectAccessible(page, `${name}${language === 'en' ? '' : '-zh-hans'}${suffix}`);
      await page.close();
    }
  }
}

describe.runIf(haveChromium)('operations in the web console', () => {
  it('opens an operation from the list: phases, tasks, thread, reports, results, after-action report', async () => {
    const page = await signedIn(GZ, '#operations');
    const closed = page.locator('article.figure[data-phase="CLOSED"]');
    await expect.poll(() => closed.textContent(), { timeout: 15_000 }).toContain('THUNDER BAY');
    await closed.getByRole('link', { name: /THUNDER BAY 2026/ }).click();
    await expect
      .poll(() => page.locator('h1#operation-title').textContent(), { timeout: 15_000 })
      .toContain('THUNDER BAY 2026');
    await expect.poll(() => page.title()).toBe('THUNDER BAY 2026 · GBA IPNet');
    // Phases with their notes, tasks with their assignee, the thread, a linked report, totals.
    const phases = page.locator('.op-history');
    await expect.poll(() => phases.textContent()).toContain('After-action report approved.');
    await expect.poll(() => page.locator('[data-task]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-task]').first().textContent()).toContain('Assigned to');
    await expect.poll(() => page.locator('.op-thread li').count()).toBeGreaterThan(1);
    const report = page.locator('section[aria-labelledby="op-linked"] a').first();
    expect(await report.getAttribute('href')).toMatch(/^#report\//);
    const currencies = await page
      .locator('.op-totals [data-currency]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-currency')));
    expect(currencies.sort()).toEqual(['CNY', 'HKD', 'MOP']);
    // The after-action report in the console, and its downloads in the reader's language.
    const afterAction = page.locator('.after-action');
    await expect.poll(() => afterAction.locator('h3').textContent()).toContain('THUNDER BAY 2026');
    const markdown = page.getByRole('link', { name: 'Download (Markdown)' });
    const download = await page.request.get(`${base}${await markdown.getAttribute('href')}`);
    expect(download.status()).toBe(200);
    expect(await download.text()).toContain('THUNDER BAY 2026');
    const json = page.getByRole('link', { name: 'Download (JSON)' });
    expect((await page.request.get(`${base}${await json.getAttribute('href')}`)).status()).toBe(
      200,
    );
    // In Chinese, the report is the Chinese one.
    await page.locator('.lang select').selectOption('zh-Hans');
    await expect
      .poll(() => afterAction.locator('h3').textContent(), { timeout: 15_000 })
      .toContain('行动总结报告');
    await page.locator('.lang select').selectOption('en');
    // The linked report opens from its title.
    await report.click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).not.toBe('');
    expect(page.url()).toContain('#report/');
    await page.goBack();
    await photograph(page, 'operation', (p) =>
      expect
        .poll(() => p.locator('.after-action h3').count(), { timeout: 15_000 })
        .toBeGreaterThan(0),
    );
  }, 240_000);

  it('declines an invitation with a reason, from the operation page', async () => {
    const page = await signedIn(MY, '#operations');
    const invitation = page.locator('.invitations li[data-operation="PEARL SHIELD"]');
    await expect.poll(() => invitation.count(), { timeout: 15_000 }).toBe(1);
    await invitation.getByRole('link', { name: /PEARL SHIELD/ }).click();
    await expect
      .poll(() => page.locator('h1#operation-title').textContent(), { timeout: 15_000 })
      .toContain('PEARL SHIELD');
    // Invited, not yet taking part: the summary and the lead's message, no working data.
    await expect.poll(() => page.locator('.empty').textContent()).toContain('working data');
    expect(await page.locator('[data-invitation="PENDING"]').textContent()).toContain(
      'Port Klang container checks',
    );
    await page.getByLabel('Decline').check();
    await photograph(page, 'operation-invited', async (p) => {
      await expect.poll(() => p.locator('.answer').count(), { timeout: 15_000 }).toBe(1);
      await p.locator('.answer input[value="DECLINE"]').check();
    });
    await page.getByLabel('Reason for declining').fill('No officers free at Port Klang that week.');
    await page.getByRole('button', { name: 'Send the answer' }).click();
    // A declined operation is no longer the agency's to see: back to the list, with a notice.
    await expect
      .poll(() => page.locator('.notice[role="status"]').textContent(), { timeout: 15_000 })
      .toContain('declined PEARL SHIELD');
    expect(page.url()).toMatch(/#operations$/);
    expect(await page.locator('.invitations li[data-operation="PEARL SHIELD"]').count()).toBe(0);
    await expectAccessible(page, 'operation-declined');

    // The lead sees the answer and its reason through the API.
    const pearl = await operationAs(HK, 'PEARL SHIELD');
    const my = pearl?.workspace?.participants.find((p) => p.agency.slug === 'my-customs');
    expect(my?.status).toBe('DECLINED');
    expect(my?.reason).toBe('No officers free at Port Klang that week.');
  }, 240_000);

  it('proposes an operation, invites, withdraws, moves the phase, posts; the partner accepts with conditions', async () => {
    const lead = await signedIn(GZ, '#operations');
    const propose = lead.locator('details.propose');
    await propose.locator('summary').click();
    const fill = async (codeName: string) => {
      await propose.getByLabel('Code name').fill(codeName);
      await propose.getByLabel('Title').fill('Fake phone chargers at the land crossings');
      await propose.getByLabel('Objective').fill('Stop fake chargers crossing from Zhuhai.');
      await propose.getByLabel('Start').fill('2027-03-01');
      await propose.getByLabel('End').fill('2027-03-07');
      await propose.getByLabel('Marking').selectOption('AMBER');
    };
    // A code name already taken is refused, and said where it was typed.
    await fill('THUNDER BAY 2026');
    await propose.getByRole('button', { name: 'Propose an operation' }).click();
    await expect
      .poll(() => propose.locator('.problem').textContent(), { timeout: 15_000 })
      .not.toBe('');
    await expectAccessible(lead, 'operation-propose-refused');
    await fill('CHARGER GATE');
    await propose.getByRole('button', { name: 'Propose an operation' }).click();
    await expect
      .poll(() => lead.locator('h1#operation-title').textContent(), { timeout: 15_000 })
      .toContain('CHARGER GATE');

    // Invite Malaysia's customs as a participant and Singapore's office as an observer.
    const agencies = lead.locator('section[aria-labelledby="op-agencies"]');
    const invite = async (agency: string, role: string, message: string) => {
      const form = agencies.locator('form.invite-agency');
      if (!(await form.isVisible())) {
        await agencies
          .locator('details.op-more > summary', { hasText: 'Invite an agency' })
          .click();
      }
      await expect
        .poll(() => form.locator('option', { hasText: agency }).count(), { timeout: 15_000 })
        .toBe(1);
      await form.getByLabel('Agency').selectOption({ label: agency });
      await form.getByLabel('Role').selectOption(role);
      await form.getByLabel('Message (optional)').fill(message);
      await form.getByRole('button', { name: 'Invite', exact: true }).click();
      await expect
        .poll(() => agencies.locator('li[data-status="PENDING"]').allInnerTexts(), {
          timeout: 15_000,
        })
        .toContainEqual(expect.stringContaining(agency));
    };
    await invite('Royal Malaysian Customs Department', 'PARTICIPANT', 'Checks at the crossings.');
    await invite('Intellectual Property Office of Singapore', 'OBSERVER', 'For information.');
    // Inviting an agency already invited is refused where it was asked.
    await agencies.locator('form.invite-agency').getByLabel('Agency').selectOption({
      label: 'Royal Malaysian Customs Department',
    });
    await agencies
      .locator('form.invite-agency')
      .getByRole('button', { name: 'Invite', exact: true })
      .click();
    await expect
      .poll(() => agencies.locator('form.invite-agency .problem').count(), { timeout: 15_000 })
      .toBe(1);

    // Withdraw Singapore's invitation, with a reason.
    const sg = agencies.locator('li[data-agency="Intellectual Property Office of Singapore"]');
    await sg.locator('summary', { hasText: 'Withdraw the invitation' }).click();
    await sg.getByLabel('Reason for withdrawing').fill('Observers join at the action phase.');
    await sg.getByRole('button', { name: 'Withdraw the invitation' }).click();
    await expect.poll(() => sg.getAttribute('data-status'), { timeout: 15_000 }).toBe('WITHDRAWN');

    // Move to preparation with a note, and write to the thread.
    const phases = lead.locator('section[aria-labelledby="op-phases"]');
    await phases.getByLabel('Note (optional)').fill('Partners invited.');
    await phases.getByRole('button', { name: 'Move the phase' }).click();
    await expect
      .poll(() => phases.locator('.op-history').textContent(), { timeout: 15_000 })
      .toContain('Partners invited.');
    const thread = lead.locator('section[aria-labelledby="op-thread"]');
    await thread.getByLabel('Message to every agency taking part').fill('Briefing on Monday.');
    await thread.getByRole('button', { name: 'Post' }).click();
    await expect
      .poll(() => thread.locator('li.message').allInnerTexts(), { timeout: 15_000 })
      .toContainEqual(expect.stringContaining('Briefing on Monday.'));
    await photograph(lead, 'operation-lead', (p) =>
      expect.poll(() => p.locator('.op-history li').count(), { timeout: 15_000 }).toBe(2),
    );

    // Malaysia's coordinator accepts with conditions, from the list of invitations.
    const partner = await signedIn(MY, '#operations');
    const invitation = partner.locator('.invitations li[data-operation="CHARGER GATE"]');
    await expect.poll(() => invitation.count(), { timeout: 15_000 }).toBe(1);
    await invitation.getByLabel('Accept with conditions').check();
    await invitation
      .getByLabel('Conditions (shown to every agency and in the after-action report)')
      .fill('Checks at Johor Bahru only.');
    await invitation.getByRole('button', { name: 'Send the answer' }).click();
    await expect.poll(() => invitation.count(), { timeout: 15_000 }).toBe(0);
    await partner.getByRole('link', { name: /CHARGER GATE/ }).click();
    await expect
      .poll(() => partner.locator('section[aria-labelledby="op-thread"]').textContent(), {
        timeout: 15_000,
      })
      .toContain('Briefing on Monday.');

    // The lead assigns a task to Malaysia and moves to action; Malaysia comments, completes the
    // task and records a result.
    await lead.reload();
    const tasks = lead.locator('section[aria-labelledby="op-tasks"]');
    await tasks.locator('summary', { hasText: 'Assign a task' }).click();
    const newTask = tasks.locator('form.new-task');
    await newTask.getByLabel('Title').fill('Check the Johor Bahru parcels');
    await expect
      .poll(() => newTask.locator('option', { hasText: 'Royal Malaysian' }).count(), {
        timeout: 15_000,
      })
      .toBe(1);
    await newTask
      .getByLabel('Assigned to')
      .selectOption({ label: 'Royal Malaysian Customs Department' });
    await newTask.getByLabel('Due').fill('2027-03-03');
    await newTask.getByRole('button', { name: 'Assign a task' }).click();
    await expect
      .poll(() => tasks.locator('[data-task="Check the Johor Bahru parcels"]').count(), {
        timeout: 15_000,
      })
      .toBe(1);
    await phases.getByRole('button', { name: 'Move the phase' }).click();
    await expect
      .poll(() => lead.locator('.op-summary [data-phase]').getAttribute('data-phase'), {
        timeout: 15_000,
      })
      .toBe('ACTION');

    await partner.reload();
    const task = partner.locator('[data-task="Check the Johor Bahru parcels"]');
    await expect.poll(() => task.count(), { timeout: 15_000 }).toBe(1);
    await task.locator('summary', { hasText: 'Comment' }).click();
    await task.getByLabel('Comments').fill('Forty parcels checked.');
    await task.getByRole('button', { name: 'Comment' }).click();
    await expect
      .poll(() => task.locator('.op-comments').textContent(), { timeout: 15_000 })
      .toContain('Forty parcels checked.');
    await task.locator('summary', { hasText: 'Update the task' }).click();
    await task.getByLabel('Status').selectOption('DONE');
    await task.getByLabel('Outcome (optional)').fill('Nine parcels of fake chargers.');
    await task.getByRole('button', { name: 'Update the task' }).click();
    await expect
      .poll(() => task.locator('.meta').first().textContent(), { timeout: 15_000 })
      .toContain('done');
    const record = partner.locator('details.op-more', { hasText: 'Record a result' });
    await record.locator('summary').click();
    await record.getByLabel('Kind').selectOption('SEIZURE');
    await record.getByLabel('Product category').selectOption('ELECTRONICS');
    await record.getByLabel('Quantity').fill('120');
    await record.getByLabel('Unit').selectOption('PIECE');
    await record.getByLabel('Where it was found').selectOption('LAND_CROSSING');
    await record.getByLabel('Estimated market value (optional)').fill('3600.50');
    await record.getByLabel('Currency').selectOption('MYR');
    await record.getByRole('button', { name: 'Record a result' }).click();
    await expect
      .poll(() => partner.locator('.op-totals [data-currency="MYR"]').count(), { timeout: 15_000 })
      .toBe(1);
    await record.getByLabel('Kind').selectOption('ARREST');
    await record.getByLabel('Count').fill('2');
    await record.getByRole('button', { name: 'Record a result' }).click();
    await expect
      .poll(() => partner.locator('.op-totals').textContent(), { timeout: 15_000 })
      .toContain('arrests: 2');
    // Its own result, corrected with a reason: the totals count the correction only.
    const arrest = partner.locator('section[aria-labelledby="op-results"] li', {
      hasText: 'arrests: 2',
    });
    await arrest.locator('summary', { hasText: 'Correct this result' }).click();
    await arrest.getByLabel('Count').fill('3');
    await arrest.getByLabel('Why it is corrected').fill('One more arrest the same night.');
    await arrest.getByRole('button', { name: 'Correct this result' }).click();
    await expect
      .poll(() => partner.locator('.op-totals').textContent(), { timeout: 15_000 })
      .toContain('arrests: 3');
    await photograph(partner, 'operation-partner', (p) =>
      expect.poll(() => p.locator('.op-totals').count(), { timeout: 15_000 }).toBe(1),
    );

    // The server holds it all.
    const charger = await operationAs(GZ, 'CHARGER GATE');
    expect(charger?.phase).toBe('ACTION');
    const bySlug = (slug: string) =>
      charger?.workspace?.participants.find((p) => p.agency.slug === slug);
    expect(bySlug('my-customs')).toMatchObject({
      status: 'ACCEPTED',
      role: 'PARTICIPANT',
      conditions: 'Checks at Johor Bahru only.',
    });
    expect(bySlug('sg-ipos')).toMatchObject({
      status: 'WITHDRAWN',
      reason: 'Observers join at the action phase.',
    });
    expect(charger?.workspace?.phaseHistory.at(1)).toMatchObject({
      to: 'PREPARATION',
      note: 'Partners invited.',
    });
    expect(charger?.workspace?.tasks).toEqual([
      expect.objectContaining({
        status: 'DONE',
        outcome: 'Nine parcels of fake chargers.',
        comments: [expect.objectContaining({ body: 'Forty parcels checked.' })],
      }),
    ]);
    expect(charger?.workspace?.results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'SEIZURE', quantity: '120', unit: 'PIECE' }),
        expect.objectContaining({ kind: 'ARREST', count: 3 }),
      ]),
    );
    if (!server || !charger) throw new Error('no operation');
    const log = await post(server, THREAD, { id: charger.id }, await tokenOf(MY));
    expect(
      log.data?.operation?.workspace?.log.edges.some(
        (e) => e.node.kind === 'MESSAGE' && e.node.body === 'Briefing on Monday.',
      ),
    ).toBe(true);

    // The lead changes the operation: a window that ends before it starts is refused at the form.
    await lead.reload();
    const edit = lead.locator('details.op-more', { hasText: 'Change the operation' });
    await edit.locator('summary').click();
    await edit.getByLabel('End').fill('2027-02-01');
    await edit.getByRole('button', { name: 'Change the operation' }).click();
    await expect.poll(() => edit.locator('.problem').count(), { timeout: 15_000 }).toBe(1);
    await edit.getByLabel('End').fill('2027-03-08');
    await edit.getByLabel('Objective').fill('Stop fake chargers crossing from Zhuhai and Macao.');
    await edit.getByRole('button', { name: 'Change the operation' }).click();
    await expect
      .poll(() => lead.locator('.op-summary').textContent(), { timeout: 15_000 })
      .toContain('from Zhuhai and Macao.');

    // The lead cancels it, with a reason.
    await lead.locator('summary', { hasText: 'Cancel the operation' }).click();
    await lead.getByLabel('Reason for cancelling').fill('The suspects moved the route.');
    await lead.getByRole('button', { name: 'Cancel the operation' }).click();
    await expect
      .poll(() => lead.locator('.notice').textContent(), { timeout: 15_000 })
      .toContain('The suspects moved the route.');
    expect((await operationAs(GZ, 'CHARGER GATE'))?.phase).toBe('CANCELLED');
  }, 300_000);
});
