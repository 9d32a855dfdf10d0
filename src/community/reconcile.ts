// Reconciliation: the platform's list of groups compared with Chorus's, and what callbacks missed
// mended. WeCom says its callbacks (change_external_chat) may be lost or arrive out of order, so
// the sweep lists the customer groups now and then (groupchat/list + groupchat/get) and:
//   - a group Chorus has never seen is added;
//   - a new name or group notice is taken over, and the member count;
//   - a group Chorus lost access to that the platform lists again is active again;
//   - a group the platform no longer lists, and confirms gone, is dismissed (its open rows cancelled).
// Changes go through ingest as the events the callbacks would have carried (group_renamed,
// announcement_changed, group_dismissed), so they are recorded in inbound_events like any other.
// Member joins and leaves are not replayed: a welcome sent hours late does more harm than good;
// the member count is corrected. A recorded join that lacks the `state` WeCom lists for the member
// (groupchat/get could not be read when the add_member callback came) gets it: campaigns and live
// codes attribute joins by it.

import type { Connector, GroupInfo, InboundEvent } from '../channels/port.ts';
import { type Db, sql } from '../store/db.ts';
import { attributeLateJoinState, ingestEvent } from './ingest.ts';

export interface KnownGroup {
  id: string;
  externalId: string;
  name: string;
  status: string;
  memberCount: number | null;
  announcement: string | null;
}

export interface ReconcilePlan {
  /** Events to ingest, in order. */
  events: InboundEvent[];
  /** Member counts to correct, by Chorus group id (new groups: by chat id, after they exist). */
  counts: { chatId: string; memberCount: number }[];
  /** Groups Chorus lost access to that the platform lists again. */
  restore: string[];
  /** Active groups the platform did not list: dismissed if the platform confirms they are gone. */
  missing: KnownGroup[];
}

/** What to change so that Chorus's groups match the platform's list. Pure. */
export function reconcilePlan(known: readonly KnownGroup[], listed: readonly GroupInfo[], at: Date): ReconcilePlan {
  const byChat = new Map(known.map((g) => [g.externalId, g]));
  const plan: ReconcilePlan = { events: [], counts: [], restore: [], missing: [] };
  for (const g of listed) {
    const k = byChat.get(g.chatId);
    if (k?.status === 'dismissed') continue;
    // An unnamed customer group has the name "" in the API: keep Chorus's name then.
    const title = g.title.trim();
    if (!k || (title && title !== k.name)) plan.events.push({ type: 'group_renamed', chatId: g.chatId, title: title || g.chatId, at });
    if (g.notice !== undefined && g.notice !== (k?.announcement ?? undefined)) {
      plan.events.push({ type: 'announcement_changed', chatId: g.chatId, text: g.notice, at });
    }
    if (g.memberCount !== undefined && g.memberCount !== (k?.memberCount ?? undefined)) plan.counts.push({ chatId: g.chatId, memberCount: g.memberCount });
    if (k?.status === 'access_lost') plan.restore.push(k.id);
  }
  const listedIds = new Set(listed.map((g) => g.chatId));
  for (const k of known) if (k.status === 'active' && !listedIds.has(k.externalId)) plan.missing.push(k);
  return plan;
}

export interface ReconcileResult {
  added: number;
  renamed: number;
  notices: number;
  counts: number;
  restored: number;
  dismissed: number;
  /** Recorded joins that got the join way's state they lacked. */
  states: number;
}

/**
 * The state each listed member came with, on their latest recorded join in the group when it has
 * none; each join mended is then attributed to the campaign whose participant the state names (the
 * join's own attribution had no state to go by). One transaction per group, so a join never has
 * its state without its attribution.
 */
async function mendJoinStates(db: Db, channelId: string, chatId: string, states: Record<string, string>): Promise<number> {
  const ids = Object.keys(states);
  if (!ids.length) return 0;
  const work = async (trx: Db) => {
    const r = await sql<{ member_id: string; group_id: string; at: Date; state: string }>`
      UPDATE member_events e SET detail = e.detail || jsonb_build_object('state', v.state)
      FROM unnest(${ids}::text[], ${ids.map((id) => states[id])}::text[]) AS v(external_id, state),
        member_identities i, groups g
      WHERE g.channel_id = ${channelId} AND g.external_id = ${chatId}
        AND i.channel_id = ${channelId} AND i.external_id = v.external_id
        AND e.id = (SELECT max(x.id) FROM member_events x WHERE x.member_id = i.member_id AND x.group_id = g.id AND x.kind = 'join')
        AND NOT (e.detail ? 'state')
      RETURNING e.member_id, e.group_id, e.at, v.state`.execute(trx);
    for (const m of r.rows) await attributeLateJoinState(trx, { groupId: m.group_id, memberId: m.member_id, at: new Date(m.at), state: m.state });
    return r.rows.length;
  };
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/** Compares one channel's groups with the platform's list and mends the differences. */
export async function reconcileChannel(
  deps: { db: Db; log?: (line: string) => void; now?: Date },
  channelId: string,
  connector: Pick<Connector, 'listGroups' | 'confirmGone'>,
): Promise<ReconcileResult> {
  const { db } = deps;
  const at = deps.now ?? new Date();
  const listed = await connector.listGroups();
  const rows = await db
    .selectFrom('groups')
    .select(['id', 'external_id', 'name', 'status', 'member_count', 'announcement'])
    .where('channel_id', '=', channelId)
    .execute();
  const known: KnownGroup[] = rows.map((r) => ({
    id: r.id,
    externalId: r.external_id,
    name: r.name,
    status: r.status,
    memberCount: r.member_count,
    announcement: r.announcement,
  }));
  const plan = reconcilePlan(known, listed, at);
  const result: ReconcileResult = { added: 0, renamed: 0, notices: 0, counts: 0, restored: 0, dismissed: 0, states: 0 };
  const knownIds = new Set(known.map((k) => k.externalId));
  const isNew = new Set(listed.filter((g) => !knownIds.has(g.chatId)).map((g) => g.chatId));
  for (const e of plan.events) {
    await ingestEvent({ db, ...(deps.log ? { log: deps.log } : {}) }, channelId, e);
    if (e.type === 'group_renamed') {
      if (isNew.has(e.chatId)) result.added++;
      else result.renamed++;
    } else result.notices++;
  }
  for (const c of plan.counts) {
    await db.updateTable('groups').set({ member_count: c.memberCount }).where('channel_id', '=', channelId).where('external_id', '=', c.chatId).execute();
    result.counts++;
  }
  for (const g of listed) if (g.joinStates) result.states += await mendJoinStates(db, channelId, g.chatId, g.joinStates);
  if (plan.restore.length) {
    await db.updateTable('groups').set({ status: 'active' }).where('id', 'in', plan.restore).where('status', '=', 'access_lost').execute();
    result.restored = plan.restore.length;
  }
  // Absent from one list is not proof: the platform is asked about each group before it is dismissed.
  for (const k of plan.missing) {
    if (!connector.confirmGone || !(await connector.confirmGone(k.externalId))) continue;
    await ingestEvent({ db, ...(deps.log ? { log: deps.log } : {}) }, channelId, { type: 'group_dismissed', chatId: k.externalId, at });
    result.dismissed++;
  }
  const changed = result.added + result.renamed + result.notices + result.restored + result.dismissed + result.states;
  if (changed) {
    deps.log?.(
      `reconciled channel ${channelId}: ${result.added} added, ${result.renamed} renamed, ${result.notices} notices, ${result.restored} restored, ${result.dismissed} dismissed, ${result.states} join states`,
    );
  }
  return result;
}
