// The regroup link of a lead group's goodbye (src/run/lifecycle.ts's RegroupLink, given to the
// dispatcher by `chorus serve` and `chorus worker`): when a group closes, the people still in it
// are shown the way into the group its campaign gathers people in — the campaign's `regroup`
// group — through that group's own invite link. The newest campaign of the group that names a
// regroup group wins. A regroup group without a usable link is asked for one when the campaign is
// made (ensureRegroupLink), so the goodbye has it by the time the lead group closes.

import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import { botRow, groupFacts, queueRows } from './campaign-ops.ts';

interface Target {
  invite_link: string | null;
  invite_expires_at: Date | string | null;
}

const usable = (g: Target | undefined, now: Date): string | undefined => {
  if (!g?.invite_link) return undefined;
  if (g.invite_expires_at && new Date(g.invite_expires_at).getTime() <= now.getTime() + 60_000) return undefined;
  return g.invite_link;
};

/** The invite link of the regroup group of the group's newest campaign that has one. */
export async function campaignRegroupLink(db: Db, row: { groupId: string }, now = new Date()): Promise<string | undefined> {
  const r = await sql<Target>`
    SELECT g.invite_link, g.invite_expires_at FROM campaign_groups cg
    JOIN campaigns c ON c.id = cg.campaign_id JOIN groups g ON g.id = c.regroup_group_id
    WHERE cg.group_id = ${row.groupId} AND c.regroup_group_id IS NOT NULL AND c.regroup_group_id <> ${row.groupId} AND g.status = 'active'
    ORDER BY c.created_at DESC LIMIT 1`.execute(db);
  return usable(r.rows[0], now);
}

/**
 * A campaign's regroup group with no usable invite link gets an `invite` row for the bot, where
 * its channel can make one (else the goodbye goes out without a link, as before). Queued once per
 * campaign. Returns whether a row was queued.
 */
export async function ensureRegroupLink(db: Db, campaignId: string, now = new Date()): Promise<boolean> {
  const c = (await sql<{ regroup_group_id: string | null }>`SELECT regroup_group_id FROM campaigns WHERE id = ${campaignId}`.execute(db)).rows[0];
  if (!c?.regroup_group_id) return false;
  const g = await db.selectFrom('groups').select(['invite_link', 'invite_expires_at', 'status']).where('id', '=', c.regroup_group_id).executeTakeFirst();
  if (g?.status !== 'active' || usable(g, now)) return false;
  const facts = (await groupFacts(db, [c.regroup_group_id])).get(c.regroup_group_id);
  if (!facts?.channelActive || facts.caps.create_invite_link === 'none') return false;
  return (await queueRows(db, campaignId, [botRow(facts, { step: 'regroup-link', action: 'invite', content: { text: '' }, now })])) > 0;
}
