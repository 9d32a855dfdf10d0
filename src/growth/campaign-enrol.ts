// Enrolment in a campaign and the participant's personal links. A participant gets one link per
// campaign group, asked of the platform as a `campaign_link` ledger row (Telegram
// `createChatInviteLink` with the participant's name, no member limit; WeCom a join way whose
// `state` is the participant's token; Wechaty the room's QR — there the inviter in the join event
// is the participant). The link comes back in the row's result and is copied into campaign_links
// when first needed (linkSync), so a join through it is found by one indexed lookup.

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { msg } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';
import { botRow, groupFacts, opsRunId, queueRows } from './campaign-ops.ts';
import { CampaignError, campaignGroups, isLive, visibleCampaign } from './campaigns.ts';

export interface Participant {
  id: number;
  campaignId: string;
  memberId: string;
  token: string;
  state: 'active' | 'completed';
}

export const linkStep = (participantId: number) => `campaign:link:${participantId}`;

/** The participant of a member in a campaign, when enrolled. */
export async function participantOf(db: Db, campaignId: string, memberId: string): Promise<Participant | undefined> {
  const r = await sql<{ id: string; campaign_id: string; member_id: string; token: string; state: string }>`
    SELECT id, campaign_id, member_id, token, state FROM campaign_participants WHERE campaign_id = ${campaignId} AND member_id = ${memberId}`.execute(db);
  const p = r.rows[0];
  return p ? { id: Number(p.id), campaignId: p.campaign_id, memberId: p.member_id, token: p.token, state: p.state as Participant['state'] } : undefined;
}

/**
 * Enrols the member (once; enrolling again changes nothing) and queues their personal links.
 * Refused when the campaign is not active or the member is blacklisted.
 */
export async function enrol(db: Db, campaignId: string, memberId: string, o: { leader?: string; now?: Date } = {}): Promise<{ participant: Participant; created: boolean }> {
  const now = o.now ?? new Date();
  const c = await visibleCampaign(db, campaignId, o.leader);
  const member = await db.selectFrom('members').select(['id', 'name', 'blacklisted_at']).where('id', '=', memberId).executeTakeFirst();
  if (!member) throw new CampaignError('not_found', msg('campaign.noMember', { member: memberId }), 'member');
  const known = await participantOf(db, campaignId, memberId);
  if (known) return { participant: known, created: false };
  if (!isLive(c, now)) throw new CampaignError('conflict', msg('campaign.notActive', { id: campaignId, state: c.state }));
  if (c.rules.noBlacklisted && member.blacklisted_at) throw new CampaignError('conflict', msg('campaign.blacklisted', { member: member.name }), 'member');
  const work = async (trx: Db) => {
    // 16 characters of base64url: within WeCom's 30 for a join way's state, and unguessable.
    const token = `c${randomBytes(12).toString('base64url')}`.slice(0, 17);
    const ins = await sql<{ id: string }>`
      INSERT INTO campaign_participants (campaign_id, member_id, token, joined_at) VALUES (${campaignId}, ${memberId}, ${token}, ${now.toISOString()}::timestamptz)
      ON CONFLICT (campaign_id, member_id) DO NOTHING RETURNING id`.execute(trx);
    if (!ins.rows[0]) return false;
    const id = Number(ins.rows[0].id);
    await queueLinks(trx, campaignId, { id, memberId, name: member.name, token }, now);
    return true;
  };
  // Inside ingest's transaction (a member asking the bot) or on its own.
  const created = db.isTransaction ? await work(db) : await db.transaction().execute(work);
  const participant = (await participantOf(db, campaignId, memberId))!;
  return { participant, created };
}

/**
 * The participant's links that expire and have expired by `now` (a WeChat group's QR code stops
 * working after 7 days; Telegram invite links and WeCom join ways do not expire) are asked of the
 * platform again: one more `campaign_link` row each (the next occurrence of the same step), the
 * link cleared until it comes back. Returns how many were asked for.
 */
export async function renewExpiredLinks(db: Db, participantId: number, now: Date): Promise<number> {
  const r = await sql<{ campaign_id: string; group_id: string; occurrence: number; member_id: string; name: string; token: string }>`
    SELECT cl.campaign_id, cl.group_id, l.occurrence, p.member_id, m.name, p.token
    FROM campaign_links cl JOIN ledger l ON l.id = cl.ledger_id
    JOIN campaign_participants p ON p.id = cl.participant_id JOIN members m ON m.id = p.member_id
    WHERE cl.participant_id = ${participantId} AND l.state = 'sent' AND l.result->>'expiresAt' IS NOT NULL
      AND (l.result->>'expiresAt')::timestamptz <= ${now.toISOString()}::timestamptz`.execute(db);
  if (!r.rows.length) return 0;
  const facts = await groupFacts(db, r.rows.map((x) => x.group_id));
  let asked = 0;
  for (const x of r.rows) {
    const f = facts.get(x.group_id);
    if (!f?.channelActive) continue;
    const row = botRow(f, { step: linkStep(participantId), action: 'campaign_link', memberId: x.member_id, content: { text: x.name, name: x.name.slice(0, 32), state: x.token }, now });
    if (!(await queueRows(db, x.campaign_id, [{ ...row, occurrence: x.occurrence + 1 }]))) continue;
    await sql`UPDATE campaign_links cl SET link = NULL, ledger_id = l.id FROM ledger l
      WHERE cl.participant_id = ${participantId} AND cl.group_id = ${x.group_id}
        AND l.run_id = ${opsRunId(x.campaign_id)} AND l.group_id = ${x.group_id} AND l.step_id = ${linkStep(participantId)} AND l.occurrence = ${x.occurrence + 1}`.execute(db);
    asked++;
  }
  return asked;
}

/** One `campaign_link` row per campaign group whose platform can make a link. */
async function queueLinks(db: Db, campaignId: string, p: { id: number; memberId: string; name: string; token: string }, now: Date): Promise<void> {
  const groups = (await campaignGroups(db, campaignId)).filter((g) => g.status === 'active');
  const facts = await groupFacts(db, groups.map((g) => g.id));
  const rows = [];
  for (const g of groups) {
    const f = facts.get(g.id);
    if (!f?.channelActive || f.caps.create_invite_link === 'none') {
      await sql`INSERT INTO campaign_links (participant_id, campaign_id, group_id) VALUES (${p.id}, ${campaignId}, ${g.id}) ON CONFLICT DO NOTHING`.execute(db);
      continue;
    }
    // Telegram shows the link's name to admins (at most 32 characters).
    rows.push(botRow(f, { step: linkStep(p.id), action: 'campaign_link', memberId: p.memberId, content: { text: p.name, name: p.name.slice(0, 32), state: p.token }, now }));
  }
  await queueRows(db, campaignId, rows);
  if (!rows.length) return;
  await sql`INSERT INTO campaign_links (participant_id, campaign_id, group_id, ledger_id)
    SELECT ${p.id}, ${campaignId}, l.group_id, l.id FROM ledger l
    WHERE l.run_id = ${`${campaignId}_ops`} AND l.step_id = ${linkStep(p.id)}
    ON CONFLICT (participant_id, group_id) DO UPDATE SET ledger_id = excluded.ledger_id`.execute(db);
}

/** Copies links the platform made (the rows' results) into campaign_links; returns how many. */
export async function linkSync(db: Db, o: { groupId?: string; participantId?: number } = {}): Promise<number> {
  const r = await sql`
    UPDATE campaign_links cl SET link = l.result->>'inviteLink'
    FROM ledger l
    WHERE cl.link IS NULL AND l.id = cl.ledger_id AND l.result->>'inviteLink' IS NOT NULL
      ${o.groupId ? sql`AND cl.group_id = ${o.groupId}` : sql``}
      ${o.participantId !== undefined ? sql`AND cl.participant_id = ${o.participantId}` : sql``}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** The participant's links by group (null where none was made yet, or the platform cannot). */
export async function linksOf(db: Db, participantId: number): Promise<{ groupId: string; link: string | null }[]> {
  await linkSync(db, { participantId });
  const r = await sql<{ group_id: string; link: string | null; ledger_id: string | null; invite_link: string | null }>`
    SELECT cl.group_id, cl.link, cl.ledger_id, g.invite_link FROM campaign_links cl
    JOIN campaign_groups cg ON cg.campaign_id = cl.campaign_id AND cg.group_id = cl.group_id
    JOIN groups g ON g.id = cl.group_id
    WHERE cl.participant_id = ${participantId} ORDER BY cg.position`.execute(db);
  // Where no personal link can be made the group's own link stands in (the inviter is then read from the join).
  return r.rows.map((l) => ({ groupId: l.group_id, link: l.link ?? (l.ledger_id === null ? l.invite_link || null : null) }));
}

/** The participant's first link, waiting up to `waitMs` for the platform to make it. */
export async function firstLink(db: Db, participantId: number, waitMs = 0): Promise<string | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const link = (await linksOf(db, participantId)).find((l) => l.link)?.link ?? null;
    if (link || Date.now() >= deadline) return link;
    await new Promise((r) => setTimeout(r, 100));
  }
}
