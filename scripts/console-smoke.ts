// A quick walk through the console pages built in web/ (setup, sign-in, channels, groups,
// sheets: editor, import, history; language; phone width) in real Chromium, saving a screenshot
// of each step. For developers checking the design by eye; the browser test suite proper is
// test/e2e/.
//
//   npx vite build web
//   node bin/chorus.mjs serve --port 8931 --data /tmp/chorus-smoke   # on a fresh data folder
//   node --import tsx scripts/console-smoke.ts http://127.0.0.1:8931 /tmp/chorus-shots

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:8931';
const out = process.argv[3] ?? 'test-results/console-smoke';
mkdirSync(out, { recursive: true });

const shot = async (page: Page, name: string) => {
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  console.log(`  ✓ ${name}`);
};
const tid = (id: string) => `[data-testid="${id}"]`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
try {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'en-US', timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));

  await page.goto(base);
  await page.waitForSelector(`${tid('setup-form')}, ${tid('sign-in-form')}`);
  if (await page.locator(tid('setup-form')).count()) {
    await shot(page, '01-setup');
    await page.fill(tid('setup-name'), 'lin');
    await page.fill(tid('setup-display-name'), 'Lin Wei');
    await page.fill(tid('setup-password'), 'correct horse battery');
    await page.fill(tid('setup-password-repeat'), 'correct horse battery');
    await page.click(tid('setup-submit'));
  } else {
    await page.fill(tid('sign-in-name'), 'lin');
    await page.fill(tid('sign-in-password'), 'correct horse battery');
    await page.click(tid('sign-in-submit'));
  }
  await page.waitForSelector(tid('user-name'));
  await page.waitForSelector(`${tid('demo-card')}, ${tid('stat-groups')}`);
  await shot(page, '02-home');

  // Channels: a refused Telegram token, then a sandbox.
  await page.click(tid('nav-channels'));
  await page.click(tid('channel-add'));
  await page.fill(tid('channel-field-token'), 'not-a-token');
  await page.click(tid('channel-add-submit'));
  await page.waitForSelector(`${tid('channel-add-form')} ${tid('error')}`);
  await shot(page, '03-channel-refused');
  await page.click(tid('channel-kind-sandbox'));
  await page.fill(tid('channel-name'), 'Sandbox');
  await page.click(tid('channel-add-submit'));
  await page.waitForSelector(tid('channel-added'));

  // Groups: add three by id, then give two a leader at once.
  await page.click(tid('nav-groups'));
  for (const [id, name] of [
    ['camp-01', 'Python camp · 1'],
    ['camp-02', 'Python camp · 2'],
    ['fans-01', '铁粉俱乐部'],
  ]) {
    await page.click(tid('group-add'));
    await page.fill(tid('group-add-external-id'), id);
    await page.fill(tid('group-add-name'), name);
    await page.selectOption(tid('group-add-community'), id.startsWith('camp') ? 'training_camp' : 'fans');
    await page.click(tid('group-add-submit'));
    await page.waitForSelector(`text=${name}`);
  }
  await page.check(tid('group-select-all'));
  // Leaders are chosen from the team: here the only person is the one signed in.
  await page.selectOption(tid('bulk-leader'), 'lin');
  await page.fill(tid('bulk-tags'), 'spring');
  await page.click(tid('bulk-apply'));
  await page.locator('.tag').nth(2).waitFor();
  await page.uncheck(tid('group-select-all'));
  await shot(page, '04-groups');

  // Sheets: library, a template in the editor, a broken line, save twice, history.
  await page.click(tid('nav-sheets'));
  await page.waitForSelector(tid('template-list'));
  await shot(page, '05-library');
  await page.click(tid('template-use-camp-7d'));
  await page.waitForSelector('[data-testid="lint-summary"][data-checked="yes"]');
  await page.waitForSelector(tid('timeline-item'));
  await shot(page, '06-editor-template');
  await page.click(tid('sheet-save'));
  await page.waitForSelector(tid('sheet-saved'));
  // Make the sheet sell too early: an error-free but warned sheet, then a parse error.
  const editor = page.locator('.cm-content');
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText('\n  - id: early-offer\n    at: D0 21:00\n    do: post\n    kind: conversion\n    text: Buy now!\n');
  await page.waitForSelector('[data-testid="lint-finding"][data-rule="early-conversion"]', { timeout: 10_000 });
  await shot(page, '07-editor-findings');
  await page.click(tid('sheet-save'));
  await page.waitForSelector(tid('sheet-saved'));
  await page.click(tid('sheet-history'));
  await page.waitForSelector(tid('diff'));
  await shot(page, '08-history-diff');

  // Import: a file with bad rows shows the row errors.
  await page.goto(`${base}/sheets/import`);
  await page.setInputFiles(tid('import-file'), {
    name: 'bad-rows.csv',
    mimeType: 'text/csv',
    buffer: readFileSync('test/fixtures/import/bad-rows.csv'),
  });
  await page.click(tid('import-submit'));
  await page.waitForSelector(tid('import-errors'));
  await shot(page, '09-import-errors');
  await page.setInputFiles(tid('import-file'), { name: 'camp-zh.csv', mimeType: 'text/csv', buffer: readFileSync('test/fixtures/import/camp-zh.csv') });
  await page.click(tid('import-submit'));
  await page.waitForSelector(tid('sheet-editor'));
  await page.waitForSelector(tid('timeline-item'));
  await shot(page, '10-import-editor');

  // Chinese.
  await page.click(tid('lang-zh'));
  await page.click(tid('nav-groups'));
  await page.waitForSelector(tid('group-list'));
  await shot(page, '11-groups-zh');
  await page.click(tid('nav-channels'));
  await page.waitForSelector(tid('channel-list'));
  await shot(page, '12-channels-zh');
  await page.click(tid('lang-en'));

  // A phone.
  const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, storageState: await context.storageState(), isMobile: true, hasTouch: true });
  const p2 = await phone.newPage();
  await p2.goto(`${base}/groups`);
  await p2.waitForSelector(tid('group-list'));
  await shot(p2, '13-phone-groups');
  await p2.click(tid('menu-toggle'));
  await shot(p2, '14-phone-menu');
  await p2.goto(`${base}/sheets/camp-7d`);
  await p2.waitForSelector(tid('timeline-item'));
  await shot(p2, '15-phone-editor');

  // Sign out and in again.
  await page.click(tid('sign-out'));
  await page.waitForSelector(tid('sign-in-form'));
  await page.fill(tid('sign-in-name'), 'lin');
  await page.fill(tid('sign-in-password'), 'wrong password');
  await page.click(tid('sign-in-submit'));
  await page.waitForSelector(tid('error'));
  await shot(page, '16-sign-in-refused');
  console.log('console smoke: all steps passed');
} finally {
  await browser.close();
}
