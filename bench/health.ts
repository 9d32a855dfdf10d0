// Group health at scale (issue 10, "Performance"): 2,000 groups with 10 million messages generated
// in the database (generate_series straight into the tables, not through ingest), the rollups of
// the same data built in SQL as ingest would have kept them (src/insight/rollups.ts), then, warm:
//  - board: healthBoard over every group (src/insight/health-board.ts: the rollups only, then the
//    pure rules), CHORUS_BENCH_HEALTH_REPS times (default 30) — p50, p95, max;
//  - raw: the same figures aggregated from raw messages and memberships by one straightforward
//    query (given an index on messages (group_id, sent_at), and the groups joined as a set, as the
//    board does, so it is not a strawman), then the same rules, CHORUS_BENCH_HEALTH_RAW_REPS times
//    (default 3);
//  - agree: how many groups' figures the two give alike (all of them, or the bench says not).
// Targets: board p95 ≤ 200 ms and ≥ 20× faster than raw.
//
// Scale: CHORUS_BENCH_HEALTH_GROUPS (2000), CHORUS_BENCH_HEALTH_MESSAGES (10,000,000 on PostgreSQL;
// 2,000,000 on PGlite, where 10 million take too long to generate in a bench run — set it to go
// higher), 100 members a group (2 of them staff: a leader and an assistant), 60 days of history.
// The counts used are in the JSON. Run alone with `node --import tsx bench/health.ts`.

import { loadavg } from 'node:os';
import { figuresOf, healthBoard, messagesDaily } from '../src/insight/health-board.ts';
import { rollupZone } from '../src/insight/rollups.ts';
import { groupHealth } from '../src/insight/rules/health.ts';
import type { Store } from '../src/store/db.ts';
import { benchTimer, envNumber } from './measure.ts';
import { openBenchStore } from './store.ts';

const MEMBERS_PER_GROUP = 100;
const DAYS = 60;
const BATCH = 1_000_000;

const { log, timed, measure } = benchTimer('health');

/** SQL: group k's age in days (10–59; every 100th group a day old), so windows cover young and old groups. */
const ageOf = (k: string) => `(CASE WHEN ${k} % 100 = 0 THEN 1 ELSE 10 + ${k} % 50 END)`;

/** Groups, members, staff roles, stays (a tenth ended) and messages, generated in the database. */
async function generate(store: Store, groups: number, messages: number, now: Date): Promise<void> {
  const nowSql = `'${now.toISOString()}'::timestamptz`;
  const members = groups * MEMBERS_PER_GROUP;
  const run = (script: string) => store.executeSql(`SET session_replication_role = replica;\n${script};\nSET session_replication_role = DEFAULT;`);
  await store.executeSql('SELECT setseed(0.42)');
  await timed('groups, members, stays', () =>
    run(`INSERT INTO channels (id, kind, name, config_sealed) VALUES ('ch_h', 'sandbox', 'Bench', 'x');
      INSERT INTO groups (id, channel_id, external_id, name, created_at)
      SELECT 'g' || lpad(k::text, 4, '0'), 'ch_h', 'chat' || k, 'Group ' || k, ${nowSql} - make_interval(days => ${ageOf('k')}) FROM generate_series(1, ${groups}) k;
      INSERT INTO members (id, name) SELECT 'm' || lpad(i::text, 7, '0'), 'Member ' || i FROM generate_series(1, ${members}) i;
      INSERT INTO member_roles (group_id, member_id, role)
      SELECT 'g' || lpad(k::text, 4, '0'), 'm' || lpad(((k - 1) * ${MEMBERS_PER_GROUP} + r)::text, 7, '0'), CASE r WHEN 1 THEN 'leader' ELSE 'assistant' END
      FROM generate_series(1, ${groups}) k, generate_series(1, 2) r;
      INSERT INTO memberships (group_id, member_id, joined_at, left_at, left_reason)
      SELECT g.id, 'm' || lpad(i::text, 7, '0'), j.at, CASE WHEN i % 10 = 0 THEN j.at + (${nowSql} - j.at) * random() END, CASE WHEN i % 10 = 0 THEN 'voluntary' END
      FROM generate_series(1, ${members}) i
      JOIN groups g ON g.id = 'g' || lpad((1 + (i - 1) / ${MEMBERS_PER_GROUP})::text, 4, '0')
      CROSS JOIN LATERAL (SELECT g.created_at + (${nowSql} - g.created_at) * random() ^ 3 AS at) j;
      UPDATE groups g SET member_count = c.n FROM (SELECT group_id, count(*)::int AS n FROM memberships WHERE left_at IS NULL GROUP BY group_id) c WHERE c.group_id = g.id`),
  );
  // Busy and quiet groups (group k drawn with a skew), staff writing about 15 %, a twentieth questions.
  for (let from = 1; from <= messages; from += BATCH) {
    const to = Math.min(messages, from + BATCH - 1);
    await timed(`messages ${from}–${to}`, () =>
      run(`INSERT INTO messages (group_id, member_id, external_id, text, sent_at)
        SELECT 'g' || lpad(x.k::text, 4, '0'),
          'm' || lpad(((x.k - 1) * ${MEMBERS_PER_GROUP} + CASE WHEN random() < 0.15 THEN 1 + (n % 2) ELSE 3 + floor((${MEMBERS_PER_GROUP} - 2) * random() ^ 2)::int END)::text, 7, '0'),
          n::text, CASE WHEN n % 20 = 0 THEN 'how do I get the replay?' ELSE 'ok thanks' END,
          ${nowSql} - make_interval(secs => least(${DAYS}, ${ageOf('x.k')}) * 86400 * random())
        FROM generate_series(${from}, ${to}) n CROSS JOIN LATERAL (SELECT 1 + floor(${groups} * random() ^ 1.6)::int % ${groups} AS k WHERE n > 0) x`),
    );
  }
  await timed('raw index messages (group_id, sent_at)', () => store.executeSql('CREATE INDEX bench_messages_group_at ON messages (group_id, sent_at)'));
}

/** The rollups of the generated data, as ingest would have kept them (staff: the roles; a question: the generated text). */
async function buildRollups(store: Store): Promise<void> {
  const zone = rollupZone().replace(/'/g, "''");
  const day = (col: string) => `(${col} AT TIME ZONE '${zone}')::date`;
  const staff = `EXISTS (SELECT 1 FROM member_roles r WHERE r.group_id = m.group_id AND r.member_id = m.member_id AND r.role IN ('leader', 'assistant'))`;
  await timed('rollups: messages by day', () =>
    store.executeSql(`INSERT INTO group_days (group_id, day, messages, member_messages, staff_messages, questions)
      SELECT group_id, d, count(*), count(*) FILTER (WHERE NOT s), count(*) FILTER (WHERE s), count(*) FILTER (WHERE NOT s AND q)
      FROM (SELECT m.group_id, ${day('m.sent_at')} AS d, ${staff} AS s, m.text LIKE '%?' AS q FROM messages m) x GROUP BY 1, 2`),
  );
  await timed('rollups: joins and leaves', () =>
    store.executeSql(`INSERT INTO group_days AS t (group_id, day, joins, leaves)
      SELECT group_id, d, sum(j), sum(l) FROM (
        SELECT group_id, ${day('joined_at')} AS d, 1 AS j, 0 AS l FROM memberships
        UNION ALL SELECT group_id, ${day('left_at')}, 0, 1 FROM memberships WHERE left_at IS NOT NULL) x GROUP BY 1, 2
      ON CONFLICT (group_id, day) DO UPDATE SET joins = t.joins + excluded.joins, leaves = t.leaves + excluded.leaves`),
  );
  await timed('rollups: active members', async () => {
    await store.executeSql(`INSERT INTO group_day_members (group_id, day, member_id)
      SELECT DISTINCT m.group_id, ${day('m.sent_at')}, m.member_id FROM messages m WHERE NOT ${staff}`);
    await store.executeSql(`UPDATE group_days t SET active_members = c.n
      FROM (SELECT group_id, day, count(*)::int AS n FROM group_day_members GROUP BY 1, 2) c WHERE c.group_id = t.group_id AND c.day = t.day`);
    await store.executeSql(`INSERT INTO group_member_active (group_id, member_id, day) SELECT group_id, member_id, max(day) FROM group_day_members GROUP BY 1, 2`);
    await store.executeSql(`UPDATE group_days t SET last_active = c.n
      FROM (SELECT group_id, day, count(*)::int AS n FROM group_member_active GROUP BY 1, 2) c WHERE c.group_id = t.group_id AND c.day = t.day`);
  });
  await timed('rollups: first answers', async () => {
    await store.executeSql(`CREATE TEMP TABLE bench_staff_at AS SELECT m.group_id, m.sent_at FROM messages m WHERE ${staff}`);
    await store.executeSql('CREATE INDEX ON bench_staff_at (group_id, sent_at)');
    await store.executeSql(`UPDATE group_days t SET response_seconds = c.waits
      FROM (SELECT q.group_id, ${day('q.sent_at')} AS day, array_agg(greatest(0, round(extract(epoch FROM a.at - q.sent_at)))::int) AS waits
        FROM messages q CROSS JOIN LATERAL (SELECT s.sent_at AS at FROM bench_staff_at s WHERE s.group_id = q.group_id AND s.sent_at >= q.sent_at ORDER BY s.sent_at LIMIT 1) a
        WHERE q.text LIKE '%?' AND NOT EXISTS (SELECT 1 FROM member_roles r WHERE r.group_id = q.group_id AND r.member_id = q.member_id AND r.role IN ('leader', 'assistant'))
        GROUP BY 1, 2) c
      WHERE c.group_id = t.group_id AND c.day = t.day`);
    await store.executeSql('DROP TABLE bench_staff_at');
  });
  await timed('vacuum analyze', () => store.executeSql('VACUUM ANALYZE'));
}

interface RawRow {
  id: string;
  name: string;
  age_s: number;
  members: number;
  days: number;
  p_days: number;
  joins: number;
  leaves: number;
  messages: number;
  member_messages: number;
  active: number;
  p50: number | null;
  p_joins: number;
  p_leaves: number;
  p_messages: number;
  p_member_messages: number;
  p_active: number;
}

/** The same figures from raw messages and memberships, one straightforward query, then the same rules. */
async function rawBoard(store: Store, ids: readonly string[], now: Date) {
  const zone = rollupZone();
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(now);
  const r = await store.executeSql(
    `WITH b AS (SELECT $2::date - 6 AS start, $2::date - 13 AS p_start),
     t AS (SELECT (b.start::timestamp AT TIME ZONE $3) AS start_at, (b.p_start::timestamp AT TIME ZONE $3) AS p_start_at, b.start, b.p_start FROM b),
     sel AS (SELECT id FROM unnest($1::text[]) AS s(id)),
     g AS (SELECT g.id, g.name, g.created_at, g.member_count, (g.created_at AT TIME ZONE $3)::date AS born FROM groups g JOIN sel ON sel.id = g.id),
     m AS (
       SELECT m.group_id, m.member_id, m.sent_at, m.text, m.sent_at >= t.start_at AS cur,
         EXISTS (SELECT 1 FROM member_roles r WHERE r.group_id = m.group_id AND r.member_id = m.member_id AND r.role IN ('leader', 'assistant')) AS staff
       FROM messages m JOIN sel ON sel.id = m.group_id, t WHERE m.sent_at >= t.p_start_at),
     agg AS (
       SELECT group_id,
         count(*) FILTER (WHERE cur) AS messages, count(*) FILTER (WHERE cur AND NOT staff) AS member_messages,
         count(DISTINCT member_id) FILTER (WHERE cur AND NOT staff) AS active,
         count(*) FILTER (WHERE NOT cur) AS p_messages, count(*) FILTER (WHERE NOT cur AND NOT staff) AS p_member_messages,
         count(DISTINCT member_id) FILTER (WHERE NOT cur AND NOT staff) AS p_active
       FROM m GROUP BY group_id),
     resp AS (
       SELECT q.group_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(0, round(extract(epoch FROM a.at - q.sent_at)))) AS p50
       FROM m q CROSS JOIN LATERAL (
         SELECT s.sent_at AS at FROM messages s
         WHERE s.group_id = q.group_id AND s.sent_at >= q.sent_at
           AND EXISTS (SELECT 1 FROM member_roles r WHERE r.group_id = s.group_id AND r.member_id = s.member_id AND r.role IN ('leader', 'assistant'))
         ORDER BY s.sent_at LIMIT 1) a
       WHERE q.cur AND NOT q.staff AND q.text LIKE '%?' GROUP BY q.group_id),
     st AS (
       SELECT s.group_id,
         count(*) FILTER (WHERE s.joined_at >= t.start_at) AS joins, count(*) FILTER (WHERE s.left_at >= t.start_at) AS leaves,
         count(*) FILTER (WHERE s.joined_at >= t.p_start_at AND s.joined_at < t.start_at) AS p_joins,
         count(*) FILTER (WHERE s.left_at >= t.p_start_at AND s.left_at < t.start_at) AS p_leaves
       FROM memberships s JOIN sel ON sel.id = s.group_id, t GROUP BY s.group_id)
     SELECT g.id, g.name, extract(epoch FROM $4::timestamptz - g.created_at)::float8 AS age_s, g.member_count AS members,
       greatest(1, $2::date - greatest(t.start, g.born) + 1)::int AS days, greatest(0, (t.start - 1) - greatest(t.p_start, g.born) + 1)::int AS p_days,
       coalesce(st.joins, 0)::int AS joins, coalesce(st.leaves, 0)::int AS leaves, coalesce(agg.messages, 0)::int AS messages,
       coalesce(agg.member_messages, 0)::int AS member_messages, coalesce(agg.active, 0)::int AS active, resp.p50::float8 AS p50,
       coalesce(st.p_joins, 0)::int AS p_joins, coalesce(st.p_leaves, 0)::int AS p_leaves, coalesce(agg.p_messages, 0)::int AS p_messages,
       coalesce(agg.p_member_messages, 0)::int AS p_member_messages, coalesce(agg.p_active, 0)::int AS p_active
     FROM g CROSS JOIN t LEFT JOIN agg ON agg.group_id = g.id LEFT JOIN resp ON resp.group_id = g.id LEFT JOIN st ON st.group_id = g.id`,
    [[...ids], today, zone, now.toISOString()],
  );
  return (r.rows as unknown as RawRow[]).map((x) => {
    const f = figuresOf({ members: x.members, joins: x.joins, leaves: x.leaves, messages: x.messages, memberMessages: x.member_messages, active: x.active, days: x.days, p50: x.p50, ageDays: x.age_s / 86_400 });
    const previous =
      x.p_days > 0
        ? figuresOf({ members: f.members - f.netGrowth7d, joins: x.p_joins, leaves: x.p_leaves, messages: x.p_messages, memberMessages: x.p_member_messages, active: x.p_active, days: x.p_days, p50: null, ageDays: x.age_s / 86_400 - 7 })
        : undefined;
    return { group: x.id, name: x.name, ...f, ...groupHealth(f, previous) };
  });
}

export async function benchHealth(): Promise<Record<string, unknown>> {
  const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';
  const groups = envNumber('CHORUS_BENCH_HEALTH_GROUPS', 2_000);
  const messages = envNumber('CHORUS_BENCH_HEALTH_MESSAGES', engine === 'postgres' ? 10_000_000 : 2_000_000);
  const reps = envNumber('CHORUS_BENCH_HEALTH_REPS', 30);
  const rawReps = envNumber('CHORUS_BENCH_HEALTH_RAW_REPS', 3);
  log(`${engine}: ${groups} groups, ${messages} messages, ${groups * MEMBERS_PER_GROUP} members`);
  const { store, done } = await openBenchStore('health');
  try {
    const now = new Date();
    const started = performance.now();
    await generate(store, groups, messages, now);
    const generateMs = Math.round(performance.now() - started);
    const t = performance.now();
    await buildRollups(store);
    const rollupMs = Math.round(performance.now() - t);
    const ids = (await store.db.selectFrom('groups').select('id').orderBy('id').execute()).map((g) => g.id);

    const board = await measure('health_board', reps, () => healthBoard(store.db, ids, now));
    const withSeries = await measure('health_board_with_series', Math.max(5, Math.round(reps / 3)), () => Promise.all([healthBoard(store.db, ids, now), messagesDaily(store.db, ids, { now })]));
    const raw = await measure('health_raw', rawReps, () => rawBoard(store, ids, now));

    // The two ways agree on every group's figures and status.
    const a = new Map((await healthBoard(store.db, ids, now)).map((r) => [r.group, r]));
    const rawRows = await rawBoard(store, ids, now);
    const same = rawRows.filter((r) => {
      const x = a.get(r.group);
      return x && (['members', 'joined7d', 'left7d', 'messagesPerDay7d', 'activeRatio7d', 'memberShare7d', 'leaveRate7d', 'firstResponseP50s', 'score', 'status'] as const).every((k) => x[k] === r[k]);
    }).length;
    const statuses: Record<string, number> = {};
    for (const r of a.values()) statuses[r.status] = (statuses[r.status] ?? 0) + 1;

    const boardP95 = board.health_board_p95_ms as number;
    const rawP95 = raw.health_raw_p95_ms as number;
    const speedup = Math.round((rawP95 / boardP95) * 10) / 10;
    return {
      health: {
        engine,
        groups,
        messages,
        members: groups * MEMBERS_PER_GROUP,
        generate_ms: generateMs,
        rollups_ms: rollupMs,
        ...board,
        ...withSeries,
        ...raw,
        speedup,
        agree: `${same}/${rawRows.length}`,
        statuses,
        ok_p95: boardP95 <= 200,
        ok_speedup: speedup >= 20,
        loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
      },
    };
  } finally {
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchHealth(), null, 2)}\n`);
}
