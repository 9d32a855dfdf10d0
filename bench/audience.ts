// Audiences (issue 8): expanding a `notify` to 100,000 members into ledger rows, each with its own
// text ({{ member.name }}, {{ member.city }}), when the step falls due. The audience is read in
// pages, filled in, and written with multi-row INSERTs in one transaction (src/run/expand.ts).
// Target: ≤ 10 s. The time is the expansion alone (claim → expanded), on a sandbox channel so the
// bot sends to everyone. CHORUS_BENCH_AUDIENCE_MEMBERS (default 100000) makes a quick run possible.
// Run alone with `node --import tsx bench/audience.ts`; `npm run bench -- audience`.

import { sql } from 'kysely';
import { addChannel, ConnectorCache } from '../src/channels/registry.ts';
import { ensureGroup } from '../src/community/groups.ts';
import { settleClaimed } from '../src/run/expand.ts';
import { claimDue } from '../src/run/ledger.ts';
import { startRun } from '../src/run/runs.ts';
import { secretBox } from '../src/store/secrets.ts';
import { openBenchStore } from './store.ts';


const SHEET = `sop: bench-audience
title: Audience bench
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: hello
    at: T0
    do: notify
    to: members
    text: "Hi {{ member.name }} from {{ member.city }}: class starts at 20:00 in {{ group.name }}."
`;

export async function benchAudience(): Promise<Record<string, unknown>> {
  const n = Number(process.env.CHORUS_BENCH_AUDIENCE_MEMBERS ?? 100_000);
  const { store, done } = await openBenchStore('audience');
  try {
    const db = store.db;
    const box = secretBox(Buffer.alloc(32, 9));
    const channel = await addChannel(db, box, { kind: 'sandbox', name: 'bench', config: {} });
    const group = await ensureGroup(db, channel.id, 'bench-chat', 'Bench group');
    let t = performance.now();
    await sql`INSERT INTO members (id, name, attrs) SELECT 'm' || lpad(i::text, 7, '0'), 'Member ' || i, jsonb_build_object('city', 'City ' || (i % 50)) FROM generate_series(1, ${n}) i`.execute(db);
    await sql`INSERT INTO member_identities (member_id, channel_id, external_id, name) SELECT 'm' || lpad(i::text, 7, '0'), ${channel.id}, 'u' || i, 'Member ' || i FROM generate_series(1, ${n}) i`.execute(db);
    await sql`INSERT INTO memberships (group_id, member_id, joined_at) SELECT ${group}, 'm' || lpad(i::text, 7, '0'), now() - interval '1 day' FROM generate_series(1, ${n}) i`.execute(db);
    await sql`ANALYZE`.execute(db);
    process.stderr.write(`audience: ${n} members in ${Math.round(performance.now() - t)} ms\n`);
    const ctx = { db, connectors: new ConnectorCache(db, box), actor: 'bench' };
    const run = await startRun(ctx, { sheet: SHEET, groups: `id:${group}`, anchor: new Date(Date.now() - 1000).toISOString() });
    const claimed = await claimDue(db, 'bench', 10);
    if (claimed.length !== 1) throw new Error(`expected the one audience row to be claimed, got ${claimed.length}`);
    t = performance.now();
    await settleClaimed(db, claimed, { actor: 'bench', publicBase: 'https://chorus.example' });
    const ms = performance.now() - t;
    const made = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ledger WHERE run_id = ${run.id} AND member_id <> '' AND state = 'planned'`.execute(db);
    if (Number(made.rows[0].n) !== n) throw new Error(`the expansion made ${made.rows[0].n} of ${n} member rows`);
    const sample = await sql<{ text: string }>`SELECT content->>'text' AS text FROM ledger WHERE run_id = ${run.id} AND member_id = 'm0000007'`.execute(db);
    if (sample.rows[0]?.text !== 'Hi Member 7 from City 7: class starts at 20:00 in Bench group.') throw new Error(`unexpected text: ${sample.rows[0]?.text}`);
    process.stderr.write(`audience: expanded into ${n} rows in ${Math.round(ms)} ms\n`);
    return {
      audience_expand_ms: Math.round(ms),
      audience_members: n,
      audience_rows_per_s: Math.round(n / (ms / 1000)),
      audience_target_ms: 10_000,
    };
  } finally {
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchAudience(), null, 2)}\n`);
}
