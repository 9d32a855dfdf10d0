// The people rules (issue 8): stages and levels kept current incrementally, and a full recompute.
//  (a) incremental: 1,000 events recorded through recordMemberEvent, each in its own transaction
//      as ingest does; the member's stage/level/score move in that same transaction, so the time
//      to "updated" is the time to commit → standing_event_ms_p50 / _p95 (target: within 1 s);
//  (b) recompute: CHORUS_BENCH_MEMBERS (default 200,000) members with about 25 events each
//      (generated with generate_series: messages, replies, some answering questions, check-ins,
//      clicks, joins, join requests, invites, orders over 120 days) → standing_recompute_ms
//      (target: 200,000 members ≤ 60 s), plus how many stages and levels moved.
// PGlite keeps its data in a temporary folder (five million events outgrow memory). Run alone with
// `node --import tsx bench/standing.ts`, or `npm run bench -- standing`.

import { sql } from 'kysely';
import { recordMemberEvent } from '../src/community/events.ts';
import { recomputeAll } from '../src/community/standing/apply.ts';
import { DEFAULT_RULES } from '../src/community/standing/rules.ts';
import { openBenchStore } from './store.ts';


const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number) => Math.round(n * 100) / 100;

export async function benchStanding(): Promise<Record<string, unknown>> {
  const n = Number(process.env.CHORUS_BENCH_MEMBERS ?? 200_000);
  const perMember = 25;
  const { store, done } = await openBenchStore('standing');
  try {
    const db = store.db;
    const t0 = performance.now();
    await sql`INSERT INTO members (id, name) SELECT 'b' || lpad(i::text, 7, '0'), 'Member ' || i FROM generate_series(1, ${n}::int) i`.execute(db);
    // ~25 events a member, spread over 120 days; kinds by a fixed mix. The indexes are built after
    // the rows (as a bulk load would), with the migration's definitions.
    await sql`DROP INDEX member_events_member`.execute(db);
    await sql`DROP INDEX member_events_group`.execute(db);
    await sql`
      INSERT INTO member_events (member_id, kind, at, detail)
      SELECT 'b' || lpad(((i % ${n}::int) + 1)::text, 7, '0'),
             (ARRAY['message','message','message','message','message','message','message','message','reply','reply',
                    'reply','checkin','checkin','checkin','click','join','join_request','message','message','message',
                    'message','reply','checkin','invite','order'])[((i / ${n}::int) % 25 + 1)::int],
             now() - ((i * 7919) % (120 * 1440)) * interval '1 minute',
             CASE WHEN (i / ${n}::int) % 25 + 1 IN (9, 22) AND i % 3 = 0 THEN '{"question": true}'::jsonb
                  WHEN (i / ${n}::int) % 25 + 1 = 24 THEN jsonb_build_object('invitee', 'b' || lpad((((i * 31) % ${n}::int) + 1)::text, 7, '0'))
                  ELSE '{}'::jsonb END
      FROM generate_series(0::bigint, ${n * perMember}::bigint - 1) i
      WHERE (i / ${n}::int) % 25 + 1 <> 25 OR i % 4 = 0`.execute(db);
    await sql`CREATE INDEX member_events_member ON member_events (member_id, at)`.execute(db);
    await sql`CREATE INDEX member_events_group ON member_events (group_id, kind, at)`.execute(db);
    await sql`ANALYZE members`.execute(db);
    await sql`ANALYZE member_events`.execute(db);
    const events = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM member_events`.execute(db)).rows[0]?.n ?? 0);
    const seedMs = performance.now() - t0;
    const load = (await import('node:os')).loadavg()[0];
    process.stderr.write(`  seeded ${n} members, ${events} events in ${Math.round(seedMs)} ms\n`);

    // CPU time of this process during the recompute: on PGlite (in-process) that is the database's
    // work too — what the recompute would take on an idle core; on PostgreSQL only Node's side.
    const cpu0 = process.cpuUsage();
    const r = await recomputeAll(db, DEFAULT_RULES, {
      onProgress: (d, t) => {
        if (d % 50_000 === 0 && d) process.stderr.write(`  recompute ${d}/${t}\n`);
      },
    });
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    process.stderr.write(`  recompute: ${r.ms} ms (${cpuMs} ms CPU in this process)\n`);
    // The daily run's case: the same history again, nothing moved (rows whose decayed score is
    // the recomputed one are left alone).
    const again = await recomputeAll(db, DEFAULT_RULES);
    process.stderr.write(`  recompute again: ${again.ms} ms\n`);
    const byStage = (await sql<{ stage: string; n: string }>`SELECT stage, count(*) AS n FROM members GROUP BY stage ORDER BY stage`.execute(db)).rows;
    const byLevel = (await sql<{ level: string; n: string }>`SELECT level, count(*) AS n FROM members GROUP BY level ORDER BY level`.execute(db)).rows;

    // (a) incremental, on the populated world: one event a transaction, as ingest records them.
    const kinds = ['message', 'reply', 'checkin', 'order', 'click'] as const;
    const times: number[] = [];
    const cpuEvents0 = process.cpuUsage();
    let moved = 0;
    for (let i = 0; i < 1000; i++) {
      const memberId = `b${String(((i * 7907) % n) + 1).padStart(7, '0')}`;
      const kind = kinds[i % kinds.length]!;
      const start = performance.now();
      await db.transaction().execute(async (trx) => {
        await recordMemberEvent(trx, { memberId, kind, at: new Date(), ...(kind === 'reply' ? { detail: { question: true } } : {}) });
      });
      times.push(performance.now() - start);
      // A weighted event (message, reply, check-in) moves the score and its moment; an order the stage.
      const after = await db.selectFrom('members').select(['score_at', 'stage']).where('id', '=', memberId).executeTakeFirstOrThrow();
      const scored = !!after.score_at && Date.now() - new Date(after.score_at).getTime() < 60_000;
      if (kind === 'click' || (kind === 'order' ? after.stage === 'customer' || after.stage === 'repeat' : scored)) moved++;
    }
    times.sort((a, b) => a - b);
    const cpuEvents = process.cpuUsage(cpuEvents0);
    return {
      standing_members: n,
      standing_load_average_at_start: round(load ?? 0),
      standing_events: events,
      standing_seed_ms: Math.round(seedMs),
      standing_recompute_ms: r.ms,
      standing_recompute_process_cpu_ms: cpuMs,
      standing_recompute_again_ms: again.ms,
      standing_recompute_members_per_s: Math.round(n / (r.ms / 1000)),
      standing_recompute_stage_moves: r.stageMoves,
      standing_recompute_level_moves: r.levelMoves,
      standing_stages: Object.fromEntries(byStage.map((s) => [s.stage, Number(s.n)])),
      standing_levels: Object.fromEntries(byLevel.map((s) => [s.level, Number(s.n)])),
      standing_event_ms_p50: round(pct(times, 50)),
      standing_event_ms_p95: round(pct(times, 95)),
      standing_event_process_cpu_ms_mean: round((cpuEvents.user + cpuEvents.system) / 1000 / 1000),
      standing_event_ms_max: round(times.at(-1) ?? 0),
      standing_events_applied_in_transaction: moved,
    };
  } finally {
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchStanding(), null, 2)}\n`);
}
