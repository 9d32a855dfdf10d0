// The console end to end, as people use it: the head operator creates the owner account, signs
// in, makes the demo workspace, imports a spreadsheet (and sees the row it could not read), fixes
// a sheet until the check is clean, previews and launches a run on sandbox groups, watches the
// board, settles a send whose outcome was unknown, broadcasts to the group leaders; a leader on a
// phone marks the broadcast done and the head operator's progress board shows it; the language
// switches. A real server (serve()) with its worker, Debian's Chromium, the engine the suite runs
// on. Screenshots of every main page go to test-results/e2e-<engine>/.
//
// The steps share one browser session and run in order; waits are for elements and states, never
// fixed sleeps. Test ids: web/TESTIDS.md.

import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LEADERS } from '../../src/demo/workspace.ts';
import { engine } from '../support/db.ts';
import { ensureConsoleBuilt, launchChromium, type Running, resultsDir, startServer } from './harness.ts';

const OWNER = { name: 'head', displayName: 'Head Operator', password: 'e2e-owner-pass-2468' };
const LEADER = DEMO_LEADERS[0];
/** Random per demo workspace: read from the console once the demo is made. */
let leaderPassword = '';
const SHOTS = resultsDir(`e2e-${engine}`);
const WAIT = 20_000;

/**
 * Three warnings: one post before the start where three are advised, two group messages a minute
 * apart, and a message with two links.
 */
const SHEET_WITH_FINDINGS = `sop: e2e-welcome
title: Chapter welcome evening
community: local
timezone: Asia/Shanghai
anchor: Welcome evening
steps:
  - id: hello
    at: T0
    do: post
    text: "Welcome to {{ group.name }}! Tonight we meet each other."
  - id: rules
    at: T+1m
    do: announce
    kind: rules
    text: Be kind. One question per message. Venue https://maps.example.com/venue and sign-up https://forms.example.com/evening
  - id: call
    at: T+2m
    do: task
    by: leader
    window: 2h
    text: Say hello to each new member by name.
`;

/** Fixed the way an operator would: the rules later, one link, and the reminders rule turned off with its reason. */
const SHEET_FIXED = SHEET_WITH_FINDINGS.replace('at: T+1m', 'at: T+40m')
  .replace(' and sign-up https://forms.example.com/evening', '')
  .replace('steps:\n', '# Members are in the room already: no countdown reminders.\nlint:\n  final-reminders: { severity: off }\nsteps:\n');

/** Row 3 has a time that does not exist. */
const SPREADSHEET = 'Day,Time,Action,Content,Owner,Kind\nD0,20:00,post,Welcome evening starts now,bot,info\nD1,25:00,post,Thank you for coming,bot,info\n';

const BROADCAST = 'E2E check: please pin the venue map in your group before Saturday.';

describe(`the console in a browser (${engine})`, () => {
  let running: Running;
  let browser: Browser;
  let desk: BrowserContext;
  let page: Page;
  let shot = 0;

  const tid = (p: Page, id: string): Locator => p.getByTestId(id);
  const screenshot = async (p: Page, name: string) => {
    shot++;
    await p.screenshot({ path: join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: false });
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launchChromium();
    running = await startServer();
    desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Asia/Shanghai', locale: 'en-US' });
    desk.setDefaultTimeout(WAIT);
    page = await desk.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  async function signIn(p: Page, name: string, password: string) {
    await tid(p, 'sign-in-name').fill(name);
    await tid(p, 'sign-in-password').fill(password);
    await tid(p, 'sign-in-submit').click();
  }

  async function typeSheet(text: string) {
    const input = page.locator('[data-testid="sheet-editor"] .cm-content');
    await input.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(text);
  }

  it('creates the owner on first start, signs out and in again', async () => {
    await page.goto(running.url);
    await tid(page, 'setup-form').waitFor();
    await tid(page, 'setup-name').fill(OWNER.name);
    await tid(page, 'setup-display-name').fill(OWNER.displayName);
    await tid(page, 'setup-password').fill(OWNER.password);
    await tid(page, 'setup-password-repeat').fill(OWNER.password);
    await screenshot(page, 'setup');
    await tid(page, 'setup-submit').click();
    await expect.poll(() => tid(page, 'user-name').textContent()).toContain(OWNER.displayName);

    await tid(page, 'sign-out').click();
    await tid(page, 'sign-in-form').waitFor();
    await signIn(page, OWNER.name, 'not the password');
    await tid(page, 'error').waitFor();
    await screenshot(page, 'sign-in-refused');
    await signIn(page, OWNER.name, OWNER.password);
    await tid(page, 'nav-home').waitFor();
  });

  it('makes the demo workspace from the first-run page', async () => {
    await tid(page, 'demo-card').waitFor();
    await screenshot(page, 'first-run');
    await tid(page, 'demo-create').click();
    // The answer names the leaders' demo sign-ins; then the overview counts the groups.
    await tid(page, 'demo-done').waitFor({ timeout: 60_000 });
    // The leaders' passwords are random; the answer names them, and after a reload the demo banner still does.
    const done = (await tid(page, 'demo-done').textContent()) ?? '';
    leaderPassword = new RegExp(`${LEADER.name} / ([a-z0-9-]+)`).exec(done)?.[1] ?? '';
    expect(leaderPassword).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/);
    await expect.poll(() => tid(page, 'stat-groups').textContent()).toContain('12');
    await page.reload();
    expect(await tid(page, `demo-sign-in-${LEADER.name}`).textContent()).toBe(`${LEADER.name} / ${leaderPassword}`);
    await screenshot(page, 'overview');
  }, 90_000);

  it('imports a spreadsheet and shows the row it could not read', async () => {
    await tid(page, 'nav-sheets').click();
    await tid(page, 'sheet-import').click();
    await tid(page, 'import-form').waitFor();
    await tid(page, 'import-file').setInputFiles({ name: 'welcome-evening.csv', mimeType: 'text/csv', buffer: Buffer.from(SPREADSHEET) });
    await tid(page, 'import-submit').click();
    await tid(page, 'import-errors').waitFor();
    const rows = tid(page, 'import-error-row');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-row')).toBe('3');
    expect(await rows.first().textContent()).toContain('25:00');
    await screenshot(page, 'import-row-error');
  });

  it('fixes a sheet in the editor until the check is clean, and saves it', async () => {
    await page.goto(`${running.url}/sheets/new`);
    await tid(page, 'sheet-editor').waitFor();
    await typeSheet(SHEET_WITH_FINDINGS);
    const summary = tid(page, 'lint-summary');
    await expect.poll(async () => [await summary.getAttribute('data-checked'), await summary.getAttribute('data-warnings')]).toEqual(['yes', '3']);
    const rules = await tid(page, 'lint-finding').evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')).sort());
    expect(rules).toEqual(['daily-density', 'final-reminders', 'one-link']);
    await tid(page, 'timeline').waitFor();
    await expect.poll(() => tid(page, 'timeline-item').count()).toBe(3);
    await screenshot(page, 'editor-findings');

    await typeSheet(SHEET_FIXED);
    await tid(page, 'lint-clean').waitFor();
    expect(await summary.getAttribute('data-warnings')).toBe('0');
    await tid(page, 'sheet-save').click();
    await expect.poll(() => tid(page, 'sheet-saved').textContent()).toContain('Chapter welcome evening');
    await screenshot(page, 'editor-clean');
  });

  let runUrl = '';

  it('previews and launches the run on sandbox groups, and the board shows it happen', async () => {
    await tid(page, 'nav-runs').click();
    await tid(page, 'runs-launch').click();
    await tid(page, 'launch-sheet').selectOption('e2e-welcome');
    await tid(page, 'launch-groups-mode-selector').click();
    await tid(page, 'launch-groups-selector').fill('channel:Demo+community:local');
    await expect.poll(() => tid(page, 'launch-groups-match').textContent()).toMatch(/2/);
    // The anchor is this minute (Shanghai time, as the browser is): the welcome post is due now.
    const now = new Date(Date.now() + 8 * 3_600_000).toISOString();
    await tid(page, 'launch-anchor-date').fill(now.slice(0, 10));
    await tid(page, 'launch-anchor-time').fill(now.slice(11, 16));
    await tid(page, 'launch-preview').click();
    await tid(page, 'launch-preview-result').waitFor();
    expect(await tid(page, 'preview-groups').textContent()).toContain('2');
    expect(await tid(page, 'preview-actions').textContent()).toContain('6');
    await screenshot(page, 'launch-preview');
    await tid(page, 'launch-start').click();

    await tid(page, 'board-grid').waitFor();
    runUrl = page.url();
    // Columns by due time: hello (T0, the bot), call (T+2m, the leader), rules (T+40m, the bot).
    const hello = [tid(page, 'cell-0-0'), tid(page, 'cell-1-0')];
    for (const cell of hello) await expect.poll(() => cell.getAttribute('data-state'), { timeout: 30_000 }).toBe('sent');
    expect(await tid(page, 'cell-0-1').getAttribute('data-state')).toBe('assigned');
    expect(await tid(page, 'cell-0-2').getAttribute('data-state')).toBe('planned');
    await hello[0].click();
    await expect.poll(() => tid(page, 'cell-details-state').getAttribute('class')).toContain('sent');
    expect(await tid(page, 'cell-details-text').textContent()).toContain('Welcome to');
    await screenshot(page, 'run-board');
  });

  it('settles a send whose outcome was unknown on the demo camp, and the cell changes', async () => {
    await tid(page, 'nav-runs').click();
    const demoRun = page.locator('[data-testid^="run-row-"]', { hasText: '7-day training camp' }).first();
    await demoRun.getByTestId('run-open').click();
    await tid(page, 'board-grid').waitFor();
    await tid(page, 'filter-attention').click();
    const unknown = page.locator('[data-testid="board-grid"] [data-state="unconfirmed"]').first();
    await unknown.waitFor();
    const ledger = await unknown.getAttribute('data-ledger');
    await screenshot(page, 'camp-board-attention');
    await unknown.click();
    await tid(page, 'resolve-sent').click();
    await tid(page, 'confirm-yes').click();
    const cell = page.locator(`[data-testid="board-grid"] [data-ledger="${ledger}"]`);
    await expect.poll(async () => ((await cell.count()) ? cell.getAttribute('data-state') : 'gone')).not.toBe('unconfirmed');
    await expect.poll(async () => tid(page, 'cell-details-state').getAttribute('class'), { timeout: WAIT }).toContain('sent');
  });

  let broadcastUrl = '';

  it('broadcasts an instruction to the leaders of the chapter groups', async () => {
    await tid(page, 'nav-command').click();
    await tid(page, 'broadcast-text').fill(BROADCAST);
    await tid(page, 'broadcast-groups-mode-selector').click();
    await tid(page, 'broadcast-groups-selector').fill('channel:Demo+community:local');
    await tid(page, 'broadcast-by-leader').click();
    await tid(page, 'broadcast-preview').click();
    await tid(page, 'broadcast-preview-result').waitFor();
    expect(await tid(page, 'bpreview-groups').textContent()).toContain('2');
    expect(await tid(page, 'bpreview-human').textContent()).toContain('2');
    await screenshot(page, 'command-preview');
    await tid(page, 'broadcast-send').click();
    await tid(page, 'broadcast-title').waitFor();
    broadcastUrl = page.url();
    await expect.poll(() => tid(page, 'progress-pending').locator('.stat-value').textContent()).toBe('2');
    expect(await tid(page, 'progress-done').locator('.stat-value').textContent()).toBe('0');
    await screenshot(page, 'command-progress');
  });

  it('a leader on a phone marks the broadcast done; the head operator sees it on the board', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, timezoneId: 'Asia/Shanghai', locale: 'en-US' });
    phone.setDefaultTimeout(WAIT);
    try {
      const p = await phone.newPage();
      await p.goto(running.url);
      await signIn(p, LEADER.name, leaderPassword);
      await tid(p, 'task-list').waitFor();
      // A leader's console is their task list, and only theirs.
      expect(await tid(p, 'nav-runs').count()).toBe(0);
      const card = p.locator('article[data-testid^="task-"]', { has: p.locator('[data-testid^="task-text-"]', { hasText: BROADCAST }) }).first();
      await card.waitFor();
      const id = (await card.getAttribute('data-testid'))!.replace('task-', '');
      await screenshot(p, 'leader-phone');
      await tid(p, `task-done-${id}`).tap();
      await tid(p, `task-confirm-yes-${id}`).tap();
      // Done tasks fold away under "done today".
      await tid(p, `done-${id}`).waitFor({ state: 'attached' });
      expect(await tid(p, `task-${id}`).count()).toBe(0);
      await screenshot(p, 'leader-phone-done');
    } finally {
      await phone.close();
    }

    // The head operator's progress board was open all along: it updates by itself.
    expect(page.url()).toBe(broadcastUrl);
    await expect.poll(() => tid(page, 'progress-done').locator('.stat-value').textContent(), { timeout: 30_000 }).toBe('1');
    expect(await tid(page, `leader-row-${LEADER.name}`).textContent()).toContain('1');
    await screenshot(page, 'command-progress-updated');
  });

  it('switches the console to Chinese and back', async () => {
    await page.goto(runUrl);
    await tid(page, 'board-grid').waitFor();
    await tid(page, 'lang-zh').click();
    await expect.poll(() => tid(page, 'lang-zh').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => tid(page, 'nav-runs').textContent()).toMatch(/[\u4e00-\u9fff]/);
    await screenshot(page, 'run-board-zh');
    // The choice is the user's: it survives a reload.
    await page.reload();
    await expect.poll(() => tid(page, 'nav-runs').textContent()).toMatch(/[\u4e00-\u9fff]/);
    await tid(page, 'lang-en').click();
    await expect.poll(() => tid(page, 'nav-runs').textContent()).toMatch(/^[\x20-\x7e]+$/);
  });
});
