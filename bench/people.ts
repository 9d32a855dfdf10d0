// People at scale (issue 8, "Performance"): a workspace of 200,000 members in 2,000 groups with
// 5 million events (bench/people-data.ts generates it inside the database), then, warm, each query
// repeated CHORUS_BENCH_PEOPLE_REPS times (default 60) for its p50, p95 and max in ms:
//  - segment: `tag:t01+active<7d+!stage:customer` through audienceQuery — its count, and its first
//    page of 50 ids (`t01` is the most common tag, on about a quarter of the members);
//  - the members page: what `GET /api/members?limit=50&sort=lastActive` runs — listMembers
//    (src/community/members-list.ts): 50 members by last active (newest first, never-active last)
//    with their identities, groups (names, roles) and tags, and the total capped at COUNT_CAP;
//    also filtered by the segment's selector, and as a leader with 20 groups sees it. The bench's
//    own page (bench/people-page.ts, one join for groups and roles) is measured beside it;
//  - total: the exact count under a filter (everyone, the segment's, the leader's).
// The machine's load average is in the JSON: on a shared machine the figures move with it.
// Targets: segment p95 ≤ 200 ms, members page p95 ≤ 150 ms, on both engines.
//
// The database is PGlite in a temporary folder (5 million events outgrow an in-memory one), or,
// when DATABASE_URL is set, a throw-away schema on that PostgreSQL server (test/support/db.ts).
// Scale: CHORUS_BENCH_MEMBERS (default 200000), CHORUS_BENCH_GROUPS (2000), CHORUS_BENCH_EVENTS
// (5000000); the scale used is in the JSON. CHORUS_BENCH_EXPLAIN=1 prints each query's
// EXPLAIN ANALYZE to stderr. Run alone with `node --import tsx bench/people.ts`.

import { loadavg } from 'node:os';
import type { Compilable } from 'kysely';
import { type AudienceScope, audienceQuery } from '../src/community/audience.ts';
import { COUNT_CAP, listMembers, memberFilterQuery } from '../src/community/members-list.ts';
import { membersPage } from './people-page.ts';
import { type Store, sql } from '../src/store/db.ts';
import { openBenchStore } from './store.ts';
import { percentile } from './load.ts';
import { envNumber } from './measure.ts';
import { generatePeople, groupId, type PeopleScale } from './people-data.ts';

export const SEGMENT = 'tag:t01+active<7d+!stage:customer';
const RARE_TAG = 'tag:t50';
const LEADER_GROUPS = 20;


export function peopleScale(): PeopleScale {
  return {
    members: envNumber('CHORUS_BENCH_MEMBERS', 200_000),
    groups: envNumber('CHORUS_BENCH_GROUPS', 2_000),
    events: envNumber('CHORUS_BENCH_EVENTS', 5_000_000),
  };
}


const ms = (n: number) => Math.round(n * 10) / 10;

/** Runs `fn` a few times to warm up, then `reps` times; p50, p95 and max in ms. */
async function measure(name: string, reps: number, fn: () => Promise<unknown>): Promise<Record<string, number>> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  const out = { [`${name}_p50_ms`]: ms(percentile(times, 50)), [`${name}_p95_ms`]: ms(percentile(times, 95)), [`${name}_max_ms`]: ms(Math.max(...times)) };
  process.stderr.write(`people: ${name} p50 ${out[`${name}_p50_ms`]} p95 ${out[`${name}_p95_ms`]} max ${out[`${name}_max_ms`]} ms\n`);
  return out;
}

async function explain(store: Store, name: string, query: Compilable): Promise<void> {
  if (!process.env.CHORUS_BENCH_EXPLAIN) return;
  const c = query.compile();
  const r = await store.executeSql(`EXPLAIN (ANALYZE, BUFFERS) ${c.sql}`, [...c.parameters]);
  process.stderr.write(`\n--- ${name} (${store.engine})\n${c.sql}\n${r.rows.map((row) => row['QUERY PLAN']).join('\n')}\n`);
}

async function segmentCount(store: Store, selector: string, scope: AudienceScope): Promise<number> {
  const q = await audienceQuery(store.db, selector, scope);
  const r = await store.db
    .selectFrom(q.as('a'))
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function segmentPage(store: Store, selector: string, scope: AudienceScope): Promise<string[]> {
  const q = await audienceQuery(store.db, selector, scope);
  return (await q.orderBy('members.id').limit(50).execute()).map((r) => r.id);
}

export async function benchPeople(): Promise<Record<string, unknown>> {
  const scale = peopleScale();
  const reps = envNumber('CHORUS_BENCH_PEOPLE_REPS', 60);
  const { store, done } = await openBenchStore('people');
  try {
    const gen = await generatePeople(store, scale);
    const now = new Date();
    const all: AudienceScope = { now };
    const leader: AudienceScope = { now, visibleGroups: Array.from({ length: Math.min(LEADER_GROUPS, scale.groups) }, (_, k) => groupId(1 + k * Math.floor(scale.groups / LEADER_GROUPS))) };

    const sizes = {
      people_segment_members: await segmentCount(store, SEGMENT, all),
      people_leader_members: await segmentCount(store, 'all', leader),
      people_leader_segment_members: await segmentCount(store, SEGMENT, leader),
      people_rare_tag_members: await segmentCount(store, RARE_TAG, all),
    };
    process.stderr.write(`people: ${JSON.stringify(sizes)}\n`);
    if (process.env.CHORUS_BENCH_EXPLAIN) {
      const seg = await audienceQuery(store.db, SEGMENT, all);
      await explain(store, 'segment count', store.db.selectFrom(seg.as('a')).select((eb) => eb.fn.countAll().as('n')));
      await explain(store, 'segment page', seg.orderBy('members.id').limit(50));
      const rare = await audienceQuery(store.db, RARE_TAG, all);
      await explain(store, 'rare tag count', store.db.selectFrom(rare.as('a')).select((eb) => eb.fn.countAll().as('n')));
      const lead = await audienceQuery(store.db, 'all', leader);
      await explain(store, 'leader count', store.db.selectFrom(lead.as('a')).select((eb) => eb.fn.countAll().as('n')));
      for (const [name, where, scope] of [
        ['page', 'all', all],
        ['page+segment', SEGMENT, all],
        ['page+leader', 'all', leader],
      ] as const) {
        // The two queries listMembers runs before the details (members-list.ts).
        const base = await memberFilterQuery(store.db, { where, visibleGroups: scope.visibleGroups, now });
        await explain(store, `${name} ids`, base.orderBy(sql`members.last_active_at DESC NULLS LAST`).orderBy('members.id', 'desc').limit(50));
        await explain(store, `${name} total`, store.db.selectFrom(base.limit(COUNT_CAP + 1).as('picked')).select((eb) => eb.fn.countAll().as('n')));
        await membersPage(store.db, { where, scope, limit: 50, explain: (part, q) => (part === 'ids' ? Promise.resolve() : explain(store, `${name} ${part}`, q)) });
      }
    }

    const figures: Record<string, number> = {};
    const run = (name: string, fn: () => Promise<unknown>) => measure(name, reps, fn).then((f) => Object.assign(figures, f));
    // The members list as the API runs it (src/community/members-list.ts): page and capped total.
    const list = (where: string, scope: AudienceScope) => listMembers(store.db, { where, visibleGroups: scope.visibleGroups, now: scope.now, sort: 'lastActive', limit: 50 });
    // The bench's own page (bench/people-page.ts) with the same capped total, for comparison.
    const own = async (where: string, scope: AudienceScope) => {
      const base = await audienceQuery(store.db, where, scope);
      const [page] = await Promise.all([
        membersPage(store.db, { where, scope, limit: 50 }),
        store.db
          .selectFrom(base.limit(COUNT_CAP + 1).as('picked'))
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      return page;
    };
    await run('people_segment_count', () => segmentCount(store, SEGMENT, all));
    await run('people_segment_page', () => segmentPage(store, SEGMENT, all));
    // A rare tag (t50, under 1 % of the members): the GIN index on tags.
    await run('people_rare_tag_count', () => segmentCount(store, RARE_TAG, all));
    await run('people_page', () => list('all', all));
    await run('people_page_segment', () => list(SEGMENT, all));
    await run('people_page_leader', () => list('all', leader));
    await run('people_page_leader_segment', () => list(SEGMENT, leader));
    await run('people_bench_page', () => own('all', all));
    await run('people_bench_page_leader', () => own('all', leader));
    await run('people_total', () => segmentCount(store, 'all', all));
    await run('people_total_segment', () => segmentCount(store, SEGMENT, all));
    await run('people_total_leader', () => segmentCount(store, 'all', leader));

    return {
      people_loadavg: loadavg().map((l) => Math.round(l * 10) / 10),
      people_members: scale.members,
      people_groups: scale.groups,
      people_events: scale.events,
      people_reps: reps,
      people_generate_ms: gen.total_ms,
      people_generate_phases_ms: gen,
      ...sizes,
      ...figures,
    };
  } finally {
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchPeople(), null, 2)}\n`);
}
