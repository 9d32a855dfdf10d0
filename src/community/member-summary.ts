// The member as lists show it: profile fields, identities, and the groups they are or were in
// (the latest stay per group, with their role there and how they came). Loaded for a page of ids
// at a time — three small queries keyed by member id, whatever the workspace's size.

import type { Db } from '../store/db.ts';

/** What a forgotten member's name is stored as; the edge words it in the reader's language. */
export const ERASED_NAME = '(erased)';

export interface MemberVia {
  link: string | null;
  inviter: string | null;
  scene: string | null;
}

export interface MemberGroup {
  group: string;
  groupName: string;
  role: string | null;
  joinedAt: string;
  leftAt: string | null;
  via: MemberVia | null;
}

export interface MemberSummary {
  id: string;
  name: string;
  identities: { channel: string; externalId: string; username: string | null }[];
  groups: MemberGroup[];
  stage: string;
  level: string;
  points: number;
  tags: string[];
  messages: number;
  checkins: number;
  lastActiveAt: string | null;
  blacklisted: boolean;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * Summaries for `ids`, in that order (ids not found are left out). `visibleGroups` (a leader)
 * keeps only those groups in `groups`.
 */
export async function memberSummaries(db: Db, ids: readonly string[], visibleGroups?: readonly string[]): Promise<MemberSummary[]> {
  if (!ids.length) return [];
  const list = [...ids];
  const [members, identities, stays, roles] = await Promise.all([
    db
      .selectFrom('members')
      .select(['id', 'name', 'stage', 'level', 'points', 'tags', 'messages', 'checkins', 'last_active_at', 'blacklisted_at'])
      .where('id', 'in', list)
      .execute(),
    db.selectFrom('member_identities').select(['member_id', 'channel_id', 'external_id', 'username']).where('member_id', 'in', list).orderBy('channel_id').execute(),
    (() => {
      // Group names come after, by id: a join here hashes every group of the workspace.
      let q = db
        .selectFrom('memberships')
        .select(['member_id', 'group_id', 'joined_at', 'left_at', 'via_link', 'inviter_member_id', 'scene'])
        .where('member_id', 'in', list);
      if (visibleGroups) q = visibleGroups.length ? q.where('group_id', 'in', [...visibleGroups]) : q.where((eb) => eb.val(false));
      return q.orderBy('joined_at').orderBy('id').execute();
    })(),
    db.selectFrom('member_roles').select(['member_id', 'group_id', 'role']).where('member_id', 'in', list).execute(),
  ]);
  const groupIds = [...new Set(stays.map((st) => st.group_id))];
  const groupNames = new Map(
    (groupIds.length ? await db.selectFrom('groups').select(['id', 'name']).where('id', 'in', groupIds).execute() : []).map((g) => [g.id, g.name]),
  );
  const byId = new Map(members.map((m) => [m.id, m]));
  const roleOf = new Map(roles.map((r) => [`${r.member_id} ${r.group_id}`, r.role]));
  const groupsOf = new Map<string, Map<string, MemberGroup>>();
  for (const s of stays) {
    // Later stays replace earlier ones: the latest stay per group is what the list shows.
    const per = groupsOf.get(s.member_id) ?? new Map<string, MemberGroup>();
    groupsOf.set(s.member_id, per);
    const via = s.via_link || s.inviter_member_id || s.scene ? { link: s.via_link, inviter: s.inviter_member_id, scene: s.scene } : null;
    per.set(s.group_id, {
      group: s.group_id,
      groupName: groupNames.get(s.group_id) ?? s.group_id,
      role: roleOf.get(`${s.member_id} ${s.group_id}`) ?? null,
      joinedAt: iso(s.joined_at) as string,
      leftAt: iso(s.left_at),
      via,
    });
  }
  const out: MemberSummary[] = [];
  for (const id of list) {
    const m = byId.get(id);
    if (!m) continue;
    out.push({
      id: m.id,
      name: m.name,
      identities: identities.filter((i) => i.member_id === id).map((i) => ({ channel: i.channel_id, externalId: i.external_id, username: i.username })),
      groups: [...(groupsOf.get(id)?.values() ?? [])],
      stage: m.stage,
      level: m.level,
      points: m.points,
      tags: m.tags,
      messages: m.messages,
      checkins: m.checkins,
      lastActiveAt: iso(m.last_active_at),
      blacklisted: m.blacklisted_at !== null,
    });
  }
  return out;
}
