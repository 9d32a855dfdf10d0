// Attribution: a join (from ingest, in the join's transaction) is matched to a participant of a
// live campaign of that group — by their personal link (Telegram's chat_member.invite_link), by
// the WeCom join way's `state` (the participant's token), or by the inviter the platform names
// (Wechaty's room-join inviter, WeCom's invitor) — and judged by the fraud rules
// (campaign-rules.ts). A counted invite is pending until the invitee stayed `stay`
// (campaign-qualify.ts); a leave before then rejects it (`left_early`). Groups in no live campaign
// cost one indexed lookup per join.

import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import { linkSync } from './campaign-enrol.ts';
import { afterQualified } from './campaign-qualify.ts';
import { judgeJoin, judgeStay, rulesOf } from './campaign-rules.ts';

export interface JoinInput {
  groupId: string;
  memberId: string;
  at: Date;
  isBot: boolean;
  link?: string;
  inviterId?: string;
  state?: string;
}

interface Live {
  id: string;
  rules: unknown;
}

interface Match {
  campaign: Live;
  participantId: number;
  inviterId: string;
}

async function liveCampaigns(db: Db, groupId: string, at: Date): Promise<Live[]> {
  const r = await sql<Live>`
    SELECT c.id, c.rules FROM campaign_groups cg JOIN campaigns c ON c.id = cg.campaign_id
    WHERE cg.group_id = ${groupId} AND c.state = 'active' AND c.kind = 'invite' AND (c.until IS NULL OR c.until > ${at.toISOString()}::timestamptz)`.execute(db);
  return r.rows;
}

async function matchOf(db: Db, live: Live[], j: JoinInput): Promise<Match | undefined> {
  const ids = live.map((c) => c.id);
  const pick = (rows: { campaign_id: string; id: string; member_id: string }[]) => {
    const p = rows[0];
    return p ? { campaign: live.find((c) => c.id === p.campaign_id)!, participantId: Number(p.id), inviterId: p.member_id } : undefined;
  };
  if (j.link) {
    const byLink = () =>
      sql<{ campaign_id: string; id: string; member_id: string }>`
        SELECT p.campaign_id, p.id, p.member_id FROM campaign_links cl JOIN campaign_participants p ON p.id = cl.participant_id
        WHERE cl.link = ${j.link} AND cl.group_id = ${j.groupId} AND cl.campaign_id = ANY(${ids}::text[]) LIMIT 1`.execute(db);
    let found = await byLink();
    // A link made since it was last copied from its ledger row.
    if (!found.rows.length && (await linkSync(db, { groupId: j.groupId }))) found = await byLink();
    if (found.rows.length) return pick(found.rows);
  }
  if (j.state) {
    const r = await sql<{ campaign_id: string; id: string; member_id: string }>`
      SELECT campaign_id, id, member_id FROM campaign_participants WHERE token = ${j.state} AND campaign_id = ANY(${ids}::text[])`.execute(db);
    if (r.rows.length) return pick(r.rows);
  }
  if (j.inviterId) {
    const r = await sql<{ campaign_id: string; id: string; member_id: string }>`
      SELECT campaign_id, id, member_id FROM campaign_participants WHERE member_id = ${j.inviterId} AND campaign_id = ANY(${ids}::text[]) ORDER BY id LIMIT 1`.execute(db);
    if (r.rows.length) return pick(r.rows);
  }
  return undefined;
}

/** Attributes one join; returns the invite's state, or undefined when no participant brought them. */
export async function attributeJoin(db: Db, j: JoinInput): Promise<'pending' | 'qualified' | 'rejected' | undefined> {
  if (!j.link && !j.state && !j.inviterId) return undefined;
  const live = await liveCampaigns(db, j.groupId, j.at);
  if (!live.length) return undefined;
  const m = await matchOf(db, live, j);
  if (!m) return undefined;
  const rules = rulesOf(typeof m.campaign.rules === 'string' ? JSON.parse(m.campaign.rules) : m.campaign.rules);
  const f = await sql<{ bot: boolean; blacklisted: boolean; was_member: boolean; counted_by: string | null; counted: number }>`
    SELECT
      (EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = ${j.memberId} AND i.is_bot)) AS bot,
      (EXISTS (SELECT 1 FROM members x WHERE x.id = ${j.memberId} AND x.blacklisted_at IS NOT NULL)) AS blacklisted,
      (EXISTS (SELECT 1 FROM memberships s WHERE s.member_id = ${j.memberId} AND s.joined_at < ${j.at.toISOString()}::timestamptz)) AS was_member,
      (SELECT p.member_id FROM campaign_invites v JOIN campaign_participants p ON p.id = v.participant_id
        WHERE v.campaign_id = ${m.campaign.id} AND v.invitee_id = ${j.memberId} AND v.state <> 'rejected' LIMIT 1) AS counted_by,
      (SELECT count(*) FROM campaign_invites v WHERE v.participant_id = ${m.participantId} AND v.state <> 'rejected')::int AS counted`.execute(db);
  const facts = f.rows[0];
  const verdict = judgeJoin(rules, {
    inviterId: m.inviterId,
    inviteeId: j.memberId,
    inviteeIsBot: j.isBot || facts.bot,
    inviteeBlacklisted: facts.blacklisted,
    inviteeWasMember: facts.was_member,
    countedBy: facts.counted_by,
    inviterCounted: facts.counted,
  });
  if (verdict.state === 'already_counted') return undefined;
  const state = verdict.state === 'pending' && judgeStay(rules, { joinedAt: j.at, leftAt: null, now: j.at }) === 'qualified' ? 'qualified' : verdict.state;
  const reason = verdict.state === 'rejected' ? verdict.reason : null;
  const ins = await sql<{ id: string }>`
    INSERT INTO campaign_invites (campaign_id, participant_id, invitee_id, group_id, state, reason, joined_at, qualified_at, decided_at)
    VALUES (${m.campaign.id}, ${m.participantId}, ${j.memberId}, ${j.groupId}, ${state}, ${reason}, ${j.at.toISOString()}::timestamptz,
      ${state === 'qualified' ? j.at.toISOString() : null}::timestamptz, ${state === 'pending' ? null : j.at.toISOString()}::timestamptz)
    ON CONFLICT DO NOTHING RETURNING id`.execute(db);
  if (!ins.rows.length) return undefined;
  if (state === 'qualified') await afterQualified(db, [m.participantId], j.at);
  return state;
}

/** A leave: the member's pending invites into that group that had not stayed long enough are rejected (`left_early`). */
export async function reverseOnLeave(db: Db, j: { groupId: string; memberId: string; at: Date }): Promise<number> {
  const pending = await sql<{ id: string; joined_at: Date; rules: unknown }>`
    SELECT v.id, v.joined_at, c.rules FROM campaign_invites v JOIN campaigns c ON c.id = v.campaign_id
    WHERE v.invitee_id = ${j.memberId} AND v.group_id = ${j.groupId} AND v.state = 'pending'`.execute(db);
  const early = pending.rows.filter((v) => {
    const rules = rulesOf(typeof v.rules === 'string' ? JSON.parse(v.rules) : v.rules);
    return judgeStay(rules, { joinedAt: new Date(v.joined_at), leftAt: j.at, now: j.at }) === 'left_early';
  });
  if (!early.length) return 0;
  await sql`UPDATE campaign_invites SET state = 'rejected', reason = 'left_early', decided_at = ${j.at.toISOString()}::timestamptz
    WHERE id = ANY(${early.map((v) => v.id)}::bigint[]) AND state = 'pending'`.execute(db);
  return early.length;
}
