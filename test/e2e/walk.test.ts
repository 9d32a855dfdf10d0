// Every page and dialog of the console, in both languages, with the browser watching for errors:
// any uncaught page error (`pageerror`) or console error fails the stop it happened on. The owner
// walks the demo workspace on a desktop; a group leader walks their pages on a phone. The walk
// caught "Groups → Edit → Save blanks the console" (issue 7 item 13: an effect returned
// scrollIntoView()'s Promise, which React then called as a cleanup).
//
// To cover a new page or dialog, add a stop to OWNER_STOPS or LEADER_STOPS: a name, and what to
// do there (open it, wait for an element, click through its dialogs). Stops run in order and
// share one signed-in page per person, so a stop may rely on what an earlier one made. Waits are
// for elements, never fixed sleeps. Test ids: web/TESTIDS.md.

import { join } from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LEADERS } from '../../src/demo/workspace.ts';
import { ingestEvent } from '../../src/community/ingest.ts';
import { writeClicks } from '../../src/growth/clicks.ts';
import { runLink } from '../../src/growth/links.ts';
import { createOwner, createUser } from '../../src/server/accounts/users.ts';
import { engine } from '../support/db.ts';
import { ensureConsoleBuilt, launchChromium, resultsDir, type Running, startServer } from './harness.ts';

const OWNER = { name: 'walker', password: 'walk-owner-pass-8642' };
/** The demo's first leader, made before the demo so its password is known (the demo keeps existing accounts). */
const LEADER = { name: DEMO_LEADERS[0].name, password: 'walk-leader-pass-1357' };
const WAIT = 20_000;
const LOCALES = ['en', 'zh'] as const;
/** Screenshots of the growth pages, to look at in both languages. */
const shot = (name: string) => join(resultsDir('walk'), name);

interface Walk {
  page: Page;
  url: string;
  locale: (typeof LOCALES)[number];
}

interface Stop {
  name: string;
  visit(w: Walk): Promise<void>;
  /** Console errors the stop causes on purpose (the browser logs every 4xx answer as one). */
  expectedErrors?: RegExp[];
}

/** Internal ids where names belong: `camp-7d@3`, `run_…`, `ch_…` (issue 7 item 21). */
const INTERNAL_ID = /\b[a-z0-9-]+@\d+\b|\brun_[0-9a-z]+|\bch_[0-9a-f]+/;

async function noInternalIds(w: Walk, testid: string): Promise<void> {
  expect((await tid(w.page, testid).first().innerText()) ?? '', testid).not.toMatch(INTERNAL_ID);
}

async function typeSheet(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="sheet-editor"] .cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

const tid = (p: Page, id: string) => p.getByTestId(id);

async function open(w: Walk, path: string, testid: string): Promise<void> {
  await w.page.goto(`${w.url}${path}`);
  await tid(w.page, testid).first().waitFor();
}

/** The text shown is in the walk's language (Chinese characters in zh, none in en). */
async function inLanguage(w: Walk, testid: string): Promise<void> {
  const text = (await tid(w.page, testid).first().textContent()) ?? '';
  if (w.locale === 'zh') expect(text, testid).toMatch(/[\u4e00-\u9fff]/);
}

const CSV = 'Day,Time,Action,Content,Owner,Kind\nD0,20:00,post,Welcome evening starts now,bot,info\nD1,21:00,post,Thank you for coming,bot,info\n';

const OWNER_STOPS: Stop[] = [
  {
    name: 'overview: the operator’s day, its look-ahead, a link to a board cell',
    async visit(w) {
      await open(w, '/', 'overview');
      await inLanguage(w, 'nav-home');
      await tid(w.page, 'overview-runs').waitFor();
      await tid(w.page, 'overview-hours-12').click();
      await expect.poll(() => tid(w.page, 'overview-hours-12').getAttribute('aria-pressed')).toBe('true');
      // The demo camp has sends to check: the first one's link opens its cell on the board.
      const item = w.page.locator('[data-testid="overview-attention"] [data-testid^="overview-item-"] a').first();
      await item.click();
      await tid(w.page, 'board-grid').waitFor();
      await tid(w.page, 'cell-details').waitFor();
      await tid(w.page, 'cell-details-close').click();
    },
  },
  {
    name: 'sheets: the library and templates',
    async visit(w) {
      await open(w, '/sheets', 'sheet-list');
      await tid(w.page, 'template-list').waitFor();
    },
  },
  {
    name: 'editor: a new sheet is checked and previewed',
    async visit(w) {
      await open(w, '/sheets/new', 'sheet-editor');
      await expect.poll(() => tid(w.page, 'lint-summary').getAttribute('data-checked')).toBe('yes');
    },
  },
  {
    name: 'editor: a refused save’s banner goes once the sheet is fixed',
    expectedErrors: [/status of 422/],
    async visit(w) {
      await open(w, '/sheets/new', 'sheet-editor');
      await typeSheet(w.page, 'sop: walk-broken\ntitle: Broken\ncommunity: local\ntimezone: Asia/Shanghai\nanchor: Start\nsteps:\n  - id: a\n    at: T0\n    do: post\n');
      await tid(w.page, 'sheet-save').click();
      await tid(w.page, 'error').waitFor();
      await typeSheet(w.page, 'sop: walk-fixed\ntitle: Fixed\ncommunity: local\ntimezone: Asia/Shanghai\nanchor: Start\nsteps:\n  - id: a\n    at: T0\n    do: post\n    text: Hello\n');
      await tid(w.page, 'error').waitFor({ state: 'detached' });
    },
  },
  {
    name: 'editor: a saved sheet, a template copy, and the history with its diff',
    async visit(w) {
      await open(w, '/sheets/camp-7d', 'sheet-editor');
      await expect.poll(() => tid(w.page, 'lint-summary').getAttribute('data-checked')).toBe('yes');
      // The heading names the sheet by its title, not its id.
      expect(await w.page.locator('h1').innerText()).not.toContain('camp-7d');
      await open(w, '/sheets/new?template=newcomer-7d', 'sheet-editor');
      await open(w, '/sheets/camp-7d/history', 'version-list');
    },
  },
  {
    name: 'import: a spreadsheet opens in the editor',
    async visit(w) {
      await open(w, '/sheets/import', 'import-form');
      await tid(w.page, 'import-file').setInputFiles({ name: 'evening.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
      await tid(w.page, 'import-submit').click();
      await tid(w.page, 'sheet-editor').waitFor();
      // The notes speak of what to fill in, not of command-line options.
      expect(await w.page.locator('.note').first().innerText()).not.toMatch(/\boption\b|--[a-z]/);
    },
  },
  {
    name: 'groups: edit → save, edit → cancel, add → cancel',
    async visit(w) {
      await open(w, '/groups', 'group-list');
      // A row's Edit button (the panel's own fields are group-edit-leader etc., absent while it is closed).
      const edit = w.page.locator('[data-testid="group-list"] [data-testid^="group-edit-"]').first();
      await edit.click();
      await tid(w.page, 'group-edit').waitFor();
      await tid(w.page, 'group-edit-save').click();
      await tid(w.page, 'group-edit').waitFor({ state: 'detached' });
      await tid(w.page, 'group-list').waitFor();
      await edit.click();
      await tid(w.page, 'group-edit').waitFor();
      await tid(w.page, 'group-edit-cancel').click();
      await tid(w.page, 'group-edit').waitFor({ state: 'detached' });
      await tid(w.page, 'group-add').click();
      await tid(w.page, 'group-add-form').waitFor();
      await tid(w.page, 'group-add-cancel').click();
      await tid(w.page, 'group-list').waitFor();
    },
  },
  {
    name: 'import: a members file; a group’s leader candidates',
    async visit(w) {
      await open(w, '/members/import', 'people-import-form');
      await inLanguage(w, 'people-import-columns');
      await tid(w.page, 'people-import-file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from('phone,name\n13800138000,Walker\n') });
      await tid(w.page, 'people-import-submit').click();
      await tid(w.page, 'people-import-done').waitFor();
      await tid(w.page, 'people-import-orders').check();
      await open(w, '/groups', 'group-list');
      await w.page.locator('[data-testid^="group-candidates-"]').first().click();
      await tid(w.page, 'candidates-panel').waitFor();
      await tid(w.page, 'candidates-close').click();
      await tid(w.page, 'candidates-panel').waitFor({ state: 'detached' });
    },
  },
  {
    name: 'channels: the list and the connect form for every kind',
    async visit(w) {
      await open(w, '/channels', 'channel-list');
      await noInternalIds(w, 'channel-list');
      await tid(w.page, 'channel-add').click();
      await tid(w.page, 'channel-add-form').waitFor();
      for (const kind of ['telegram', 'wecom', 'wechaty', 'manual', 'sandbox']) {
        await tid(w.page, `channel-kind-${kind}`).click();
        await tid(w.page, 'channel-name').waitFor();
      }
      await tid(w.page, 'channel-add-cancel').click();
      await tid(w.page, 'channel-list').waitFor();
    },
  },
  {
    name: 'runs: the list and its filters',
    async visit(w) {
      await open(w, '/runs', 'runs-table');
      await tid(w.page, 'runs-kind-broadcast').click();
      await tid(w.page, 'runs-kind-all').click();
      await tid(w.page, 'runs-table').waitFor();
      await noInternalIds(w, 'runs-table');
    },
  },
  {
    name: 'launch: pick a sheet and groups, preview',
    async visit(w) {
      await open(w, '/runs/new', 'launch-sheet');
      await tid(w.page, 'launch-sheet').selectOption('local-event-month');
      await tid(w.page, 'launch-groups-mode-selector').click();
      await tid(w.page, 'launch-groups-selector').fill('community:local');
      await expect.poll(() => tid(w.page, 'launch-groups-match').textContent()).toMatch(/[1-9]/);
      for (const input of await w.page.locator('[data-testid^="launch-var-"]').all()) {
        // A variable used as a link must be an http(s) address (item 10); the others take any text.
        const name = (await input.getAttribute('data-testid')) ?? '';
        if (!(await input.inputValue())) await input.fill(/link|url/.test(name) ? 'https://example.com/signup' : '2030-06-01');
      }
      await tid(w.page, 'launch-preview').click();
      await tid(w.page, 'launch-preview-result').or(tid(w.page, 'error')).first().waitFor();
    },
  },
  {
    name: 'board: the camp, a cell’s details, “what needs me”',
    async visit(w) {
      await open(w, '/runs', 'runs-table');
      await w.page.locator('[data-testid^="run-row-"] [data-testid="run-open"]').last().click();
      await tid(w.page, 'board-grid').waitFor();
      expect(await w.page.locator('.page-head').first().innerText()).not.toMatch(INTERNAL_ID);
      await tid(w.page, 'cell-0-0').click();
      await tid(w.page, 'cell-details').waitFor();
      await tid(w.page, 'cell-details-close').click();
      await tid(w.page, 'filter-attention').click();
      await tid(w.page, 'board-grid').or(tid(w.page, 'board-empty')).first().waitFor();
      await tid(w.page, 'filter-attention').click();
    },
  },
  {
    name: 'board: the step-effect view (replies, usual, leaves, clicks, orders per column), its downloads',
    async visit(w) {
      await open(w, '/runs', 'runs-table');
      await w.page.locator('[data-testid^="run-row-"] [data-testid="run-open"]').last().click();
      await tid(w.page, 'board-grid').waitFor();
      await tid(w.page, 'toggle-effect').click();
      await tid(w.page, 'effect-table').waitFor();
      expect(await tid(w.page, 'effect-column').count()).toBeGreaterThan(0);
      // The replies the walk added after the camp's sends show as a reply rate above 0 somewhere.
      expect(await tid(w.page, 'effect-table').innerText()).toMatch(/[1-9]\d*(\.\d)?%/);
      await inLanguage(w, 'effect-summary');
      await noInternalIds(w, 'effect-summary');
      expect(await tid(w.page, 'effect-export-xlsx').getAttribute('href')).toContain('format=xlsx');
      await w.page.screenshot({ path: shot(`effect-${w.locale}.png`), fullPage: true });
      await tid(w.page, 'toggle-effect').click();
      await tid(w.page, 'effect-summary').waitFor({ state: 'detached' });
    },
  },
  {
    name: 'command center: the broadcast form and its preview; a broadcast’s progress',
    async visit(w) {
      await open(w, '/command', 'broadcast-text');
      await tid(w.page, 'broadcast-text').fill('Please pin the venue map in your group.');
      await tid(w.page, 'broadcast-by-leader').click();
      await tid(w.page, 'broadcast-preview').click();
      await tid(w.page, 'broadcast-preview-result').waitFor();
      await w.page.locator('[data-testid^="broadcast-row-"] a').first().click();
      await tid(w.page, 'broadcast-title').waitFor();
      await tid(w.page, 'progress-pending').waitFor();
    },
  },
  {
    name: 'team: people, add a person (cancel), tokens, activity',
    async visit(w) {
      await open(w, '/team', 'team-people');
      await tid(w.page, 'user-add').click();
      await tid(w.page, 'user-add-form').waitFor();
      await tid(w.page, 'user-add-role').selectOption('viewer');
      await tid(w.page, 'user-add-role-help').waitFor();
      await tid(w.page, 'token-name').fill(`walk ${w.locale}`);
      await tid(w.page, 'token-create').click();
      await tid(w.page, 'token-made').waitFor();
      await tid(w.page, 'token-made-done').click();
      await tid(w.page, 'audit-list').waitFor();
    },
  },
  // insight ↓ (issue 10)
  {
    name: 'inbox: open questions with how long they waited, the answered ones, the reply box (cancelled)',
    async visit(w) {
      await open(w, '/', 'overview-questions');
      await inLanguage(w, 'overview-questions');
      await tid(w.page, 'overview-questions-open').click();
      await tid(w.page, 'inbox-list').waitFor();
      await inLanguage(w, 'inbox-total');
      await noInternalIds(w, 'inbox-list');
      await w.page.screenshot({ path: shot(`inbox-${w.locale}.png`), fullPage: true });
      const card = w.page.locator('[data-testid^="question-reply-"]').first();
      await card.click();
      await w.page.locator('[data-testid^="question-reply-text-"]').first().fill('明天早上 9 点开始');
      await w.page.getByRole('button', { name: w.locale === 'zh' ? '取消' : 'Cancel' }).click();
      await tid(w.page, 'inbox-filter-answered').click();
      await expect.poll(() => tid(w.page, 'inbox-filter-answered').getAttribute('aria-pressed')).toBe('true');
      await tid(w.page, 'inbox-groups').fill('tag:nothing-here');
      await tid(w.page, 'inbox-groups-apply').click();
      await tid(w.page, 'empty').waitFor();
    },
  },
  // people/admission ↓
  {
    name: 'admission: the queue and its filters; the blacklist',
    async visit(w) {
      await open(w, '/admission', 'admission-page');
      await inLanguage(w, 'admission-filter-pending');
      await tid(w.page, 'admission-filter-all').click();
      await open(w, '/blacklist', 'blacklist-form');
      await inLanguage(w, 'blacklist-add');
    },
  },
  {
    name: 'members: the list, a filter, a wrong filter, the bulk bar, the segment dialog (cancel)',
    async visit(w) {
      await open(w, '/members', 'member-list');
      await inLanguage(w, 'member-list');
      await noInternalIds(w, 'member-list');
      await tid(w.page, 'members-where').fill('stage:nobody');
      await tid(w.page, 'members-where-error').waitFor();
      await tid(w.page, 'members-where').fill('!stage:customer');
      await tid(w.page, 'members-where-hint').waitFor();
      await tid(w.page, 'chip-active').click();
      await tid(w.page, 'chip-active').click();
      await tid(w.page, 'member-list').or(tid(w.page, 'empty')).first().waitFor();
      await w.page.locator('[data-testid^="member-select-"]').first().check();
      await tid(w.page, 'member-bulk').waitFor();
      await tid(w.page, 'members-save-segment').click();
      await tid(w.page, 'segment-save').waitFor();
      await tid(w.page, 'segment-save-cancel').click();
      await tid(w.page, 'segment-save').waitFor({ state: 'detached' });
    },
  },
  {
    name: 'member profile: groups, points, tags, timeline; the forget dialog (cancel)',
    async visit(w) {
      await open(w, '/members', 'member-list');
      await w.page.locator('[data-testid^="member-open-"]').first().click();
      await tid(w.page, 'member-timeline').waitFor();
      await tid(w.page, 'member-merge').waitFor();
      await inLanguage(w, 'member-profile');
      await noInternalIds(w, 'member-profile');
      await tid(w.page, 'member-forget').click();
      await tid(w.page, 'confirm').waitFor();
      await tid(w.page, 'confirm-no').click();
      await tid(w.page, 'confirm').waitFor({ state: 'detached' });
    },
  },
  {
    name: 'segments: the list (empty or not)',
    async visit(w) {
      // The walk saves none: its empty state says where segments come from.
      await w.page.goto(`${w.url}/members/segments`);
      await tid(w.page, 'segment-list').or(tid(w.page, 'empty')).first().waitFor();
      await inLanguage(w, 'empty');
    },
  },
  {
    name: 'groups: people in a group',
    async visit(w) {
      await open(w, '/groups', 'group-list');
      await w.page.locator('[data-testid="group-list"] [data-testid^="group-people-"]').first().click();
      await tid(w.page, 'group-people-list').waitFor();
      await inLanguage(w, 'group-people');
      await tid(w.page, 'group-people-close').click();
      await tid(w.page, 'group-people').waitFor({ state: 'detached' });
    },
  },
  // growth ↓ (issue 9)
  {
    name: 'live codes: make one for the lead groups, its QR code and fill; the list',
    async visit(w) {
      await open(w, '/livecodes', 'livecodes-page');
      await inLanguage(w, 'livecodes-page');
      await tid(w.page, 'livecode-new').click();
      await tid(w.page, 'livecode-create').waitFor();
      await tid(w.page, 'livecode-groups-mode-selector').click();
      await tid(w.page, 'livecode-groups-selector').fill('community:lead');
      await expect.poll(() => tid(w.page, 'livecode-groups-match').textContent()).toMatch(/2/);
      await tid(w.page, 'livecode-cap').fill('20');
      await tid(w.page, 'livecode-name').fill(w.locale === 'zh' ? '体验课活码' : 'Trial class code');
      await tid(w.page, 'livecode-create-submit').click();
      await tid(w.page, 'livecode-page').waitFor();
      await expect.poll(() => tid(w.page, 'livecode-qr').evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth)).toBeGreaterThan(100);
      expect(await tid(w.page, 'livecode-url').innerText()).toMatch(/^http:\/\/chorus\.walk\.test\/j\/[\w-]+$/);
      await expect.poll(() => tid(w.page, 'livecode-group').count()).toBe(2);
      // Someone scans it: the scan is counted and drawn in the hour's bar.
      const address = new URL(await tid(w.page, 'livecode-url').innerText());
      expect((await w.page.request.get(`${w.url}${address.pathname}`, { maxRedirects: 0 })).status()).toBeLessThan(400);
      // Scans are written in batches a moment later: refresh until it shows.
      await expect
        .poll(async () => {
          await tid(w.page, 'livecode-refresh').click();
          return tid(w.page, 'livecode-scans').innerText();
        })
        .toMatch(/^1\b/);
      await w.page.locator('[data-testid="livecode-hourly"] svg rect').first().waitFor();
      await inLanguage(w, 'livecode-groups-table');
      await noInternalIds(w, 'livecode-page');
      await w.page.screenshot({ path: shot(`livecode-${w.locale}.png`), fullPage: true });
      await tid(w.page, 'nav-livecodes').click();
      await tid(w.page, 'livecode-list').waitFor();
      await tid(w.page, 'livecode-new').click();
      await tid(w.page, 'livecode-create-cancel').click();
      await tid(w.page, 'livecode-create').waitFor({ state: 'detached' });
    },
  },
  {
    name: 'tracked links: make one by hand, its short link, its figures; the list',
    async visit(w) {
      await open(w, '/links', 'links-page');
      await inLanguage(w, 'links-page');
      await tid(w.page, 'link-new').click();
      await tid(w.page, 'link-url').fill('https://shop.example/spring-offer');
      await tid(w.page, 'link-name').fill(w.locale === 'zh' ? '春季优惠' : 'Spring offer');
      await tid(w.page, 'link-create-submit').click();
      const short = await tid(w.page, 'link-made-url').innerText();
      expect(short).toMatch(/^http:\/\/chorus\.walk\.test\/l\/\w+$/);
      await tid(w.page, 'link-made-open').click();
      await tid(w.page, 'link-stats').waitFor();
      expect(await tid(w.page, 'link-short').innerText()).toBe(short);
      await noInternalIds(w, 'link-page');
      await w.page.screenshot({ path: shot(`link-${w.locale}.png`), fullPage: true });
      await tid(w.page, 'nav-links').click();
      await tid(w.page, 'link-list').waitFor();
      await noInternalIds(w, 'link-list');
      await w.page.screenshot({ path: shot(`links-${w.locale}.png`), fullPage: true });
      // The camp's link: its clicks by group and by step.
      await w.page.locator('[data-testid="link-row"]', { hasText: 'camp-offer' }).locator('[data-testid="link-open"]').click();
      await expect.poll(() => w.page.locator('[data-testid="link-by-group"] tbody tr').count()).toBe(2);
      await tid(w.page, 'link-by-step').waitFor();
      expect(await tid(w.page, 'link-clicks').innerText()).toContain('2');
      await noInternalIds(w, 'link-page');
      await w.page.screenshot({ path: shot(`link-run-${w.locale}.png`), fullPage: true });
    },
  },
  {
    name: 'campaigns: a new invite campaign (poster preview, the rules in words), its board, pause and resume; the list',
    async visit(w) {
      await open(w, '/campaigns', 'campaigns-page');
      await inLanguage(w, 'campaigns-page');
      await tid(w.page, 'campaign-new').click();
      await tid(w.page, 'campaign-create').waitFor();
      await tid(w.page, 'campaign-name').fill(w.locale === 'zh' ? '春季邀请有礼' : 'Spring invite');
      await tid(w.page, 'campaign-groups-mode-selector').click();
      await tid(w.page, 'campaign-groups-selector').fill('community:lead');
      await expect.poll(() => tid(w.page, 'campaign-groups-match').textContent()).toMatch(/2/);
      // The poster kind asks who reviews the screenshots; back to inviting friends.
      await tid(w.page, 'campaign-kind-poster').click();
      await tid(w.page, 'campaign-review').waitFor();
      await tid(w.page, 'campaign-kind-invite').click();
      await tid(w.page, 'campaign-goal').waitFor();
      // Points in one language, a pool of codes in the other (the board then shows the codes left).
      if (w.locale === 'en') {
        await tid(w.page, 'campaign-reward-points').click();
        await tid(w.page, 'campaign-reward-points-value').fill('50');
      } else {
        await tid(w.page, 'campaign-reward-codes').click();
        await tid(w.page, 'campaign-reward-codes-value').fill('GIFT-001\nGIFT-002\nGIFT-003');
      }
      await tid(w.page, 'campaign-poster-title').fill(w.locale === 'zh' ? '邀请 3 位好友，免费领课' : 'Invite 3 friends, get a free class');
      await expect.poll(() => tid(w.page, 'poster-preview-image').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(100);
      await inLanguage(w, 'campaign-rules');
      await w.page.screenshot({ path: shot(`campaign-new-${w.locale}.png`), fullPage: true });
      await tid(w.page, 'campaign-create-submit').click();
      await tid(w.page, 'campaign-page').waitFor();
      await tid(w.page, 'campaign-kfactor').waitFor();
      if (w.locale === 'zh') expect(await tid(w.page, 'campaign-pool').innerText()).toMatch(/3/);
      // A member of a lead group enrols (as by asking the bot): the leaderboard shows them with their link.
      const id = decodeURIComponent(new URL(w.page.url()).pathname.split('/').pop() ?? '');
      const { csrfToken } = (await (await w.page.request.get(`${w.url}/api/session`)).json()) as { csrfToken: string };
      const lead = (await (await w.page.request.get(`${w.url}/api/groups?groups=community:lead`)).json()) as { groups: { id: string }[] };
      const members = (await (await w.page.request.get(`${w.url}/api/members?group=${encodeURIComponent(lead.groups[0].id)}&limit=1`)).json()) as { members: { id: string }[] };
      const joined = await w.page.request.post(`${w.url}/api/campaigns/${encodeURIComponent(id)}/join`, { headers: { 'x-csrf-token': csrfToken }, data: { member: members.members[0].id } });
      expect(joined.status(), await joined.text()).toBeLessThan(300);
      await w.page.reload();
      await tid(w.page, 'campaign-leader').waitFor();
      await tid(w.page, 'campaign-leader-poster').waitFor();
      await inLanguage(w, 'campaign-page');
      await noInternalIds(w, 'campaign-page');
      await tid(w.page, 'campaign-pause').click();
      await tid(w.page, 'campaign-resume').click();
      await tid(w.page, 'campaign-pause').waitFor();
      await tid(w.page, 'campaign-end').click();
      await tid(w.page, 'confirm').waitFor();
      await tid(w.page, 'confirm-no').click();
      await w.page.screenshot({ path: shot(`campaign-${w.locale}.png`), fullPage: true });
      await tid(w.page, 'nav-campaigns').click();
      await tid(w.page, 'campaign-list').waitFor();
      await noInternalIds(w, 'campaign-list');
    },
  },
  // Insights (issue 10)
  {
    name: 'insights: group health, the table with status, score, reasons and a sparkline per group',
    async visit(w) {
      await tid(w.page, 'nav-insight').click();
      await tid(w.page, 'health-table').waitFor();
      await inLanguage(w, 'health-table');
      expect(await tid(w.page, 'health-row').count()).toBeGreaterThan(0);
      expect(await tid(w.page, 'health-spark').count()).toBe(await tid(w.page, 'health-row').count());
      await noInternalIds(w, 'health-table');
      // The sparklines are uPlot canvases, drawn for the rows on screen.
      await w.page.locator('[data-testid="health-spark"] canvas').first().waitFor();
      await w.page.screenshot({ path: shot(`health-${w.locale}.png`), fullPage: true });
    },
  },
  // Insights (issue 10): funnels and cohorts
  {
    name: 'insights: the funnel as bars with counts and rates, the cohorts as a heat map, DAU/MAU and the stages over 30 days; a download; a wrong selector',
    async visit(w) {
      await tid(w.page, 'nav-funnel').click();
      await tid(w.page, 'funnel-table').waitFor();
      await inLanguage(w, 'funnel-page');
      // The demo's members joined over the past days: the funnel is not empty.
      expect(Number(await w.page.locator('[data-testid="funnel-attract"] td.num').first().innerText())).toBeGreaterThan(0);
      await w.page.locator('[data-testid="funnel-chart"] canvas').waitFor();
      await tid(w.page, 'cohort-table').waitFor();
      expect(await tid(w.page, 'cohort-row').count()).toBeGreaterThan(0);
      await w.page.locator('[data-testid="dau-chart"] canvas').waitFor();
      await w.page.locator('[data-testid="stage-chart"] canvas').waitFor();
      await noInternalIds(w, 'funnel-page');
      const href = (await tid(w.page, 'cohort-export-csv').getAttribute('href')) ?? '';
      const file = await w.page.request.get(`${w.url}${href}`);
      expect(file.status()).toBe(200);
      expect(await file.text()).toContain(w.locale === 'zh' ? '入群周' : 'Join week');
      await w.page.screenshot({ path: shot(`funnel-${w.locale}.png`), fullPage: true });
      await tid(w.page, 'funnel-groups').fill('nosuch:1');
      await tid(w.page, 'funnel-apply').click();
      await tid(w.page, 'error').first().waitFor();
    },
    expectedErrors: [/400/],
  },
  {
    name: 'insights: the weekly digest of a group, its post with a copy button, its card and downloads',
    async visit(w) {
      await open(w, '/insight/digest', 'digest-text');
      await inLanguage(w, 'digest-figures');
      await noInternalIds(w, 'digest-page');
      expect(await tid(w.page, 'digest-text').innerText()).toMatch(/📰/);
      // The card is drawn by the server: the image loads at its own size.
      await expect.poll(() => tid(w.page, 'digest-card').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: 10_000 }).toBe(750);
      expect(await tid(w.page, 'digest-export-csv').getAttribute('href')).toContain('format=csv');
      expect(await tid(w.page, 'digest-download').getAttribute('href')).toContain('/api/insight/digest/card.png');
      // Another week: the figures follow.
      const weeks = await tid(w.page, 'digest-week').locator('option').count();
      expect(weeks).toBeGreaterThan(2);
      await tid(w.page, 'digest-week').selectOption({ index: 2 });
      await tid(w.page, 'digest-text').waitFor();
      await w.page.screenshot({ path: shot(`digest-${w.locale}.png`), fullPage: true });
    },
  },
  {
    name: "insights: a group's health page from a row of the table — status, score, reasons, the charts",
    async visit(w) {
      await open(w, '/insight/health', 'health-table');
      await tid(w.page, 'health-row').first().locator('a').click();
      await tid(w.page, 'group-health-head').waitFor();
      await inLanguage(w, 'group-health-page');
      await noInternalIds(w, 'group-health-page');
      expect(await tid(w.page, 'group-health-status').getAttribute('data-status')).toMatch(/^(healthy|watch|dying)$/);
      for (const chart of ['chart-members', 'chart-join-leave', 'chart-messages', 'chart-shares']) await w.page.locator(`[data-testid="${chart}"] canvas`).first().waitFor();
      await tid(w.page, 'chart-response').waitFor();
      await w.page.screenshot({ path: shot(`group-health-${w.locale}.png`), fullPage: true });
      await tid(w.page, 'group-health-days-90').click();
      await expect.poll(() => tid(w.page, 'group-health-days-90').getAttribute('aria-pressed')).toBe('true');
      await w.page.locator('[data-testid="chart-members"] canvas').first().waitFor();
      expect(await tid(w.page, 'group-health-export-csv').getAttribute('href')).toContain('days=90&format=csv');
      await tid(w.page, 'group-health-back').click();
      await tid(w.page, 'health-table').waitFor();
    },
  },
  {
    name: 'a page that does not exist',
    async visit(w) {
      await w.page.goto(`${w.url}/no-such-page`);
      await tid(w.page, 'nav-home').waitFor();
    },
  },
  // insight ↓ (issue 10): moderation and keyword alerts
  {
    name: 'insight: moderation settings for all groups, the log; a keyword alert and the command-center field',
    async visit(w) {
      await open(w, '/insight/moderation', 'moderation-form');
      await inLanguage(w, 'moderation-page');
      await tid(w.page, 'moderation-groups').fill('all');
      await tid(w.page, 'moderation-words').fill('代购, 刷单');
      await tid(w.page, 'moderation-save').click();
      await tid(w.page, 'moderation-scopes').waitFor();
      await noInternalIds(w, 'moderation-scopes');
      await tid(w.page, 'moderation-log').or(tid(w.page, 'empty')).first().waitFor();
      await w.page.screenshot({ path: shot(`moderation-${w.locale}.png`), fullPage: true });
      await open(w, '/insight/alerts', 'alert-form');
      await inLanguage(w, 'alerts-page');
      await tid(w.page, 'alert-keyword').fill(`退款 ${w.locale}`);
      await tid(w.page, 'alert-add').click();
      await tid(w.page, 'alerts-table').waitFor();
      await tid(w.page, 'alert-center').waitFor();
      await w.page.screenshot({ path: shot(`alerts-${w.locale}.png`), fullPage: true });
    },
  },
];

const LEADER_STOPS: Stop[] = [
  {
    name: 'leader page: tasks, copy, mark done → not yet',
    async visit(w) {
      await open(w, '/', 'task-list');
      await inLanguage(w, 'leader-summary');
      const card = w.page.locator('article[data-testid^="task-"]').first();
      const id = ((await card.getAttribute('data-testid')) ?? '').replace('task-', '');
      await tid(w.page, `task-copy-${id}`).tap();
      await tid(w.page, `task-done-${id}`).tap();
      await tid(w.page, `task-confirm-no-${id}`).tap();
      await tid(w.page, `task-${id}`).waitFor();
    },
  },
  {
    name: 'leader: my tokens; the menu on a phone',
    async visit(w) {
      await open(w, '/team', 'team-tokens');
      expect(await tid(w.page, 'team-people').count()).toBe(0);
      await tid(w.page, 'menu-toggle').tap();
      await tid(w.page, 'nav-leader').waitFor();
    },
  },
  {
    name: 'leader: members of my groups on a phone, a profile',
    async visit(w) {
      await open(w, '/members', 'member-list');
      await inLanguage(w, 'member-list');
      await w.page.locator('[data-testid^="member-open-"]').first().tap();
      await tid(w.page, 'member-timeline').waitFor();
      expect(await tid(w.page, 'member-forget').count()).toBe(0);
      expect(await w.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    },
  },
  // insight ↓ (issue 10)
  {
    name: 'leader: the questions waiting in their groups, on the leader page and in the inbox',
    async visit(w) {
      await open(w, '/leader', 'leader-questions');
      await inLanguage(w, 'leader-questions');
      await w.page.locator('[data-testid="leader-questions"] [data-testid^="question-reply-"]').first().tap();
      await w.page.locator('[data-testid^="question-reply-text-"]').first().waitFor();
      expect(await w.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      await w.page.screenshot({ path: shot(`leader-questions-${w.locale}.png`), fullPage: true });
      await open(w, '/inbox', 'inbox-list');
      await inLanguage(w, 'inbox-total');
    },
  },
  // people/admission ↓
  {
    name: 'leader: the applications to their groups',
    async visit(w) {
      await open(w, '/admission', 'admission-page');
      await inLanguage(w, 'admission-filter-pending');
    },
  },
  // Insights (issue 10)
  {
    name: 'leader: the health of their groups, on a phone',
    async visit(w) {
      await open(w, '/insight/health', 'health-page');
      await w.page.locator('[data-testid="health-table"], [data-testid="health-page"] .empty').first().waitFor();
      await inLanguage(w, 'health-page');
      expect(await w.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      await w.page.screenshot({ path: shot(`leader-health-${w.locale}.png`), fullPage: true });
    },
  },
  {
    name: "leader: one of their groups' health page, on a phone",
    async visit(w) {
      await open(w, '/insight/health', 'health-table');
      await tid(w.page, 'health-row').first().locator('a').tap();
      await tid(w.page, 'group-health-head').waitFor();
      await inLanguage(w, 'group-health-page');
      await noInternalIds(w, 'group-health-page');
      await w.page.locator('[data-testid="chart-messages"] canvas').first().waitFor();
      expect(await w.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      await w.page.screenshot({ path: shot(`leader-group-health-${w.locale}.png`), fullPage: true });
    },
  },
  {
    name: 'leader: the funnel and cohorts of their groups, on a phone',
    async visit(w) {
      await open(w, '/insight/funnel', 'funnel-page');
      await w.page.locator('[data-testid="funnel-table"], [data-testid="funnel-page"] .empty').first().waitFor();
      await tid(w.page, 'cohort-table').waitFor();
      await inLanguage(w, 'funnel-page');
      expect(await w.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      await w.page.screenshot({ path: shot(`leader-funnel-${w.locale}.png`), fullPage: true });
    },
  },
  // growth ↓ (issue 9)
  {
    name: 'leader: the live codes, links and campaigns of their groups, on a phone',
    async visit(w) {
      await open(w, '/livecodes', 'livecode-list');
      expect(await tid(w.page, 'livecode-new').count()).toBe(0);
      await w.page.locator('[data-testid="livecode-open"]').first().tap();
      // Only their own group of the two.
      await expect.poll(() => tid(w.page, 'livecode-group').count()).toBe(1);
      await inLanguage(w, 'livecode-groups-table');
      expect(await w.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      await w.page.screenshot({ path: shot(`livecode-leader-${w.locale}.png`), fullPage: true });
      await open(w, '/links', 'links-page');
      expect(await tid(w.page, 'link-new').count()).toBe(0);
      // The campaigns in their groups, read-only.
      await open(w, '/campaigns', 'campaign-list');
      expect(await tid(w.page, 'campaign-new').count()).toBe(0);
      await w.page.locator('[data-testid="campaign-open"]').first().tap();
      await tid(w.page, 'campaign-kfactor').waitFor();
      expect(await tid(w.page, 'campaign-pause').count()).toBe(0);
      expect(await w.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    },
  },
  // insight ↓ (issue 10)
  {
    name: 'leader: the moderation log and the keyword alerts of their groups, read and undo only',
    async visit(w) {
      await open(w, '/insight/moderation', 'moderation-page');
      expect(await tid(w.page, 'moderation-form').count()).toBe(0);
      await inLanguage(w, 'moderation-page');
      await open(w, '/insight/alerts', 'alerts-page');
      expect(await tid(w.page, 'alert-form').count()).toBe(0);
      expect(await w.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    },
  },
];

describe(`every page and dialog without a page error (${engine})`, () => {
  let running: Running;
  let browser: Browser;
  const people: { context: BrowserContext; page: Page; errors: string[] }[] = [];

  async function person(options: Parameters<Browser['newContext']>[0], who: { name: string; password: string }) {
    const context = await browser.newContext({ timezoneId: 'Asia/Shanghai', locale: 'en-US', ...options });
    context.setDefaultTimeout(WAIT);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') errors.push(`console error: ${m.text()} (${m.location().url})`);
    });
    await page.goto(running.url);
    await tid(page, 'sign-in-name').fill(who.name, { timeout: 60_000 });
    await tid(page, 'sign-in-password').fill(who.password);
    await tid(page, 'sign-in-submit').click();
    await tid(page, 'sign-out').waitFor({ state: 'attached' });
    const p = { context, page, errors };
    people.push(p);
    return p;
  }

  let owner: Awaited<ReturnType<typeof person>>;
  let leader: Awaited<ReturnType<typeof person>>;

  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launchChromium();
    running = await startServer({ publicUrl: new URL('http://chorus.walk.test') });
    await createOwner(running.store.db, { name: OWNER.name, password: OWNER.password, displayName: 'Walker' });
    await createUser(running.store.db, { name: LEADER.name, password: LEADER.password, role: 'leader', displayName: DEMO_LEADERS[0].displayName });
    owner = await person({ viewport: { width: 1280, height: 800 } }, OWNER);
    // The first-run page, then the demo workspace made from it.
    // The first start on a busy machine: generous waits for the first page.
    await tid(owner.page, 'demo-create').click({ timeout: 60_000 });
    await tid(owner.page, 'overview').waitFor({ timeout: 90_000 });
    // growth: a link the demo camp sent, clicked in two of its groups (the Links page splits it by group and step).
    const db = running.store.db;
    const { run_id } = await db.selectFrom('ledger').select('run_id').where('run_id', '<>', '').orderBy('id').executeTakeFirstOrThrow();
    const places = await db.selectFrom('ledger').select(['group_id', 'step_id']).distinctOn('group_id').where('run_id', '=', run_id).orderBy('group_id').orderBy('id').limit(2).execute();
    const linkId = await runLink(db, run_id, 'https://shop.example/camp-offer');
    await writeClicks(db, places.map((r, i) => ({ target: { linkId, url: '', groupId: r.group_id, stepId: r.step_id, memberId: '' }, slug: `walk${i}`, at: new Date() })));
    // insight: members reply within the hour of three of the camp's sends (the board's effect view).
    const sent = await db
      .selectFrom('ledger')
      .innerJoin('groups', 'groups.id', 'ledger.group_id')
      .select(['groups.channel_id', 'groups.external_id', 'ledger.executed_at'])
      .where('run_id', '=', run_id)
      .where('state', '=', 'sent')
      .where('action', 'in', ['post', 'checkin'])
      .where('member_id', '=', '')
      .orderBy('ledger.id')
      .limit(3)
      .execute();
    for (const [i, r] of sent.entries()) {
      const at = new Date(new Date(r.executed_at as Date).getTime() + 5 * 60_000);
      await ingestEvent({ db }, r.channel_id, { type: 'message', chatId: r.external_id, messageId: `walk-reply-${i}`, from: { externalId: `walk-replier-${i}`, name: `Replier ${i}` }, text: '收到，谢谢！', links: [], mentions: [], at });
    }
    // insight: two members' questions in a group of the leader's (the inbox, the leader page).
    const led = await db.selectFrom('groups').select(['channel_id', 'external_id']).where('leader', '=', LEADER.name).orderBy('id').executeTakeFirstOrThrow();
    for (const [i, text] of ['请问明天几点开始直播？', 'Where can I find the replay?'].entries()) {
      const from = { externalId: `walk-asker-${i}`, name: i ? 'Sam' : '小雨' };
      await ingestEvent({ db }, led.channel_id, { type: 'message', chatId: led.external_id, messageId: `walk-q${i}`, from, text, links: [], mentions: [], at: new Date(Date.now() - (i + 1) * 3_600_000) });
    }
    leader = await person({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true }, LEADER);
  }, 180_000);

  afterAll(async () => {
    for (const p of people) await p.context.close();
    await browser?.close();
    await running?.close();
  });

  it('the first-run page and the demo workspace raised no error', () => {
    expect([...owner.errors, ...leader.errors]).toEqual([]);
  });

  it('serves the main script compressed, cached for a year', async () => {
    const res = await owner.page.goto(`${running.url}/`);
    const html = (await res?.text()) ?? '';
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const r = await owner.page.request.get(`${running.url}${script}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(r.headers()['content-encoding']).toBe('br');
    // React's production build: its development build (a warning only it carries) is twice the size.
    expect(await r.text()).not.toContain('In HTML, %s cannot be a child');
    expect(r.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res?.headers()['cache-control']).toBe('no-cache');
  });

  for (const locale of LOCALES) {
    describe(`in ${locale === 'en' ? 'English' : 'Chinese'}`, () => {
      it('switches the language', async () => {
        for (const p of [owner, leader]) {
          await p.page.goto(`${running.url}/`);
          await tid(p.page, `lang-${locale}`).click();
          await expect.poll(() => tid(p.page, `lang-${locale}`).getAttribute('aria-pressed')).toBe('true');
          p.errors.length = 0;
        }
      });
      for (const [who, stops] of [
        ['owner', OWNER_STOPS],
        ['leader', LEADER_STOPS],
      ] as const) {
        for (const stop of stops) {
          it(`${who}: ${stop.name}`, async () => {
            const p = who === 'owner' ? owner : leader;
            p.errors.length = 0;
            try {
              await stop.visit({ page: p.page, url: running.url, locale });
            } catch (e) {
              // A page error usually blanks the page, and the wait for the next element times out: name the cause.
              if (p.errors.length && !p.errors.every((x) => stop.expectedErrors?.some((r) => r.test(x)))) throw new Error(`${p.errors.join('\n')}\n(then: ${(e as Error).message.split('\n')[0]})`);
              throw e;
            }
            expect(p.errors.filter((e) => !stop.expectedErrors?.some((x) => x.test(e)))).toEqual([]);
          }, 60_000);
        }
      }
    });
  }
});
