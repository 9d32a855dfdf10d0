// The README's screenshots (docs/screenshots/*.png): a real server with the demo workspace, the
// console in Debian's Chromium, the pages a newcomer should see first. Each picture is checked to
// stay under 200 KB so the repository stays light.
// Run: node --import tsx scripts/screenshots.ts (PGlite in memory; DATABASE_URL uses PostgreSQL).

import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DEMO_LEADERS } from '../src/demo/workspace.ts';
import { ensureConsoleBuilt, launchChromium, REPO, startServer } from '../test/e2e/harness.ts';

const OUT = join(REPO, 'docs', 'screenshots');
const MAX_BYTES = 200 * 1024;
const OWNER = { name: 'lisa', displayName: 'Lisa Chen', password: 'screenshots-only-1357' };

/** A 48-hour lead group with three things the check points out: what the editor is for. */
const LEAD_SHEET = `sop: free-trial-48h
title: Free trial lesson group (48 hours)
community: lead
timezone: Asia/Shanghai
anchor: Trial lesson
anchor_time: "20:00"
steps:
  - id: create
    at: D-1 10:00
    do: create_group
    name: "Free trial · {{ group.index }}"
  - id: welcome
    at: D-1 10:10
    do: welcome
    text: Welcome! The free lesson is tomorrow at 20:00. Keep notifications on.
  - id: reminder
    at: T-1h
    do: post
    text: One hour to go. The lesson link comes here at 20:00.
  - id: lesson
    at: T0
    do: post
    link: https://classroom.example.com/trial
    text: The lesson starts now. Tap the link to join.
  - id: offer
    at: T+1h
    do: post
    kind: conversion
    link: https://shop.example.com/camp
    text: "Loved it? The 7-day camp starts Monday: https://shop.example.com/camp-signup"
`;

async function save(page: Page, name: string): Promise<void> {
  const file = join(OUT, `${name}.png`);
  await page.screenshot({ path: file });
  const size = statSync(file).size;
  if (size > MAX_BYTES) throw new Error(`${file} is ${Math.round(size / 1024)} KB; screenshots must stay under ${MAX_BYTES / 1024} KB.`);
  process.stderr.write(`${name}.png ${Math.round(size / 1024)} KB\n`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  ensureConsoleBuilt();
  const browser = await launchChromium();
  const running = await startServer();
  try {
    const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Asia/Shanghai', locale: 'en-US' });
    desk.setDefaultTimeout(60_000);
    const page = await desk.newPage();
    const tid = (id: string) => page.getByTestId(id);

    await page.goto(running.url);
    await tid('setup-name').fill(OWNER.name);
    await tid('setup-display-name').fill(OWNER.displayName);
    await save(page, 'setup');
    await tid('setup-password').fill(OWNER.password);
    await tid('setup-password-repeat').fill(OWNER.password);
    await tid('setup-submit').click();
    await tid('demo-create').click();
    await tid('demo-done').waitFor();
    // Demo leader passwords are random per workspace: read the one the answer names.
    const leaderPassword = new RegExp(`${DEMO_LEADERS[0].name} / ([a-z0-9-]+)`).exec((await tid('demo-done').textContent()) ?? '')?.[1] ?? '';
    // The operator's day, in Chinese as most operators read it.
    await page.goto(running.url);
    await tid('lang-zh').click();
    await tid('overview-runs').waitFor();
    await save(page, 'overview-zh');
    await tid('lang-en').click();
    await page.locator('[data-testid="lang-en"][aria-pressed="true"]').waitFor();

    await page.goto(`${running.url}/sheets/new`);
    const editor = page.locator('[data-testid="sheet-editor"] .cm-content');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(LEAD_SHEET);
    // The check and the preview answer a moment after typing stops: wait for this sheet's own.
    await tid('lint-finding').first().waitFor();
    await tid('timeline-item').filter({ hasText: 'offer' }).waitFor();
    await page.keyboard.press('Control+Home');
    await save(page, 'sheet-editor');

    const runs = await page.evaluate(async () => (await (await fetch('/api/runs')).json()) as { runs: { id: string; kind: string }[] });
    const camp = runs.runs.find((r) => r.kind === 'run');
    const broadcast = runs.runs.find((r) => r.kind === 'broadcast');
    if (!camp || !broadcast) throw new Error('The demo workspace has no run or no broadcast to show.');
    await page.goto(`${running.url}/runs/${camp.id}`);
    await page.locator('[data-testid="board-grid"] [data-state="sent"]').first().waitFor();
    await save(page, 'run-board');

    await page.goto(`${running.url}/command/${broadcast.id}`);
    await tid('leader-table').waitFor();
    await save(page, 'command-center');

    const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, timezoneId: 'Asia/Shanghai', locale: 'en-US' });
    phone.setDefaultTimeout(60_000);
    const p = await phone.newPage();
    await p.goto(running.url);
    await p.getByTestId('sign-in-name').fill(DEMO_LEADERS[0].name);
    await p.getByTestId('sign-in-password').fill(leaderPassword);
    await p.getByTestId('sign-in-submit').click();
    await p.getByTestId('task-list').waitFor();
    // A new account starts in Chinese; the README is in English.
    await p.getByTestId('lang-en').click();
    await p.locator('[data-testid="lang-en"][aria-pressed="true"]').waitFor();
    await save(p, 'leader-phone');
  } finally {
    await browser.close();
    await running.close();
  }
}

await main();
