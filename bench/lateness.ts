// Timer lateness: 100,000 bot actions due within 10 minutes on the sandbox channel (no pacing),
// executed by one real `Worker`. Lateness of a row = executed_at − due_at (the sandbox stamps
// executed_at when its insert returns, so this is "due" → "the platform has it"); the claim
// lateness (the `due` transition in ledger_history − due_at) is reported beside it, to tell timer
// delay from send delay. Targets (issue 3): p99 ≤ 250 ms on PostgreSQL, ≤ 1 s on PGlite.
//
// Due times are spread evenly over the window, 1,000 groups × 100 actions. The window is
// CHORUS_BENCH_LATENESS_SECONDS (default 600); a shorter window scales the number of actions down
// so the rate (about 167 due per second) stays the same, and the result says which window was used.
// The database is a fresh one from test/support/db.ts: in-memory PGlite, or a throw-away schema on
// the PostgreSQL server named by DATABASE_URL.
// Run alone with `node --import tsx bench/lateness.ts`.

import { sql } from 'kysely';
import { addChannel, ConnectorCache } from '../src/channels/registry.ts';
import { Worker } from '../src/dispatch/worker.ts';
import { countsByState, insertLedger, type NewLedgerRow } from '../src/run/ledger.ts';
import { secretBox } from '../src/store/secrets.ts';
import { testStore } from '../test/support/db.ts';

const FULL_WINDOW_S = 600;
const FULL_ACTIONS = 100_000;
const GROUPS = 1_000;
/** Time to get the worker going before the first row is due. */
const LEAD_MS = 3_000;

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function benchLateness(): Promise<Record<string, number | string>> {
  const windowS = Number(process.env.CHORUS_BENCH_LATENESS_SECONDS ?? FULL_WINDOW_S);
  if (!Number.isFinite(windowS) || windowS <= 0) throw new Error(`CHORUS_BENCH_LATENESS_SECONDS must be a number of seconds above 0 (it is "${process.env.CHORUS_BENCH_LATENESS_SECONDS}").`);
  const actions = Math.max(GROUPS, Math.round((FULL_ACTIONS * windowS) / FULL_WINDOW_S));
  const store = await testStore();
  const db = store.db;
  try {
    const box = secretBox(Buffer.alloc(32, 3));
    const channel = await addChannel(db, box, { kind: 'sandbox', name: 'bench', config: {} });
    await db
      .insertInto('groups')
      .values(Array.from({ length: GROUPS }, (_, i) => ({ id: `g_bench_${i}`, channel_id: channel.id, external_id: `chat-${i}`, name: `Group ${i}` })))
      .execute();
    const runId = 'run_lateness';
    // Paused while the rows are written, so nothing is claimed before the clock is set.
    await db.insertInto('runs').values({ id: runId, kind: 'broadcast', selector: 'all', state: 'paused' }).execute();
    const base = Date.UTC(2030, 0, 1);
    const spacing = (windowS * 1000) / actions;
    const rows: NewLedgerRow[] = [];
    for (let i = 0; i < actions; i++) {
      rows.push({
        groupId: `g_bench_${i % GROUPS}`,
        stepId: `s${Math.floor(i / GROUPS)}`,
        occurrence: 1,
        action: 'post',
        mode: 'bot',
        executor: 'bot',
        assignee: null,
        senderAccount: channel.id,
        dueAt: new Date(base + Math.floor(i * spacing)),
        windowMinutes: 30,
        content: { text: `Bench message ${i}` },
      });
    }
    await insertLedger(db, runId, rows);
    const start = Date.now() + LEAD_MS;
    await sql`UPDATE ledger SET due_at = due_at + make_interval(secs => ${(start - base) / 1000}) WHERE run_id = ${runId}`.execute(db);
    await db.updateTable('runs').set({ state: 'running' }).where('id', '=', runId).execute();

    const worker = new Worker({ db, connectors: new ConnectorCache(db, box), log: (l) => process.stderr.write(`${l}\n`) });
    await worker.start();
    const deadline = start + windowS * 1000 + 300_000;
    let sent = 0;
    while (sent < actions) {
      if (Date.now() > deadline) {
        await worker.stop();
        throw new Error(`The lateness bench did not finish: ${sent} of ${actions} sent five minutes after the last was due.`);
      }
      await new Promise((r) => setTimeout(r, 1_000));
      // A cheap look first (one message per send, ids from 1): counting the ledger reads 100,000
      // index entries, which on PGlite blocks the worker sharing this thread.
      const last = await db.selectFrom('sandbox_messages').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
      if (Number(last?.id ?? 0) >= actions) sent = (await countsByState(db, runId)).sent ?? 0;
    }
    await worker.stop();

    const executed = await sql<{ ms: number }>`
      SELECT (extract(epoch FROM executed_at - due_at) * 1000)::float8 AS ms FROM ledger WHERE run_id = ${runId} ORDER BY 1`.execute(db);
    const claimed = await sql<{ ms: number }>`
      SELECT (extract(epoch FROM h.at - l.due_at) * 1000)::float8 AS ms
      FROM ledger l JOIN ledger_history h ON h.ledger_id = l.id AND h.to_state = 'due'
      WHERE l.run_id = ${runId} ORDER BY 1`.execute(db);
    const late = executed.rows.map((r) => Number(r.ms));
    const claim = claimed.rows.map((r) => Number(r.ms));
    const round = (x: number) => Math.round(x * 10) / 10;
    return {
      lateness_p50_ms: round(percentile(late, 50)),
      lateness_p99_ms: round(percentile(late, 99)),
      lateness_max_ms: round(late[late.length - 1]),
      lateness_claim_p50_ms: round(percentile(claim, 50)),
      lateness_claim_p99_ms: round(percentile(claim, 99)),
      lateness_actions: late.length,
      lateness_window_s: windowS,
      lateness_engine: store.engine,
    };
  } finally {
    await store.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchLateness(), null, 2)}\n`);
}
