// What operators saw around runs and groups, in a browser: a leader typed wrong is flagged on the
// Groups page and chosen again from the team (by display name) in the edit dialog; the launch
// form chooses the sheet's community type and its preview names another run landing in the same
// group and hour; a failed board cell is tried again and sent once, a task's text is changed and
// the task handed to someone else, a planned send skipped. A real server with its worker, Debian's
// Chromium, the engine the suite runs on. Test ids: web/TESTIDS.md.

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveRows } from '../../src/run/ledger.ts';
import { hashPassword } from '../../src/server/accounts/passwords.ts';
import { createUser } from '../../src/server/accounts/users.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { engine } from '../support/db.ts';
import { ensureConsoleBuilt, launchChromium, type Running, startServer } from './harness.ts';

const OWNER = { name: 'head', displayName: 'Head Operator', password: 'e2e-owner-pass-1357' };
const WAIT = 20_000;

const SHEET = `sop: e2e-ops-camp
title: Spring writing camp
community: training_camp
timezone: Asia/Shanghai
anchor: Camp opening
steps:
  - id: hello
    at: T0
    do: post
    text: "Welcome to {{ group.name }}!"
  - id: call
    at: T+10m
    do: task
    by: leader
    window: 2h
    text: Call each new member.
  - id: bye
    at: T+40m
    do: post
    text: See you tomorrow.
`;

describe(`operating runs and groups in a browser (${engine})`, () => {
  let running: Running;
  let browser: Browser;
  let page: Page;
  let token = '';
  const groupIds: Record<string, string> = {};
  // Two hours ahead, on the hour: nothing is due while the test runs unless it says so.
  const anchor = new Date(Math.ceil(Date.now() / 3_600_000 + 2) * 3_600_000);
  let runId = '';
  const pageErrors: string[] = [];

  const tid = (id: string): Locator => page.getByTestId(id);
  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await fetch(`${running.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  }

  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launchChromium();
    running = await startServer();
    token = await ensureAdminToken(running.store.db, running.dataDir);
    const hash = await hashPassword(OWNER.password);
    await createUser(running.store.db, { name: OWNER.name, displayName: OWNER.displayName, role: 'owner', locale: 'en', passwordHash: hash });
    await createUser(running.store.db, { name: 'linwei', displayName: '林伟', role: 'leader', passwordHash: hash });
    await createUser(running.store.db, { name: 'ann', displayName: 'Ann Lee', role: 'leader', passwordHash: hash });
    await api('POST', '/api/channels', { kind: 'sandbox', name: 'Sandbox' });
    for (const [ext, name, leader, community] of [
      ['camp-1', 'Camp 1', 'linwei', 'training_camp'],
      ['camp-2', 'Camp 2', undefined, 'training_camp'],
      ['city-1', 'City club', 'ann', 'local'],
    ] as const) {
      groupIds[ext] = (await api<{ id: string }>('POST', '/api/groups', { channel: 'Sandbox', externalId: ext, name, community, ...(leader ? { leader } : {}) })).id;
    }
    // A connector or an import wrote a leader nobody signs in with.
    await running.store.db.updateTable('groups').set({ leader: 'linwie' }).where('id', '=', groupIds['camp-2']).execute();
    await api('POST', '/api/sheets', { yaml: SHEET });
    runId = (await api<{ id: string }>('POST', '/api/runs', { sheet: 'e2e-ops-camp', groups: `id:${groupIds['camp-1']}`, anchor: anchor.toISOString() })).id;

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Shanghai', locale: 'en-US' });
    ctx.setDefaultTimeout(WAIT);
    page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(running.url);
    await tid('sign-in-name').fill(OWNER.name);
    await tid('sign-in-password').fill(OWNER.password);
    await tid('sign-in-submit').click();
    await tid('nav-home').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it('flags a leader who is not in the team, and the edit dialog chooses one from the team by display name', async () => {
    await tid('nav-groups').click();
    await tid('groups-strangers').waitFor();
    expect(await tid('groups-strangers').textContent()).toContain('1 group has a leader who is not in the team');
    expect(await tid(`group-leader-${groupIds['camp-1']}`).textContent()).toBe('林伟');
    await tid(`group-leader-stranger-${groupIds['camp-2']}`).waitFor();

    await tid(`group-edit-${groupIds['camp-2']}`).click();
    const leader = tid('group-edit-leader');
    expect(await leader.inputValue()).toBe('linwie');
    expect(await leader.locator('option:checked').textContent()).toContain('not in the team');
    expect(await leader.locator('option').allTextContents()).toEqual(expect.arrayContaining(['林伟 (linwei)', 'Ann Lee (ann)']));
    await leader.selectOption('linwei');
    await tid('group-edit-save').click();
    await tid('group-edit').waitFor({ state: 'detached' });
    await tid('groups-strangers').waitFor({ state: 'detached' });
    expect(await tid(`group-leader-${groupIds['camp-2']}`).textContent()).toBe('林伟');
  });

  it("chooses the sheet's community type for the run, and the preview names the run already there", async () => {
    await page.goto(`${running.url}/runs/new?sheet=e2e-ops-camp`);
    await expect.poll(() => tid('launch-groups-community').inputValue()).toBe('training_camp');
    await tid('launch-groups-default').waitFor();
    await expect.poll(() => tid('launch-groups-match').textContent()).toContain('2');
    const local = new Date(anchor.getTime() + 8 * 3_600_000).toISOString();
    await tid('launch-anchor-date').fill(local.slice(0, 10));
    await tid('launch-anchor-time').fill(local.slice(11, 16));
    await tid('launch-preview').click();
    await tid('preview-overlaps').waitFor();
    expect(await tid('preview-overlap-run').textContent()).toBe('“Spring writing camp”: 3 actions in 1 group over 1 hour');
    const rows = await page.getByTestId('preview-overlap').allTextContents();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('Camp 1');
    expect(rows[0]).not.toContain('Camp 2');
    expect(await tid('preview-leaders-warning').count()).toBe(0);
  });

  it('tries a failed cell again (sent once), changes a task and hands it on, and skips a planned send', async () => {
    const rows = await running.store.db.selectFrom('ledger').select(['id', 'step_id']).where('run_id', '=', runId).execute();
    const id = (step: string) => Number(rows.find((r) => r.step_id === step)!.id);
    await moveRows(running.store.db, [id('hello')], { from: ['planned'], to: 'failed', set: { last_error: 'the bot was removed from the group', due_at: new Date(Date.now() - 60_000) } });
    await page.goto(`${running.url}/runs/${runId}`);
    const cell = (step: string) => page.locator(`[data-testid="board-grid"] [data-ledger="${id(step)}"]`);
    await expect.poll(() => cell('hello').getAttribute('data-state')).toBe('failed');

    await cell('hello').click();
    await tid('cell-action-retry').click();
    await tid('confirm-yes').click();
    await expect.poll(() => cell('hello').getAttribute('data-state'), { timeout: 30_000 }).toBe('sent');
    // The open details follow the board's refresh: the retry button goes once the row is sent.
    await expect.poll(() => tid('cell-action-retry').count()).toBe(0);
    const sent = await running.store.db.selectFrom('sandbox_messages').select('id').where('text', '=', 'Welcome to Camp 1!').execute();
    expect(sent).toHaveLength(1);

    await cell('call').click();
    await tid('cell-action-edit').click();
    await tid('cell-edit-text').fill('Call each new member before Sunday.');
    await tid('cell-edit-save').click();
    await expect.poll(() => tid('cell-details-text').textContent()).toBe('Call each new member before Sunday.');
    await tid('cell-action-reassign').click();
    await tid('cell-reassign-to').selectOption('ann');
    await tid('cell-reassign-submit').click();
    await expect.poll(() => tid('cell-details').textContent()).toContain('Ann Lee');

    await cell('bye').click();
    await tid('cell-action-skip').click();
    await tid('confirm-yes').click();
    await expect.poll(() => cell('bye').getAttribute('data-state')).toBe('skipped');
    const audit = await running.store.db.selectFrom('audit_log').select('action').where('action', 'like', 'ledger.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['ledger.retry', 'ledger.edit', 'ledger.reassign', 'ledger.skip']);
    expect(pageErrors).toEqual([]);
  });
});
