// The bench's own members page (until the members list of src/community lands, and to compare
// with it): what `GET /api/members?limit=50&sort=lastActive` needs — one page of members by last
// active (newest first, never active last, then id, descending), picked by a selector within a scope. Ids
// and the member columns first (one query over members), then the details of those 50 only:
// identities, and groups with names and roles (two queries keyed by the 50 ids).

import type { Compilable } from 'kysely';
import { type AudienceScope, audienceQuery } from '../src/community/audience.ts';
import { type Db, sql } from '../src/store/db.ts';

export interface PageOptions {
  where: string;
  scope: AudienceScope;
  limit: number;
  /** Called with each query before it runs (the bench's EXPLAIN). */
  explain?: (name: string, query: Compilable) => Promise<void>;
}

export interface PageMember {
  id: string;
  name: string;
  stage: string;
  level: string;
  points: number;
  tags: string[];
  messages: number;
  checkins: number;
  lastActiveAt: Date | null;
  identities: { channel: string; externalId: string; username: string | null }[];
  groups: { group: string; name: string; role: string | null; joinedAt: Date; leftAt: Date | null; via: string | null }[];
}

export async function membersPage(db: Db, opts: PageOptions): Promise<PageMember[]> {
  const picked = (await audienceQuery(db, opts.where, opts.scope))
    .select(['members.name', 'members.stage', 'members.level', 'members.points', 'members.tags', 'members.messages', 'members.checkins', 'members.last_active_at'])
    .orderBy(sql`members.last_active_at DESC NULLS LAST`)
    .orderBy('members.id', 'desc')
    .limit(opts.limit);
  await opts.explain?.('ids', picked);
  const rows = await picked.execute();
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const identitiesQ = db.selectFrom('member_identities').select(['member_id', 'channel_id', 'external_id', 'username']).where('member_id', 'in', ids);
  const groupsQ = db
    .selectFrom('memberships')
    .innerJoin('groups', 'groups.id', 'memberships.group_id')
    .leftJoin('member_roles', (j) => j.onRef('member_roles.group_id', '=', 'memberships.group_id').onRef('member_roles.member_id', '=', 'memberships.member_id'))
    .select(['memberships.member_id', 'memberships.group_id', 'groups.name', 'member_roles.role', 'memberships.joined_at', 'memberships.left_at', 'memberships.via_link'])
    .where('memberships.member_id', 'in', ids)
    .orderBy('memberships.joined_at');
  await opts.explain?.('identities', identitiesQ);
  await opts.explain?.('groups', groupsQ);
  const [identities, groups] = await Promise.all([identitiesQ.execute(), groupsQ.execute()]);
  const byId = new Map<string, PageMember>();
  const page = rows.map((r) => {
    const m: PageMember = {
      id: r.id,
      name: r.name,
      stage: r.stage,
      level: r.level,
      points: r.points,
      tags: r.tags,
      messages: r.messages,
      checkins: r.checkins,
      lastActiveAt: r.last_active_at,
      identities: [],
      groups: [],
    };
    byId.set(r.id, m);
    return m;
  });
  for (const i of identities) byId.get(i.member_id)?.identities.push({ channel: i.channel_id, externalId: i.external_id, username: i.username });
  for (const g of groups) {
    byId.get(g.member_id)?.groups.push({ group: g.group_id, name: g.name, role: g.role, joinedAt: g.joined_at, leftAt: g.left_at, via: g.via_link });
  }
  return page;
}
