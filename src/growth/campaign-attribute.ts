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
  ord: number;
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

export type Attributed = 'pending' | 'qualified' | 'rejected' | undefined;

/**
 * One statement for a burst's joins: each join's group's live invite campaigns, the participant the
 * join came through (their link first, then the join way's state, then the inviter) and the facts
 * the rules need.
 */
async function find(db: Db, joins: readonly (JoinInput & { ord: number })[]): Promise<Map<number, Found>> {
  const values = joins.map((j) => ({ ord: j.ord, group_id: j.groupId, member_id: j.memberId, at: j.at.toISOString(), link: j.link ?? null, state: j.state ?? null, inviter: j.inviterId ?? null }));
  const live = (c: string, group: string) => sql.raw(`${c}.state = 'active' AND ${c}.kind = 'invite' AND (${c}.until IS NULL OR ${c}.until > v.at) AND EXISTS (SELECT 1 FROM campaign_groups g WHERE g.campaign_id = ${c}.id AND g.group_id = ${group})`);
  const r = await sql<Found>`
    SELECT v.ord,
      (SELECT count(*) FROM campaign_groups cg JOIN campaigns c ON c.id = cg.campaign_id WHERE cg.group_id = v.group_id AND ${live('c', 'v.group_id')})::int AS live,
      m.campaign_id, c.rules, m.id AS participant_id, m.member_id AS inviter_id,
      (EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = v.member_id AND i.is_bot)) AS bot,
      (EXISTS (SELECT 1 FROM members x WHERE x.id = v.member_id AND x.blacklisted_at IS NOT NULL)) AS blacklisted,
      (EXISTS (SELECT 1 FROM memberships s WHERE s.member_id = v.member_id AND s.joined_at < v.at)) AS was_member,
      (SELECT p.member_id FROM campaign_invites w JOIN campaign_participants p ON p.id = w.participant_id
        WHERE w.campaign_id = m.campaign_id AND w.invitee_id = v.member_id AND w.state <> 'rejected' LIMIT 1) AS counted_by,
      (SELECT count(*) FROM campaign_invites w WHERE w.participant_id = m.id AND w.state <> 'rejected')::int AS counted
    FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS v(ord int, group_id text, member_id text, at timestamptz, link text, state text, inviter text)
    LEFT JOIN LATERAL (
      SELECT x.campaign_id, x.id, x.member_id FROM (
        SELECT 1 AS pri, p.campaign_id, p.id, p.member_id FROM campaign_links cl JOIN campaign_participants p ON p.id = cl.participant_id
          WHERE cl.link = v.link AND cl.group_id = v.group_id
        UNION ALL
        SELECT 2, p.campaign_id, p.id, p.member_id FROM campaign_participants p WHERE p.token = v.state
        UNION ALL
        SELECT 3, p.campaign_id, p.id, p.member_id FROM campaign_participants p WHERE p.member_id = v.inviter
      ) x JOIN campaigns lc ON lc.id = x.campaign_id
      WHERE ${live('lc', 'v.group_id')}
      ORDER BY x.pri, x.id LIMIT 1) m ON true
    LEFT JOIN campaigns c ON c.id = m.campaign_id`.execute(db);
  return new Map(r.rows.map((f) => [Number(f.ord), f]));
}

/** Attributes one join; returns the invite's state, or undefined when no participant brought them. */
export async function attributeJoin(db: Db, j: JoinInput): Promise<Attributed> {
  return (await attributeJoins(db, [j]))[0];
}

/**
 * Attributes a burst's joins (each of a different invitee) in their order: the facts in one
 * statement, the fraud rules in memory — a participant's count moving with the invites before it
 * in the burst —, the invites in one INSERT. Returns each join's invite state.
 */
export async function attributeJoins(db: Db, joins: readonly JoinInput[]): Promise<Attributed[]> {
  const out: Attributed[] = joins.map(() => undefined);
  const asked = joins.flatMap((j, ord) => (j.link || j.state || j.inviterId ? [{ ...j, ord }] : []));
  if (!asked.length) return out;
  const found = await find(db, asked);
  // A link made since it was last copied from its ledger row.
  const unmatched = asked.filter((j) => j.link && !found.get(j.ord)?.participant_id && found.get(j.ord)?.live);
  if (unmatched.length) {
    let synced = 0;
    for (const groupId of new Set(unmatched.map((j) => j.groupId))) synced += await linkSync(db, { groupId });
    if (synced) for (const [ord, f] of await find(db, unmatched)) found.set(ord, f);
  }
  const counted = new Map<number, number>();
  const invites: { campaign_id: string; participant_id: number; invitee_id: string; group_id: string; state: string; reason: string | null; at: string; ord: number }[] = [];
  for (const j of asked) {
    const f = found.get(j.ord);
    if (!f?.live || !f.participant_id || !f.campaign_id || !f.inviter_id) continue;
    const participantId = Number(f.participant_id);
    const rules = rulesOf(typeof f.rules === 'string' ? JSON.parse(f.rules) : f.rules);
    const before = counted.get(participantId) ?? f.counted ?? 0;
    const verdict = judgeJoin(rules, {
      inviterId: f.inviter_id,
      inviteeId: j.memberId,
      inviteeIsBot: j.isBot || f.bot === true,
      inviteeBlacklisted: f.blacklisted === true,
      inviteeWasMember: f.was_member === true,
      countedBy: f.counted_by,
      inviterCounted: before,
    });
    if (verdict.state === 'already_counted') continue;
    const state = verdict.state === 'pending' && judgeStay(rules, { joinedAt: j.at, leftAt: null, now: j.at }) === 'qualified' ? 'qualified' : verdict.state;
    if (state !== 'rejected') counted.set(participantId, before + 1);
    invites.push({ campaign_id: f.campaign_id, participant_id: participantId, invitee_id: j.memberId, group_id: j.groupId, state, reason: verdict.state === 'rejected' ? verdict.reason : null, at: j.at.toISOString(), ord: j.ord });
  }
  if (!invites.length) return out;
  const ins = await sql<{ ord: number }>`
    WITH v AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(invites)}::jsonb)
        AS v(campaign_id text, participant_id bigint, invitee_id text, group_id text, state text, reason text, at timestamptz, ord int)),
    ins AS (
      INSERT INTO campaign_invites (campaign_id, participant_id, invitee_id, group_id, state, reason, joined_at, qualified_at, decided_at)
      SELECT campaign_id, participant_id, invitee_id, group_id, state, reason, at,
        CASE WHEN state = 'qualified' THEN at END, CASE WHEN state = 'pending' THEN NULL ELSE at END
      FROM v ORDER BY ord
      ON CONFLICT DO NOTHING RETURNING participant_id, invitee_id)
    SELECT v.ord FROM v JOIN ins ON ins.participant_id = v.participant_id AND ins.invitee_id = v.invitee_id`.execute(db);
  const stored = new Set(ins.rows.map((r) => Number(r.ord)));
  // A participant may complete with a join that qualifies at once (no stay): at that join's time.
  const qualified = new Map<number, string>();
  for (const v of invites) {
    if (!stored.has(v.ord)) continue;
    out[v.ord] = v.state as Attributed;
    if (v.state === 'qualified') qualified.set(v.participant_id, v.at);
  }
  for (const [participantId, at] of qualified) await afterQualified(db, [participantId], new Date(at));
  return out;
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
