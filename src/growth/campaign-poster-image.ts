// A participant's poster (`chorus campaign poster`, GET /api/campaigns/:id/poster/:member): the
// campaign's poster settings (layout, title, subtitle, its own background) with the participant's
// name and personal link in the QR code, in the campaign's language. Only a participant has a
// poster — an operator enrols a member first (`campaign join`); nothing is enrolled here.
// docs/growth.md#posters.

import { sql } from 'kysely';
import { msg } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';
import { linksOf, participantOf, renewExpiredLinks } from './campaign-enrol.ts';
import { campaignLanguage } from './campaign-ops.ts';
import { CampaignError, type CampaignRow, type PosterSettings, visibleCampaign } from './campaigns.ts';
import { DEFAULT_LAYOUT, decodeBackground, MAX_NAME, MAX_TITLE, PosterError, renderPoster } from './posters/index.ts';

/** The campaign's poster settings, or the defaults: the classic layout with the campaign's name. */
export function posterSettingsOf(c: Pick<CampaignRow, 'name' | 'poster'>): Omit<PosterSettings, 'background'> {
  return c.poster ?? { layout: DEFAULT_LAYOUT, title: [...c.name].slice(0, MAX_TITLE).join('') };
}

/**
 * The participant's link for their poster: of the campaign group they are in now (the first such
 * by the campaign's order), else of the campaign's first group with a link.
 */
async function posterLink(db: Db, participantId: number, memberId: string): Promise<string | null> {
  const links = (await linksOf(db, participantId)).filter((l) => l.link);
  if (!links.length) return null;
  const inGroups = await sql<{ group_id: string }>`
    SELECT DISTINCT group_id FROM memberships WHERE member_id = ${memberId} AND left_at IS NULL AND group_id = ANY(${links.map((l) => l.groupId)}::text[])`.execute(db);
  const own = new Set(inGroups.rows.map((r) => r.group_id));
  return (links.find((l) => own.has(l.groupId)) ?? links[0]).link;
}

// A campaign's background is the same for each of its posters and never changes (the settings are
// fixed when the campaign is made): read and decoded once per campaign, and handed over as the
// same bytes, so renderPoster's cache of the scaled image finds it without hashing 5 MB again.
const backgrounds = new Map<string, Uint8Array>();

async function backgroundOf(db: Db, campaignId: string): Promise<Uint8Array | undefined> {
  const kept = backgrounds.get(campaignId);
  if (kept) return kept;
  const r = await sql<{ background: string | null }>`SELECT poster->>'background' AS background FROM campaigns WHERE id = ${campaignId}`.execute(db);
  const text = r.rows[0]?.background;
  if (!text) return undefined;
  const bytes = decodeBackground(text);
  backgrounds.set(campaignId, bytes);
  if (backgrounds.size > 4) backgrounds.delete(backgrounds.keys().next().value as string);
  return bytes;
}

export interface ParticipantPoster {
  png: Buffer;
  link: string;
  name: string;
}

export interface PosterOptions {
  leader?: string;
  now?: Date;
  /** How long to wait for a link the platform is still making (just enrolled, or renewed). */
  waitMs?: number;
  /** Wakes the dispatcher for a renewed link. */
  wake?: () => void;
}

/**
 * The member's poster in the campaign. CampaignError not_found when the member takes part in it
 * not (enrol them first), conflict when their personal link is not made yet; a leader only for
 * their groups' campaigns. An expired link (a WeChat group QR code after 7 days) is asked for
 * again first, so a poster never carries a dead code.
 */
export async function participantPoster(db: Db, campaignId: string, memberId: string, o: PosterOptions = {}): Promise<ParticipantPoster> {
  const c = await visibleCampaign(db, campaignId, o.leader);
  const p = await participantOf(db, campaignId, memberId);
  const member = await db.selectFrom('members').select('name').where('id', '=', memberId).executeTakeFirst();
  if (!member) throw new CampaignError('not_found', msg('campaign.noMember', { member: memberId }), 'member');
  if (!p) throw new CampaignError('not_found', msg('campaign.poster.notParticipant', { member: member.name, ref: memberId, id: campaignId }), 'member');
  if (await renewExpiredLinks(db, p.id, o.now ?? new Date())) o.wake?.();
  const deadline = Date.now() + (o.waitMs ?? 0);
  let link = await posterLink(db, p.id, memberId);
  while (!link && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    link = await posterLink(db, p.id, memberId);
  }
  if (!link) throw new CampaignError('conflict', msg('campaign.poster.noLink', { member: member.name, id: campaignId }), 'member');
  const settings = posterSettingsOf(c);
  const background = c.hasBackground ? await backgroundOf(db, c.id) : undefined;
  try {
    const png = await renderPoster({
      layout: settings.layout,
      title: settings.title,
      ...(settings.subtitle ? { subtitle: settings.subtitle } : {}),
      name: [...member.name.trim()].slice(0, MAX_NAME).join('') || '—',
      url: link,
      ...(background ? { background } : {}),
      locale: campaignLanguage(`${c.name} ${settings.title}`),
    });
    return { png, link, name: member.name };
  } catch (e) {
    // A link the QR code cannot hold (not http(s), too long): the platform's link, so a conflict.
    if (e instanceof PosterError) throw new CampaignError(e.code === 'invalid_link' ? 'conflict' : 'invalid', e.text, e.field === 'url' ? 'member' : `poster.${e.field}`);
    throw e;
  }
}
