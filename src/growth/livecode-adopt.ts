// Live codes: a group the platform created for a live code (livecode-create.ts), or staff created
// for its task, becomes its next slot, and the live code routes to it once it has a link or QR.
// Found three ways, all idempotent:
// ingest calls `adoptCreatedGroups` when a channel shows a group Chorus had not seen (group_seen:
// the bot was added to it, WeCom's create callback) or a join carrying a live code's join-way
// state; a scan that finds every group full calls it for its live code, and the growth sweep for
// every live code (a creation whose event never came, or came before the dispatcher recorded the
// creation: Wechaty's Room.create answers with the new room's id, which is enough).
// docs/growth-livecodes.md.

import { sql } from 'kysely';
import { ensureGroup } from '../community/groups.ts';
import { moveRows } from '../run/ledger.ts';
import type { Db } from '../store/db.ts';
import { defaultCap, isCreatedName, seatsFor } from './livecode-rules.ts';
import { askForLinks, clearFull } from './livecode-tasks.ts';

interface Pending {
  livecode_id: string;
  channel_id: string;
  channel_kind: string;
  executed_at: Date | null;
  content: Record<string, unknown> | string;
  result: Record<string, unknown> | string | null;
}

const json = (v: Record<string, unknown> | string | null): Record<string, unknown> => (typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : (v ?? {}));

/** The groups a WeCom join way created for the live code: named "<base><n>", or joined with its state. */
async function wecomCreated(db: Db, p: Pending, content: Record<string, unknown>, result: Record<string, unknown>): Promise<string[]> {
  const base = String(result.baseName ?? content.name ?? '');
  const state = typeof content.state === 'string' ? content.state : '';
  const since = new Date(p.executed_at ?? 0).toISOString();
  const r = await sql<{ id: string; name: string; by_state: boolean }>`
    SELECT g.id, g.name,
      EXISTS (SELECT 1 FROM member_events e WHERE e.group_id = g.id AND e.kind = 'join' AND ${state} <> '' AND e.detail->>'state' = ${state}) AS by_state
    FROM groups g
    WHERE g.channel_id = ${p.channel_id} AND g.status = 'active' AND g.created_at >= ${since}::timestamptz
      AND NOT EXISTS (SELECT 1 FROM livecode_groups s WHERE s.livecode_id = ${p.livecode_id} AND s.group_id = g.id)
    ORDER BY g.created_at, g.id`.execute(db);
  return r.rows.filter((g) => g.by_state || (base !== '' && isCreatedName(g.name, base))).map((g) => g.id);
}

/** Adds the group as the live code's last slot, with the cap of the slot before it. */
async function addSlot(db: Db, livecodeId: string, groupId: string, kind: string, now: Date): Promise<boolean> {
  const last = await db.selectFrom('livecode_groups').select(['position', 'cap']).where('livecode_id', '=', livecodeId).orderBy('position', 'desc').limit(1).executeTakeFirst();
  const g = await db.selectFrom('groups').select('member_count').where('id', '=', groupId).executeTakeFirstOrThrow();
  const cap = last ? last.cap : defaultCap(kind);
  const added = await db
    .insertInto('livecode_groups')
    .values({ livecode_id: livecodeId, group_id: groupId, position: (last?.position ?? 0) + 1, cap, seats: seatsFor(cap, g.member_count), added_at: now })
    .onConflict((oc) => oc.columns(['livecode_id', 'group_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return !!added;
}

/**
 * The group staff made for the filling's `create_group` task (Telegram, manual, or a platform that
 * could not): the first group the task's channel shows after the task was given that is in no live
 * code yet — the bot was added to it, or someone added it to Chorus. One group per task. A task
 * past its window (missed) still adopts; the task is then done (late when past its window), since
 * the group it asked for is there, whether or not staff marked it.
 */
async function adoptForTasks(db: Db, now: Date, only: { channelId?: string; livecodeId?: string }): Promise<string[]> {
  const tasks = await sql<{ livecode_id: string; channel_id: string; channel_kind: string; due_at: Date; task: string; state: string; window_minutes: number }>`
    SELECT l.id AS livecode_id, g0.channel_id, c.kind AS channel_kind, x.due_at, x.id::text AS task, x.state, x.window_minutes
    FROM livecodes l
    JOIN ledger x ON x.id = l.full_ledger_id AND x.action = 'create_group' AND x.mode = 'human' AND x.state IN ('assigned', 'missed', 'done', 'done_late')
    JOIN groups g0 ON g0.id = x.group_id JOIN channels c ON c.id = g0.channel_id
    WHERE l.state = 'active'
      ${only.channelId ? sql`AND g0.channel_id = ${only.channelId}` : sql``}
      ${only.livecodeId ? sql`AND l.id = ${only.livecodeId}` : sql``}`.execute(db);
  const adopted: string[] = [];
  for (const t of tasks.rows) {
    const g = await sql<{ id: string }>`
      SELECT g.id FROM groups g
      WHERE g.channel_id = ${t.channel_id} AND g.status = 'active' AND g.created_at >= ${new Date(t.due_at).toISOString()}::timestamptz
        AND NOT EXISTS (SELECT 1 FROM livecode_groups s WHERE s.group_id = g.id)
      ORDER BY g.created_at, g.id LIMIT 1`.execute(db);
    const id = g.rows[0]?.id;
    if (!id || !(await addSlot(db, t.livecode_id, id, t.channel_kind, now))) continue;
    adopted.push(t.livecode_id);
    if (t.state === 'assigned' || t.state === 'missed') {
      const onTime = t.state === 'assigned' && now.getTime() <= new Date(t.due_at).getTime() + t.window_minutes * 60_000;
      await moveRows(db, [Number(t.task)], {
        from: [t.state],
        to: onTime ? 'done' : 'done_late',
        actor: 'livecode',
        note: 'the new group appeared and was added to the live code',
        set: { executed_at: now, on_time: onTime },
      });
    }
  }
  return adopted;
}

/**
 * Adopts the groups that platform creations of active live codes made — every creation of theirs,
 * not only the filling's: a WeCom join way's QR, once shown, may create groups later — only those
 * sent from `only.channelId`, or of `only.livecodeId`, when given. Returns how many groups became slots.
 */
export async function adoptCreatedGroups(db: Db, now = new Date(), only: { channelId?: string; livecodeId?: string } = {}): Promise<number> {
  const pending = await sql<Pending>`
    SELECT l.id AS livecode_id, x.sender_account AS channel_id, c.kind AS channel_kind, x.executed_at, x.content, x.result
    FROM livecodes l
    JOIN ledger x ON x.run_id = l.id || '_ops' AND x.step_id = 'livecode-new-group'
    JOIN channels c ON c.id = x.sender_account
    WHERE l.state = 'active' AND x.state = 'sent' AND x.action = 'create_group' AND x.mode = 'bot'
      ${only.channelId ? sql`AND x.sender_account = ${only.channelId}` : sql``}
      ${only.livecodeId ? sql`AND l.id = ${only.livecodeId}` : sql``}
      -- A room the platform named (Wechaty) is looked at until it is a slot.
      AND (x.result->>'chatId' IS NULL OR NOT EXISTS (
        SELECT 1 FROM livecode_groups s JOIN groups g ON g.id = s.group_id
        WHERE s.livecode_id = l.id AND g.channel_id = x.sender_account AND g.external_id = x.result->>'chatId'))
    ORDER BY x.id`.execute(db);
  let adopted = 0;
  const touched = new Set<string>();
  for (const p of pending.rows) {
    const content = json(p.content);
    const result = json(p.result);
    // A platform that answers with the new chat (Wechaty's Room.create) names it; WeCom's join way creates it later.
    const groupIds =
      typeof result.chatId === 'string' && result.chatId
        ? [await ensureGroup(db, p.channel_id, result.chatId, typeof content.name === 'string' ? content.name : undefined)]
        : result.pending
          ? await wecomCreated(db, p, content, result)
          : [];
    for (const id of groupIds) {
      if (!(await addSlot(db, p.livecode_id, id, p.channel_kind, now))) continue;
      adopted++;
      touched.add(p.livecode_id);
    }
  }
  for (const id of await adoptForTasks(db, now, only)) {
    adopted++;
    touched.add(id);
  }
  for (const livecodeId of touched) {
    // The next filling raises (and creates) again; the new groups get their links or QR codes.
    await clearFull(db, livecodeId);
    await askForLinks(db, livecodeId, now);
  }
  return adopted;
}
