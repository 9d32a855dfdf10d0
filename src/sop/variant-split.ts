// Which variant of a step each group (or member) gets. Pure and run-independent: the keys are the
// sheet id, the step id and the group's (or member's) id, so a preview, the start and any re-plan
// of the same run give the same split, on every machine (docs/sop-format.md, "Variants").
//
// - A step planned with the run (`at:`, `every:`): the run's groups are ordered by a stable hash
//   of (step, group) and dealt the variants in turn, so the split is exactly balanced — with two
//   variants over 101 groups, 51 and 50 — and as good as random with respect to anything about the
//   groups. It depends on the set of groups only, not on their order in the run.
// - A step triggered by a member event (`on:`) is decided per member by the same hash alone: members
//   arrive one at a time, so there is no list to deal; the split is even on average.

/** FNV-1a over the UTF-16 code units, then murmur3's finalizer so every bit of the result mixes. */
export function variantHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The key of a step across runs and versions: `<sheet id>/<step id>`. */
export function stepKeyOf(sheetId: string, stepId: string): string {
  return `${sheetId}/${stepId}`;
}

/** One group's (or member's) variant from the hash alone: deterministic, even on average. */
export function variantFor(stepKey: string, groupKey: string, variantIds: readonly string[]): string {
  if (!variantIds.length) throw new Error('variantFor needs at least one variant id');
  return variantIds[variantHash(`${stepKey}\u0000${groupKey}`) % variantIds.length];
}

/**
 * Every group's variant, balanced within one: groups sorted by their hash for this step (ties by
 * id), then dealt the variants in turn, starting at a variant the step's own hash picks (so the
 * first variant is not always the one with the extra group).
 */
export function splitVariants(stepKey: string, groupKeys: readonly string[], variantIds: readonly string[]): Map<string, string> {
  if (!variantIds.length) throw new Error('splitVariants needs at least one variant id');
  const keyed = [...new Set(groupKeys)].map((g) => ({ g, h: variantHash(`${stepKey}\u0000${g}`) }));
  keyed.sort((a, b) => a.h - b.h || (a.g < b.g ? -1 : a.g > b.g ? 1 : 0));
  const start = variantHash(stepKey) % variantIds.length;
  const out = new Map<string, string>();
  keyed.forEach(({ g }, rank) => {
    out.set(g, variantIds[(start + rank) % variantIds.length]);
  });
  return out;
}
