// Live codes (issue 9): GET /j/<code> at a fixed 500 requests/s on loopback for
// CHORUS_BENCH_LIVECODE_SECONDS (default 10) while joins arrive through ingest (20/s), its p50/p99
// (5 groups capped at 2,000: every scan takes a seat), after one second at the same rate not measured; then 1,000 concurrent scans against 5 groups
// capped at 200, split over two desks (two processes) and the careful one-statement path: none
// routed past its cap (asserted, and the counts printed). Both engines (DATABASE_URL: PostgreSQL).

import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addChannel } from '../src/channels/registry.ts';
import { ensureGroup } from '../src/community/groups.ts';
import { ingestEvent } from '../src/community/ingest.ts';
import { LiveCodeDesk } from '../src/growth/livecode-desk.ts';
import { scanLiveCode } from '../src/growth/livecode-scan.ts';
import { createLiveCode } from '../src/growth/livecodes.ts';
import { serve } from '../src/server/serve.ts';
import { loadSecretKey, secretBox } from '../src/store/secrets.ts';
import { engine } from '../test/support/db.ts';
import { percentile } from './load.ts';
import { openBenchStore } from './store.ts';

const ms = (n: number) => Math.round(n * 10) / 10;

function get(agent: http.Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

export async function benchLivecode(): Promise<Record<string, number | string>> {
  const seconds = Number(process.env.CHORUS_BENCH_LIVECODE_SECONDS ?? 10);
  const rate = 500;
  process.env.CHORUS_LIVECODE_SCANS_PER_MINUTE = String(rate * 120);
  const { store, done } = await openBenchStore('livecode');
  const dataDir = mkdtempSync(join(tmpdir(), 'chorus-bench-livecode-'));
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  try {
    const db = store.db;
    const box = secretBox(loadSecretKey(dataDir));
    const channel = await addChannel(db, box, { kind: 'sandbox', name: 'bench', config: {} });
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const id = await ensureGroup(db, channel.id, `lc-${i}`, `Group ${i}`);
      await db.updateTable('groups').set({ tags: ['load'], invite_link: `https://t.example/lc-${i}`, member_count: 0 }).where('id', '=', id).execute();
      ids.push(id);
    }
    // Capped: every scan takes a seat (sandbox groups have no cap by default).
    const load = await createLiveCode(db, { selector: 'tag:load', cap: 2000 });
    server = await serve({ port: 0, host: '127.0.0.1', dataDir, worker: false, store, log: () => {} });
    const url = `${server.url}/j/${load.code}`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    for (let i = 0; i < 50; i++) await get(agent, url);
    // Warm: a server that has been running has ingested joins before (the first one loads code).
    for (let i = 0; i < 5; i++) await ingestEvent({ db }, channel.id, { type: 'member_joined', chatId: 'lc-1', member: { externalId: `warm${i}`, name: `W${i}` }, via: { inviteLink: 'https://t.example/lc-1' }, at: new Date() });
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    let joins = 0;
    const joiner = setInterval(() => {
      const n = joins++;
      void ingestEvent({ db }, channel.id, { type: 'member_joined', chatId: `lc-${(n % 5) + 1}`, member: { externalId: `u${n}`, name: `U${n}` }, via: { inviteLink: `https://t.example/lc-${(n % 5) + 1}` }, at: new Date() });
    }, 50);
    /** `count` scans at `rate` a second; the measured ones go into latencies and statuses. */
    const scans = async (count: number, measured: boolean) => {
      const from = performance.now();
      const pending: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        const due = from + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const t = performance.now();
        pending.push(
          get(agent, url).then((s) => {
            if (!measured) return;
            latencies.push(performance.now() - t);
            statuses[s] = (statuses[s] ?? 0) + 1;
          }),
        );
      }
      await Promise.all(pending);
    };
    // One second at the same rate first, not measured: a server that has been running under load
    // (its code compiled hot, the desk's seats and snapshot in memory), not the first scans of a
    // process just started.
    await scans(rate, false);
    const total = rate * seconds;
    const started = performance.now();
    await scans(total, true);
    clearInterval(joiner);
    const elapsed = (performance.now() - started) / 1000;
    agent.destroy();

    // 1,000 concurrent scans, 5 groups capped at 200.
    const capped: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const id = await ensureGroup(db, channel.id, `cap-${i}`, `Capped ${i}`);
      await db.updateTable('groups').set({ tags: ['cap'], invite_link: `https://t.example/cap-${i}`, member_count: 0 }).where('id', '=', id).execute();
      capped.push(id);
    }
    const cap = await createLiveCode(db, { selector: 'tag:cap', cap: 200 });
    const desks = [new LiveCodeDesk(db), new LiveCodeDesk(db)];
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => (i % 3 === 2 ? scanLiveCode(db, cap.code) : (desks[i % 3] as LiveCodeDesk).scan(cap.code))));
    for (const d of desks) await d.close();
    const counts: Record<string, number> = {};
    for (const r of results) if (r.kind === 'routed') counts[r.groupId] = (counts[r.groupId] ?? 0) + 1;
    const over = Object.values(counts).filter((n) => n > 200).length;
    const routed = Object.values(counts).reduce((a, b) => a + b, 0);
    if (over) throw new Error(`Scans were routed past a cap: ${JSON.stringify(counts)}`);
    const p99 = percentile(latencies, 99);
    return {
      livecode_engine: engine,
      livecode_scan_rps: Math.round((total / elapsed) * 10) / 10,
      livecode_scan_p50_ms: ms(percentile(latencies, 50)),
      livecode_scan_p99_ms: ms(p99),
      livecode_scan_p99_ok: p99 <= 20 ? 'yes' : 'no',
      livecode_scan_statuses: JSON.stringify(statuses),
      livecode_joins_during_load: joins,
      livecode_concurrent_counts: JSON.stringify(capped.map((g) => counts[g] ?? 0)),
      livecode_concurrent_routed: routed,
      livecode_concurrent_over_cap: over,
    };
  } finally {
    await server?.close();
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchLivecode().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
