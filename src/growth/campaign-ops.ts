// What a campaign asks of the platform and of people, as ledger rows of one operation per
// campaign (a `people` run titled "Campaign: …"): personal links, private messages, leaderboard
// posts, tasks. Every platform action goes through the ledger and the dispatcher; a row's step id
// names what it is for (one per participant and purpose), so asking twice queues nothing twice.

import { sql } from 'kysely';
import type { CapabilityMatrix } from '../channels/port.ts';
import { type Msg, translate } from '../i18n/index.ts';
import { assigneeFor } from '../run/assign.ts';
import { insertLedger, type NewLedgerRow } from '../run/ledger.ts';
import { languageOfText, type TextLanguage } from '../run/member-blank.ts';
import { noticeColumns } from '../run/notices.ts';
import { declaredCapabilities } from '../run/triggers.ts';
import type { Db } from '../store/db.ts';
import type { LedgerContent } from '../store/schema.ts';

export const opsRunId = (campaignId: string) => `${campaignId}_ops`;

export interface GroupFacts {
  id: string;
  channelId: string;
  channelKind: string;
  channelActive: boolean;
  name: string;
  leader: string | null;
  attrs: Record<string, string>;
  caps: CapabilityMatrix;
}

/** The groups with their channel and its capabilities. */
export async function groupFacts(db: Db, ids: string[]): Promise<Map<string, GroupFacts>> {
  if (!ids.length) return new Map();
  const r = await sql<{ id: string; channel_id: string; kind: string; status: string; name: string; leader: string | null; attrs: unknown }>`
    SELECT g.id, g.channel_id, c.kind, c.status, g.name, g.leader, g.attrs FROM groups g JOIN channels c ON c.id = g.channel_id
    WHERE g.id = ANY(${ids}::text[])`.execute(db);
  const caps = new Map<string, CapabilityMatrix>();
  const out = new Map<string, GroupFacts>();
  for (const g of r.rows) {
    if (!caps.has(g.channel_id)) caps.set(g.channel_id, await declaredCapabilities(db, g.channel_id));
    const attrs = (typeof g.attrs === 'string' ? JSON.parse(g.attrs) : (g.attrs ?? {})) as Record<string, string>;
    out.set(g.id, { id: g.id, channelId: g.channel_id, channelKind: g.kind, channelActive: g.status === 'active', name: g.name, leader: g.leader, attrs, caps: caps.get(g.channel_id)! });
  }
  return out;
}

/** A row for the bot (on the group's channel). */
export function botRow(g: GroupFacts, r: { step: string; action: string; memberId?: string; content: LedgerContent; now: Date }): NewLedgerRow {
  return {
    groupId: g.id,
    stepId: r.step,
    occurrence: 1,
    ...(r.memberId ? { memberId: r.memberId } : {}),
    action: r.action,
    mode: 'bot',
    executor: 'bot',
    assignee: null,
    senderAccount: g.channelId,
    dueAt: r.now,
    windowMinutes: 24 * 60,
    content: r.content,
  };
}

/** A task for the group's leader (or its owner), with the instruction in `text`. */
export function taskRow(g: GroupFacts, r: { step: string; memberId?: string; text: string; now: Date; executor?: string }): NewLedgerRow {
  const executor = r.executor ?? 'owner';
  return {
    groupId: g.id,
    stepId: r.step,
    occurrence: 1,
    ...(r.memberId ? { memberId: r.memberId } : {}),
    action: 'task',
    mode: 'human',
    executor,
    assignee: assigneeFor(executor, { leader: g.leader, attrs: g.attrs }),
    senderAccount: null,
    dueAt: r.now,
    windowMinutes: 24 * 60,
    content: { text: r.text },
  };
}

/** Queues rows on the campaign's operation (made, or made running again, here); returns how many were new. */
export async function queueRows(db: Db, campaignId: string, rows: NewLedgerRow[]): Promise<number> {
  if (!rows.length) return 0;
  const c = await sql<{ name: string; created_by: string | null }>`SELECT name, created_by FROM campaigns WHERE id = ${campaignId}`.execute(db);
  const name = c.rows[0]?.name ?? campaignId;
  const runId = opsRunId(campaignId);
  await db
    .insertInto('runs')
    .values({ id: runId, kind: 'people', selector: '', state: 'running', broadcast_text: translate(languageOfText(name), 'campaign.run.title', { campaign: name }), created_by: c.rows[0]?.created_by ?? null })
    .onConflict((oc) => oc.column('id').doUpdateSet({ state: 'running' }))
    .execute();
  const placed = await db.selectFrom('run_groups').select('group_id').where('run_id', '=', runId).execute();
  const have = new Set(placed.map((p) => p.group_id));
  const fresh = [...new Set(rows.map((r) => r.groupId))].filter((g) => !have.has(g));
  if (fresh.length) await db.insertInto('run_groups').values(fresh.map((g, i) => ({ run_id: runId, group_id: g, position: placed.length + i + 1 }))).onConflict((oc) => oc.doNothing()).execute();
  return insertLedger(db, runId, rows);
}

/** The ledger id of one of the campaign's rows, by its step. */
export async function rowIdOf(db: Db, campaignId: string, groupId: string, step: string): Promise<number | undefined> {
  const r = await db.selectFrom('ledger').select('id').where('run_id', '=', opsRunId(campaignId)).where('group_id', '=', groupId).where('step_id', '=', step).executeTakeFirst();
  return r ? Number(r.id) : undefined;
}

export async function alert(db: Db, text: Msg): Promise<void> {
  await db.insertInto('notifications').values({ recipient: 'operators', kind: 'channel', ...noticeColumns(text) }).execute();
}

/** A campaign's language: from its name (Chinese characters → zh). */
export function campaignLanguage(name: string): TextLanguage {
  return languageOfText(name);
}
