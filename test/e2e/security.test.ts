// Items 9 and 10 of issue 7: the console and the API docs page work under the Content Security Policy —
// a real server, Debian's Chromium, and every `securitypolicyviolation` the pages raise collected
// (CodeMirror's injected styles, React's style attributes, the data: favicon must all pass).

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt, launchChromium, type Running, startServer } from './harness.ts';

describe('the console under its Content Security Policy', () => {
  let running: Running;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureConsoleBuilt();
    running = await startServer();
    browser = await launchChromium();
    const context = await browser.newContext();
    context.setDefaultTimeout(30_000);
    // Registered before any page script runs, on every page the context opens.
    // (Browser code as text: the test files are typechecked without the DOM library.)
    await context.addInitScript({
      content: `window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
    });
    page = await context.newPage();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  const violations = () => page.evaluate<string[]>('window.cspViolations');

  it('sends the policy, and the first-run page renders without a violation', async () => {
    const r = await page.goto(running.url);
    const csp = r!.headers()['content-security-policy'];
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    await page.getByTestId('setup-name').waitFor();
    expect(await violations()).toEqual([]);
  }, 60_000);

  it('the sheet editor (CodeMirror) works signed in, without a violation', async () => {
    const setup = await page.request.post(`${running.url}/api/setup`, { data: { name: 'csp', password: 'csp-owner-passphrase' } });
    expect(setup.status()).toBe(201);
    await page.goto(`${running.url}/sheets/new`);
    await page.locator('[data-testid="sheet-editor"] .cm-content').waitFor();
    await page.locator('[data-testid="sheet-editor"] .cm-content').click();
    await page.keyboard.type('sop: csp-check\n');
    expect(await page.locator('[data-testid="sheet-editor"] .cm-content').textContent()).toContain('csp-check');
    expect(await violations()).toEqual([]);
  }, 60_000);

  it('changes one\'s own password on the Team page (reached from one\'s name), which says the API tokens stopped', async () => {
    const csrf = (await (await page.request.get(`${running.url}/api/session`)).json()).csrfToken as string;
    const made = await page.request.post(`${running.url}/api/tokens`, { data: { name: 'script' }, headers: { 'x-csrf-token': csrf } });
    const token = (await made.json()).token as string;
    await page.goto(running.url);
    await page.getByTestId('user-name').click();
    await page.getByTestId('my-password-current').fill('csp-owner-passphrase');
    await page.getByTestId('my-password-new').fill('short');
    await page.getByTestId('my-password-repeat').fill('short');
    await page.getByTestId('my-password-submit').click();
    expect(await page.getByTestId('error').textContent()).toContain('12');
    await page.getByTestId('my-password-new').fill('another owner passphrase');
    await page.getByTestId('my-password-repeat').fill('another owner passphrase');
    await page.getByTestId('my-password-submit').click();
    await page.getByTestId('my-password-done').waitFor();
    expect(await page.getByTestId('my-password-done').textContent()).toContain('1');
    const refused = await page.request.get(`${running.url}/api/sheets`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status()).toBe(401);
    expect(await violations()).toEqual([]);
  }, 60_000);

  it('the API docs page renders its styles without a violation', async () => {
    await page.goto(`${running.url}/api/docs`);
    await page.locator('h1').waitFor();
    // The inline <style> applied: method badges are coloured.
    const bg = await page.evaluate<string>(`getComputedStyle(document.querySelector('.m.get')).backgroundColor`);
    expect(bg).toBe('rgb(43, 122, 61)');
    expect(await violations()).toEqual([]);
  }, 60_000);
});
