// The people rules screen in a browser, in Chinese and in English: the stages and levels in the
// operator's words, a threshold changed and saved (and recomputed), a wrong value refused with
// the field named. Screenshots go to test-results/people-rules-<engine>/.

import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../support/db.ts';
import { ensureConsoleBuilt, launchChromium, type Running, resultsDir, startServer } from './harness.ts';

const OWNER = { name: 'mei', displayName: '王美', password: 'people-rules-only-2468' };
const SHOTS = resultsDir(`people-rules-${engine}`);

describe(`people rules screen (${engine})`, () => {
  let running: Running;
  let browser: Browser;
  let page: Page;
  const tid = (id: string) => page.getByTestId(id);

  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launchChromium();
    running = await startServer();
    for (let i = 0; i < 5; i++) await running.store.db.insertInto('members').values({ id: `m_${i}`, name: `M ${i}` }).execute();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
    ctx.setDefaultTimeout(60_000);
    page = await ctx.newPage();
    await page.goto(running.url);
    await tid('setup-name').fill(OWNER.name);
    await tid('setup-display-name').fill(OWNER.displayName);
    await tid('setup-password').fill(OWNER.password);
    await tid('setup-password-repeat').fill(OWNER.password);
    await tid('setup-submit').click();
    await tid('nav-home').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it('in Chinese: explains the stages and levels, saves a changed threshold, names a wrong field', async () => {
    await tid('lang-zh').click();
    await tid('nav-people-rules').click();
    await tid('rules-page').waitFor();
    const text = await tid('rules-page').innerText();
    for (const words of ['会员分层规则', '不认识你', '想认识你', '认识你', '了解你', '熟悉你', '买过你', '复购你', '普通', '活跃', '贡献', '专业', '阶段只进不退']) expect(text).toContain(words);
    expect(await tid('rules-changed').innerText()).toContain('默认规则');
    await tid('rules-levels-thresholds-active').fill('15');
    await tid('rules-save').click();
    await tid('rules-saved').waitFor();
    await tid('rules-recompute-done').waitFor();
    expect(await tid('rules-recompute-done').innerText()).toContain('5 位成员');
    await page.screenshot({ path: join(SHOTS, 'zh-saved.png'), fullPage: true });
    const stored = await page.evaluate(async () => (await (await fetch('/api/settings/people')).json()) as { rules: { levels: { thresholds: { active: number } } } });
    expect(stored.rules.levels.thresholds.active).toBe(15);

    await tid('rules-levels-thresholds-professional').fill('10');
    await tid('rules-save').click();
    await tid('rules-problems').waitFor();
    expect(await tid('rules-problems').innerText()).toContain('levels.thresholds.professional');
    expect(await tid('rules-levels-thresholds-professional-problem').innerText()).toBe('「专业」的门槛必须高于「贡献」的门槛');
    await page.screenshot({ path: join(SHOTS, 'zh-problem.png'), fullPage: true });
  });

  it('in English: the same screen, the saved threshold kept, another change saved', async () => {
    await page.reload();
    await tid('lang-en').click();
    await tid('rules-page').waitFor();
    const text = await tid('rules-page').innerText();
    for (const words of ['People rules', "Doesn't know you", 'Bought again', 'Professional', 'weekly review']) expect(text).toContain(words);
    expect(await tid('rules-levels-thresholds-active').inputValue()).toBe('15');
    expect(await tid('rules-changed').innerText()).toContain('by mei');
    await tid('rules-stages-familiar-activeWeeks').fill('3');
    await tid('rules-save').click();
    await tid('rules-saved').waitFor();
    await tid('rules-recompute-done').waitFor();
    await page.screenshot({ path: join(SHOTS, 'en-saved.png'), fullPage: true });
    const stored = await page.evaluate(async () => (await (await fetch('/api/settings/people')).json()) as { rules: { stages: { familiar: { activeWeeks: number } } } });
    expect(stored.rules.stages.familiar.activeWeeks).toBe(3);
  });
});
