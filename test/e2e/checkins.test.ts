// Check-ins and surveys in a browser, in English and Chinese: the run board's check-in summary and
// a check-in cell's rate, a group's survey results, and a member answering the public survey
// form on a phone (no sign-in, no script). Screenshots go to test-results/checkins-<engine>/.

import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEvent } from '../../src/community/ingest.ts';
import { surveyPath } from '../../src/community/survey-link.ts';
import { workspaceKey } from '../../src/store/link-keys.ts';
import { engine } from '../support/db.ts';
import { eventually } from '../support/world.ts';
import { ensureConsoleBuilt, launchChromium, type Running, resultsDir, startServer } from './harness.ts';

const OWNER = { name: 'lisa', password: 'checkins-e2e-only-2468' };
const SHOTS = resultsDir(`checkins-${engine}`);

const SHEET = `sop: e2e-checkins
title: Check-in camp
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: morning
    at: T0
    do: checkin
    window: 2h
    text: "Post your homework with 打卡"
  - id: feedback
    at: T+1d
    do: survey
    text: "One minute, two questions"
    questions:
      - "How was it? [good|ok|bad]"
      - "What should we change?"
`;

describe(`check-ins and surveys in the console (${engine})`, () => {
  let running: Running;
  let browser: Browser;
  let page: Page;
  let runId: string;
  let groupId: string;
  let channelId: string;
  const tid = (id: string) => page.getByTestId(id);
  /** An API call from the signed-in page (session cookie + CSRF token). */
  const call = (method: string, path: string, body?: unknown) =>
    page.evaluate(
      async ({ method, path, body }) => {
        const s = (await (await fetch('/api/session')).json()) as { csrfToken: string };
        const r = await fetch(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken }, body: body === undefined ? undefined : JSON.stringify(body) });
        return { status: r.status, json: (await r.json()) as Record<string, unknown> };
      },
      { method, path, body },
    );
  const memberOf = async (externalId: string) =>
    (await running.store.db.selectFrom('member_identities').select('member_id').where('external_id', '=', externalId).executeTakeFirstOrThrow()).member_id;

  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launchChromium();
    running = await startServer();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Asia/Shanghai', locale: 'en-GB' });
    ctx.setDefaultTimeout(60_000);
    page = await ctx.newPage();
    await page.goto(running.url);
    await tid('setup-name').fill(OWNER.name);
    await tid('setup-password').fill(OWNER.password);
    await tid('setup-password-repeat').fill(OWNER.password);
    await tid('setup-submit').click();
    await tid('nav-runs').waitFor();
    const ch = await call('POST', '/api/channels', { kind: 'sandbox', name: 'sandbox' });
    channelId = ch.json.id as string;
    const g = await call('POST', '/api/groups', { channel: 'sandbox', externalId: 'camp-1', name: 'Camp 1', community: 'training_camp' });
    groupId = g.json.id as string;
    const before = new Date(Date.now() - 3_600_000);
    for (const [id, name] of [
      ['u1', 'Lin'],
      ['u2', 'Mei'],
      ['u3', 'Tao'],
    ])
      await ingestEvent({ db: running.store.db }, channelId, { type: 'member_joined', chatId: 'camp-1', member: { externalId: id, name }, at: before });
    const run = await call('POST', '/api/runs', { sheet: SHEET, groups: 'all', anchor: new Date(Date.now() + 500).toISOString() });
    expect(run.status).toBe(201);
    runId = run.json.id as string;
    await eventually(async () => (await running.store.db.selectFrom('checkins').select('id').execute()).length === 1, 20_000, 'the check-in window');
    for (const [id, name] of [
      ['u1', 'Lin'],
      ['u2', 'Mei'],
    ])
      await ingestEvent({ db: running.store.db }, channelId, { type: 'message', chatId: 'camp-1', messageId: `m-${id}`, from: { externalId: id, name }, text: '打卡 done', links: [], mentions: [], at: new Date() });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it('a member answers the survey form on a phone, in the survey’s language', async () => {
    const key = await workspaceKey(running.store.db);
    const path = surveyPath(key, { runId, groupId, stepId: 'feedback', occurrence: 1, memberId: await memberOf('u1') });
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'zh-CN', javaScriptEnabled: false });
    const p = await phone.newPage();
    const errors: string[] = [];
    p.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} ${m.location().url}`));
    await p.goto(running.url + path);
    expect(await p.locator('html').getAttribute('lang')).toBe('en');
    await p.getByText('Hi Lin, a few questions from Camp 1.').waitFor();
    await p.screenshot({ path: join(SHOTS, 'form-en-375.png'), fullPage: true });
    await p.getByLabel('good').check();
    await p.locator('textarea[name="q1"]').fill('More exercises, please');
    await p.getByRole('button', { name: 'Send' }).click();
    await p.getByText('Your answers were saved.').waitFor();
    await p.screenshot({ path: join(SHOTS, 'thanks-en-375.png'), fullPage: true });
    const other = surveyPath(key, { runId, groupId, stepId: 'feedback', occurrence: 1, memberId: await memberOf('u2') });
    await p.goto(`${running.url}${other}?lang=zh`);
    await p.getByText('Mei你好').waitFor();
    await p.getByLabel('ok').check();
    await p.getByRole('button', { name: '提交' }).click();
    await p.getByText('你的回答已保存。').waitFor();
    await p.screenshot({ path: join(SHOTS, 'thanks-zh-375.png'), fullPage: true });
    expect(errors).toEqual([]);
    await phone.close();
  }, 60_000);

  for (const lang of ['en', 'zh'] as const) {
    it(`shows the check-in rate on the run board and the survey results (${lang})`, async () => {
      await page.goto(`${running.url}/runs/${runId}`);
      await tid(`lang-${lang}`).click();
      await tid('checkin-summary').waitFor();
      const overall = tid('checkin-overall');
      await expect.poll(() => overall.textContent()).toContain('67%');
      await tid('checkin-summary').locator('summary').click();
      await expect.poll(() => tid('checkin-group').first().textContent()).toContain('67%');
      const cell = tid('cell-0-0');
      await cell.click();
      const rate = tid('cell-checkin-rate');
      await rate.waitFor();
      expect(await rate.textContent()).toContain(lang === 'en' ? '2 of 3 checked in (67%)' : '3 人中 2 人已打卡（67%）');
      await page.screenshot({ path: join(SHOTS, `board-${lang}.png`), fullPage: true });

      await page.goto(`${running.url}/groups/${groupId}/surveys`);
      await tid('survey-result').waitFor();
      expect(await tid('surveys-title').textContent()).toContain('Camp 1');
      expect(await tid('survey-answered').textContent()).toBe(lang === 'en' ? '2 answered' : '2 人回答');
      const questions = tid('survey-question');
      expect(await questions.count()).toBe(2);
      expect(await questions.nth(0).textContent()).toContain(lang === 'en' ? '1 (50%)' : '1（50%）');
      expect(await questions.nth(1).textContent()).toContain('More exercises, please');
      expect(await tid('surveys-export').getAttribute('href')).toBe(`/api/surveys/export?group=${groupId}`);
      await page.screenshot({ path: join(SHOTS, `surveys-${lang}.png`), fullPage: true });
    }, 90_000);
  }
});
