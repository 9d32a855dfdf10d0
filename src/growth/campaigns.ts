// Campaigns, the store side: making one (groups resolved from the selector now), its state
// (active, paused, ended), the list, and which a leader may see. The status board is in
// campaign-status.ts, enrolment in campaign-enrol.ts. docs/growth.md.

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { SelectorError, selectGroups } from '../community/groups.ts';
import { english, msg, type Text } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';
import { ensureRegroupLink } from './campaign-regroup-link.ts';
import { type CampaignRules, DEFAULT_RULES, rulesOf } from './campaign-rules.ts';
import { checkBackground, DEFAULT_LAYOUT, decodeBackground, MAX_SUBTITLE, MAX_TITLE, POSTER_LAYOUTS, PosterError } from './posters/index.ts';

export class CampaignError extends Error {
  readonly text: Text;
  readonly code: 'not_found' | 'invalid' | 'forbidden' | 'conflict';
  readonly field?: string;
  constructor(code: CampaignError['code'], text: Text, field?: string) {
    super(english(text));
    this.name = 'CampaignError';
    this.code = code;
    this.text = text;
    if (field) this.field = field;
  }
}

export const MAX_GROUPS = 100;
export const MAX_CODES = 100_000;

export interface PosterSettings {
  layout: string;
  title: string;
  subtitle?: string;
  /** A background image, base64 (PNG or JPEG). */
  background?: string;
}

export interface Reward {
  points?: number;
  /** Codes from the campaign's pool. */
  codes?: true;
  /** A task for staff (send the gift), in these words. */
  task?: string;
}

export interface CreateCampaign {
  kind: 'invite' | 'poster';
  groups: string;
  goal?: number;
  staySeconds?: number;
  newOnly?: boolean;
  cap?: number;
  rewardPoints?: number;
  rewardCodes?: string[];
  rewardTask?: string;
  regroup?: string;
  name?: string;
  until?: Date;
  review?: 'auto' | 'leader';
  boardSeconds?: number;
  /** The poster's settings; the layout defaults to `classic`, the title to the campaign's name. */
  poster?: Partial<PosterSettings>;
  actor?: string | null;
}

export interface CampaignRow {
  id: string;
  name: string;
  kind: 'invite' | 'poster';
  state: 'active' | 'paused' | 'ended';
  selector: string;
  goal: number;
  rules: CampaignRules;
  reward: Reward;
  regroupGroupId: string | null;
  until: Date | null;
  review: 'auto' | 'leader';
  boardSeconds: number | null;
  boardAt: Date | null;
  /** The poster's settings, without the background's bytes (`hasBackground` says whether it has one). */
  poster: Omit<PosterSettings, 'background'> | null;
  hasBackground: boolean;
  lowCodes: number;
  lowAlerted: boolean;
  createdAt: Date;
}

interface RawCampaign {
  id: string;
  name: string;
  kind: string;
  state: string;
  selector: string;
  goal: number;
  rules: unknown;
  reward: unknown;
  regroup_group_id: string | null;
  until: Date | null;
  review: string;
  board_seconds: number | null;
  board_at: Date | null;
  poster: unknown;
  has_background?: boolean | null;
  low_codes: number;
  low_alerted: boolean;
  created_at: Date;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export function toCampaign(r: RawCampaign): CampaignRow {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as CampaignRow['kind'],
    state: r.state as CampaignRow['state'],
    selector: r.selector,
    goal: r.goal,
    rules: rulesOf(json(r.rules)),
    reward: json<Reward>(r.reward) ?? {},
    regroupGroupId: r.regroup_group_id,
    until: r.until ? new Date(r.until) : null,
    review: r.review as CampaignRow['review'],
    boardSeconds: r.board_seconds,
    boardAt: r.board_at ? new Date(r.board_at) : null,
    poster: json<PosterSettings | null>(r.poster) ?? null,
    hasBackground: r.has_background === true,
    lowCodes: r.low_codes,
    lowAlerted: r.low_alerted,
    createdAt: new Date(r.created_at),
  };
}

export async function getCampaign(db: Db, id: string): Promise<CampaignRow> {
  // Without the poster's background (up to 7 MB of base64): read for the posters alone (backgroundOf).
  const r = await sql<RawCampaign>`
    SELECT id, name, kind, state, selector, goal, rules, reward, regroup_group_id, until, review, board_seconds, board_at,
      poster - 'background' AS poster, poster ? 'background' AS has_background, low_codes, low_alerted, created_at
    FROM campaigns WHERE id = ${id}`.execute(db);
  if (!r.rows[0]) throw new CampaignError('not_found', msg('campaign.notFound', { id }));
  return toCampaign(r.rows[0]);
}

/** The campaign's groups, in order. */
export async function campaignGroups(db: Db, id: string): Promise<{ id: string; name: string; leader: string | null; channelId: string; status: string }[]> {
  const r = await sql<{ id: string; name: string; leader: string | null; channel_id: string; status: string }>`
    SELECT g.id, g.name, g.leader, g.channel_id, g.status FROM campaign_groups cg JOIN groups g ON g.id = cg.group_id
    WHERE cg.campaign_id = ${id} ORDER BY cg.position`.execute(db);
  return r.rows.map((g) => ({ id: g.id, name: g.name, leader: g.leader, channelId: g.channel_id, status: g.status }));
}

/** The campaign, when the caller may see it: a leader only when it touches one of their groups. */
export async function visibleCampaign(db: Db, id: string, leader?: string): Promise<CampaignRow> {
  const c = await getCampaign(db, id);
  if (leader !== undefined && !(await campaignGroups(db, id)).some((g) => g.leader === leader)) throw new CampaignError('forbidden', msg('campaign.notYours', { id }));
  return c;
}

function invalid(key: string, field: string, vars?: Record<string, string | number>): never {
  throw new CampaignError('invalid', msg(key, vars), field);
}

async function groupsOf(db: Db, selector: string) {
  try {
    return await selectGroups(db, selector);
  } catch (e) {
    if (e instanceof SelectorError) throw new CampaignError('invalid', e.text, 'groups');
    throw e;
  }
}

/** Makes the campaign; its groups are the selector's active groups now, its code pool the codes given. */
export async function createCampaign(db: Db, o: CreateCampaign, now = new Date()): Promise<{ id: string }> {
  if (o.kind !== 'invite' && o.kind !== 'poster') invalid('campaign.badKind', 'kind');
  const groups = await groupsOf(db, o.groups);
  if (!groups.length) invalid('campaign.noGroups', 'groups', { selector: o.groups });
  if (groups.length > MAX_GROUPS) invalid('campaign.tooManyGroups', 'groups', { count: groups.length, max: MAX_GROUPS });
  let goal = 1;
  if (o.kind === 'invite') {
    if (o.goal === undefined) invalid('campaign.needsGoal', 'goal');
    goal = o.goal;
  }
  if (!Number.isInteger(goal) || goal < 1 || goal > 10_000) invalid('campaign.badGoal', 'goal');
  if (o.cap !== undefined && (!Number.isInteger(o.cap) || o.cap < 1 || o.cap > 100_000)) invalid('campaign.badCap', 'cap');
  const rewards = [o.rewardPoints !== undefined, o.rewardCodes !== undefined, o.rewardTask !== undefined].filter(Boolean).length;
  if (rewards > 1) invalid('campaign.oneReward', 'reward');
  if (o.rewardPoints !== undefined && (!Number.isSafeInteger(o.rewardPoints) || o.rewardPoints < 1 || o.rewardPoints > 1_000_000)) invalid('campaign.badPoints', 'rewardPoints');
  const codes = o.rewardCodes ? [...new Set(o.rewardCodes.map((c) => c.trim()).filter(Boolean))] : undefined;
  if (codes && !codes.length) invalid('campaign.noCodes', 'rewardCodes');
  if (codes && codes.length > MAX_CODES) invalid('campaign.tooManyCodes', 'rewardCodes', { max: MAX_CODES });
  if (codes?.some((c) => c.length > 200)) invalid('campaign.longCode', 'rewardCodes', { max: 200 });
  const task = o.rewardTask?.trim();
  if (o.rewardTask !== undefined && (!task || task.length > 1000)) invalid('campaign.badTask', 'rewardTask', { max: 1000 });
  let regroup: string | null = null;
  if (o.regroup !== undefined) {
    const picked = await groupsOf(db, o.regroup);
    if (picked.length !== 1) invalid('campaign.badRegroup', 'regroup', { group: o.regroup, count: picked.length });
    regroup = picked[0].id;
  }
  const name = (o.name ?? '').trim() || groups[0].name;
  if (name.length > 100) invalid('campaign.longName', 'name', { max: 100 });
  if (o.until && o.until.getTime() <= now.getTime()) invalid('campaign.pastUntil', 'until');
  if (o.review !== undefined && o.review !== 'auto' && o.review !== 'leader') invalid('campaign.badReview', 'review');
  const poster = o.poster ? posterSettings(o.poster, name) : null;
  const rules: CampaignRules = { ...DEFAULT_RULES, newOnly: o.newOnly ?? false, staySeconds: o.staySeconds ?? 0, cap: o.cap ?? null };
  const reward: Reward = o.rewardPoints !== undefined ? { points: o.rewardPoints } : codes ? { codes: true } : task ? { task } : {};
  const id = `cp_${randomBytes(6).toString('hex')}`;
  await db.transaction().execute(async (trx) => {
    await sql`INSERT INTO campaigns (id, name, kind, selector, goal, rules, reward, regroup_group_id, until, review, board_seconds, board_at, poster, created_by, created_at)
      VALUES (${id}, ${name}, ${o.kind}, ${o.groups}, ${goal}, ${JSON.stringify(rules)}::jsonb, ${JSON.stringify(reward)}::jsonb, ${regroup},
        ${o.until ? o.until.toISOString() : null}::timestamptz, ${o.review ?? 'auto'}, ${o.boardSeconds ?? null}, ${o.boardSeconds ? now.toISOString() : null}::timestamptz,
        ${poster ? JSON.stringify(poster) : null}::jsonb, ${o.actor ?? null}, ${now.toISOString()}::timestamptz)`.execute(trx);
    await sql`INSERT INTO campaign_groups (campaign_id, group_id, position)
      SELECT ${id}, g, n::int FROM unnest(${groups.map((g) => g.id)}::text[]) WITH ORDINALITY AS u(g, n)`.execute(trx);
    if (codes) {
      for (let i = 0; i < codes.length; i += 5000) {
        await sql`INSERT INTO campaign_codes (campaign_id, code) SELECT ${id}, c FROM unnest(${codes.slice(i, i + 5000)}::text[]) AS u(c)`.execute(trx);
      }
    }
    // The regroup group's own link, for the goodbye of a lead group that closes (lifecycle).
    await ensureRegroupLink(trx, id, now);
  });
  return { id };
}

/**
 * The poster's settings checked as renderPoster will check them (a known layout, the title and
 * subtitle within the posters' limits, a background that is a PNG or JPEG within their caps), so
 * a campaign made here can always render its participants' posters. The background is kept as
 * plain base64.
 */
function posterSettings(p: Partial<PosterSettings>, name: string): PosterSettings {
  const layout = p.layout?.trim() || DEFAULT_LAYOUT;
  if (!POSTER_LAYOUTS.some((l) => l.id === layout)) invalid('campaign.badLayout', 'poster.layout', { layout, layouts: POSTER_LAYOUTS.map((l) => l.id).join(', ') });
  const title = p.title?.trim() || [...name].slice(0, MAX_TITLE).join('');
  if ([...title].length > MAX_TITLE) invalid('campaign.badPosterTitle', 'poster.title', { max: MAX_TITLE });
  const subtitle = p.subtitle?.trim();
  if (subtitle && [...subtitle].length > MAX_SUBTITLE) invalid('campaign.badPosterTitle', 'poster.subtitle', { max: MAX_SUBTITLE });
  const out: PosterSettings = { layout, title, ...(subtitle ? { subtitle } : {}) };
  if (p.background !== undefined) {
    try {
      const bytes = decodeBackground(p.background);
      checkBackground(bytes);
      out.background = Buffer.from(bytes).toString('base64');
    } catch (e) {
      if (e instanceof PosterError) throw new CampaignError('invalid', e.text, 'poster.background');
      throw e;
    }
  }
  return out;
}

/** pause | resume | end. An ended campaign stays ended. */
export async function setCampaignState(db: Db, id: string, to: 'pause' | 'resume' | 'end', leader?: string): Promise<{ state: CampaignRow['state'] }> {
  const c = await visibleCampaign(db, id, leader);
  if (c.state === 'ended') throw new CampaignError('conflict', msg('campaign.ended', { id }));
  const state = to === 'pause' ? 'paused' : to === 'resume' ? 'active' : 'ended';
  await sql`UPDATE campaigns SET state = ${state} WHERE id = ${id}`.execute(db);
  return { state };
}

export interface CampaignListItem {
  id: string;
  name: string;
  kind: string;
  state: string;
  participants: number;
  completed: number;
  until: string | null;
}

export async function listCampaigns(db: Db, o: { leader?: string } = {}): Promise<CampaignListItem[]> {
  const r = await sql<{ id: string; name: string; kind: string; state: string; until: Date | null; participants: number; completed: number }>`
    SELECT c.id, c.name, c.kind, c.state, c.until,
      (SELECT count(*) FROM campaign_participants p WHERE p.campaign_id = c.id)::int AS participants,
      (SELECT count(*) FROM campaign_participants p WHERE p.campaign_id = c.id AND p.state = 'completed')::int AS completed
    FROM campaigns c
    WHERE ${o.leader === undefined ? sql`true` : sql`EXISTS (SELECT 1 FROM campaign_groups cg JOIN groups g ON g.id = cg.group_id WHERE cg.campaign_id = c.id AND g.leader = ${o.leader})`}
    ORDER BY c.created_at DESC, c.id
    LIMIT 500`.execute(db);
  return r.rows.map((c) => ({ id: c.id, name: c.name, kind: c.kind, state: c.state, participants: c.participants, completed: c.completed, until: c.until ? new Date(c.until).toISOString() : null }));
}

/** Whether the campaign takes part in things now: active and not past its end. */
export function isLive(c: Pick<CampaignRow, 'state' | 'until'>, now: Date): boolean {
  return c.state === 'active' && (!c.until || c.until.getTime() > now.getTime());
}
