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

interface Found {
  /** Live campaigns of the group. */
  live: number;
  campaign_id: string | null;
  rules: unknown;
  participant_id: string | null;
  inviter_id: string | null;
  bot: boolean | null;
  blacklisted: boolean | null;
  was_member: boolean | null;
  counted_by: string | null;
  counted: number | null;
}

/**
 * One statement: the group's live invite campaigns, the participant the join came through (their
 * link first, then the join way's state, then the inviter) and the facts the rules need.
 */
async function find(db: Db, j: JoinInput): Promise<Found> {
  const at = j.at.toISOString();
  const r = await sql<Found>`
    WITH live AS (
      SELECT c.id, c.rules FROM campaign_groups cg JOIN campaigns c ON c.id = cg.campaign_id
      WHERE cg.group_id = ${j.groupId} AND c.state = 'active' AND c.kind = 'invite' AND (c.until IS NULL OR c.until > ${at}::timestamptz)),
    m AS (
      SELECT x.campaign_id, x.id, x.member_id FROM (
        SELECT 1 AS pri, p.campaign_id, p.id, p.member_id FROM campaign_links cl JOIN campaign_participants p ON p.id = cl.participant_id
          WHERE cl.link = ${j.link ?? null}::text AND cl.group_id = ${j.groupId} AND cl.campaign_id IN (SELECT id FROM live)
        UNION ALL
        SELECT 2, p.campaign_id, p.id, p.member_id FROM campaign_participants p
          WHERE p.token = ${j.state ?? null}::text AND p.campaign_id IN (SELECT id FROM live)
        UNION ALL
        SELECT 3, p.campaign_id, p.id, p.member_id FROM campaign_participants p
          WHERE p.member_id = ${j.inviterId ?? null}::text AND p.campaign_id IN (SELECT id FROM live)
      ) x ORDER BY x.pri, x.id LIMIT 1)
    SELECT (SELECT count(*) FROM live)::int AS live, m.campaign_id, live.rules, m.id AS participant_id, m.member_id AS inviter_id,
      (EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = ${j.memberId} AND i.is_bot)) AS bot,
      (EXISTS (SELECT 1 FROM members x WHERE x.id = ${j.memberId} AND x.blacklisted_at IS NOT NULL)) AS blacklisted,
      (EXISTS (SELECT 1 FROM memberships s WHERE s.member_id = ${j.memberId} AND s.joined_at < ${at}::timestamptz)) AS was_member,
      (SELECT p.member_id FROM campaign_invites v JOIN campaign_participants p ON p.id = v.participant_id
        WHERE v.campaign_id = m.campaign_id AND v.invitee_id = ${j.memberId} AND v.state <> 'rejected' LIMIT 1) AS counted_by,
      (SELECT count(*) FROM campaign_invites v WHERE v.participant_id = m.id AND v.state <> 'rejected')::int AS counted
    FROM (SELECT 1) one LEFT JOIN m ON true LEFT JOIN live ON live.id = m.campaign_id`.execute(db);
  return r.rows[0];
}

/** Attributes one join; returns the invite's state, or undefined when no participant brought them. */
export async function attributeJoin(db: Db, j: JoinInput): Promise<'pending' | 'qualified' | 'rejected' | undefined> {
  if (!j.link && !j.state && !j.inviterId) return undefined;
  let f = await find(db, j);
  if (!f.live) return undefined;
  // A link made since it was last copied from its ledger row.
  if (!f.participant_id && j.link && (await linkSync(db, { groupId: j.groupId }))) f = await find(db, j);
  if (!f.participant_id || !f.campaign_id || !f.inviter_id) return undefined;
  const participantId = Number(f.participant_id);
  const rules = rulesOf(typeof f.rules === 'string' ? JSON.parse(f.rules) : f.rules);
  const verdict = judgeJoin(rules, {
    inviterId: f.inviter_id,
    inviteeId: j.memberId,
    inviteeIsBot: j.isBot || f.bot === true,
    inviteeBlacklisted: f.blacklisted === true,
    inviteeWasMember: f.was_member === true,
    countedBy: f.counted_by,
    inviterCounted: f.counted ?? 0,
  });
  if (verdict.state === 'already_counted') return undefined;
  const state = verdict.state === 'pending' && judgeStay(rules, { joinedAt: j.at, leftAt: null, now: j.at }) === 'qualified' ? 'qualified' : verdict.state;
  const reason = verdict.state === 'rejected' ? verdict.reason : null;
  const ins = await sql<{ id: string }>`
    INSERT INTO campaign_invites (campaign_id, participant_id, invitee_id, group_id, state, reason, joined_at, qualified_at, decided_at)
    VALUES (${f.campaign_id}, ${participantId}, ${j.memberId}, ${j.groupId}, ${state}, ${reason}, ${j.at.toISOString()}::timestamptz,
      ${state === 'qualified' ? j.at.toISOString() : null}::timestamptz, ${state === 'pending' ? null : j.at.toISOString()}::timestamptz)
    ON CONFLICT DO NOTHING RETURNING id`.execute(db);
  if (!ins.rows.length) return undefined;
  if (state === 'qualified') await afterQualified(db, [participantId], j.at);
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
