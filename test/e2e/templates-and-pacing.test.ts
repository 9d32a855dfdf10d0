// In a browser, in Chinese (issue 7, items 19, 26): the template library offers the Chinese
// templates first and opens one in Chinese; a channel's pacing is changed on its card. A real
// server, Debian's Chromium, the engine the suite runs on.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt, launchChromium, type Running, startServer } from './harness.ts';

const OWNER = { name: 'head', password: 'e2e-owner-pass-2468' };

describe('templates in Chinese and channel pacing, in a browser', () => {
  let running: Running;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launchChromium();
    running = await startServer();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    // The owner and a sandbox channel, through the API with the data folder's admin token.
    const token = readFileSync(join(running.dataDir, 'admin-token'), 'utf8').trim();
    const call = (path: string, body: unknown) =>
      fetch(`${running.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await page.goto(running.url);
    await page.getByTestId('setup-form').waitFor();
    await page.getByTestId('setup-name').fill(OWNER.name);
    await page.getByTestId('setup-password').fill(OWNER.password);
    await page.getByTestId('setup-password-repeat').fill(OWNER.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('nav-home').waitFor();
    expect((await call('/api/channels', { kind: 'sandbox', name: 'sandbox' })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it('lists the Chinese templates first and opens one in Chinese', async () => {
    await page.getByTestId('nav-sheets').click();
    const first = page.getByTestId('template-list').locator('article').first();
    await first.waitFor();
    expect(await first.getAttribute('lang')).toBe('zh');
    expect(await page.getByTestId('template-camp-7d').locator('h3').textContent()).toContain('训练营');
    await page.getByTestId('template-language-en-camp-7d').waitFor();
    await page.getByTestId('template-use-camp-7d').click();
    await expect.poll(() => page.locator('[data-testid="sheet-editor"] .cm-content').textContent()).toContain('开营仪式');
  });

  it("changes a channel's pacing on its card", async () => {
    await page.getByTestId('nav-channels').click();
    const card = page.locator('[data-testid^="channel-pacing-"]').first();
    await card.locator('summary').click();
    await card.getByTestId('pacing-intervalMs').fill('3');
    await card.getByTestId('pacing-save').click();
    await expect.poll(() => card.getByTestId('pacing-summary').textContent()).toContain('间隔 3 秒');
    await card.getByTestId('pacing-dailyCap').fill('0');
    await card.getByTestId('pacing-save').click();
    await card.getByTestId('error').waitFor();
    await card.getByTestId('pacing-reset').click();
    await expect.poll(() => card.getByTestId('pacing-summary').textContent()).toContain('间隔 0 秒');
    expect(errors).toEqual([]);
  });
});
