// `chorus group list | add | set` — through the running server's API.

import type { ApiClient } from './api-client.ts';
import type { Io } from './io.ts';
import { table } from './table.ts';

interface PublicGroup {
  id: string;
  channelId: string;
  externalId: string;
  name: string;
  community: string | null;
  tags: string[];
  leader: string | null;
  /** false: the leader is not a person in the team, so the group's tasks reach nobody. */
  leaderInTeam?: boolean | null;
  memberCount: number | null;
  status: string;
}

const leaderOf = (g: PublicGroup) => (g.leader ? `${g.leader}${g.leaderInTeam === false ? ' (not in the team!)' : ''}` : null);

export interface GroupSetOptions {
  name?: string;
  leader?: string;
  community?: string;
  tag?: string[];
  json?: boolean;
}

function patchOf(o: GroupSetOptions): Record<string, unknown> {
  return {
    ...(o.name !== undefined ? { name: o.name } : {}),
    ...(o.leader !== undefined ? { leader: o.leader } : {}),
    ...(o.community !== undefined ? { community: o.community } : {}),
    ...(o.tag !== undefined ? { tags: o.tag } : {}),
  };
}

function describe(g: PublicGroup): string {
  const extra = [g.community, g.leader ? `leader ${leaderOf(g)}` : '', g.tags.length ? `tags ${g.tags.join(',')}` : '', g.memberCount !== null ? `${g.memberCount} members` : '']
    .filter(Boolean)
    .join(', ');
  return `"${g.name}" (${g.id}, ${g.externalId} on ${g.channelId})${extra ? `: ${extra}` : ''}`;
}

export async function groupList(io: Io, api: ApiClient, o: { groups?: string; json?: boolean }): Promise<number> {
  const { groups } = await api.get<{ groups: PublicGroup[] }>('/api/groups', { groups: o.groups });
  if (o.json) {
    io.out(JSON.stringify(groups, null, 2));
    return 0;
  }
  if (!groups.length) {
    io.out(o.groups ? `No active group matches "${o.groups}".` : 'No groups yet. Add one: chorus group add <channel> <group id on the platform>');
    return 0;
  }
  io.out(
    table(
      ['id', 'name', 'channel', 'platform id', 'community', 'leader', 'tags', 'members'],
      groups.map((g) => [g.id, g.name, g.channelId, g.externalId, g.community, leaderOf(g), g.tags.join(','), g.memberCount]),
    ),
  );
  io.out(`\n${groups.length} group${groups.length === 1 ? '' : 's'}`);
  const lost = groups.filter((g) => g.leaderInTeam === false).length;
  if (lost) io.out(`${lost === 1 ? '1 group has a leader' : `${lost} groups have a leader`} who is not in the team: their tasks reach nobody. Set one: chorus group set <group> --leader <name>`);
  return 0;
}

export async function groupAdd(io: Io, api: ApiClient, channel: string, externalId: string, o: GroupSetOptions): Promise<number> {
  const g = await api.post<PublicGroup>('/api/groups', { channel, externalId, ...patchOf(o) });
  io.out(o.json ? JSON.stringify(g, null, 2) : `Added group ${describe(g)}.`);
  return 0;
}

export async function groupSet(io: Io, api: ApiClient, id: string, o: GroupSetOptions): Promise<number> {
  const g = await api.patch<PublicGroup>(`/api/groups/${encodeURIComponent(id)}`, patchOf(o));
  io.out(o.json ? JSON.stringify(g, null, 2) : `Group ${describe(g)}.`);
  return 0;
}
