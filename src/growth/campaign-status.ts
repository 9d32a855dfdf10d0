// A campaign's status board: participants, invited (counted joins: pending and qualified),
// qualified, completed, rejected by reason, the K-factor and the leaderboard; and one
// participant's own progress (what the bot answers "进度" / "/progress" with).

import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import { linksOf } from './campaign-enrol.ts';
import { kFactor, REVIEW_REJECTED } from './campaign-rules.ts';
import { type CampaignRow, campaignGroups, type PosterSettings, type Reward, visibleCampaign } from './campaigns.ts';
import { poolOf } from './campaign-rewards.ts';

export interface LeaderRow {
  member: string;
  name: string;
  invited: number;
  qualified: number;
  completed: boolean;
  link: string | null;
}

export interface CampaignStatus {
  id: string;
  kind: string;
  state: string;
  goal: number;
  participants: number;
  invited: number;
  qualified: number;
  completed: number;
  rejected: Record<string, number>;
  kFactor: number;
  leaders: LeaderRow[];
}

export interface CampaignDetail extends CampaignStatus {
  name: string;
  groups: { id: string; name: string }[];
  reward: Reward;
  pool?: { total: number; remaining: number };
  until: string | null;
  poster: Omit<PosterSettings, 'background'> | null;
}

export const LEADERS = 20;

interface Tally {
  participant: number;
  member: string;
  name: string;
  state: string;
  invited: number;
  qualified: number;
}

/** Each participant's counts, best first (qualified, then invited, then who enrolled first). */
export async function tallies(db: Db, campaignId: string, limit?: number): Promise<Tally[]> {
  const r = await sql<{ id: string; member_id: string; name: string; state: string; invited: number; qualified: number }>`
    SELECT p.id, p.member_id, m.name, p.state,
      (count(v.id) FILTER (WHERE v.state <> 'rejected'))::int AS invited,
      (count(v.id) FILTER (WHERE v.state = 'qualified'))::int AS qualified
    FROM campaign_participants p JOIN members m ON m.id = p.member_id
    LEFT JOIN campaign_invites v ON v.participant_id = p.id
    WHERE p.campaign_id = ${campaignId}
    GROUP BY p.id, p.member_id, m.name, p.state
    ORDER BY qualified DESC, invited DESC, p.id
    ${limit ? sql`LIMIT ${limit}` : sql``}`.execute(db);
  return r.rows.map((t) => ({ participant: Number(t.id), member: t.member_id, name: t.name, state: t.state, invited: t.invited, qualified: t.qualified }));
}

export async function campaignStatus(db: Db, id: string, o: { leader?: string } = {}): Promise<CampaignStatus> {
  const c = await visibleCampaign(db, id, o.leader);
  return statusOf(db, c);
}

async function statusOf(db: Db, c: CampaignRow): Promise<CampaignStatus> {
  const counts = (
    await sql<{ participants: number; completed: number; invited: number; qualified: number }>`
    SELECT (SELECT count(*) FROM campaign_participants WHERE campaign_id = ${c.id})::int AS participants,
      (SELECT count(*) FROM campaign_participants WHERE campaign_id = ${c.id} AND state = 'completed')::int AS completed,
      (SELECT count(*) FROM campaign_invites WHERE campaign_id = ${c.id} AND state <> 'rejected')::int AS invited,
      (SELECT count(*) FROM campaign_invites WHERE campaign_id = ${c.id} AND state = 'qualified')::int AS qualified`.execute(db)
  ).rows[0];
  const rejectedRows = await sql<{ reason: string; n: number }>`
    SELECT reason, count(*)::int AS n FROM campaign_invites WHERE campaign_id = ${c.id} AND state = 'rejected' GROUP BY reason ORDER BY reason`.execute(db);
  const rejected: Record<string, number> = {};
  for (const r of rejectedRows.rows) rejected[r.reason] = r.n;
  const refused = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM campaign_submissions WHERE campaign_id = ${c.id} AND state = 'rejected'`.execute(db)).rows[0].n;
  if (refused) rejected[REVIEW_REJECTED] = refused;
  const top = await tallies(db, c.id, LEADERS);
  const leaders: LeaderRow[] = [];
  for (const t of top) {
    const link = (await linksOf(db, t.participant)).find((l) => l.link)?.link ?? null;
    leaders.push({ member: t.member, name: t.name, invited: t.invited, qualified: t.qualified, completed: t.state === 'completed', link });
  }
  return {
    id: c.id,
    kind: c.kind,
    state: c.state,
    goal: c.goal,
    participants: counts.participants,
    invited: counts.invited,
    qualified: counts.qualified,
    completed: counts.completed,
    rejected,
    kFactor: kFactor(counts.participants, counts.qualified),
    leaders,
  };
}

/** The status plus what the console shows: name, groups, reward, the code pool, the end, the poster. */
export async function campaignDetail(db: Db, id: string, o: { leader?: string } = {}): Promise<CampaignDetail> {
  const c = await visibleCampaign(db, id, o.leader);
  const status = await statusOf(db, c);
  const groups = (await campaignGroups(db, id)).map((g) => ({ id: g.id, name: g.name }));
  const poster = c.poster ? { layout: c.poster.layout, title: c.poster.title, ...(c.poster.subtitle ? { subtitle: c.poster.subtitle } : {}) } : null;
  return {
    ...status,
    name: c.name,
    groups,
    reward: c.reward,
    ...(c.reward.codes ? { pool: await poolOf(db, id) } : {}),
    until: c.until ? c.until.toISOString() : null,
    poster,
  };
}

/** One participant's progress. */
export async function progressOf(db: Db, participantId: number): Promise<{ invited: number; qualified: number; pending: number; completed: boolean }> {
  const r = await sql<{ invited: number; qualified: number; pending: number; state: string }>`
    SELECT (count(v.id) FILTER (WHERE v.state <> 'rejected'))::int AS invited, (count(v.id) FILTER (WHERE v.state = 'qualified'))::int AS qualified,
      (count(v.id) FILTER (WHERE v.state = 'pending'))::int AS pending, p.state
    FROM campaign_participants p LEFT JOIN campaign_invites v ON v.participant_id = p.id WHERE p.id = ${participantId} GROUP BY p.state`.execute(db);
  const t = r.rows[0];
  return { invited: t?.invited ?? 0, qualified: t?.qualified ?? 0, pending: t?.pending ?? 0, completed: t?.state === 'completed' };
}
