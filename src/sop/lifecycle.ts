// Lifecycle defaults of the community types (DESIGN.md: "each type has lifecycle defaults (a lead
// group lives 12–48 h, then is disbanded)"), and when a run closes a group. Pure.
//
// Seed 001: a lead (fission) group "only provides a user space to facilitate users to complete
// tasks… The general lifespan of this group is 12–48 hours. Please disband as soon as possible."
// The `lead-lifespan` lint rule checks a sheet's own `disband` against the same range.

import type { Action, Community } from './types.ts';

export interface Lifecycle {
  /** The shortest and longest life the type allows (what `lead-lifespan` checks by default). */
  minHours: number;
  maxHours: number;
  /** How long the group lives when its sheet has no `disband` step. */
  defaultHours: number;
}

/** Only lead groups have a life that ends by itself; the other types live until someone ends them. */
export const LIFECYCLES: Readonly<Partial<Record<Community, Lifecycle>>> = {
  lead: { minHours: 12, maxHours: 48, defaultHours: 24 },
};

export function lifecycleOf(community: Community): Lifecycle | undefined {
  return LIFECYCLES[community];
}

/** How the close is laid out before its instant: the live-code seats go first, then the links, then the goodbye. */
export const CLOSE_LEAD_MINUTES = { seats: 10, revoke: 5, goodbye: 2 } as const;

export interface ClosePlan {
  /** When the group begins its life: the `create_group` step, else the first step. */
  startsAt: number;
  /** When it closes: the first `disband` step, else `startsAt` + the type's default lifespan. */
  closesAt: number;
  /** The sheet's own `disband` step that closes it, when it has one (that row is the close). */
  disbandStep?: string;
}

/**
 * When one group's life starts and ends, from its planned actions (due instants in ms). The start
 * is counted like `lead-lifespan` counts it: the group's creation, or the first step of the sheet.
 * Undefined for types without a lifecycle, and for a plan with nothing in it.
 */
export function closePlan(community: Community, planned: readonly { step: string; action: Action; dueMs: number }[]): ClosePlan | undefined {
  const life = lifecycleOf(community);
  if (!life || !planned.length) return undefined;
  const first = (action?: Action) => {
    let best: { step: string; dueMs: number } | undefined;
    for (const p of planned) if ((!action || p.action === action) && (!best || p.dueMs < best.dueMs)) best = p;
    return best;
  };
  const startsAt = (first('create_group') ?? first())!.dueMs;
  const disband = first('disband');
  if (disband) return { startsAt, closesAt: disband.dueMs, disbandStep: disband.step };
  return { startsAt, closesAt: startsAt + life.defaultHours * 3_600_000 };
}
