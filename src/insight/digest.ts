// The weekly digest's database side (docs/insight.md, "The weekly digest"): one group's ISO week
// read set-based — its joins, its members' messages with the replies each got, its check-ins, its
// questions answered — and handed to the pure rules (rules/digest.ts) for the figures and the post.
//
// Members are the people in the group, not bots and not its staff (the `leader` and `assistant`
// roles, as for the question inbox). A reply counts when someone else (not a bot) replied to the
// message within the week, so a digest read again later gives the same figures.

import type { Locale } from '../i18n/index.ts';
import { translate } from '../i18n/index.ts';
import { languageOfText } from '../run/member-blank.ts';
import { type Db, sql } from '../store/db.ts';
import { STAFF_ROLES } from './questions.ts';
import { rollupZone } from './rollups.ts';
import { type DigestFacts, type DigestFigures, digestFigures, digestText, lastCompleteWeek, type WeekRange, weekDates, weekRange } from './rules/digest.ts';

export interface Digest extends DigestFigures {
  group: string;
  name: string;
  week: string;
  /** Monday 00:00 local, and the next Monday (excluded), as instants. */
  from: string;
  to: string;
  zone: string;
  /** The group's language: the post's and the card's words. */
  language: Locale;
  /** The text post, in the group's language. */
  text: string;
}

export type WeekChoice = { ok: true; range: WeekRange } | { ok: false; error: 'invalid' | 'not_over'; last: string };

/** The week asked for (default: the last complete one in the workspace's zone); a week not over yet is refused. */
export function chooseWeek(week: string | undefined, now: Date, zone: string = rollupZone()): WeekChoice {
  const last = lastCompleteWeek(now, zone);
  if (week === undefined || week === '') return { ok: true, range: last };
  const range = weekRange(week, zone);
  if (!range) return { ok: false, error: 'invalid', last: last.week };
  if (range.end.getTime() > now.getTime()) return { ok: false, error: 'not_over', last: last.week };
  return { ok: true, range };
}

/** The group's language: its application settings' when it has them, else its name's (as moderation's words). */
async function groupLanguage(db: Db, groupId: string, name: string): Promise<Locale> {
  const s = await db.selectFrom('admission_settings').select('language').where('group_id', '=', groupId).executeTakeFirst();
  return s?.language === 'zh' || s?.language === 'en' ? s.language : languageOfText(name);
}

/** The week's facts of one group, members only: four statements, each over the whole week. */
export async function digestFacts(db: Db, groupId: string, range: WeekRange): Promise<DigestFacts> {
  const start = range.start.toISOString();
  const end = range.end.toISOString();
  const member = (col: string) => sql`NOT EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = ${sql.ref(col)} AND i.is_bot)
    AND NOT EXISTS (SELECT 1 FROM member_roles mr WHERE mr.group_id = ${groupId} AND mr.member_id = ${sql.ref(col)} AND mr.role = ANY(${[...STAFF_ROLES]}::text[]))`;
  const [joined, messages, checkins, answered] = await Promise.all([
    sql<{ member: string }>`
      SELECT DISTINCT ms.member_id AS member FROM memberships ms
      WHERE ms.group_id = ${groupId} AND ms.joined_at >= ${start}::timestamptz AND ms.joined_at < ${end}::timestamptz AND ${member('ms.member_id')}`.execute(db),
    sql<{ member: string; name: string; text: string; at: Date | string; replies: number }>`
      WITH week AS (
        SELECT m.id, m.member_id, m.external_id, m.reply_to, m.text, m.sent_at FROM messages m
        WHERE m.group_id = ${groupId} AND m.sent_at >= ${start}::timestamptz AND m.sent_at < ${end}::timestamptz),
      replies AS (
        SELECT o.id, count(*)::int AS n FROM week r
        JOIN week o ON o.external_id = r.reply_to
        WHERE r.member_id IS DISTINCT FROM o.member_id
          AND NOT EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = r.member_id AND i.is_bot)
        GROUP BY o.id)
      SELECT w.member_id AS member, coalesce(mb.name, '') AS name, w.text, w.sent_at AS at, coalesce(rp.n, 0) AS replies
      FROM week w JOIN members mb ON mb.id = w.member_id LEFT JOIN replies rp ON rp.id = w.id
      WHERE ${member('w.member_id')}
      ORDER BY w.sent_at, w.id`.execute(db),
    sql<{ member: string }>`
      SELECT k.member_id AS member FROM checkin_marks k JOIN checkins c ON c.id = k.checkin_id
      WHERE c.group_id = ${groupId} AND k.at >= ${start}::timestamptz AND k.at < ${end}::timestamptz AND ${member('k.member_id')}`.execute(db),
    sql<{ n: number }>`
      SELECT count(*)::int AS n FROM questions q
      WHERE q.group_id = ${groupId} AND q.state = 'answered' AND q.answered_at >= ${start}::timestamptz AND q.answered_at < ${end}::timestamptz`.execute(db),
  ]);
  return {
    joined: joined.rows.map((r) => r.member),
    messages: messages.rows.map((m) => ({ member: m.member, name: m.name, text: m.text, at: new Date(m.at), replies: m.replies })),
    checkins: checkins.rows.map((r) => r.member),
    questionsAnswered: answered.rows[0]?.n ?? 0,
  };
}

/** One group's digest of a week; undefined when there is no such group. */
export async function weeklyDigest(db: Db, groupId: string, range: WeekRange, zone: string = rollupZone()): Promise<Digest | undefined> {
  const group = await db.selectFrom('groups').select(['id', 'name']).where('id', '=', groupId).executeTakeFirst();
  if (!group) return undefined;
  const [language, facts] = await Promise.all([groupLanguage(db, group.id, group.name), digestFacts(db, group.id, range)]);
  // A member without a name (forgotten, or never given one) is "a member", never their id.
  const someone = translate(language, 'digest.post.someone');
  const named = { ...facts, messages: facts.messages.map((m) => (m.name.trim() ? m : { ...m, name: someone })) };
  const figures = digestFigures(named);
  return {
    group: group.id,
    name: group.name,
    week: range.week,
    from: range.start.toISOString(),
    to: range.end.toISOString(),
    zone,
    language,
    ...figures,
    text: digestText(figures, { groupName: group.name, dates: weekDates(range, zone, language), locale: language }),
  };
}
