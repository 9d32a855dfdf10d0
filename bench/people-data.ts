// The people workspace for `npm run bench -- people` (bench/people.ts): channels, groups, members
// with identities, memberships (some left), roles and the event timeline, generated inside the
// database with set-based SQL (generate_series, INSERT … SELECT) — no row-by-row JavaScript.
//
// Distributions (deterministic per member number where later steps depend on them, random
// elsewhere, with a fixed seed):
//  - tags: 0–4 per member (25 % none) from a pool of 50 (`t01` … `t50`), Zipf-ish: tag k is drawn
//    with probability ∝ the gap between (k/50)^0.4 and ((k-1)/50)^0.4, so `t01` is on about a
//    quarter of the members and `t50` on under 1 %;
//  - stages and levels skewed to the bottom (30 % stranger … 3 % repeat; 70 % ordinary … 2 %
//    professional); last_active_at over 90 days, skewed to recent (about 14 % within 7 days),
//    8 % never active; points, counters and check-ins skewed to small numbers;
//  - one identity per member (alternating between the two channels), 4 % a second one in the
//    other channel, 0.2 % bots; 70 % with a username;
//  - every member in one group (uniform over the groups), 30 % in a second; 9 % of the first stays
//    and a third of the second ones have ended (left_at set) → about 1.3 stays a member;
//  - a role (leader, assistant, committee, kol) on 2 % of the open stays;
//  - events: members drawn with a skew (a few very active, many quiet), in one of their groups,
//    kinds message 60 %, reply 18 %, checkin 10 %, click 4 %, join 3 %, points 2 %, invite 1.5 %,
//    leave 1 %, tag 0.5 %; at spread over the last 90 days.
// The counters on members are drawn, not summed from the events (the bench measures reads).
//
// Loading: each table's secondary indexes are dropped before its rows go in and built again after
// (the same definitions, read from pg_indexes), and foreign keys are not checked while loading
// (session_replication_role = replica) — the rows are right by construction. Then VACUUM ANALYZE.

import type { Store } from '../src/store/db.ts';

export interface PeopleScale {
  members: number;
  groups: number;
  events: number;
}

export interface PeopleTimings {
  /** Milliseconds for each phase, and the total. */
  [phase: string]: number;
}

/** Rows of member_events per INSERT … SELECT (keeps each statement's memory bounded on PGlite). */
const EVENT_BATCH = 500_000;
const TAGS = 50;

/** The id of member number i (1-based): `m0000001`. */
export const memberId = (i: number) => `m${String(i).padStart(7, '0')}`;
/** The id of group number g (1-based): `g0001`. */
export const groupId = (g: number) => `g${String(g).padStart(4, '0')}`;

/** SQL for member i's first group number (1-based); deterministic so events can follow it. */
const firstGroup = (i: string, groups: number) => `(1 + ((${i})::bigint * 7919) % ${groups})`;
/** SQL for member i's second group number, never the first (members with i % 10 < 3 have one). */
const secondGroup = (i: string, groups: number) =>
  groups > 1 ? `(1 + (((${i})::bigint * 7919) % ${groups} + 1 + ((${i})::bigint * 104729) % ${groups - 1}) % ${groups})` : firstGroup(i, groups);

async function timed(timings: PeopleTimings, phase: string, run: () => Promise<unknown>): Promise<void> {
  const t = performance.now();
  await run();
  timings[phase] = Math.round(performance.now() - t);
  process.stderr.write(`people: ${phase} ${timings[phase]} ms\n`);
}

/** Runs a script (several statements, no parameters) on one connection, foreign keys unchecked. */
async function bulk(store: Store, script: string): Promise<void> {
  await store.executeSql(`SET session_replication_role = replica;\n${script};\nSET session_replication_role = DEFAULT;`);
}

/** The CREATE INDEX statements of a table's indexes that no constraint owns. */
async function secondaryIndexes(store: Store, table: string): Promise<{ name: string; def: string }[]> {
  const r = await store.executeSql(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = $1
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()))
     ORDER BY i.indexname`,
    [table],
  );
  return r.rows.map((row) => ({ name: String(row.name), def: String(row.def) }));
}

/** Loads a table with its secondary indexes dropped, then builds them again. */
async function loadTable(store: Store, timings: PeopleTimings, table: string, load: () => Promise<void>): Promise<void> {
  const indexes = await secondaryIndexes(store, table);
  for (const ix of indexes) await store.executeSql(`DROP INDEX ${ix.name}`);
  await timed(timings, `${table}_rows_ms`, load);
  await timed(timings, `${table}_indexes_ms`, async () => {
    for (const ix of indexes) await store.executeSql(ix.def);
  });
}

/** Fills an empty (migrated) store with the people workspace; returns the time of each phase. */
export async function generatePeople(store: Store, scale: PeopleScale): Promise<PeopleTimings> {
  const { members: n, groups: g, events } = scale;
  const timings: PeopleTimings = {};
  const started = performance.now();
  await store.executeSql(`SELECT setseed(0.42)`);

  await timed(timings, 'groups_ms', () =>
    bulk(
      store,
      `INSERT INTO channels (id, kind, name, config_sealed) VALUES ('ch_a', 'sandbox', 'Bench A', 'x'), ('ch_b', 'sandbox', 'Bench B', 'x');
       INSERT INTO groups (id, channel_id, external_id, name, member_count)
       SELECT 'g' || lpad(k::text, 4, '0'), CASE WHEN k % 2 = 0 THEN 'ch_a' ELSE 'ch_b' END, 'chat' || k, 'Group ' || k, ${Math.round((n * 1.3) / g)}
       FROM generate_series(1, ${g}) k`,
    ),
  );

  await loadTable(store, timings, 'members', () =>
    bulk(
      store,
      `INSERT INTO members (id, name, created_at, phone, email, tags, stage, level, score, points, messages, replies, checkins, invites, clicks, active_weeks, last_active_at)
       SELECT 'm' || lpad(i::text, 7, '0'), 'Member ' || i, now() - interval '1 day' * (90 + r5 * 600),
         CASE WHEN r5 < 0.4 THEN '+8613' || lpad(i::text, 9, '0') END,
         CASE WHEN r6 < 0.3 THEN 'member' || i || '@example.com' END,
         ARRAY(SELECT DISTINCT 't' || lpad((1 + floor(${TAGS} * power(random(), 2.5)))::int::text, 2, '0')
               FROM generate_series(1, CASE WHEN r1 < 0.25 THEN 0 WHEN r1 < 0.60 THEN 1 WHEN r1 < 0.85 THEN 2 WHEN r1 < 0.95 THEN 3 ELSE 4 END)),
         CASE WHEN r2 < 0.30 THEN 'stranger' WHEN r2 < 0.50 THEN 'curious' WHEN r2 < 0.68 THEN 'acquainted' WHEN r2 < 0.82 THEN 'engaged'
              WHEN r2 < 0.91 THEN 'familiar' WHEN r2 < 0.97 THEN 'customer' ELSE 'repeat' END,
         CASE WHEN r3 < 0.70 THEN 'ordinary' WHEN r3 < 0.90 THEN 'active' WHEN r3 < 0.98 THEN 'contributing' ELSE 'professional' END,
         round((power(r3, 3) * 100)::numeric, 2), floor(power(r6, 3) * 1000), floor(power(r1, 2) * 300), floor(power(r1, 3) * 100),
         floor(power(r2, 2) * 40), floor(power(r5, 6) * 10), floor(power(r6, 4) * 20), floor(power(r2, 2) * 12),
         CASE WHEN r4 < 0.08 THEN NULL ELSE now() - interval '90 days' * power(random(), 1.3) END
       FROM (SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6 FROM generate_series(1, ${n}) i) s`,
    ),
  );

  await loadTable(store, timings, 'member_identities', () =>
    bulk(
      store,
      `INSERT INTO member_identities (member_id, channel_id, external_id, name, username, is_bot, dm_chat_id)
       SELECT 'm' || lpad(i::text, 7, '0'), CASE WHEN i % 2 = 0 THEN 'ch_a' ELSE 'ch_b' END, 'u' || i, 'Member ' || i,
         CASE WHEN i % 10 < 7 THEN 'user' || i END, i % 500 = 0, CASE WHEN i % 3 = 0 THEN 'u' || i END
       FROM generate_series(1, ${n}) i;
       INSERT INTO member_identities (member_id, channel_id, external_id, name)
       SELECT 'm' || lpad(i::text, 7, '0'), CASE WHEN i % 2 = 0 THEN 'ch_b' ELSE 'ch_a' END, 'x' || i, 'Member ' || i
       FROM generate_series(1, ${n}) i WHERE i % 25 = 0`,
    ),
  );

  await loadTable(store, timings, 'memberships', () =>
    bulk(
      store,
      `INSERT INTO memberships (group_id, member_id, joined_at, via_link, scene, left_at, left_reason)
       SELECT 'g' || lpad(grp::text, 4, '0'), 'm' || lpad(i::text, 7, '0'), joined,
         CASE WHEN i % 4 = 0 THEN 'https://t.me/+bench' || (i % 97) END, CASE WHEN i % 4 = 1 THEN 'qr' END,
         CASE WHEN gone THEN joined + interval '1 day' * (1 + (i % 60)) END, CASE WHEN gone THEN CASE WHEN i % 5 = 0 THEN 'removed' ELSE 'voluntary' END END
       FROM (
         SELECT i, ${firstGroup('i', g)} AS grp, now() - interval '1 day' * (1 + random() * 400) AS joined, i % 11 = 0 AS gone FROM generate_series(1, ${n}) i
         UNION ALL
         SELECT i, ${secondGroup('i', g)}, now() - interval '1 day' * (1 + random() * 300), i % 3 = 0 FROM generate_series(1, ${n}) i WHERE i % 10 < 3 AND ${g} > 1
       ) s`,
    ),
  );

  await loadTable(store, timings, 'member_roles', () =>
    bulk(
      store,
      `INSERT INTO member_roles (group_id, member_id, role, set_by)
       SELECT group_id, member_id, (ARRAY['leader', 'assistant', 'committee', 'kol'])[1 + (id % 4)::int], 'bench'
       FROM memberships WHERE left_at IS NULL AND id % 50 = 0`,
    ),
  );

  await loadTable(store, timings, 'member_events', async () => {
    for (let from = 1; from <= events; from += EVENT_BATCH) {
      const to = Math.min(events, from + EVENT_BATCH - 1);
      await bulk(
        store,
        `INSERT INTO member_events (member_id, group_id, kind, at)
         SELECT 'm' || lpad(m::text, 7, '0'),
           'g' || lpad((CASE WHEN m % 10 < 3 AND r2 < 0.4 THEN ${secondGroup('m', g)} ELSE ${firstGroup('m', g)} END)::text, 4, '0'),
           CASE WHEN r < 0.60 THEN 'message' WHEN r < 0.78 THEN 'reply' WHEN r < 0.88 THEN 'checkin' WHEN r < 0.92 THEN 'click'
                WHEN r < 0.95 THEN 'join' WHEN r < 0.97 THEN 'points' WHEN r < 0.985 THEN 'invite' WHEN r < 0.995 THEN 'leave' ELSE 'tag' END,
           now() - interval '90 days' * random()
         FROM (SELECT least(${n}, 1 + floor(${n} * power(random(), 1.6)))::bigint AS m, random() AS r, random() AS r2 FROM generate_series(${from}, ${to})) s`,
      );
      if (events > EVENT_BATCH) process.stderr.write(`people: events ${to}/${events}\n`);
    }
  });

  await timed(timings, 'analyze_ms', () => store.executeSql('VACUUM ANALYZE'));
  timings.total_ms = Math.round(performance.now() - started);
  return timings;
}
