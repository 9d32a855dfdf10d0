// Check-ins: a `checkin` step, once its post is out in a group, opens a window there; a member's
// message in that group while the window is open counts once when it contains one of the step's
// `keyword:` words (case-insensitive; default 打卡 and #checkin) or replies to the check-in post.
//
// - The window opens when the row became `sent` (the bot posted; the worker calls openCheckin in
//   the same transaction) or `done` / `done_late` (a person posted it and marked the task done),
//   at the time it was executed. The sweep opens any window those paths missed (a row settled by
//   an operator, a crash between the two) — openPendingCheckins — and a window opened late
//   counts the messages already stored since it opened, so nobody's check-in is lost.
// - It closes `window:` after it opened when the step says so; else when the next occurrence of
//   the same step in that group is due; else (the last one) at the end of that local day in the
//   group's (or the run's) zone. When the next check-in opens earlier than that, the previous
//   window closes then: one check-in is open per step and group at a time.
// - Bots never count (the message path does not call here for them), nor the text of Chorus's
//   own actions pasted by a leader. A redelivered message is not stored twice, so it counts
//   nothing; the marks' key (checkin, member) makes any second message of the member count nothing.
// - Closing (and `checkin_missed`) happens in src/run/checkin-close.ts, run by the sweep.

import { CHECKIN_KEYWORDS, type Step } from '../sop/types.ts';
import { instantOf, isZone, localOf } from '../sop/zone.ts';
import { type Db, sql } from '../store/db.ts';
import { pinnedSheet } from '../store/pinned-sheets.ts';
import { recordMemberEvent } from './events.ts';

/** Ledger states in which a check-in's post is out. */
export const POSTED_STATES = ['sent', 'done', 'done_late'] as const;

/** The keywords a window keeps in its `keyword` column, one per line. */
export const keywordsOf = (step: Pick<Step, 'keyword'>): string[] => (step.keyword?.length ? step.keyword : [...CHECKIN_KEYWORDS]);

/** Whether a message counts for a window. Pure. */
export function countsFor(w: { keyword: string; post_message_id: string | null }, m: { text: string; replyTo?: string | null }): boolean {
  if (w.post_message_id && m.replyTo && m.replyTo === w.post_message_id) return true;
  const text = m.text.toLowerCase();
  return w.keyword
    .split('\n')
    .map((k) => k.trim().toLowerCase())
    .some((k) => k !== '' && text.includes(k));
}

/** When a window closes (see the header). Pure. */
export function closingOf(opts: { opensAt: Date; step: Pick<Step, 'windowWritten' | 'windowMinutes'>; nextDue?: Date; zone: string }): Date {
  if (opts.step.windowWritten) return new Date(opts.opensAt.getTime() + opts.step.windowMinutes * 60_000);
  if (opts.nextDue && opts.nextDue > opts.opensAt) return opts.nextDue;
  const zone = isZone(opts.zone) ? opts.zone : 'UTC';
  return new Date(instantOf(localOf(opts.opensAt.getTime(), zone).day + 1, 0, zone));
}

interface PostedRow {
  id: number | string;
  run_id: string;
  group_id: string;
  step_id: string;
  occurrence: number;
  executed_at: Date | string | null;
  updated_at: Date | string;
  platform_message_id: string | null;
  text: string | null;
  sheet_id: string | null;
  sheet_version: number | null;
  zone: string | null;
}

const POSTED = sql`l.action = 'checkin' AND l.state IN ('sent', 'done', 'done_late')`;

async function postedRows(db: Db, where: ReturnType<typeof sql>, limit: number): Promise<PostedRow[]> {
  const r = await sql<PostedRow>`
    SELECT l.id, l.run_id, l.group_id, l.step_id, l.occurrence, l.executed_at, l.updated_at, l.platform_message_id,
           l.content->>'text' AS text, r.sheet_id, r.sheet_version, coalesce(g.timezone, r.timezone) AS zone
    FROM ledger l JOIN runs r ON r.id = l.run_id JOIN groups g ON g.id = l.group_id
    WHERE ${POSTED} AND ${where}
      AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.run_id = l.run_id AND c.group_id = l.group_id AND c.step_id = l.step_id AND c.occurrence = l.occurrence)
    ORDER BY l.executed_at NULLS LAST, l.id
    LIMIT ${limit}`.execute(db);
  return r.rows;
}

/**
 * Opens the window of a check-in row whose post is out; nothing for any other row or when it is
 * open already. Returns the window's id when this call opened it. Run it in the transaction that
 * moved the row.
 */
export async function openCheckin(db: Db, ledgerId: number, now = new Date()): Promise<number | undefined> {
  const [row] = await postedRows(db, sql`l.id = ${ledgerId}`, 1);
  return row ? openFor(db, row, now) : undefined;
}

/** Opens the windows of posted check-ins that have none yet (the sweep's safety net); returns how many. */
export async function openPendingCheckins(db: Db, now = new Date(), limit = 500): Promise<number> {
  // Only recent posts: a window that would have closed more than a week ago is history, not a check-in to open.
  const since = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const rows = await postedRows(db, sql`l.executed_at > ${since}::timestamptz`, limit);
  let n = 0;
  for (const row of rows) if ((await db.transaction().execute((trx) => openFor(trx, row, now))) !== undefined) n++;
  return n;
}

async function openFor(db: Db, row: PostedRow, now: Date): Promise<number | undefined> {
  if (!row.sheet_id || row.sheet_version === null) return undefined;
  const sheet = await pinnedSheet(db, row.sheet_id, row.sheet_version);
  const step = sheet?.steps.find((s) => s.id === row.step_id);
  if (!sheet || !step || step.do !== 'checkin') return undefined;
  const opensAt = new Date(row.executed_at ?? row.updated_at);
  const next = await db
    .selectFrom('ledger')
    .select((eb) => eb.fn.min('due_at').as('due'))
    .where('run_id', '=', row.run_id)
    .where('group_id', '=', row.group_id)
    .where('step_id', '=', row.step_id)
    .where('occurrence', '>', row.occurrence)
    .where('state', 'not in', ['cancelled', 'skipped'])
    .executeTakeFirst();
  const closesAt = closingOf({ opensAt, step, ...(next?.due ? { nextDue: new Date(next.due) } : {}), zone: row.zone ?? sheet.timezone });
  const inserted = await db
    .insertInto('checkins')
    .values({
      run_id: row.run_id,
      group_id: row.group_id,
      step_id: row.step_id,
      occurrence: row.occurrence,
      ledger_id: Number(row.id),
      keyword: keywordsOf(step).join('\n'),
      post_message_id: row.platform_message_id,
      opens_at: opensAt,
      closes_at: closesAt,
    })
    .onConflict((oc) => oc.columns(['run_id', 'group_id', 'step_id', 'occurrence']).doNothing())
    .returning(['id', 'keyword', 'post_message_id'])
    .executeTakeFirst();
  if (!inserted) return undefined;
  const id = Number(inserted.id);
  // One open check-in per step and group: the one before closes as this one opens.
  await db
    .updateTable('checkins')
    .set({ closes_at: opensAt })
    .where('run_id', '=', row.run_id)
    .where('group_id', '=', row.group_id)
    .where('step_id', '=', row.step_id)
    .where('occurrence', '<', row.occurrence)
    .where('closed', '=', false)
    .where('closes_at', '>', opensAt)
    .execute();
  if (opensAt < now) await countStored(db, { id, group_id: row.group_id, step_id: row.step_id, keyword: inserted.keyword, post_message_id: inserted.post_message_id, opens_at: opensAt, closes_at: closesAt }, row.text);
  return id;
}

interface OpenWindow {
  id: number;
  group_id: string;
  step_id: string;
  keyword: string;
  post_message_id: string | null;
  opens_at: Date;
  closes_at: Date;
}

/** A window opened after its post went out counts the people's messages stored since then. */
async function countStored(db: Db, w: OpenWindow, ownText: string | null): Promise<void> {
  const msgs = await sql<{ id: number | string; member_id: string; text: string; reply_to: string | null; external_id: string; sent_at: Date | string }>`
    SELECT m.id, m.member_id, m.text, m.reply_to, m.external_id, m.sent_at FROM messages m
    WHERE m.group_id = ${w.group_id} AND m.sent_at >= ${w.opens_at.toISOString()}::timestamptz AND m.sent_at < ${w.closes_at.toISOString()}::timestamptz
      AND NOT EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = m.member_id AND i.is_bot)
    ORDER BY m.sent_at, m.id`.execute(db);
  for (const m of msgs.rows) {
    if (ownText !== null && m.text === ownText) continue;
    if (countsFor(w, { text: m.text, replyTo: m.reply_to })) await mark(db, w, m.member_id, new Date(m.sent_at), m.external_id);
  }
}

async function mark(db: Db, w: Pick<OpenWindow, 'id' | 'group_id' | 'step_id'>, memberId: string, at: Date, messageId: string): Promise<boolean> {
  const done = await db
    .insertInto('checkin_marks')
    .values({ checkin_id: w.id, member_id: memberId, at, message_id: messageId })
    .onConflict((oc) => oc.columns(['checkin_id', 'member_id']).doNothing())
    .returning('member_id')
    .executeTakeFirst();
  if (!done) return false;
  await recordMemberEvent(db, { memberId, groupId: w.group_id, kind: 'checkin', at, detail: { checkin: w.id, step: w.step_id, message: messageId } });
  return true;
}

export interface CheckinMessage {
  groupId: string;
  memberId: string;
  text: string;
  replyTo?: string | null;
  /** The platform's message id. */
  messageId: string;
  at: Date;
}

/**
 * A person's message (never a bot's, never Chorus's own script) in a group: it checks the member
 * in to every open window it counts for. Returns how many. One indexed look-up when none is open.
 */
/**
 * Of these messages' groups, the ones with a check-in window open at one of their messages' times:
 * a burst of messages asks once, and checks in only where a window is open.
 */
export async function groupsWithOpenCheckins(db: Db, messages: readonly { groupId: string; at: Date }[]): Promise<Set<string>> {
  if (!messages.length) return new Set();
  const values = messages.map((m) => ({ group_id: m.groupId, at: m.at.toISOString() }));
  const r = await sql<{ group_id: string }>`
    SELECT DISTINCT v.group_id FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS v(group_id text, at timestamptz)
    WHERE EXISTS (SELECT 1 FROM checkins c WHERE c.group_id = v.group_id AND NOT c.closed AND c.opens_at <= v.at AND c.closes_at > v.at)`.execute(db);
  return new Set(r.rows.map((x) => x.group_id));
}

export async function checkInFromMessage(db: Db, m: CheckinMessage): Promise<number> {
  const open = await db
    .selectFrom('checkins')
    .select(['id', 'group_id', 'step_id', 'keyword', 'post_message_id'])
    .where('group_id', '=', m.groupId)
    .where('closed', '=', false)
    .where('opens_at', '<=', m.at)
    .where('closes_at', '>', m.at)
    .execute();
  let n = 0;
  for (const w of open) if (countsFor(w, m) && (await mark(db, { ...w, id: Number(w.id) }, m.memberId, m.at, m.messageId))) n++;
  return n;
}
