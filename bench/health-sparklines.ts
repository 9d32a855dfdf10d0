// The health board in the browser with many groups: its sparklines are uPlot canvases, drawn when
// their row comes near the screen (web/src/charts/sparkline.tsx). The built console is served as
// files and the API answered by the page's routes (a signed-in owner, N groups with 30 days each),
// so only the page is measured. For 300 and 1,000 rows (CHORUS_BENCH_SPARK_ROWS, comma-separated):
// the main thread's CPU (Chromium's Performance metrics: tasks, script, layout, style) to open the
// board until the first sparkline is drawn, and to scroll to the end 800 px a frame (every
// sparkline drawn on the way); the longest frame while scrolling; the canvases drawn at first.
// docs/insight.md#a-groups-health-page has the figures that decided uPlot over the SVG lines.
// Run alone with `node --import tsx bench/health-sparklines.ts`.

import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { CHROMIUM, ensureConsoleBuilt, launchChromium, REPO } from '../test/e2e/harness.ts';

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.woff2': 'font/woff2', '.svg': 'image/svg+xml', '.png': 'image/png' };

function board(n: number) {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const statuses = ['healthy', 'watch', 'dying'] as const;
  return {
    zone: 'Asia/Shanghai',
    survival: { groups: 0, alive: 0, rate: 0 },
    groups: Array.from({ length: n }, (_, i) => ({
      group: `g${i}`,
      name: `Group ${i}`,
      members: 100,
      joined7d: 3,
      left7d: 1,
      netGrowth7d: 2,
      messagesPerDay7d: 12,
      activeRatio7d: 0.2,
      memberShare7d: 0.7,
      leaveRate7d: 0.01,
      firstResponseP50s: 600,
      ageDays: 20,
      score: 70,
      status: statuses[i % 3],
      reasons: [{ code: 'low_messages', value: 1, severity: 'watch', text: 'A few messages a day', advice: 'Start a topic' }],
      messagesDaily: Array.from({ length: 30 }, () => Math.floor(rnd() * 40)),
    })),
  };
}

export async function benchHealthSparklines(): Promise<Record<string, number | string>> {
  if (!existsSync(CHROMIUM)) return { health_sparklines_skipped: `Chromium is not installed at ${CHROMIUM}` };
  ensureConsoleBuilt();
  const dist = join(REPO, 'web', 'dist');
  const server = createServer((req, res) => {
    const path = normalize(join(dist, decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/')));
    const file = path.startsWith(dist) && extname(path) && existsSync(path) ? path : join(dist, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const out: Record<string, number | string> = {};
  try {
    const sizes = (process.env.CHORUS_BENCH_SPARK_ROWS ?? '300,1000').split(',').map(Number);
    for (const n of sizes) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const body = JSON.stringify(board(n));
      await page.route('**/api/**', (route) => {
        const u = route.request().url();
        if (u.includes('/api/session')) return route.fulfill({ json: { user: { id: 'u', name: 'owner', displayName: 'Owner', role: 'owner', locale: 'en' }, setupNeeded: false, csrfToken: 'x' } });
        if (u.includes('/api/insight/health')) return route.fulfill({ body, contentType: 'application/json' });
        return route.fulfill({ json: {} });
      });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const metrics = async () => {
        const m = (await cdp.send('Performance.getMetrics')).metrics;
        const ms = (name: string) => Math.round((m.find((x) => x.name === name)?.value ?? 0) * 1000);
        return { task: ms('TaskDuration'), script: ms('ScriptDuration'), layout: ms('LayoutDuration'), style: ms('RecalcStyleDuration') };
      };
      await page.goto(`${url}/insight/health`);
      await page.locator('[data-testid="health-spark"] canvas').first().waitFor({ timeout: 60_000 });
      await page.waitForTimeout(300);
      const opened = await metrics();
      const first = await page.locator('[data-testid="health-spark"] canvas').count();
      // In the page (a string: the bench is typed without the DOM's names).
      const worst = await page.evaluate<number>(`(async () => {
        let longest = 0;
        let last = performance.now();
        for (let y = 0; y < document.documentElement.scrollHeight; y += 800) {
          window.scrollTo(0, y);
          await new Promise((r) => requestAnimationFrame(r));
          const now = performance.now();
          longest = Math.max(longest, now - last);
          last = now;
        }
        return Math.round(longest);
      })()`);
      await page.waitForTimeout(300);
      const scrolled = await metrics();
      const drawn = await page.locator('[data-testid="health-spark"] canvas').count();
      Object.assign(out, {
        [`health_spark_${n}_open_task_ms`]: opened.task,
        [`health_spark_${n}_open_script_ms`]: opened.script,
        [`health_spark_${n}_canvases_first`]: first,
        [`health_spark_${n}_scroll_task_ms`]: scrolled.task - opened.task,
        [`health_spark_${n}_scroll_script_ms`]: scrolled.script - opened.script,
        [`health_spark_${n}_scroll_worst_frame_ms`]: worst,
        [`health_spark_${n}_canvases_drawn`]: drawn,
      });
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${JSON.stringify(await benchHealthSparklines(), null, 2)}\n`);
