// Filtering and editing helpers for the group list: pure, so the list, the bulk bar and the
// tests agree on what a filter keeps and how tags are typed.

import type { Group } from '../../types.ts';

export interface GroupFilter {
  channel: string;
  community: string;
  tag: string;
  leader: string;
  text: string;
}

export const NO_FILTER: GroupFilter = { channel: '', community: '', tag: '', leader: '', text: '' };

/** The filter value that keeps groups where the field is not set (no leader, no community type). */
export const UNSET = '\u0000unset';

/** The leader filter value that keeps groups whose leader is not a person in the team. */
export const STRANGER = '\u0000stranger';

export function filterGroups(groups: Group[], f: GroupFilter): Group[] {
  const text = f.text.trim().toLowerCase();
  return groups.filter(
    (g) =>
      (!f.channel || g.channelId === f.channel) &&
      (!f.community || (f.community === UNSET ? g.community === null : g.community === f.community)) &&
      (!f.tag || g.tags.includes(f.tag)) &&
      (!f.leader || (f.leader === UNSET ? !g.leader : f.leader === STRANGER ? g.leaderInTeam === false : g.leader === f.leader)) &&
      (!text || g.name.toLowerCase().includes(text) || g.externalId.toLowerCase().includes(text) || g.id.toLowerCase().includes(text)),
  );
}

/** Distinct values for the filter menus, sorted. */
export function facets(groups: Group[]): { tags: string[]; leaders: string[] } {
  const tags = new Set<string>();
  const leaders = new Set<string>();
  for (const g of groups) {
    for (const t of g.tags) tags.add(t);
    if (g.leader) leaders.add(g.leader);
  }
  const sort = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { tags: sort(tags), leaders: sort(leaders) };
}

/** Tags as typed: separated by commas, spaces or the Chinese comma; duplicates dropped. */
export function readTags(input: string): string[] {
  return [...new Set(input.split(/[\s,，、+]+/).map((t) => t.trim()).filter(Boolean))];
}
