// Tracked links (issue 9): `GET /l/<slug>` on a real server on loopback at 1,000 requests a second
// (open loop: each request starts on schedule, whether or not the last one answered), from 1,000
// visitors (X-Forwarded-For, the proxy trusted) over 200 slugs, one in ten a link-preview bot.
// Then the server closes (its click buffer flushes) and the clicks in the database are counted:
// every person's click is there, no bot's. Figures: p50/p99/max of the redirect, clicks expected
// and recorded.

import { Agent, request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addChannel } from '../src/channels/registry.ts';
import { ensureGroup } from '../src/community/groups.ts';
import { runLink, slugFor } from '../src/growth/links.ts';
import { buildApp } from '../src/server/app.ts';
import { secretBox } from '../src/store/secrets.ts';
import { openBenchStore } from './store.ts';

const RATE = Number(process.env.CHORUS_BENCH_LINK_RATE ?? 1000);
const SECONDS = Number(process.env.CHORUS_BENCH_LINK_SECONDS ?? 10);
const BROWSER = 'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.40';
const BOT = 'TelegramBot (like TwitterBot)';

export async function benchLinks(): Promise<Record<string, unknown>> {
  const { store, done } = await openBenchStore('links');
  try {
    const db = store.db;
    const box = secretBox(Buffer.alloc(32, 3));
    const channel = await addChannel(db, box, { kind: 'sandbox', name: 'bench', config: {} });
    const slugs: string[] = [];
    const linkId = await runLink(db, 'run_bench', 'https://shop.example/camp');
    for (let g = 0; g < 20; g++) {
      const group = await ensureGroup(db, channel.id, `chat-${g}`, `Group ${g}`);
      for (let st = 0; st < 10; st++) slugs.push(await slugFor(db, linkId, { groupId: group, stepId: `step-${st}` }));
    }
    const app = await buildApp({ store, dataDir: mkdtempSync(join(tmpdir(), 'chorus-bench-links-')), box, consoleDir: false, trustProxy: true });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const agent = new Agent({ keepAlive: true, maxSockets: 256 });
    const get = (path: string, ip: string, ua: string) =>
      new Promise<number>((resolve, reject) => {
        const t = performance.now();
        const req = request({ host: '127.0.0.1', port, path, agent, headers: { 'user-agent': ua, 'x-forwarded-for': ip } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 302 ? resolve(performance.now() - t) : reject(new Error(`status ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end();
      });
    // Warm-up: every slug once (the first look-up of a slug reads the database), not counted below.
    await Promise.all(slugs.map((s, i) => get(`/l/${s}`, `10.9.${i >> 8}.${i & 255}`, BOT)));
    const times: number[] = [];
    let over10 = 0;
    let people = 0;
    // One open-loop phase: each request starts on schedule whether or not the last one answered.
    const phase = async (count: number, measure: boolean) => {
      const pending: Promise<void>[] = [];
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        const due = started + (i * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const bot = i % 10 === 9;
        if (!bot) people++;
        const visitor = i % 1000;
        const answered = get(`/l/${slugs[i % slugs.length]}`, `10.1.${visitor >> 8}.${visitor & 255}`, bot ? BOT : BROWSER);
        pending.push(
          answered.then((ms) => {
            if (!measure) return;
            times.push(ms);
            if (ms > 10) over10++;
          }),
        );
      }
      await Promise.all(pending);
      return (performance.now() - started) / 1000;
    };
    // One second at the rate first (sockets opened, code warm), then the measured run.
    await phase(RATE, false);
    const total = RATE * SECONDS;
    const elapsed = await phase(total, true);
    agent.destroy();
    await app.close(); // flushes the click buffer
    const recorded = Number((await db.selectFrom('link_clicks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    times.sort((a, b) => a - b);
    const q = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))] * 100) / 100;
    return {
      links: {
        requests: total,
        ratePerSecond: Math.round(total / elapsed),
        redirectP50Ms: q(0.5),
        redirectP99Ms: q(0.99),
        redirectMaxMs: q(1),
        over10Ms: over10,
        clicksExpected: people,
        clicksRecorded: recorded,
        lost: people - recorded,
        p99Target: 10,
        ok: q(0.99) <= 10 && recorded === people,
      },
    };
  } finally {
    await done();
  }
}
