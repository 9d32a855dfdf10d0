// Poster campaigns: a participant's picture (a screenshot of the shared poster, sent in a campaign
// group or to the bot privately while enrolled) is a submission. Review `auto` approves it at
// once; `leader` gives the group's leader a task to look at it — the task done approves it, the
// task cancelled or missed rejects it (`review_rejected`), read by the growth sweep. An approval
// completes the participant (once) and gives the rewards. One open submission per participant.

import { sql } from 'kysely';
import { translate } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';
import { campaignLanguage, groupFacts, queueRows, rowIdOf, taskRow } from './campaign-ops.ts';
import { completeByApproval } from './campaign-qualify.ts';

export interface ImageMessage {
  channelId: string;
  memberId: string;
  at: Date;
  /** In this group; else sent privately (the member's campaign groups on that channel). */
  groupId?: string;
}

/** Takes a picture as a submission where the member takes part in a live poster campaign; returns how many. */
export async function onCampaignImage(db: Db, m: ImageMessage): Promise<number> {
  const open = await sql<{ campaign_id: string; name: string; review: string; participant_id: string; group_id: string }>`
    SELECT DISTINCT ON (c.id) c.id AS campaign_id, c.name, c.review, p.id AS participant_id, cg.group_id
    FROM campaign_participants p JOIN campaigns c ON c.id = p.campaign_id JOIN campaign_groups cg ON cg.campaign_id = c.id JOIN groups g ON g.id = cg.group_id
    WHERE p.member_id = ${m.memberId} AND p.state = 'active' AND c.kind = 'poster' AND c.state = 'active'
      AND (c.until IS NULL OR c.until > ${m.at.toISOString()}::timestamptz)
      AND ${m.groupId ? sql`cg.group_id = ${m.groupId}` : sql`g.channel_id = ${m.channelId}`}
      AND NOT EXISTS (SELECT 1 FROM campaign_submissions s WHERE s.participant_id = p.id AND s.state = 'pending')
    ORDER BY c.id, cg.position`.execute(db);
  for (const o of open.rows) {
    const ins = await sql<{ id: string }>`
      INSERT INTO campaign_submissions (campaign_id, participant_id, group_id, at) VALUES (${o.campaign_id}, ${o.participant_id}, ${o.group_id}, ${m.at.toISOString()}::timestamptz) RETURNING id`.execute(db);
    const id = Number(ins.rows[0].id);
    if (o.review === 'auto') {
      await decide(db, id, 'approved', m.at);
      continue;
    }
    const g = (await groupFacts(db, [o.group_id])).get(o.group_id)!;
    const who = (await db.selectFrom('members').select('name').where('id', '=', m.memberId).executeTakeFirstOrThrow()).name;
    const step = `campaign:review:${id}`;
    const text = translate(campaignLanguage(o.name), 'campaign.task.review', { campaign: o.name, member: who, group: g.name });
    await queueRows(db, o.campaign_id, [taskRow(g, { step, memberId: m.memberId, text, now: m.at, executor: 'leader' })]);
    const ledger = await rowIdOf(db, o.campaign_id, o.group_id, step);
    await sql`UPDATE campaign_submissions SET ledger_id = ${ledger ?? null} WHERE id = ${id}`.execute(db);
  }
  return open.rows.length;
}

async function decide(db: Db, id: number, to: 'approved' | 'rejected', at: Date): Promise<void> {
  const moved = await sql<{ participant_id: string }>`
    UPDATE campaign_submissions SET state = ${to}, decided_at = ${at.toISOString()}::timestamptz WHERE id = ${id} AND state = 'pending' RETURNING participant_id`.execute(db);
  if (to === 'approved' && moved.rows[0]) await completeByApproval(db, Number(moved.rows[0].participant_id), at);
}

/** Review tasks a leader settled: done approves, cancelled or missed rejects. Returns how many were decided. */
export async function settleReviews(db: Db, now: Date): Promise<number> {
  const settled = await sql<{ id: string; state: string }>`
    SELECT s.id, l.state FROM campaign_submissions s JOIN ledger l ON l.id = s.ledger_id
    WHERE s.state = 'pending' AND l.state IN ('done', 'done_late', 'cancelled', 'missed')`.execute(db);
  for (const s of settled.rows) await decide(db, Number(s.id), s.state === 'done' || s.state === 'done_late' ? 'approved' : 'rejected', now);
  return settled.rows.length;
}
