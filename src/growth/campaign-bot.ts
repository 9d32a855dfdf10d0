// What members say to the bot about campaigns, and the leaderboard posts. A member enrols by
// writing "参加" or "/join" (in a campaign group, or privately to the bot while in one), and asks
// for their own progress with "进度" or "/progress"; each answer is a ledger row (a post in the
// group, or a private message). The leaderboard is posted in each campaign group every `board`
// period, from the growth sweep; each post is its own row. Texts are in the campaign's language.

import { sql } from 'kysely';
import { translate } from '../i18n/index.ts';
import type { NewLedgerRow } from '../run/ledger.ts';
import type { Db } from '../store/db.ts';
import { enrol, linksOf, participantOf, renewExpiredLinks } from './campaign-enrol.ts';
import { botRow, campaignLanguage, groupFacts, queueRows } from './campaign-ops.ts';
import { commandOf } from './campaign-rules.ts';
import { progressOf, tallies } from './campaign-status.ts';
import { CampaignError, getCampaign, isLive } from './campaigns.ts';

export interface CampaignMessage {
  channelId: string;
  memberId: string;
  text: string;
  messageId: string;
  at: Date;
  /** A message in this group; else a private message in `privateChat`. */
  groupId?: string;
  privateChat?: string;
}

/** Live campaigns the message is about: those of the group, or (privately) of the groups the member is in. */
async function campaignsFor(db: Db, m: CampaignMessage): Promise<{ id: string; group_id: string }[]> {
  const r = m.groupId
    ? await sql<{ id: string; group_id: string }>`
        SELECT c.id, cg.group_id FROM campaign_groups cg JOIN campaigns c ON c.id = cg.campaign_id
        WHERE cg.group_id = ${m.groupId} AND c.state = 'active' AND (c.until IS NULL OR c.until > ${m.at.toISOString()}::timestamptz)`.execute(db)
    : await sql<{ id: string; group_id: string }>`
        SELECT DISTINCT ON (c.id) c.id, cg.group_id FROM memberships s
        JOIN campaign_groups cg ON cg.group_id = s.group_id JOIN campaigns c ON c.id = cg.campaign_id JOIN groups g ON g.id = s.group_id
        WHERE s.member_id = ${m.memberId} AND s.left_at IS NULL AND g.channel_id = ${m.channelId}
          AND c.state = 'active' AND (c.until IS NULL OR c.until > ${m.at.toISOString()}::timestamptz)
        ORDER BY c.id, cg.position`.execute(db);
  return r.rows;
}

/** Answers a campaign command; returns whether the message was one. Runs in the message's transaction. */
export async function onCampaignMessage(db: Db, m: CampaignMessage): Promise<boolean> {
  const cmd = commandOf(m.text);
  if (!cmd) return false;
  const campaigns = await campaignsFor(db, m);
  if (!campaigns.length) return false;
  const rows: NewLedgerRow[] = [];
  const facts = await groupFacts(db, [...new Set(campaigns.map((c) => c.group_id))]);
  for (const { id, group_id } of campaigns) {
    const c = await getCampaign(db, id);
    const t = (key: string, vars: Record<string, string | number> = {}) => translate(campaignLanguage(c.name), key, { campaign: c.name, goal: c.goal, ...vars });
    let text: string;
    if (cmd === 'join') {
      try {
        const { created } = await enrol(db, id, m.memberId, { now: m.at });
        text = created ? t(c.kind === 'poster' ? 'campaign.bot.joinedPoster' : 'campaign.bot.joined') : t('campaign.bot.already');
      } catch (e) {
        if (!(e instanceof CampaignError)) throw e;
        continue;
      }
    } else {
      const p = await participantOf(db, id, m.memberId);
      if (!p) text = t('campaign.bot.notIn');
      else {
        const pr = await progressOf(db, p.id);
        // An expired link (a WeChat group QR after 7 days) is asked for again, not shown.
        await renewExpiredLinks(db, p.id, m.at);
        const link = (await linksOf(db, p.id)).find((l) => l.groupId === group_id)?.link ?? null;
        text = pr.completed
          ? t('campaign.bot.done', { qualified: pr.qualified })
          : t('campaign.bot.progress', { qualified: pr.qualified, pending: pr.pending, left: Math.max(0, c.goal - pr.qualified) });
        if (link) text += `\n${t('campaign.bot.link', { link })}`;
      }
    }
    const g = facts.get(group_id);
    if (!g?.channelActive) continue;
    const step = `campaign:reply:${m.memberId}:${m.messageId}`;
    if (m.groupId) rows.push(botRow(g, { step, action: 'post', memberId: m.memberId, content: { text }, now: m.at }));
    else if (g.caps.direct_message !== 'none' && m.privateChat) rows.push(botRow(g, { step, action: 'direct_message', memberId: m.memberId, content: { text, userId: m.privateChat }, now: m.at }));
    await queueRows(db, id, rows.splice(0));
  }
  return true;
}

/** Leaderboard posts due now: one row per campaign group; returns how many were queued. */
export async function postBoards(db: Db, now: Date): Promise<number> {
  const due = await sql<{ id: string; board_at: Date }>`
    SELECT id, board_at FROM campaigns WHERE state = 'active' AND board_seconds IS NOT NULL
      AND board_at + make_interval(secs => board_seconds) <= ${now.toISOString()}::timestamptz`.execute(db);
  let queued = 0;
  for (const d of due.rows) {
    // Claimed by moving board_at: two sweeps never post the same board.
    const claimed = await sql`UPDATE campaigns SET board_at = ${now.toISOString()}::timestamptz WHERE id = ${d.id} AND board_at = ${new Date(d.board_at).toISOString()}::timestamptz RETURNING 1`.execute(db);
    if (!claimed.rows.length) continue;
    const c = await getCampaign(db, d.id);
    if (!isLive(c, now)) continue;
    const lang = campaignLanguage(c.name);
    const top = await tallies(db, c.id, 10);
    const lines = top.length
      ? top.map((x, i) => translate(lang, 'campaign.board.line', { rank: i + 1, name: x.name, qualified: x.qualified, goal: c.goal }))
      : [translate(lang, 'campaign.board.empty', {})];
    const text = `${translate(lang, 'campaign.board.title', { campaign: c.name })}\n${lines.join('\n')}\n${translate(lang, 'campaign.board.footer', {})}`;
    const groups = (await sql<{ group_id: string }>`SELECT group_id FROM campaign_groups WHERE campaign_id = ${c.id} ORDER BY position`.execute(db)).rows.map((g) => g.group_id);
    const facts = await groupFacts(db, groups);
    const rows = [];
    for (const id of groups) {
      const g = facts.get(id);
      if (g?.channelActive && g.caps.post !== 'none') rows.push(botRow(g, { step: `campaign:board:${now.getTime()}`, action: 'post', content: { text }, now }));
    }
    queued += await queueRows(db, c.id, rows);
  }
  return queued;
}
