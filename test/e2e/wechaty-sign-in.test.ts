// The WeChat sign-in in a browser: a WeChat channel added waiting for sign-in shows the puppet's
// login QR code on the channels page as an image, follows a new code live, and turns "Working"
// with the account's name once the phone confirms — no reload. A real server (serve()) whose
// puppet reaches a mock WeChat over the puppet-service protocol, Debian's Chromium.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { log as wechatyLog } from 'wechaty';
import { engine } from '../support/db.ts';
import { type MockPuppetService, startMockPuppetService } from '../support/wechaty-service.ts';
import { ensureConsoleBuilt, launchChromium, type Running, startServer } from './harness.ts';

wechatyLog.level('silent');
const OWNER = { name: 'head', displayName: 'Head Operator', password: 'e2e-owner-pass-2468' };

describe(`WeChat sign-in on the channels page (${engine})`, () => {
  let running: Running;
  let browser: Browser;
  let page: Page;
  let svc: MockPuppetService;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launchChromium();
    running = await startServer();
    svc = await startMockPuppetService();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    ctx.setDefaultTimeout(20_000);
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await svc?.close();
  });

  it('shows the login QR code live, then the signed-in account', async () => {
    await page.goto(running.url);
    await page.getByTestId('setup-name').fill(OWNER.name);
    await page.getByTestId('setup-display-name').fill(OWNER.displayName);
    await page.getByTestId('setup-password').fill(OWNER.password);
    await page.getByTestId('setup-password-repeat').fill(OWNER.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('nav-channels').click();

    // Added through the API the console uses (same session): no sign-in needed to add it.
    const { puppet, puppetToken, puppetOptions } = svc.connectorConfig;
    const added = await page.evaluate(
      async (config) => {
        const { csrfToken } = (await (await fetch('/api/session')).json()) as { csrfToken: string };
        const r = await fetch('/api/channels', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
          body: JSON.stringify({ kind: 'wechaty', name: 'wx', config }),
        });
        return { status: r.status, body: (await r.json()) as { id: string } };
      },
      { puppet, puppetToken, puppetOptions },
    );
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    await page.reload();
    const card = page.getByTestId(`channel-${added.body.id}`);
    await expect.poll(() => card.getByTestId('channel-status').textContent()).toBe('Waiting for sign-in');
    await card.getByTestId('channel-sign-in').waitFor();

    svc.world.showLoginQr('https://login.weixin.qq.com/l/browser-1');
    const qr = card.getByTestId('channel-login-qr');
    await expect.poll(() => qr.getAttribute('data-value'), { timeout: 20_000 }).toBe('https://login.weixin.qq.com/l/browser-1');
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);

    // A new code (the first one expired) replaces it without a reload.
    svc.world.showLoginQr('https://login.weixin.qq.com/l/browser-2');
    await expect.poll(() => qr.getAttribute('data-value'), { timeout: 20_000 }).toBe('https://login.weixin.qq.com/l/browser-2');

    svc.world.login();
    await expect.poll(() => card.getByTestId('channel-status').textContent(), { timeout: 20_000 }).toBe('Working');
    await expect.poll(() => card.textContent()).toContain('Chorus Bot');
    expect(errors).toEqual([]);
  }, 120_000);
});
