// Group messages as ingest applies them (ingest.ts hands over a single message, or a burst's run of
// messages — a getUpdates answer, the background queue's burst): set-based, one statement per step
// for the whole run, in the order one message after another would take them:
//   senders (ensureMembers) → messages stored, redeliveries left out (one INSERT) → the groups'
//   last activity → the `message` and `reply` events with counters and standing (recordMemberEvents;
//   what each reply answers read in one statement) → which texts are Chorus's own scripts (one
//   statement) → Insight (src/insight/inbound.ts) → check-ins (only in groups with an open window),
//   a poster campaign's screenshot, a campaign command, member-triggered keyword steps, per message.
// A message already stored (a redelivery) changes nothing.

import type { InboundEvent } from '../channels/port.ts';
import { onCampaignMessage } from '../growth/campaign-bot.ts';
import { onCampaignImage } from '../growth/campaign-poster.ts';
import { onMessages } from '../insight/inbound.ts';
import { onMemberEvent } from '../run/triggers.ts';
import { sql } from '../store/db.ts';
import { checkInFromMessage, groupsWithOpenCheckins } from './checkins.ts';
import { type MemberEventInput, recordMemberEvents } from './events.ts';
import { type BurstDeps, groupOf, type IngestResult } from './ingest-common.ts';
import { ensureMembers } from './members.ts';
import { isQuestion } from './standing/question.ts';

export type MessageEvent = Extract<InboundEvent, { type: 'message' }>;

export interface MessageToApply {
  event: MessageEvent;
  /** The row in inbound_events. */
  eventId: number;
  /** When it was sent (eventTime). */
  at: Date;
}

/** Whether a message can go in the same run as those before it: a redelivery of one of them cannot. */
export function messagesTogether(run: readonly MessageToApply[], next: MessageEvent): boolean {
  return !run.some((m) => m.event.chatId === next.chatId && m.event.messageId === next.messageId);
}

export async function applyMessages(deps: BurstDeps, channelId: string, messages: readonly MessageToApply[]): Promise<IngestResult[]> {
  const { db } = deps;
  const groups: string[] = [];
  for (const m of messages) groups.push(await groupOf(deps, channelId, m.event.chatId));
  const members = await ensureMembers(
    db,
    channelId,
    messages.map((m) => m.event.from),
  );
  const seen = messages.map((m, i) => ({ ...m, groupId: groups[i] as string, member: members.get(m.event.from.externalId) as { id: string; name: string }, isBot: m.event.from.isBot === true }));
  const values = seen.map((m, ord) => ({
    ord,
    group_id: m.groupId,
    member_id: m.member.id,
    external_id: m.event.messageId,
    text: m.event.text,
    links: m.event.links,
    mentions: m.event.mentions,
    reply_to: m.event.replyTo ?? null,
    sent_at: m.at.toISOString(),
  }));
  const stored = await sql<{ id: string; group_id: string; external_id: string }>`
    INSERT INTO messages (group_id, member_id, external_id, text, links, mentions, reply_to, sent_at)
    SELECT v.group_id, v.member_id, v.external_id, v.text, ARRAY(SELECT jsonb_array_elements_text(v.links)), ARRAY(SELECT jsonb_array_elements_text(v.mentions)), v.reply_to, v.sent_at
    FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
      AS v(ord int, group_id text, member_id text, external_id text, text text, links jsonb, mentions jsonb, reply_to text, sent_at timestamptz)
    ORDER BY v.ord
    ON CONFLICT (group_id, external_id) DO NOTHING
    RETURNING id, group_id, external_id`.execute(db);
  const rowOf = new Map(stored.rows.map((r) => [`${r.group_id} ${r.external_id}`, Number(r.id)]));
  const fresh = seen.flatMap((m) => {
    const id = rowOf.get(`${m.groupId} ${m.event.messageId}`);
    return id === undefined ? [] : [{ ...m, rowId: id }];
  });
  if (fresh.length) {
    // Moves last_activity_at forward only: a late redelivery does not make a group look older.
    const latest = new Map<string, string>();
    for (const m of fresh) if ((latest.get(m.groupId) ?? '') < m.at.toISOString()) latest.set(m.groupId, m.at.toISOString());
    await sql`
      UPDATE groups g SET last_activity_at = greatest(coalesce(g.last_activity_at, v.at), v.at)
      FROM jsonb_to_recordset(${JSON.stringify([...latest].map(([id, at]) => ({ id, at })))}::jsonb) AS v(id text, at timestamptz)
      WHERE g.id = v.id`.execute(db);
  }
  const people = fresh.filter((m) => !m.isBot);
  await recordMessages(deps, people);
  const own = await ownScripts(deps, people);
  // Insight: the groups' figures, their questions, moderation and keyword alerts.
  await onMessages(
    db,
    fresh.map((m) => ({
      channelId,
      groupId: m.groupId,
      memberId: m.member.id,
      messageId: m.rowId,
      externalId: m.event.messageId,
      text: m.event.text,
      links: m.event.links,
      replyTo: m.event.replyTo ?? null,
      at: m.at,
      isBot: m.isBot,
      ownScript: own.has(m.rowId),
    })),
  );
  const checking = await groupsWithOpenCheckins(
    db,
    people.filter((m) => !own.has(m.rowId)).map((m) => ({ groupId: m.groupId, at: m.at })),
  );

  const freshOf = new Map(fresh.map((f) => [f.eventId, f]));
  const out: IngestResult[] = [];
  for (const m of seen) {
    const result = { type: 'message' as const, eventId: m.eventId, planned: 0, closed: 0, groupId: m.groupId, memberId: m.member.id };
    const row = freshOf.get(m.eventId);
    if (!row) {
      out.push({ ...result, change: 'duplicate' });
      continue;
    }
    if (m.isBot) {
      out.push({ ...result, change: 'message' });
      continue;
    }
    const e = m.event;
    const mine = own.has(row.rowId);
    // A reply to the check-in post counts even without text (a photo of the homework).
    if (!mine && checking.has(m.groupId)) await checkInFromMessage(db, { groupId: m.groupId, memberId: m.member.id, text: e.text, replyTo: e.replyTo ?? null, messageId: e.messageId, at: m.at });
    // A picture from a poster campaign's participant is their screenshot (src/growth/campaign-poster.ts).
    if (e.image) await onCampaignImage(db, { channelId, groupId: m.groupId, memberId: m.member.id, at: m.at });
    if (mine || e.text.trim() === '') {
      out.push({ ...result, change: 'message' });
      continue;
    }
    // "参加" / "/join", "进度" / "/progress": a campaign answers (src/growth/campaign-bot.ts).
    await onCampaignMessage(db, { channelId, groupId: m.groupId, memberId: m.member.id, text: e.text, messageId: e.messageId, at: m.at });
    const planned = await onMemberEvent(deps, { groupId: m.groupId, member: { id: m.member.id, externalId: e.from.externalId, name: m.member.name }, event: { keyword: e.text }, at: m.at });
    out.push({ ...result, change: 'message', planned });
  }
  return out;
}

type Fresh = MessageToApply & { groupId: string; member: { id: string; name: string }; rowId: number };

/**
 * A message is a `message`, and also a `reply` when it answers another member's message in the
 * group (the replied-to message is stored and is someone else's), with `question: true` when that
 * message asked something (src/community/standing/question.ts).
 */
async function recordMessages(deps: BurstDeps, messages: readonly Fresh[]): Promise<void> {
  if (!messages.length) return;
  const asked = messages.filter((m) => m.event.replyTo).map((m) => ({ group_id: m.groupId, external_id: m.event.replyTo as string }));
  const originals = new Map<string, { member_id: string | null; text: string }>();
  if (asked.length) {
    const r = await sql<{ group_id: string; external_id: string; member_id: string | null; text: string }>`
      SELECT m.group_id, m.external_id, m.member_id, m.text
      FROM jsonb_to_recordset(${JSON.stringify(asked)}::jsonb) AS v(group_id text, external_id text)
      JOIN messages m ON m.group_id = v.group_id AND m.external_id = v.external_id`.execute(deps.db);
    for (const o of r.rows) originals.set(`${o.group_id} ${o.external_id}`, o);
  }
  const events: MemberEventInput[] = [];
  for (const m of messages) {
    const original = m.event.replyTo ? originals.get(`${m.groupId} ${m.event.replyTo}`) : undefined;
    const repliedTo = original?.member_id;
    events.push({ memberId: m.member.id, groupId: m.groupId, kind: 'message', at: m.at, detail: { message: m.rowId } });
    // A reply to another member's question is an answered question (the people rules weigh it more).
    if (repliedTo && repliedTo !== m.member.id) {
      const question = isQuestion(original?.text);
      events.push({ memberId: m.member.id, groupId: m.groupId, kind: 'reply', at: m.at, detail: { message: m.rowId, to: repliedTo, ...(question ? { question: true } : {}) } });
    }
  }
  await recordMemberEvents(deps.db, events);
}

/**
 * The messages whose text is exactly the script of one of Chorus's own actions in their group (a
 * leader pasting the text of their task, the bot's post echoed back): only running runs and
 * broadcasts can fire anything, so only their rows are looked at, through the (run, group) index.
 */
async function ownScripts(deps: BurstDeps, messages: readonly Fresh[]): Promise<Set<number>> {
  const texts = messages.filter((m) => m.event.text.trim() !== '').map((m) => ({ row: m.rowId, group_id: m.groupId, text: m.event.text }));
  if (!texts.length) return new Set();
  const r = await sql<{ row: number }>`
    SELECT v.row FROM jsonb_to_recordset(${JSON.stringify(texts)}::jsonb) AS v(row bigint, group_id text, text text)
    WHERE EXISTS (
      SELECT 1 FROM run_groups rg
      JOIN runs r ON r.id = rg.run_id AND r.state = 'running'
      JOIN ledger l ON l.run_id = rg.run_id AND l.group_id = rg.group_id
      WHERE rg.group_id = v.group_id AND l.content->>'text' = v.text)`.execute(deps.db);
  return new Set(r.rows.map((x) => Number(x.row)));
}
