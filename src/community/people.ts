// The people in the team: the enabled user accounts, by sign-in name (what groups.leader and a
// task's assignee hold) and display name (what the console shows). A leader or an assignee who is
// not one of them reaches nobody: their tasks appear on no one's phone. Typed names are checked
// here; close matches are suggested for a typo ("linwie" → linwei).

import { english, type Msg, msg, type Value } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';

export interface Person {
  name: string;
  displayName: string;
  role: string;
}

/** Everyone who can sign in, by display name. */
export async function teamPeople(db: Db): Promise<Person[]> {
  const rows = await db.selectFrom('users').select(['name', 'display_name', 'role']).where('disabled', '=', false).orderBy('display_name').orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, displayName: r.display_name, role: r.role }));
}

/** Edit distance with swapped neighbours as one edit ("linwie" → "linwei"), for short names. */
export function distance(a: string, b: string): number {
  if (a === b) return 0;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * People whose name or display name is close to `typed`: the same ignoring case, one starting
 * with the other, or at most two edits apart (one for very short names). Closest first.
 */
export function closeMatches(typed: string, people: readonly Person[], max = 3): Person[] {
  const t = typed.trim().toLowerCase();
  if (!t) return [];
  const scored: { p: Person; score: number }[] = [];
  for (const p of people) {
    let best = Number.POSITIVE_INFINITY;
    for (const candidate of [p.name.toLowerCase(), p.displayName.toLowerCase()]) {
      if (candidate === t) best = Math.min(best, 0);
      else if (candidate.startsWith(t) || t.startsWith(candidate)) best = Math.min(best, 1);
      else {
        const d = distance(t, candidate);
        if (d <= (Math.min(t.length, candidate.length) <= 3 ? 1 : 2)) best = Math.min(best, d + 1);
      }
    }
    if (Number.isFinite(best)) scored.push({ p, score: best });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.p.name.localeCompare(b.p.name))
    .slice(0, max)
    .map((s) => s.p);
}

/**
 * `undefined` when `name` is a person in the team; otherwise a text that says so and suggests close
 * names (or adding the person), in the reader's language.
 */
export function unknownPersonText(name: string, people: readonly Person[], role: 'leader' | 'assignee'): Msg | undefined {
  if (people.some((p) => p.name === name)) return undefined;
  const near = closeMatches(name, people).map((p): Value => (p.displayName && p.displayName !== p.name ? msg('person.withDisplayName', { name: p.name, displayName: p.displayName }) : p.name));
  const suggestions = near.slice(1).reduce<Value | undefined>((a, b) => msg('person.or', { a: a!, b }), near[0]);
  const hint = suggestions !== undefined ? msg('person.didYouMean', { suggestions }) : msg('person.addOnTeamPage');
  return msg(role === 'leader' ? 'person.unknownLeader' : 'person.unknownAssignee', { name, hint });
}

/** The same in English (logs, the CLI). */
export function unknownPersonMessage(name: string, people: readonly Person[], role: 'leader' | 'assignee'): string | undefined {
  const text = unknownPersonText(name, people, role);
  return text && english(text);
}

/** Which of these leader names are not people in the team (the flag on groups and previews). */
export function strangers(names: readonly (string | null)[], people: readonly Person[]): Set<string> {
  const known = new Set(people.map((p) => p.name));
  return new Set(names.filter((n): n is string => !!n && !known.has(n)));
}
