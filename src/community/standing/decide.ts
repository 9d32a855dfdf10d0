// One member's standing under the rules, at an event and at a run: the pure decisions the
// incremental path (apply.ts refreshStanding) and the recompute (apply.ts recomputeAll) share.

import type { Level, Stage } from '../../sop/audience.ts';
import type { MemberFacts } from './facts.ts';
import { promote, weeklyLevel } from './level.ts';
import type { Rewarded, Rules } from './rules.ts';
import { applyStage, stageFor } from './stage.ts';
import { ruleTags } from './tags.ts';

export interface Standing {
  stage: Stage;
  level: Level;
  tags: string[];
}

/** After an event: the stage moves forward only, the level is promoted at once, the tags follow their rules. */
export function afterEvent(facts: MemberFacts, rules: Rules, now: Date): Standing {
  return { stage: applyStage(facts, rules), level: promote(facts.level, facts.score, rules), tags: ruleTags(facts, rules.tags, now) };
}

/**
 * At a recompute from the whole history: the stage the lifetime facts reach (a rule change can
 * lower it), promotion at once, demotion only when `demote` (the weekly run), tags by rule.
 */
export function atRun(facts: MemberFacts, levelAt: Date | null, rules: Rules, now: Date, demote: boolean): Standing {
  return {
    stage: stageFor(facts, rules),
    level: demote ? weeklyLevel(facts.level, facts.score, levelAt, now, rules) : promote(facts.level, facts.score, rules),
    tags: ruleTags(facts, rules.tags, now),
  };
}

/** The score weight of an event (an invite weighs nothing yet: it counts once the invitee stayed, at a run). */
export function weightOf(kind: string, detail: Record<string, unknown> | undefined, rules: Rules): number {
  const w = rules.levels.weights;
  switch (kind) {
    case 'message':
      return w.message;
    case 'reply':
      return w.reply + (detail?.question === true ? w.answer : 0);
    case 'checkin':
      return w.checkin;
    default:
      return 0;
  }
}

/** The points rules an event triggers (a reply to a question triggers `reply` and `answer`). */
export function rewardsOf(kind: string, detail: Record<string, unknown> | undefined, rules: Rules): { rule: Rewarded; points: number; dailyCap: number }[] {
  const kinds: Rewarded[] = [];
  if (kind === 'message' || kind === 'reply' || kind === 'checkin' || kind === 'invite' || kind === 'join') kinds.push(kind);
  if (kind === 'reply' && detail?.question === true) kinds.push('answer');
  return kinds.flatMap((k) => {
    const r = rules.points[k];
    return r && r.points > 0 ? [{ rule: k, points: r.points, dailyCap: r.dailyCap }] : [];
  });
}
