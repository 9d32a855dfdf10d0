// The relationship stage from a member's facts: the furthest stage whose rule holds (a rule holds
// when ANY of its counts is reached), so a member who ordered without ever joining is `customer`.
// Stages only move forward as events arrive (applyStage): leaving a group or an old activity
// falling out of the score never takes a stage back. A recompute reads the lifetime history, so
// stricter rules can lower a stage there (docs/people-rules.md). Pure.

import { STAGES, type Stage } from '../../sop/audience.ts';
import type { Fact, MemberFacts } from './facts.ts';
import type { Rules } from './rules.ts';

export const stageRank = (s: Stage): number => STAGES.indexOf(s);

/** The furthest stage the facts reach under the rules (`stranger` when none). */
export function stageFor(facts: Readonly<Record<Fact, number>>, rules: Rules): Stage {
  for (let i = STAGES.length - 1; i > 0; i--) {
    const stage = STAGES[i] as Exclude<Stage, 'stranger'>;
    const rule = rules.stages[stage];
    if (!rule) continue;
    for (const [fact, min] of Object.entries(rule) as [Fact, number | undefined][]) {
      if (min !== undefined && (facts[fact] ?? 0) >= min) return stage;
    }
  }
  return 'stranger';
}

/** The stage after an event: forward only. */
export function applyStage(facts: MemberFacts, rules: Rules): Stage {
  const next = stageFor(facts, rules);
  return stageRank(next) > stageRank(facts.stage) ? next : facts.stage;
}
