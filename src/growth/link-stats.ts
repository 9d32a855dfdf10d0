// A tracked link's figures: clicks, the members who clicked, clicks and conversions by group and
// by step. A conversion is an order (src/community/orders.ts) whose member's last tracked click
// before it — within the attribution window, default 7 days — was on this link: the last click
// wins, computed when asked, so an order imported late is attributed like one that came live.

import { type Db, sql } from '../store/db.ts';

export const DEFAULT_WINDOW_DAYS = 7;

/** CHORUS_ATTRIBUTION_WINDOW (`7d`, `48h`), else 7 days. Pure. */
export function attributionWindowMs(env: NodeJS.ProcessEnv = process.env): number {
  const m = env.CHORUS_ATTRIBUTION_WINDOW?.trim().match(/^(\d+)\s*([hd])$/);
  if (!m) return DEFAULT_WINDOW_DAYS * 86_400_000;
  return Number(m[1]) * (m[2] === 'd' ? 86_400_000 : 3_600_000);
}

export interface LinkStats {
  id: string;
  url: string;
  name: string | null;
  run: string | null;
  clicks: number;
  members: number;
  byGroup: { group: string; name: string; clicks: number; conversions: number }[];
  byStep: { step: string; clicks: number; conversions: number }[];
  conversions: number;
}

export interface LinkSummary {
  id: string;
  url: string;
  name: string | null;
  run: string | null;
  createdAt: Date;
  clicks: number;
}

/** The groups a link was sent to (a link made by hand has none). */
export async function linkGroups(db: Db, linkId: string): Promise<string[]> {
  const rows = await db.selectFrom('link_slugs').select('group_id').distinct().where('link_id', '=', linkId).where('group_id', '<>', '').execute();
  return rows.map((r) => r.group_id);
}

/** The figures of one link, counting only `groups` when given (a leader's). Undefined when there is no such link. */
export async function linkStats(db: Db, linkId: string, opts: { groups?: readonly string[]; windowMs?: number } = {}): Promise<LinkStats | undefined> {
  const link = await db.selectFrom('links').select(['id', 'url', 'name', 'run_id']).where('id', '=', linkId).executeTakeFirst();
  if (!link) return undefined;
  const scope = opts.groups ? sql`AND c.group_id = ANY(${sql.val([...opts.groups])}::text[])` : sql``;
  const windowMs = opts.windowMs ?? attributionWindowMs();
  const clicks = await sql<{ group_id: string; step_id: string; clicks: number; members: string[] }>`
    SELECT c.group_id, c.step_id, count(*)::int AS clicks, array_agg(DISTINCT c.member_id) FILTER (WHERE c.member_id <> '') AS members
      FROM link_clicks c WHERE c.link_id = ${linkId} ${scope}
     GROUP BY c.group_id, c.step_id`.execute(db);
  // Each order's member's last click before it, within the window; the order converts for that click's link.
  const conv = await sql<{ group_id: string; step_id: string; n: number }>`
    SELECT last.group_id, last.step_id, count(*)::int AS n
      FROM orders o
      JOIN LATERAL (
        SELECT c.link_id, c.group_id, c.step_id FROM link_clicks c
         WHERE c.member_id = o.member_id AND c.at <= o.at AND c.at > o.at - ${sql.lit(`${Math.round(windowMs / 1000)} seconds`)}::interval
         ORDER BY c.at DESC, c.id DESC LIMIT 1
      ) last ON true
     WHERE o.member_id IN (SELECT DISTINCT member_id FROM link_clicks WHERE link_id = ${linkId} AND member_id <> '')
       AND last.link_id = ${linkId} ${opts.groups ? sql`AND last.group_id = ANY(${sql.val([...opts.groups])}::text[])` : sql``}
     GROUP BY last.group_id, last.step_id`.execute(db);
  const groupIds = [...new Set([...clicks.rows, ...conv.rows].map((r) => r.group_id).filter(Boolean))];
  const names = new Map(
    groupIds.length ? (await db.selectFrom('groups').select(['id', 'name']).where('id', 'in', groupIds).execute()).map((g) => [g.id, g.name] as const) : [],
  );
  const byGroup = new Map<string, { group: string; name: string; clicks: number; conversions: number }>();
  const byStep = new Map<string, { step: string; clicks: number; conversions: number }>();
  const members = new Set<string>();
  let total = 0;
  let conversions = 0;
  const g = (id: string) => {
    let e = byGroup.get(id);
    if (!e) {
      e = { group: id, name: names.get(id) ?? id, clicks: 0, conversions: 0 };
      byGroup.set(id, e);
    }
    return e;
  };
  const s = (id: string) => {
    let e = byStep.get(id);
    if (!e) {
      e = { step: id, clicks: 0, conversions: 0 };
      byStep.set(id, e);
    }
    return e;
  };
  for (const r of clicks.rows) {
    total += Number(r.clicks);
    for (const m of r.members ?? []) members.add(m);
    if (r.group_id) g(r.group_id).clicks += Number(r.clicks);
    if (r.step_id) s(r.step_id).clicks += Number(r.clicks);
  }
  for (const r of conv.rows) {
    conversions += Number(r.n);
    if (r.group_id) g(r.group_id).conversions += Number(r.n);
    if (r.step_id) s(r.step_id).conversions += Number(r.n);
  }
  const order = <T extends { clicks: number }>(a: T, b: T) => b.clicks - a.clicks;
  return {
    id: link.id,
    url: link.url,
    name: link.name,
    run: link.run_id || null,
    clicks: total,
    members: members.size,
    byGroup: [...byGroup.values()].sort(order),
    byStep: [...byStep.values()].sort(order),
    conversions,
  };
}

/** Links, newest first, with their clicks (only `groups`' when given, and then only links sent there). */
export async function listLinks(db: Db, opts: { groups?: readonly string[]; limit?: number } = {}): Promise<LinkSummary[]> {
  const scoped = opts.groups;
  const rows = await sql<{ id: string; url: string; name: string | null; run_id: string; created_at: Date; clicks: number }>`
    SELECT l.id, l.url, l.name, l.run_id, l.created_at,
           (SELECT count(*)::int FROM link_clicks c WHERE c.link_id = l.id ${scoped ? sql`AND c.group_id = ANY(${sql.val([...scoped])}::text[])` : sql``}) AS clicks
      FROM links l
     ${scoped ? sql`WHERE EXISTS (SELECT 1 FROM link_slugs s WHERE s.link_id = l.id AND s.group_id = ANY(${sql.val([...scoped])}::text[]))` : sql``}
     ORDER BY l.created_at DESC, l.id LIMIT ${opts.limit ?? 200}`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, url: r.url, name: r.name, run: r.run_id || null, createdAt: new Date(r.created_at), clicks: Number(r.clicks) }));
}
