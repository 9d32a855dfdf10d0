// Chinese table headers stay on one line: every page with a table, in Chinese, at a desktop and a
// phone width. Chinese breaks between any two characters, so a squeezed column used to show its
// name one character per line (成/员/数); a header whose text lies on two lines fails the test.
// Screenshots go to test-results/zh-tables-<engine>/.

import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../support/db.ts';
import { ensureConsoleBuilt, launchChromium, type Running, resultsDir, startServer } from './harness.ts';

const OWNER = { name: 'lisa', displayName: '陈丽莎', password: 'zh-tables-only-1357' };
const SHOTS = resultsDir(`zh-tables-${engine}`);

/** The headers of visible tables whose text sits on more than one line (run in the page). */
const WRAPPED_HEADERS = `[...document.querySelectorAll('th')]
  .filter((th) => {
    if (th.offsetParent === null || !th.textContent.trim()) return false;
    const range = document.createRange();
    range.selectNodeContents(th);
    return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size > 1;
  })
  .map((th) => (th.closest('table')?.getAttribute('data-testid') ?? 'table') + ': ' + th.textContent)`;

const wrappedHeaders = (page: Page): Promise<string[]> => page.evaluate(WRAPPED_HEADERS);

describe(`Chinese tables in a browser (${engine})`, () => {
  let running: Running;
  let browser: Browser;
  let page: Page;
  let pages: string[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    browser = await launchChromium();
    running = await startServer();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
    ctx.setDefaultTimeout(60_000);
    page = await ctx.newPage();
    const tid = (id: string) => page.getByTestId(id);
    await page.goto(running.url);
    await tid('setup-name').fill(OWNER.name);
    await tid('setup-display-name').fill(OWNER.displayName);
    await tid('setup-password').fill(OWNER.password);
    await tid('setup-password-repeat').fill(OWNER.password);
    await tid('setup-submit').click();
    await tid('demo-create').click();
    await tid('demo-done').waitFor();
    const runs = await page.evaluate(async () => (await (await fetch('/api/runs')).json()) as { runs: { id: string; kind: string }[] });
    const broadcast = runs.runs.find((r) => r.kind === 'broadcast')?.id;
    pages = ['/sheets', '/sheets/camp-7d/history', '/groups', '/channels', '/runs', '/command', `/command/${broadcast}`, '/team', '/members'];
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  for (const width of [1280, 375]) {
    it(`keeps every header on one line at ${width} px`, async () => {
      await page.setViewportSize({ width, height: 800 });
      const wrapped: string[] = [];
      let tables = 0;
      for (const path of pages) {
        await page.goto(running.url + path);
        await page.locator('table th').first().waitFor({ state: 'attached' });
        await page.waitForLoadState('networkidle');
        tables += await page.locator('table').count();
        await page.screenshot({ path: join(SHOTS, `${width}${path.replace(/[/:]+/g, '_')}.png`), fullPage: true });
        wrapped.push(...(await wrappedHeaders(page)).map((w) => `${path} ${w}`));
      }
      expect(tables).toBeGreaterThanOrEqual(pages.length);
      expect(wrapped).toEqual([]);
    }, 90_000);
  }
});
