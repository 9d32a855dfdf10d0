// `npm run bench -- inbox`: the question inbox over 2,000 groups (issue 10, target p95 ≤ 100 ms).
//
// The workspace is generated in the database with set-based SQL: the questions of
// CHORUS_BENCH_INBOX_MESSAGES messages (default 10 million) at a share of
// CHORUS_BENCH_INBOX_QUESTION_SHARE (default 8 %: about one message in twelve asks, as in the
// question corpus's camps and customer groups), over CHORUS_BENCH_INBOX_GROUPS groups (2,000) and
// 100,000 members; CHORUS_BENCH_INBOX_OPEN_SHARE of them (default 10 %) still open, the others
// answered by staff within 4 hours. Only the questions' own messages are written: the inbox reads a
// question's text and asker through its message row and never touches another message, so the
// other 92 % would only take time to generate. Questions are spread over 90 days.
//
// Then listInbox (src/insight/inbox.ts), CHORUS_BENCH_INBOX_REPS times each (default 60): the
// default list (open, every group, a page of 50 with the capped total), a group filter (`tag:t07`,
// one group in twenty), a leader's scope (their 10 groups), and the answered list.

import { listInbox } from '../src/insight/inbox.ts';
import { percentile } from './load.ts';
import { openBenchStore } from './store.ts';

function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  if (!v) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number, not "${v}"`);
  return n;
}

const ms = (n: number) => Math.round(n * 10) / 10;
const BATCH = 250_000;

export async function benchInbox(): Promise<Record<string, unknown>> {
  const groups = Math.max(20, Math.round(envNumber('CHORUS_BENCH_INBOX_GROUPS', 2_000)));
  const messages = Math.round(envNumber('CHORUS_BENCH_INBOX_MESSAGES', 10_000_000));
  const questionShare = envNumber('CHORUS_BENCH_INBOX_QUESTION_SHARE', 0.08);
  const openShare = envNumber('CHORUS_BENCH_INBOX_OPEN_SHARE', 0.1);
  const reps = Math.max(5, Math.round(envNumber('CHORUS_BENCH_INBOX_REPS', 60)));
  const members = 100_000;
  const questions = Math.round(messages * questionShare);
  const { store, done } = await openBenchStore('inbox');
  try {
    const t0 = performance.now();
    await store.executeSql(`SET session_replication_role = replica;
      INSERT INTO channels (id, kind, name, config_sealed) VALUES ('ch_i', 'sandbox', 'Bench inbox', 'x');
      INSERT INTO groups (id, channel_id, external_id, name, leader, tags)
        SELECT 'g' || lpad(k::text, 4, '0'), 'ch_i', 'chat' || k, 'Group ' || k, 'leader' || (k % ${Math.ceil(groups / 10)}), ARRAY['t' || lpad((k % 20)::text, 2, '0')]
        FROM generate_series(1, ${groups}) k;
      INSERT INTO members (id, name) SELECT 'm' || lpad(i::text, 7, '0'), 'Member ' || i FROM generate_series(1, ${members}) i;
      SET session_replication_role = DEFAULT;`);
    for (let from = 1; from <= questions; from += BATCH) {
      const to = Math.min(questions, from + BATCH - 1);
      // Question k: in group 1 + k*7919 mod groups, asked by a member, at a time over 90 days.
      await store.executeSql(`SET session_replication_role = replica;
        INSERT INTO messages (id, group_id, member_id, external_id, text, sent_at) OVERRIDING SYSTEM VALUE
          SELECT k, 'g' || lpad((1 + (k * 7919) % ${groups})::text, 4, '0'), 'm' || lpad((1 + (k * 104729) % ${members})::text, 7, '0'),
            k::text, '请问第 ' || k || ' 期的直播回放在哪里看？', now() - interval '90 days' * ((k * 2654435761) % 1000000) / 1000000.0
          FROM generate_series(${from}::bigint, ${to}::bigint) k;
        INSERT INTO questions (group_id, message_id, at, state, answered_at, answered_by, answered_via)
          SELECT m.group_id, m.id, m.sent_at, CASE WHEN o THEN 'open' ELSE 'answered' END,
            CASE WHEN o THEN NULL ELSE m.sent_at + interval '4 hours' * random() END,
            CASE WHEN o THEN NULL ELSE 'm0000001' END, CASE WHEN o THEN NULL ELSE 'after' END
          FROM (SELECT m.*, random() < ${openShare} AS o FROM messages m WHERE m.id BETWEEN ${from} AND ${to}) m;
        SET session_replication_role = DEFAULT;`);
      process.stderr.write(`inbox: ${to} of ${questions} questions\n`);
    }
    for (const t of ['questions', 'messages', 'groups', 'members']) await store.executeSql(`VACUUM ANALYZE ${t}`);
    const loadMs = Math.round(performance.now() - t0);
    const open = Number((await store.executeSql(`SELECT count(*)::int AS n FROM questions WHERE state = 'open'`)).rows[0]?.n ?? 0);
    const leaderGroups = (await store.db.selectFrom('groups').select('id').where('leader', '=', 'leader7').execute()).map((r) => r.id);

    const out: Record<string, unknown> = { inbox_groups: groups, inbox_messages_worth: messages, inbox_questions: questions, inbox_open: open, inbox_load_ms: loadMs };
    const measure = async (name: string, fn: () => Promise<{ questions: unknown[] }>) => {
      for (let i = 0; i < 3; i++) await fn();
      const times: number[] = [];
      let shown = 0;
      for (let i = 0; i < reps; i++) {
        const t = performance.now();
        shown = (await fn()).questions.length;
        times.push(performance.now() - t);
      }
      out[`inbox_${name}_p50_ms`] = ms(percentile(times, 50));
      out[`inbox_${name}_p95_ms`] = ms(percentile(times, 95));
      out[`inbox_${name}_rows`] = shown;
      process.stderr.write(`inbox: ${name} p50 ${out[`inbox_${name}_p50_ms`]} p95 ${out[`inbox_${name}_p95_ms`]} ms (${shown} rows)\n`);
    };
    await measure('default', () => listInbox(store.db));
    await measure('group_filter', () => listInbox(store.db, { groups: 'tag:t07' }));
    await measure('leader', () => listInbox(store.db, { visibleGroups: leaderGroups }));
    await measure('answered', () => listInbox(store.db, { state: 'answered' }));
    out.inbox_target_p95_ms = 100;
    return out;
  } finally {
    await done();
  }
}
