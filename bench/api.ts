// API latency under load: the run board of a run on 500 groups × a 40-step sheet (20,000 cells),
// requested over loopback by N concurrent keep-alive connections with the admin API token, from a
// real `chorus serve`, while the run changes: one ledger row moves every 250 ms, as when a worker
// sends, so the server's board cache keeps being invalidated. Reports p50 and p95 of
// `GET /api/runs/:id/board` and the requests per second, and the time to build the board from the
// database without any cache. Target (issue 4): p95 ≤ 150 ms on PostgreSQL.
//
// Seeded through the platform's own functions: a sandbox channel, 500 groups with two leaders,
// the sheet saved by startRun. The database is a fresh one from test/support/db.ts (in-memory
// PGlite, or a throw-away schema on the PostgreSQL server named by DATABASE_URL).
// CHORUS_BENCH_API_CONNECTIONS (default 4), CHORUS_BENCH_API_REQUESTS (default 1500) and
// CHORUS_BENCH_API_SECONDS (default 60, the most the load runs) change the load.
// Run alone with `node --import tsx bench/api.ts`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addChannel, ConnectorCache } from '../src/channels/registry.ts';
import { ensureGroup, updateGroup } from '../src/community/groups.ts';
import { moveRows } from '../src/run/ledger.ts';
import { startRun } from '../src/run/runs.ts';
import { runBoardJson } from '../src/server/views/board.ts';
import { serve } from '../src/server/serve.ts';
import { readAdminToken } from '../src/server/tokens.ts';
import { loadSecretKey, secretBox } from '../src/store/secrets.ts';
import { engine, testStore } from '../test/support/db.ts';
import { percentile, runLoad } from './load.ts';

const GROUPS = 500;
const STEPS = 40;

/** 40 one-off steps over three weeks: posts, announcements and a leader's task every few days. */
export function boardSheetYaml(): string {
  const lines = [
    'sop: bench-board',
    'title: Three-week community programme',
    'community: training_camp',
    'timezone: Asia/Shanghai',
    'anchor: Programme start',
    'anchor_time: "20:00"',
    'steps:',
  ];
  for (let i = 0; i < STEPS; i++) {
    const day = -2 + Math.floor(i / 2);
    const at = `D${day} ${i % 2 ? '19:30' : '09:00'}`;
    if (i % 5 === 4) lines.push(`  - { id: step-${i + 1}, at: "${at}", do: task, by: leader, text: "Check in with {{ group.name }}: step ${i + 1}" }`);
    else lines.push(`  - { id: step-${i + 1}, at: "${at}", do: ${i % 7 === 0 ? 'announce' : 'post'}, text: "Step ${i + 1} for {{ group.name }}" }`);
  }
  return `${lines.join('\n')}\n`;
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a number above 0 (it is "${raw}").`);
  return n;
}

const ms = (n: number) => Math.round(n * 10) / 10;

export async function benchApi(): Promise<Record<string, number | string>> {
  const connections = envNumber('CHORUS_BENCH_API_CONNECTIONS', 4);
  const requests = envNumber('CHORUS_BENCH_API_REQUESTS', 1500);
  const maxSeconds = envNumber('CHORUS_BENCH_API_SECONDS', 60);
  const store = await testStore();
  const dataDir = mkdtempSync(join(tmpdir(), 'chorus-bench-api-'));
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  try {
    const db = store.db;
    const box = secretBox(loadSecretKey(dataDir));
    const channel = await addChannel(db, box, { kind: 'sandbox', name: 'bench', config: {} });
    for (let i = 1; i <= GROUPS; i++) {
      const id = await ensureGroup(db, channel.id, `chat-${i}`, `Group ${i}`);
      await updateGroup(db, id, { leader: i % 2 ? 'leader-a' : 'leader-b', community: 'training_camp' });
    }
    const ctx = { db, connectors: new ConnectorCache(db, box), actor: 'bench' };
    // An anchor far ahead: every cell stays planned or assigned while it is measured.
    const run = await startRun(ctx, { sheet: boardSheetYaml(), groups: 'all', anchor: '2030-03-01' });
    process.stderr.write(`api: run of ${run.groups} groups, ${run.actions} actions\n`);

    server = await serve({ port: 0, host: '127.0.0.1', dataDir, worker: false, store, log: () => {} });
    const token = readAdminToken(dataDir);
    if (!token) throw new Error(`serve() wrote no admin token to ${dataDir}`);
    const url = `${server.url}/api/runs/${run.id}/board`;
    const headers = { authorization: `Bearer ${token}` };

    const first = await fetch(url, { headers });
    if (first.status !== 200) throw new Error(`GET /api/runs/:id/board answered ${first.status}: ${(await first.text()).slice(0, 300)}`);
    const board = (await first.json()) as { cells: unknown[]; steps: unknown[]; groups: unknown[] };
    if (board.cells.length !== GROUPS * STEPS) {
      throw new Error(`The board has ${board.cells.length} cells (${board.groups.length} groups × ${board.steps.length} steps); expected ${GROUPS * STEPS}.`);
    }
    // Warm-up: JIT, prepared plans, caches.
    await runLoad({ url, headers, connections: 1, requests: 10, maxSeconds: 30 });
    // The server runs in this process: its CPU time per request (with the load generator's small
    // share) tells Node's work apart from waiting for the database.
    const builds: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      await runBoardJson(db, run.id);
      builds.push(performance.now() - t);
    }
    const movable = (await db.selectFrom('ledger').select('id').where('run_id', '=', run.id).where('state', '=', 'planned').limit(2_000).execute()).map((x) => x.id);
    let moved = 0;
    const mover = setInterval(() => {
      const id = movable[moved++];
      if (id !== undefined) void moveRows(db, [id], { from: ['planned'], to: 'cancelled', actor: 'bench' });
    }, 250);
    const cpu = process.cpuUsage();
    const r = await runLoad({ url, headers, connections, requests, maxSeconds }).finally(() => clearInterval(mover));
    const used = process.cpuUsage(cpu);
    if (r.errors || Object.keys(r.statuses).length) {
      throw new Error(`The board requests failed: ${r.errors} connection errors, statuses ${JSON.stringify(r.statuses)}`);
    }
    return {
      api_board_p50_ms: ms(percentile(r.latencies, 50)),
      api_board_p95_ms: ms(percentile(r.latencies, 95)),
      api_board_rps: Math.round((r.requests / r.seconds) * 10) / 10,
      api_board_node_cpu_ms: ms((used.user + used.system) / 1000 / r.requests),
      api_board_build_p50_ms: ms(percentile(builds, 50)),
      api_board_build_p95_ms: ms(percentile(builds, 95)),
      api_board_changes_during_load: moved,
      api_board_cells: board.cells.length,
      api_board_kb: Math.round(r.bytes / r.requests / 1024),
      api_board_requests: r.requests,
      api_board_connections: connections,
      api_board_engine: engine,
    };
  } finally {
    await server?.close();
    await store.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchApi(), null, 2)}\n`);
}
