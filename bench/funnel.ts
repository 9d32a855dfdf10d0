// Funnels and cohorts at scale (issue 10): 2,000 groups of 100 members (2 staff each) joined over
// 10–59 days, messages generated in the database (generate_series, as bench/health.ts does), an
// order for every 20th member, then, warm:
//  - the stays' flags kept by ingest (activated, active weeks: src/insight/stay-activity.ts) filled
//    as the migration fills them for history (034_funnel.sql), since the messages skip ingest;
//  - funnel: funnelReport over every group, all joins and since 30 days ago (src/insight/funnel-data.ts:
//    the stays and their flags, no messages), CHORUS_BENCH_FUNNEL_REPS times (default 5) — p50, p95, max;
//  - cohorts: cohortReport over every group, 12 weeks;
//  - raw: every stay's messages in its first 14 days loaded (array_agg) and handed whole to the same
//    pure funnel(), once (with an index on messages (group_id, member_id, sent_at) made for it, so it
//    is not a strawman), and every stay's messages in its first 12 weeks for the rules' cohorts;
//    agree: whether the funnels and the cohorts are equal (the bench fails if not).
// Scale: CHORUS_BENCH_FUNNEL_GROUPS (2000), CHORUS_BENCH_FUNNEL_MESSAGES (2,000,000; more on
// PostgreSQL if you have the time). `npm run bench funnel`, or alone `node --import tsx bench/funnel.ts`.

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { cohortReport, cohortStart, funnelReport } from '../src/insight/funnel-data.ts';
import { rollupZone } from '../src/insight/rollups.ts';
import { cohorts, funnel, type MemberFacts } from '../src/insight/rules/funnel.ts';
import type { Store } from '../src/store/db.ts';
import { benchTimer, envNumber } from './measure.ts';
import { openBenchStore } from './store.ts';

const MEMBERS_PER_GROUP = 100;
const DAYS = 60;
const BATCH = 1_000_000;

const { log, timed, measure, ms } = benchTimer('funnel');

const ageOf = (k: string) => `(10 + ${k} % 50)`;

async function generate(store: Store, groups: number, messages: number, now: Date): Promise<void> {
  const nowSql = `'${now.toISOString()}'::timestamptz`;
  const members = groups * MEMBERS_PER_GROUP;
  const run = (script: string) => store.executeSql(`SET session_replication_role = replica;\n${script};\nSET session_replication_role = DEFAULT;`);
  await store.executeSql('SELECT setseed(0.42)');
  await timed('groups, members, stays, orders', () =>
    run(`INSERT INTO channels (id, kind, name, config_sealed) VALUES ('ch_f', 'sandbox', 'Bench', 'x');
      INSERT INTO groups (id, channel_id, external_id, name, created_at)
      SELECT 'g' || lpad(k::text, 4, '0'), 'ch_f', 'chat' || k, 'Group ' || k, ${nowSql} - make_interval(days => ${ageOf('k')}) FROM generate_series(1, ${groups}) k;
      INSERT INTO members (id, name) SELECT 'm' || lpad(i::text, 7, '0'), 'Member ' || i FROM generate_series(1, ${members}) i;
      INSERT INTO member_roles (group_id, member_id, role)
      SELECT 'g' || lpad(k::text, 4, '0'), 'm' || lpad(((k - 1) * ${MEMBERS_PER_GROUP} + r)::text, 7, '0'), CASE r WHEN 1 THEN 'leader' ELSE 'assistant' END
      FROM generate_series(1, ${groups}) k, generate_series(1, 2) r;
      INSERT INTO memberships (group_id, member_id, joined_at)
      SELECT g.id, 'm' || lpad(i::text, 7, '0'), g.created_at + (${nowSql} - g.created_at) * random() ^ 2
      FROM generate_series(1, ${members}) i JOIN groups g ON g.id = 'g' || lpad((1 + (i - 1) / ${MEMBERS_PER_GROUP})::text, 4, '0');
      INSERT INTO orders (id, member_id, amount, at, source)
      SELECT 'o' || i, 'm' || lpad(i::text, 7, '0'), 99, ${nowSql} - make_interval(secs => ${DAYS} * 86400 * random()), 'csv' FROM generate_series(20, ${members}, 20) i`),
  );
  for (let from = 1; from <= messages; from += BATCH) {
    const to = Math.min(messages, from + BATCH - 1);
    await timed(`messages ${from}–${to}`, () =>
      run(`INSERT INTO messages (group_id, member_id, external_id, text, sent_at)
        SELECT 'g' || lpad(x.k::text, 4, '0'),
          'm' || lpad(((x.k - 1) * ${MEMBERS_PER_GROUP} + CASE WHEN random() < 0.15 THEN 1 + (n % 2) ELSE 3 + floor((${MEMBERS_PER_GROUP} - 2) * random() ^ 2)::int END)::text, 7, '0'),
          n::text, 'ok thanks', ${nowSql} - make_interval(secs => ${ageOf('x.k')} * 86400 * random())
        FROM generate_series(${from}, ${to}) n CROSS JOIN LATERAL (SELECT 1 + floor(${groups} * random() ^ 1.6)::int % ${groups} AS k WHERE n > 0) x`),
    );
  }
  // The messages went in without ingest: keep the stays' flags as the migration does for history.
  const migration = readFileSync(new URL('../src/store/migrations/034_funnel.sql', import.meta.url), 'utf8');
  await timed('stays: activated, active weeks (034 backfill)', () => store.executeSql(migration.slice(migration.indexOf('UPDATE memberships'))));
  await timed('vacuum analyze', () => store.executeSql('VACUUM ANALYZE'));
}

/** Every stay's messages in its first 12 weeks, loaded whole, and the rules' cohorts. */
async function rawCohorts(store: Store, now: Date) {
  const zone = rollupZone();
  const since = cohortStart(now, zone, 12);
  const r = await store.executeSql(
    `SELECT m.joined_at, ARRAY(SELECT x.sent_at FROM messages x WHERE x.group_id = m.group_id AND x.member_id = m.member_id AND x.sent_at >= m.joined_at AND x.sent_at < m.joined_at + interval '84 days') AS active
     FROM memberships m
     WHERE m.joined_at >= $1::timestamptz AND m.joined_at < $2::timestamptz
       AND NOT EXISTS (SELECT 1 FROM member_roles r WHERE r.group_id = m.group_id AND r.member_id = m.member_id AND r.role IN ('leader', 'assistant'))`,
    [since.toISOString(), now.toISOString()],
  );
  const rows = r.rows as { joined_at: Date | string; active: (Date | string)[] }[];
  return cohorts(
    rows.map((x) => ({ joinedAt: new Date(x.joined_at), firstOrderAt: null, activeAt: x.active.map((a) => new Date(a)) })),
    { zone, now, weeks: 12 },
  );
}

/** Every stay's messages in its first 14 days, loaded whole, and the same rules. */
async function rawFunnel(store: Store, since: Date | undefined) {
  const r = await store.executeSql(
    `SELECT m.joined_at, (SELECT min(o.at) FROM orders o WHERE o.member_id = m.member_id AND o.at >= m.joined_at) AS first_order,
       ARRAY(SELECT x.sent_at FROM messages x WHERE x.group_id = m.group_id AND x.member_id = m.member_id AND x.sent_at >= m.joined_at AND x.sent_at < m.joined_at + interval '14 days') AS active
     FROM memberships m
     WHERE ($1::timestamptz IS NULL OR m.joined_at >= $1::timestamptz)
       AND NOT EXISTS (SELECT 1 FROM member_roles r WHERE r.group_id = m.group_id AND r.member_id = m.member_id AND r.role IN ('leader', 'assistant'))`,
    [since?.toISOString() ?? null],
  );
  const rows = r.rows as { joined_at: Date | string; first_order: Date | string | null; active: (Date | string)[] }[];
  const facts: MemberFacts[] = rows.map((x) => ({ joinedAt: new Date(x.joined_at), firstOrderAt: x.first_order === null ? null : new Date(x.first_order), activeAt: x.active.map((a) => new Date(a)) }));
  return { funnel: funnel(facts, since ? { since } : {}), loadedMessages: facts.reduce((n, f) => n + f.activeAt.length, 0) };
}

export async function benchFunnel(): Promise<Record<string, unknown>> {
  const groups = envNumber('CHORUS_BENCH_FUNNEL_GROUPS', 2000);
  const messages = envNumber('CHORUS_BENCH_FUNNEL_MESSAGES', 2_000_000);
  const reps = envNumber('CHORUS_BENCH_FUNNEL_REPS', 5);
  const now = new Date();
  const { store, done } = await openBenchStore('funnel');
  try {
    await generate(store, groups, messages, now);
    const ids = Array.from({ length: groups }, (_, i) => `g${String(i + 1).padStart(4, '0')}`);
    const since = new Date(now.getTime() - 30 * 86_400_000);
    const all = await measure('funnel_all', reps, () => funnelReport(store.db, { groups: ids }));
    const recent = await measure('funnel_30d', reps, () => funnelReport(store.db, { groups: ids }, { since }));
    const coh = await measure('cohorts', reps, () => cohortReport(store.db, { groups: ids }, { now }));
    const ours = (await funnelReport(store.db, { groups: ids })).funnel;
    await timed('raw index messages (group_id, member_id, sent_at)', () => store.executeSql('CREATE INDEX bench_messages_member ON messages (group_id, member_id, sent_at)'));
    const t = performance.now();
    const raw = await rawFunnel(store, undefined);
    const rawMs = ms(performance.now() - t);
    log(`raw ${rawMs} ms (${raw.loadedMessages} messages loaded)`);
    const oursCohorts = (await cohortReport(store.db, { groups: ids }, { now })).cohorts;
    const t2 = performance.now();
    const rawC = await rawCohorts(store, now);
    log(`raw cohorts ${Math.round(performance.now() - t2)} ms`);
    const agreeCohorts = JSON.stringify(oursCohorts) === JSON.stringify(rawC);
    const agree = JSON.stringify(ours) === JSON.stringify(raw.funnel) && agreeCohorts;
    const out = {
      engine: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
      groups,
      messages,
      stays: ours.attract.count,
      funnel: ours,
      ...all,
      ...recent,
      ...coh,
      raw_ms: rawMs,
      raw_loaded_messages: raw.loadedMessages,
      cohorts: oursCohorts,
      agree,
      load: loadavg().map((x) => Math.round(x * 100) / 100),
    };
    if (!agree) throw new Error(`the funnel or the cohorts from the stays' flags and from the raw messages differ: ${JSON.stringify({ ours, raw: raw.funnel, oursCohorts, rawC })}`);
    return { funnel: out };
  } finally {
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchFunnel(), null, 2)}\n`);
}
