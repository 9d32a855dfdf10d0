// Ledger creation: a run of the 30-day bench sheet (bench/plan.ts, about 200 actions per group) on
// 10,000 groups — two million ledger rows. Three timings, each into an empty ledger table with all
// its indexes:
//  - `startRun` end to end (parse, plan, assign, render, write), for the record;
//  - `insertLedger` on exactly the rows startRun wrote (read back), the real write path →
//    ledger_actions_per_s;
//  - a raw multi-row `INSERT … VALUES (…),(…)` of the same rows, the same 14 columns, straight
//    through the driver (no Kysely, no ON CONFLICT) → ledger_raw_rows_per_s.
// Target (issue 3): insertLedger at least 50 % of the raw INSERT. COPY is not used as the baseline:
// pg-copy-streams is not installed, and plain `pg` has no COPY FROM STDIN.
// CHORUS_BENCH_LEDGER_GROUPS (default 10000) makes a quick run possible. PGlite keeps its data in a
// temporary folder here (two million rows and their indexes outgrow an in-memory database).
// Run alone with `node --import tsx bench/ledger.ts`.

import { sql } from 'kysely';
import { addChannel, ConnectorCache } from '../src/channels/registry.ts';
import { insertLedger, type NewLedgerRow, type RawLedger, toLedgerRow } from '../src/run/ledger.ts';
import { startRun } from '../src/run/runs.ts';
import type { Store } from '../src/store/db.ts';
import { secretBox } from '../src/store/secrets.ts';
import { openBenchStore } from './store.ts';
import { benchGroups, benchSheetYaml } from './plan.ts';

/**
 * 14 parameters a row, 2,000 rows a statement (28,000 parameters). PostgreSQL allows 65,535, but
 * PGlite 0.4 silently breaks its connection above 32,767 (the statement and every later query
 * return no rows), so both engines stay below that.
 */
const RAW_CHUNK = 2_000;
const COLUMNS = ['run_id', 'group_id', 'step_id', 'occurrence', 'member_id', 'action', 'mode', 'executor', 'assignee', 'sender_account', 'due_at', 'window_minutes', 'content', 'state'];


/** The rows of a run, read back in pages, as `insertLedger` takes them. */
async function readRows(store: Store, runId: string): Promise<NewLedgerRow[]> {
  const out: NewLedgerRow[] = [];
  let after = 0;
  for (;;) {
    const page = await sql<RawLedger>`SELECT * FROM ledger WHERE run_id = ${runId} AND id > ${after} ORDER BY id LIMIT 100000`.execute(store.db);
    if (!page.rows.length) return out;
    for (const raw of page.rows) {
      const r = toLedgerRow(raw);
      out.push({
        groupId: r.groupId,
        stepId: r.stepId,
        occurrence: r.occurrence,
        memberId: r.memberId,
        action: r.action,
        mode: r.mode,
        executor: r.executor,
        assignee: r.assignee,
        senderAccount: r.senderAccount,
        dueAt: r.dueAt,
        windowMinutes: r.windowMinutes,
        content: r.content,
      });
      after = r.id;
    }
  }
}

async function rawInsert(store: Store, runId: string, rows: readonly NewLedgerRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += RAW_CHUNK) {
    const part = rows.slice(i, i + RAW_CHUNK);
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const r of part) {
      const n = values.length;
      tuples.push(`(${COLUMNS.map((_, k) => `$${n + k + 1}`).join(',')})`);
      values.push(runId, r.groupId, r.stepId, r.occurrence, r.memberId ?? '', r.action, r.mode, r.executor, r.assignee, r.senderAccount,
        r.dueAt.toISOString(), r.windowMinutes, JSON.stringify(r.content), r.mode === 'bot' ? 'planned' : 'assigned');
    }
    await store.executeSql(`INSERT INTO ledger (${COLUMNS.join(',')}) VALUES ${tuples.join(',')}`, values);
  }
}

async function emptyLedger(store: Store): Promise<void> {
  await sql`TRUNCATE ledger`.execute(store.db);
  // Fresh statistics and no dead space, so each timing starts from the same table.
  await sql`VACUUM ANALYZE ledger`.execute(store.db);
}

export async function benchLedger(): Promise<Record<string, number>> {
  const groupCount = Number(process.env.CHORUS_BENCH_LEDGER_GROUPS ?? 10_000);
  const { store, done } = await openBenchStore('ledger');
  const db = store.db;
  try {
    const box = secretBox(Buffer.alloc(32, 5));
    const channel = await addChannel(db, box, { kind: 'sandbox', name: 'bench', config: {} });
    const groups = benchGroups(groupCount);
    for (let i = 0; i < groups.length; i += 1_000) {
      await db
        .insertInto('groups')
        .values(groups.slice(i, i + 1_000).map((g) => ({ id: g.id, channel_id: channel.id, external_id: g.id, name: g.name, attrs: JSON.stringify(g.attrs) })))
        .execute();
    }
    const ctx = { db, connectors: new ConnectorCache(db, box), actor: 'bench' };

    let t = performance.now();
    const run = await startRun(ctx, { sheet: benchSheetYaml(), groups: 'all', anchor: '2030-03-01T12:00:00Z', vars: { course: 'Python' } });
    const startRunMs = performance.now() - t;
    process.stderr.write(`ledger: startRun wrote ${run.actions} rows in ${Math.round(startRunMs)} ms\n`);
    const rows = await readRows(store, run.id);
    if (rows.length !== run.actions) throw new Error(`The ledger bench read back ${rows.length} rows, but the run has ${run.actions}.`);

    await emptyLedger(store);
    t = performance.now();
    const inserted = await insertLedger(db, run.id, rows);
    const realMs = performance.now() - t;
    if (inserted !== rows.length) throw new Error(`insertLedger wrote ${inserted} of ${rows.length} rows.`);
    process.stderr.write(`ledger: insertLedger ${Math.round(realMs)} ms\n`);

    await emptyLedger(store);
    t = performance.now();
    await rawInsert(store, run.id, rows);
    const rawMs = performance.now() - t;
    const check = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ledger`.execute(db);
    if (Number(check.rows[0].n) !== rows.length) throw new Error(`The raw INSERT wrote ${check.rows[0].n} of ${rows.length} rows.`);
    process.stderr.write(`ledger: raw INSERT ${Math.round(rawMs)} ms\n`);

    const perS = (ms: number) => Math.round(rows.length / (ms / 1000));
    return {
      ledger_actions_per_s: perS(realMs),
      ledger_raw_rows_per_s: perS(rawMs),
      ledger_ratio: Math.round((rawMs / realMs) * 1000) / 1000,
      ledger_startrun_actions_per_s: perS(startRunMs),
      ledger_actions: rows.length,
      ledger_groups: groupCount,
    };
  } finally {
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchLedger(), null, 2)}\n`);
}
