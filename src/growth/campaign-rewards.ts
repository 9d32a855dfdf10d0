// A completer's rewards, each given exactly once (campaign_rewards is keyed by participant and
// kind; only the insert that lands gives it): points on the points ledger, a code from the pool
// (taken by a conditional UPDATE with SKIP LOCKED, so two completions never get one code; the
// operators are told when the pool runs low or empty) delivered privately where the bot can, else
// as a task for the leader; a task for staff (send the gift); and the regroup — a personal invite
// into the campaign's `regroup` group in a private message where the bot can, else a task.

import { sql } from 'kysely';
import { changePoints } from '../community/points.ts';
import { msg, translate } from '../i18n/index.ts';
import type { NewLedgerRow } from '../run/ledger.ts';
import { memberLabel, messageDelivery, moveDelivery } from '../run/member-delivery.ts';
import type { Db } from '../store/db.ts';
import { alert, botRow, campaignLanguage, type GroupFacts, groupFacts, queueRows, taskRow } from './campaign-ops.ts';
import { getCampaign } from './campaigns.ts';

type Kind = 'points' | 'code' | 'task' | 'regroup';

async function claim(db: Db, participantId: number, kind: Kind, detail: Record<string, unknown>, now: Date): Promise<boolean> {
  const r = await sql`INSERT INTO campaign_rewards (participant_id, kind, detail, at) VALUES (${participantId}, ${kind}, ${JSON.stringify(detail)}::jsonb, ${now.toISOString()}::timestamptz)
    ON CONFLICT DO NOTHING RETURNING 1`.execute(db);
  return r.rows.length > 0;
}

interface Identity {
  channel_id: string;
  external_id: string;
  username: string | null;
  dm_chat_id: string | null;
}

async function identities(db: Db, memberId: string): Promise<Identity[]> {
  return (await sql<Identity>`SELECT channel_id, external_id, username, dm_chat_id FROM member_identities WHERE member_id = ${memberId} AND NOT is_bot`.execute(db)).rows;
}

/** Takes one free code of the pool for the participant; undefined when none is left. */
export async function takeCode(db: Db, campaignId: string, participantId: number, now: Date): Promise<string | undefined> {
  const r = await sql<{ code: string }>`
    UPDATE campaign_codes SET participant_id = ${participantId}, given_at = ${now.toISOString()}::timestamptz
    WHERE id = (SELECT id FROM campaign_codes WHERE campaign_id = ${campaignId} AND participant_id IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
      AND participant_id IS NULL
    RETURNING code`.execute(db);
  return r.rows[0]?.code;
}

export async function poolOf(db: Db, campaignId: string): Promise<{ total: number; remaining: number }> {
  const r = await sql<{ total: number; remaining: number }>`
    SELECT count(*)::int AS total, (count(*) FILTER (WHERE participant_id IS NULL))::int AS remaining FROM campaign_codes WHERE campaign_id = ${campaignId}`.execute(db);
  return r.rows[0] ?? { total: 0, remaining: 0 };
}

/** Gives the participant every reward of their campaign not given yet. */
export async function grantRewards(db: Db, participantId: number, now: Date): Promise<void> {
  const p = (await sql<{ campaign_id: string; member_id: string; name: string }>`
    SELECT p.campaign_id, p.member_id, m.name FROM campaign_participants p JOIN members m ON m.id = p.member_id WHERE p.id = ${participantId}`.execute(db)).rows[0];
  if (!p) return;
  const c = await getCampaign(db, p.campaign_id);
  const lang = campaignLanguage(c.name);
  const t = (key: string, vars: Record<string, string | number>) => translate(lang, key, { campaign: c.name, ...vars });
  const groupIds = (await sql<{ group_id: string }>`SELECT group_id FROM campaign_groups WHERE campaign_id = ${c.id} ORDER BY position`.execute(db)).rows.map((g) => g.group_id);
  const facts = await groupFacts(db, [...groupIds, ...(c.regroupGroupId ? [c.regroupGroupId] : [])]);
  const ids = await identities(db, p.member_id);
  // The campaign group the member is reachable from: one on a channel they have an identity on.
  const home = groupIds.map((g) => facts.get(g)!).find((g) => g && ids.some((i) => i.channel_id === g.channelId)) ?? facts.get(groupIds[0]);
  const rows: NewLedgerRow[] = [];
  const step = (what: string) => `campaign:${what}:${participantId}`;
  const privately = (g: GroupFacts, what: string, text: string, task: string) => {
    const id = ids.find((i) => i.channel_id === g.channelId);
    const d = messageDelivery({ kind: g.channelKind, caps: g.caps, executor: 'bot', ...(id ? { identity: { externalId: id.external_id, username: id.username, dmChatId: id.dm_chat_id } } : {}) });
    if (d.mode === 'bot' && g.channelActive) rows.push(botRow(g, { step: step(what), action: 'direct_message', memberId: p.member_id, content: { text, userId: d.userId }, now }));
    else rows.push(taskRow(g, { step: step(what), memberId: p.member_id, text: task, now }));
  };
  const label = (g: GroupFacts) => {
    const id = ids.find((i) => i.channel_id === g.channelId);
    return memberLabel(p.name, id ? { externalId: id.external_id, username: id.username } : undefined, g.channelKind);
  };

  if (c.reward.points && (await claim(db, participantId, 'points', { points: c.reward.points }, now))) {
    await changePoints(db, p.member_id, { delta: c.reward.points, reason: t('campaign.points.reason', {}), at: now, ...(home ? { groupId: home.id } : {}) });
  }
  if (c.reward.codes && home && (await claim(db, participantId, 'code', {}, now))) {
    const code = await takeCode(db, c.id, participantId, now);
    if (code) {
      await sql`UPDATE campaign_rewards SET detail = ${JSON.stringify({ code })}::jsonb WHERE participant_id = ${participantId} AND kind = 'code'`.execute(db);
      privately(home, 'code', t('campaign.dm.code', { code }), t('campaign.task.code', { member: label(home), code }));
    } else {
      rows.push(taskRow(home, { step: step('code'), memberId: p.member_id, text: t('campaign.task.noCode', { member: label(home) }), now }));
    }
    const pool = await poolOf(db, c.id);
    if (!code) await alert(db, msg('campaign.notice.poolEmpty', { campaign: c.name, member: p.name }));
    else if (pool.remaining < c.lowCodes) {
      // Told once, when it first falls below the mark.
      const first = await sql`UPDATE campaigns SET low_alerted = true WHERE id = ${c.id} AND NOT low_alerted RETURNING 1`.execute(db);
      if (first.rows.length) await alert(db, msg('campaign.notice.poolLow', { campaign: c.name, remaining: pool.remaining, total: pool.total }));
    }
  }
  if (c.reward.task && home && (await claim(db, participantId, 'task', {}, now))) {
    rows.push(taskRow(home, { step: step('gift'), memberId: p.member_id, text: t('campaign.task.gift', { member: label(home), task: c.reward.task }), now }));
  }
  const into = c.regroupGroupId ? facts.get(c.regroupGroupId) : undefined;
  if (into && (await claim(db, participantId, 'regroup', { group: into.id }, now))) {
    const id = ids.find((i) => i.channel_id === into.channelId);
    const external = (await db.selectFrom('groups').select('external_id').where('id', '=', into.id).executeTakeFirstOrThrow()).external_id;
    const d = moveDelivery({ kind: into.channelKind, caps: into.caps, executor: 'bot', ...(id ? { identity: { externalId: id.external_id, username: id.username, dmChatId: id.dm_chat_id } } : {}) });
    if (d.mode === 'bot' && into.channelActive) {
      rows.push(
        botRow(into, {
          step: step('regroup'),
          action: 'move',
          memberId: p.member_id,
          content: { text: t('campaign.dm.regroup', { group: into.name }), userId: d.userId, intoGroupId: into.id, intoChatId: external, into: into.name, member: { name: p.name } },
          now,
        }),
      );
    } else {
      rows.push(taskRow(into, { step: step('regroup'), memberId: p.member_id, text: t('campaign.task.regroup', { member: label(into), group: into.name }), now }));
    }
  }
  await queueRows(db, c.id, rows);
}
