// Qualification and completion. The growth sweep qualifies pending invites whose invitee stayed
// `stay` (also after the campaign ended: a join before the end counts; not while it is paused) (a leave before then rejects them, also when the leave's event is what the sweep sees
// first); a participant with `goal` qualified invitees completes — once: the participant's state
// moves by a conditional UPDATE, and only the call that moved it grants the rewards.

import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import { grantRewards } from './campaign-rewards.ts';
import { judgeStay, rulesOf } from './campaign-rules.ts';

/** Pending invites past their stay, in live campaigns: qualified or rejected; returns the counts. */
export async function qualifyDue(db: Db, now: Date): Promise<{ qualified: number; rejected: number; completed: number }> {
  const due = await sql<{ id: string; participant_id: string; joined_at: Date; rules: unknown; left_at: Date | null }>`
    SELECT v.id, v.participant_id, v.joined_at, c.rules,
      (SELECT min(s.left_at) FROM memberships s WHERE s.group_id = v.group_id AND s.member_id = v.invitee_id AND s.joined_at >= v.joined_at) AS left_at
    FROM campaign_invites v JOIN campaigns c ON c.id = v.campaign_id
    WHERE v.state = 'pending' AND c.state <> 'paused'
      AND v.joined_at + make_interval(secs => coalesce((c.rules->>'staySeconds')::int, 0)) <= ${now.toISOString()}::timestamptz
    ORDER BY v.id LIMIT 5000`.execute(db);
  const qualified: string[] = [];
  const early: string[] = [];
  for (const v of due.rows) {
    const verdict = judgeStay(rulesOf(typeof v.rules === 'string' ? JSON.parse(v.rules) : v.rules), { joinedAt: new Date(v.joined_at), leftAt: v.left_at ? new Date(v.left_at) : null, now });
    if (verdict === 'qualified') qualified.push(v.id);
    else if (verdict === 'left_early') early.push(v.id);
  }
  if (early.length) {
    await sql`UPDATE campaign_invites SET state = 'rejected', reason = 'left_early', decided_at = ${now.toISOString()}::timestamptz WHERE id = ANY(${early}::bigint[]) AND state = 'pending'`.execute(db);
  }
  let participants: number[] = [];
  if (qualified.length) {
    const moved = await sql<{ participant_id: string }>`
      UPDATE campaign_invites SET state = 'qualified', qualified_at = joined_at + make_interval(secs => coalesce((SELECT (c.rules->>'staySeconds')::int FROM campaigns c WHERE c.id = campaign_id), 0)), decided_at = ${now.toISOString()}::timestamptz
      WHERE id = ANY(${qualified}::bigint[]) AND state = 'pending' RETURNING participant_id`.execute(db);
    participants = [...new Set(moved.rows.map((r) => Number(r.participant_id)))];
  }
  const completed = participants.length ? await afterQualified(db, participants, now) : 0;
  return { qualified: qualified.length, rejected: early.length, completed };
}

/** Participants who may have reached their goal: those who did complete (once) and get their rewards. */
export async function afterQualified(db: Db, participantIds: number[], now: Date): Promise<number> {
  const done = await sql<{ id: string }>`
    UPDATE campaign_participants p SET state = 'completed', completed_at = ${now.toISOString()}::timestamptz
    FROM campaigns c
    WHERE p.id = ANY(${participantIds}::bigint[]) AND c.id = p.campaign_id AND p.state = 'active' AND c.kind = 'invite'
      AND (SELECT count(*) FROM campaign_invites v WHERE v.participant_id = p.id AND v.state = 'qualified') >= c.goal
    RETURNING p.id`.execute(db);
  for (const p of done.rows) await grantRewards(db, Number(p.id), now);
  return done.rows.length;
}

/** A poster participant's approval completes them (once). */
export async function completeByApproval(db: Db, participantId: number, now: Date): Promise<boolean> {
  const done = await sql<{ id: string }>`
    UPDATE campaign_participants SET state = 'completed', completed_at = ${now.toISOString()}::timestamptz
    WHERE id = ${participantId} AND state = 'active' RETURNING id`.execute(db);
  if (!done.rows.length) return false;
  await grantRewards(db, participantId, now);
  return true;
}
