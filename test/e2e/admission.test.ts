// The Admission queue, the Blacklist page, the reviewer's section on the leader page and a
// group's application settings, in a browser, in English and in Chinese. Screenshots go to
// test-results/admission-<engine>/.

import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGroup } from '../../src/community/groups.ts';
import { ingestEvent } from '../../src/community/ingest.ts';
import { engine } from '../support/db.ts';
import { ensureConsoleBuilt, launchChromium, type Running, resultsDir, startServer } from './harness.ts';

const OWNER = { name: 'lisa', displayName: 'Lisa Chen', password: 'admission-only-2468' };
const SHOTS = resultsDir(`admission-${engine}`);

describe(`admission in a browser (${engine})`, () => {
  let running: Running;
  let browser: Browser;
  let page: Page;
  let groupId: string;
  const errors: string[] = [];
  const tid = (id: string) => page.getByTestId(id);
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launchChromium();
    running = await startServer();
    const db = running.store.db;
    await db.insertInto('channels').values({ id: 'ch_sb', kind: 'sandbox', name: 'Sandbox', config_sealed: 'unused' }).execute();
    groupId = await ensureGroup(db, 'ch_sb', 'g1', 'Spring Camp');
    for (const [id, name] of [['u1', 'Lin Wei'], ['u2', 'Mei Zhang'], ['u3', 'Tao Li']]) {
      await ingestEvent({ db }, 'ch_sb', { type: 'join_request', chatId: 'g1', member: { externalId: id, name }, at: new Date() });
    }
    await db.updateTable('admissions').set({ answers: JSON.stringify([{ question: 'Which city?', answer: 'Shanghai' }]) }).execute();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    ctx.setDefaultTimeout(30_000);
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(running.url);
    await tid('setup-name').fill(OWNER.name);
    await tid('setup-display-name').fill(OWNER.displayName);
    await tid('setup-password').fill(OWNER.password);
    await tid('setup-password-repeat').fill(OWNER.password);
    await tid('setup-submit').click();
    await tid('nav-admission').waitFor();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it('approves and rejects with a reason from the queue', async () => {
    await tid('nav-admission').click();
    await tid('admission-list').waitFor();
    const ids = (await running.store.db.selectFrom('admissions').select(['id', 'applicant_name']).orderBy('applicant_name').execute()).map((a) => a.id);
    expect(await page.locator('.admission-card').count()).toBe(3);
    await expect(page.getByText('Shanghai').first().isVisible()).resolves.toBe(true);
    await shot('queue-en');
    await tid(`approve-${ids[0]}`).click();
    await page.getByText('Lin Wei is approved').waitFor();
    await tid(`reject-${ids[1]}`).click();
    await tid(`reject-reason-${ids[1]}`).fill('Not a student this term');
    await shot('reject-dialog-en');
    await tid(`reject-confirm-${ids[1]}`).click();
    await page.getByText("Mei Zhang's application is rejected").waitFor();
    expect(await page.locator('.admission-card').count()).toBe(1);
    await tid('admission-filter-rejected').click();
    await page.getByText('Reason: Not a student this term').waitFor();
    const states = await running.store.db.selectFrom('admissions').select(['id', 'state']).execute();
    expect(Object.fromEntries(states.map((s) => [s.id, s.state]))).toMatchObject({ [ids[0]]: 'approved', [ids[1]]: 'rejected', [ids[2]]: 'pending' });
  }, 60_000);

  it("shows the reviewer's pending applications on the leader page", async () => {
    await tid('nav-leader').click();
    await tid('reviewer-section').waitFor();
    expect(await page.locator('[data-testid="reviewer-section"] .admission-card').count()).toBe(1);
    await shot('leader-reviewer-en');
  }, 60_000);

  it('adds to and removes from the blacklist', async () => {
    await tid('nav-blacklist').click();
    await tid('blacklist-form').waitFor();
    await tid('blacklist-member').fill('ch_sb:nobody');
    await tid('blacklist-reason').fill('spam');
    await tid('blacklist-add').click();
    await page.getByText('There is no member "ch_sb:nobody"').waitFor();
    await tid('blacklist-member').fill('ch_sb:u3');
    await tid('blacklist-add').click();
    await tid('blacklist-table').waitFor();
    await page.getByText('spam', { exact: true }).waitFor();
    await shot('blacklist-en');
    const member = (await running.store.db.selectFrom('member_identities').select('member_id').where('external_id', '=', 'u3').executeTakeFirstOrThrow()).member_id;
    await tid(`blacklist-remove-${member}`).click();
    await tid(`blacklist-remove-confirm-${member}`).click();
    await page.getByText('The blacklist is empty.').waitFor();
  }, 60_000);

  it("edits a group's application settings and opens its form", async () => {
    await tid('nav-groups').click();
    await tid(`group-edit-${groupId}`).click();
    await tid('group-admission').waitFor();
    await tid('group-admission-questions').fill('Which city are you in?\nWhat do you study?');
    await tid('group-admission-rejoin').selectOption('review');
    await tid('group-admission-reviewer').selectOption('lisa');
    await tid('group-admission-save').click();
    await page.getByText('Saved.').waitFor();
    await page.getByText('Now reviewing: lisa.').waitFor();
    const attrs = (await running.store.db.selectFrom('groups').select('attrs').where('id', '=', groupId).executeTakeFirstOrThrow()).attrs;
    expect(attrs).toMatchObject({ reviewer: 'lisa' });
    await tid('group-admission-form-open').click();
    await tid('group-admission-form').waitFor();
    const address = (await tid('group-admission-form').textContent()) ?? '';
    expect(address).toMatch(/\/apply\/[A-Za-z0-9_-]{22}$/);
    await shot('group-settings-en');
    const s = await running.store.db.selectFrom('admission_settings').selectAll().where('group_id', '=', groupId).executeTakeFirstOrThrow();
    expect(s).toMatchObject({ rejoin_policy: 'review', questions: ['Which city are you in?', 'What do you study?'] });
    // The public form it opened, on a phone.
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(address);
    await page.getByText('Apply to join Spring Camp').waitFor();
    await shot('public-form-en-phone');
    await page.goto(`${address}?lang=zh`);
    await page.getByText('申请加入Spring Camp').waitFor();
    await shot('public-form-zh-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 60_000);

  it('speaks Chinese on every admission page', async () => {
    await page.goto(`${running.url}/admission`);
    await tid('lang-zh').click();
    await page.getByRole('heading', { name: '入群申请', exact: true }).waitFor();
    await tid('admission-filter-all').click();
    await page.getByText('已拒绝').first().waitFor();
    await shot('queue-zh');
    await tid('nav-blacklist').click();
    await page.getByRole('heading', { name: '黑名单', exact: true }).waitFor();
    await shot('blacklist-zh');
    // (Tao Li's application was declined with the blacklist): a new one.
    await ingestEvent({ db: running.store.db }, 'ch_sb', { type: 'join_request', chatId: 'g1', member: { externalId: 'u4', name: '王芳' }, at: new Date() });
    await tid('nav-leader').click();
    await page.getByText('待你审核的入群申请').waitFor();
    await shot('leader-reviewer-zh');
    await tid('nav-groups').click();
    await tid(`group-edit-${groupId}`).click();
    await page.getByText('主动退群的人再次入群时').waitFor();
    await shot('group-settings-zh');
    expect(errors).toEqual([]);
  }, 60_000);
});
