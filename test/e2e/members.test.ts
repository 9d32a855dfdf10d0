// The people pages in a browser: the owner opens Members on the demo workspace in Chinese and in
// English, filters with a member selector (a wrong one says what is wrong in the page's
// language), tags two members at once, opens a profile, adds points and sees them on the
// timeline, saves the filter as a segment and opens it from the Segments page, gives a member a
// role from the Groups page; a group leader on a phone sees only the members of their own groups.
// Screenshots go to test-results/members-<engine>/ (copies for the docs: docs/screenshots/).
//
// The steps share one browser session per person and run in order; waits are for elements and
// states, never fixed sleeps. Test ids: web/TESTIDS.md.

import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LEADERS } from '../../src/demo/workspace.ts';
import { createOwner, createUser } from '../../src/server/accounts/users.ts';
import { engine } from '../support/db.ts';
import { ensureConsoleBuilt, launchChromium, type Running, resultsDir, startServer } from './harness.ts';

const OWNER = { name: 'mei', password: 'members-owner-pass-2468' };
const LEADER = { name: DEMO_LEADERS[0].name, password: 'members-leader-pass-1357' };
const SHOTS = resultsDir(`members-${engine}`);
const WAIT = 20_000;

interface ListAnswer {
  members: { id: string; name: string; tags: string[]; points: number; groups: { group: string; role: string | null }[] }[];
  total: number;
}

describe(`the people pages in a browser (${engine})`, () => {
  let running: Running;
  let browser: Browser;
  let desk: BrowserContext;
  let phone: BrowserContext;
  let page: Page;
  let mobile: Page;
  const errors: string[] = [];
  /** The demo member who has a twin on a second channel. */
  let twinOf = '';

  const tid = (p: Page, id: string): Locator => p.getByTestId(id);
  const shoot = (p: Page, name: string, fullPage = false) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  /** The API as the signed-in person of that page sees it. */
  const apiGet = async <T,>(p: Page, path: string): Promise<T> => (await (await p.request.get(`${running.url}${path}`)).json()) as T;

  async function signIn(p: Page, who: { name: string; password: string }) {
    await p.goto(running.url);
    await tid(p, 'sign-in-name').fill(who.name, { timeout: 60_000 });
    await tid(p, 'sign-in-password').fill(who.password);
    await tid(p, 'sign-in-submit').click();
    await tid(p, 'sign-out').waitFor({ state: 'attached' });
  }

  async function language(p: Page, locale: 'en' | 'zh') {
    await tid(p, `lang-${locale}`).click();
    await expect.poll(() => tid(p, `lang-${locale}`).getAttribute('aria-pressed')).toBe('true');
  }

  async function typeFilter(text: string) {
    await tid(page, 'members-where').fill(text);
  }

  const count = async (p: Page) => (await tid(p, 'members-count').textContent()) ?? '';

  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launchChromium();
    running = await startServer();
    await createOwner(running.store.db, { name: OWNER.name, password: OWNER.password, displayName: '王美' });
    await createUser(running.store.db, { name: LEADER.name, password: LEADER.password, role: 'leader', displayName: DEMO_LEADERS[0].displayName });
    desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
    desk.setDefaultTimeout(WAIT);
    page = await desk.newPage();
    phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
    phone.setDefaultTimeout(WAIT);
    mobile = await phone.newPage();
    for (const p of [page, mobile]) {
      p.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      p.on('console', (m) => {
        // The wrong filter is checked in the page, never sent; the only refusal asked for is spending more points than there are (409).
        if (m.type() === 'error' && !/status of 409/.test(m.text())) errors.push(`console error: ${m.text()}`);
      });
    }
    await signIn(page, OWNER);
    await tid(page, 'demo-create').click({ timeout: 60_000 });
    await tid(page, 'overview').waitFor({ timeout: 90_000 });
    // The same person on a second channel, with the same phone as a demo member: a merge suggestion.
    const db = running.store.db;
    const twin = await db.selectFrom('members').select(['id', 'name']).where('name', '=', '林俊杰').executeTakeFirstOrThrow();
    twinOf = twin.id;
    await db.updateTable('members').set({ phone: '13900001111' }).where('id', '=', twin.id).execute();
    await db.insertInto('channels').values({ id: 'ch_wechat', kind: 'sandbox', name: '微信', config_sealed: 'x', pacing: JSON.stringify({}) }).execute();
    await db.insertInto('members').values({ id: 'mem_twin', name: '林俊杰', created_at: new Date() }).execute();
    await db.updateTable('members').set({ phone: '13900001111', attrs: JSON.stringify({ city: '上海' }) }).where('id', '=', 'mem_twin').execute();
    await db.insertInto('member_identities').values({ member_id: 'mem_twin', channel_id: 'ch_wechat', external_id: 'wxid_lin', name: '林俊杰', is_bot: false, username: 'linjj' }).execute();
  }, 180_000);

  afterAll(async () => {
    await desk?.close();
    await phone?.close();
    await browser?.close();
    await running?.close();
  });

  it('lists the members in Chinese, with stages, levels and relative times in Chinese', async () => {
    await language(page, 'zh');
    await tid(page, 'nav-members').click();
    await tid(page, 'member-list').waitFor();
    const all = await apiGet<ListAnswer>(page, '/api/members?limit=1');
    expect(all.total).toBeGreaterThan(20);
    expect(await count(page)).toContain(String(all.total));
    const head = await page.locator('[data-testid="member-list"] thead').innerText();
    expect(head).toContain('关系阶段');
    const firstRow = page.locator('[data-testid^="member-row-"]').first();
    const row = await firstRow.innerText();
    expect(row).toMatch(/不认识你|想认识你|认识你|了解你|熟悉你|买过你|复购你/);
    expect(row).toMatch(/普通|活跃|贡献|专业/);
    expect(row).toMatch(/前|从未|现在/);
    // No internal ids on screen.
    expect(await tid(page, 'member-list').innerText()).not.toMatch(/\bmem_[0-9a-z]+|\bgrp_[0-9a-z]+/);
    await shoot(page, 'members-zh');
  });

  it('filters with a member selector; a wrong one says what is wrong, in Chinese', async () => {
    const total = (await apiGet<ListAnswer>(page, '/api/members?limit=1')).total;
    const camp = (await apiGet<ListAnswer>(page, `/api/members?limit=1&where=${encodeURIComponent('group:tag:camp')}`)).total;
    expect(camp).toBeGreaterThan(0);
    expect(camp).toBeLessThan(total);
    await typeFilter('group:tag:camp');
    await expect.poll(() => count(page)).toContain(`共 ${camp} 位`);
    expect(new URL(page.url()).searchParams.get('where')).toBe('group:tag:camp');

    await typeFilter('group:tag:camp+stage:vip');
    await tid(page, 'members-where-error').waitFor();
    const problem = (await tid(page, 'members-where-error').innerText()) ?? '';
    expect(problem).toContain('“vip”不是关系阶段');
    expect(problem).toContain('买过你');
    // The list stays on the last filter that read.
    expect(await count(page)).toContain(`共 ${camp} 位`);
    await shoot(page, 'members-filter-error-zh');

    await typeFilter('group:tag:camp+level:');
    await expect.poll(() => tid(page, 'members-where-error').innerText()).toContain('冒号后面需要填写内容');

    // A chip writes its term into the box.
    await typeFilter('group:tag:camp');
    await tid(page, 'chip-inactive').click();
    await expect.poll(() => tid(page, 'members-where').inputValue()).toBe('group:tag:camp+inactive>14d');
    await tid(page, 'chip-inactive').click();
    await expect.poll(() => tid(page, 'members-where').inputValue()).toBe('group:tag:camp');
    await tid(page, 'chip-stage').selectOption('stranger');
    await expect.poll(() => tid(page, 'members-where').inputValue()).toBe('group:tag:camp+stage:stranger');
    await tid(page, 'chip-stage').selectOption('');
    await expect.poll(() => tid(page, 'members-where').inputValue()).toBe('group:tag:camp');
    await expect.poll(() => count(page)).toContain(`共 ${camp} 位`);
  });

  it('tags two members at once', async () => {
    const rows = page.locator('[data-testid^="member-select-"]');
    await rows.nth(0).check();
    await rows.nth(1).check();
    await tid(page, 'member-bulk').waitFor();
    await tid(page, 'member-bulk-add').fill('优秀学员 walk');
    await shoot(page, 'members-bulk-zh');
    await tid(page, 'member-bulk-tags').click();
    await expect.poll(() => tid(page, 'member-bulk-done').innerText()).toContain('2 位');
    await typeFilter('tag:优秀学员+tag:walk');
    await expect.poll(() => count(page)).toContain('共 2 位');
    // The export link downloads what the list shows.
    const href = (await tid(page, 'members-export').getAttribute('href')) ?? '';
    const csv = await (await page.request.get(`${running.url}${href}`)).text();
    expect(csv.trim().split(/\r?\n/)).toHaveLength(3);
    const tagged = await apiGet<ListAnswer>(page, `/api/members?where=${encodeURIComponent('tag:walk')}`);
    // The demo tagged some members already (early-bird, vip): both have the two new tags besides.
    expect(tagged.members).toHaveLength(2);
    for (const m of tagged.members) expect(m.tags).toEqual(expect.arrayContaining(['walk', '优秀学员']));
  });

  it('saves the filter as a segment and opens it from the Segments page', async () => {
    await tid(page, 'members-save-segment').click();
    await tid(page, 'segment-name').fill('top-students');
    await tid(page, 'segment-save-submit').click();
    await tid(page, 'segment-saved').waitFor();
    await tid(page, 'segment-save-close').click();
    await tid(page, 'members-segments').click();
    await tid(page, 'segment-list').waitFor();
    expect(await tid(page, 'segment-count-top-students').innerText()).toBe('2');
    await shoot(page, 'segments-zh');
    await tid(page, 'segment-open-top-students').click();
    await tid(page, 'member-list').waitFor();
    await expect.poll(() => tid(page, 'members-where').inputValue()).toBe('segment:top-students');
    await expect.poll(() => count(page)).toContain('共 2 位');
  });

  it('opens a profile, adds and spends points, edits tags and sees it all on the timeline', async () => {
    await page.locator('[data-testid^="member-open-"]').first().click();
    await tid(page, 'member-profile').waitFor();
    await tid(page, 'member-points-amount').fill('20');
    await tid(page, 'member-points-reason').fill('分享了学习笔记');
    await tid(page, 'member-points-submit').click();
    await expect.poll(() => tid(page, 'member-points-balance').innerText()).toBe('20');
    await tid(page, 'member-points-spend').click();
    await tid(page, 'member-points-amount').fill('50');
    await tid(page, 'member-points-reason').fill('兑换课程');
    await tid(page, 'member-points-submit').click();
    // More than the balance: the server's refusal, in Chinese.
    await expect.poll(() => tid(page, 'member-points').locator('[data-testid="error"]').innerText()).toMatch(/[\u4e00-\u9fff]/);
    await tid(page, 'member-points-amount').fill('5');
    await tid(page, 'member-points-submit').click();
    await expect.poll(() => tid(page, 'member-points-balance').innerText()).toBe('15');
    expect(await tid(page, 'member-points-history').innerText()).toContain('兑换课程');

    await tid(page, 'member-tag-input').fill('班委候选');
    await tid(page, 'member-tag-add').click();
    await tid(page, 'member-tag-班委候选').waitFor();
    await tid(page, 'member-tag-remove-walk').click();
    await tid(page, 'member-tag-walk').waitFor({ state: 'detached' });

    const timeline = tid(page, 'member-timeline');
    await expect.poll(() => timeline.innerText()).toContain('积分 +20');
    expect(await timeline.innerText()).toContain('积分 -5');
    expect(await timeline.innerText()).toContain('标签有变化');
    expect(await timeline.innerText()).toContain('进群');
    expect(await tid(page, 'member-profile').innerText()).not.toMatch(/\bmem_[0-9a-z]+|\bgrp_[0-9a-z]+|members\.|event\./);
    await shoot(page, 'member-profile-zh', true);
  });

  it('sets a role from the Groups page', async () => {
    await tid(page, 'nav-groups').click();
    await tid(page, 'group-list').waitFor();
    await page.locator('[data-testid^="group-people-"]').first().click();
    await tid(page, 'group-people-list').waitFor();
    const select = page.locator('[data-testid^="group-person-role-"]').first();
    const memberId = ((await select.getAttribute('data-testid')) ?? '').replace('group-person-role-', '');
    await select.selectOption('committee');
    await expect
      .poll(async () => (await apiGet<ListAnswer>(page, `/api/members?where=${encodeURIComponent('role:committee')}`)).members.map((m) => m.id))
      .toContain(memberId);
    await expect.poll(() => select.inputValue()).toBe('committee');
    await shoot(page, 'group-people-zh');
    await tid(page, 'group-people-all').click();
    await tid(page, 'member-list').waitFor();
    await expect.poll(() => tid(page, `member-row-${memberId}`).innerText()).toContain('班委');
  });

  it('reads in English too', async () => {
    await page.goto(`${running.url}/members`);
    await language(page, 'en');
    await tid(page, 'member-list').waitFor();
    expect(await page.locator('[data-testid="member-list"] thead').innerText()).toContain('Stage');
    await typeFilter('stage:vip');
    await expect.poll(() => tid(page, 'members-where-error').innerText()).toContain('“vip” is not a stage');
    await typeFilter('');
    await expect.poll(() => count(page)).toMatch(/of \d+/);
    await tid(page, 'members-sort-points').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('points');
    // The most points first.
    const [top] = (await apiGet<ListAnswer>(page, '/api/members?sort=points&order=desc&limit=1')).members;
    await expect.poll(() => page.locator('[data-testid^="member-row-"] td.num').first().innerText()).toBe(String(top.points));
    await shoot(page, 'members-en');
    await page.locator('[data-testid^="member-open-"]').first().click();
    await tid(page, 'member-timeline').waitFor();
    expect(await tid(page, 'member-profile').innerText()).not.toMatch(/members\.|event\./);
    await shoot(page, 'member-profile-en', true);
    await language(page, 'zh');
  });

  it('merges the same person from another channel after a confirmation', async () => {
    await page.goto(`${running.url}/members/${twinOf}`);
    await tid(page, 'member-merge-mem_twin').waitFor();
    expect(await tid(page, 'member-merge-mem_twin').innerText()).toContain('手机号相同');
    // Two people of one name are told apart by where their accounts are.
    expect(await tid(page, 'member-merge-mem_twin').innerText()).toContain('林俊杰（微信 @linjj）');
    await tid(page, 'member-merge-do-mem_twin').click();
    await tid(page, 'confirm').waitFor();
    expect(await tid(page, 'confirm').innerText()).toContain('合并后无法再拆开');
    await shoot(page, 'member-merge-zh');
    await tid(page, 'confirm-yes').click();
    await tid(page, 'member-merge-mem_twin').waitFor({ state: 'detached' });
    await expect.poll(() => tid(page, 'member-identities').innerText()).toContain('@linjj');
    expect(await tid(page, 'member-identities').innerText()).toContain('微信');
  });

  it('forgets a member only after the “I understand” tick, and says so on the list', async () => {
    await page.goto(`${running.url}/members?sort=name&order=asc`);
    const open = page.locator('[data-testid^="member-open-"]').last();
    const id = ((await open.getAttribute('data-testid')) ?? '').replace('member-open-', '');
    await open.click();
    await tid(page, 'member-forget').click();
    await tid(page, 'confirm').waitFor();
    expect(await tid(page, 'confirm').innerText()).toContain('无法撤销');
    expect(await tid(page, 'confirm-yes').isDisabled()).toBe(true);
    await shoot(page, 'member-forget-zh');
    await tid(page, 'member-forget-sure').check();
    await tid(page, 'confirm-yes').click();
    await tid(page, 'members-forgotten').waitFor();
    await tid(page, 'member-list').waitFor();
    expect(await tid(page, `member-row-${id}`).count()).toBe(0);
  });

  it('a group leader on a phone sees only the members of their own groups', async () => {
    await signIn(mobile, LEADER);
    await tid(mobile, 'menu-toggle').tap();
    await tid(mobile, 'nav-members').tap();
    await tid(mobile, 'member-list').waitFor();
    const theirs = await apiGet<{ groups: { id: string }[] }>(mobile, '/api/groups');
    const mine = new Set(theirs.groups.map((g) => g.id));
    const seen = await apiGet<ListAnswer>(mobile, '/api/members?limit=200');
    const everyone = await apiGet<ListAnswer>(page, '/api/members?limit=1');
    expect(seen.total).toBeGreaterThan(0);
    expect(seen.total).toBeLessThan(everyone.total);
    for (const m of seen.members) expect(m.groups.every((g) => mine.has(g.group))).toBe(true);
    await expect.poll(() => count(mobile)).toContain(`共 ${seen.total} 位`);
    // Nothing overflows the phone's width.
    expect(await mobile.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await shoot(mobile, 'members-phone-zh');
    await mobile.locator('[data-testid^="member-open-"]').first().tap();
    await tid(mobile, 'member-profile').waitFor();
    expect(await mobile.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await shoot(mobile, 'member-profile-phone-zh');
    await mobile.evaluate('window.scrollTo(0, 900)');
    await shoot(mobile, 'member-profile-phone-zh-2');
  });

  it('raised no page error', () => {
    expect(errors).toEqual([]);
  });
});
