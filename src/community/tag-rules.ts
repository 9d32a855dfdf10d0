// Tags, the pure part: what a tag may look like, and what adding and removing does to a list.
// Tags are written comma-separated on the command line and as `tag:<t>` in selectors, so a tag
// holds no comma and no `+`; 50 characters at most.

import { type Msg, msg } from '../i18n/index.ts';

export const MAX_TAG_LENGTH = 50;
export const MAX_TAGS_PER_CHANGE = 50;

/** Trimmed, unique tags, or the first problem naming the tag. */
export function readTags(list: readonly string[]): { tags: string[] } | { problem: Msg } {
  const out: string[] = [];
  for (const raw of list) {
    const t = raw.trim();
    if (!t) return { problem: msg('tags.empty') };
    if (t.length > MAX_TAG_LENGTH) return { problem: msg('tags.tooLong', { tag: t, max: MAX_TAG_LENGTH }) };
    if (/[,+]/.test(t)) return { problem: msg('tags.badChar', { tag: t }) };
    if (!out.includes(t)) out.push(t);
  }
  if (out.length > MAX_TAGS_PER_CHANGE) return { problem: msg('tags.tooMany', { max: MAX_TAGS_PER_CHANGE }) };
  return { tags: out };
}

/** A member's tags after a change: added ones appended in order, removed ones gone; what moved. */
export function applyTags(current: readonly string[], add: readonly string[], remove: readonly string[]) {
  const removing = new Set(remove);
  const kept = current.filter((t) => !removing.has(t));
  const added = add.filter((t, i) => !current.includes(t) && !removing.has(t) && add.indexOf(t) === i);
  const removed = current.filter((t) => removing.has(t));
  return { tags: [...kept, ...added], added, removed };
}
