// Seed 001: "A complete learning community operation cycle must have a feedback and review stage"
// — students rate the camp at its end; it opens a conversation with sales and shows what to fix.

import { msg } from '../../../i18n/index.ts';
import { stepPath, stepText } from '../context.ts';
import type { Rule } from '../finding.ts';
import type { Action, Step } from '../../types.ts';
import { describeLanding, type Landing } from '../timeline.ts';
import { countText } from '../words.ts';

/** Housekeeping after the camp is over does not move its end. */
const HOUSEKEEPING: ReadonlySet<Action> = new Set(['disband', 'tag', 'move', 'rename', 'task']);

const isFeedback = (s: Step): boolean => s.do === 'survey' || s.kind === 'feedback';

export const campFeedback: Rule = {
  info: {
    id: 'camp-feedback',
    severity: 'warning',
    summary: 'a training camp ends with a survey or feedback step',
    defaults: { within_days: 2 },
  },
  check(ctx, options) {
    if (ctx.sheet.community !== 'training_camp') return [];
    const within = options.within_days as number;
    let last: Landing | undefined;
    for (const l of ctx.timeline) if (!HOUSEKEEPING.has(l.step.do) && (!last || l.day.lo >= last.day.lo)) last = l;
    if (!last) return [];
    // The camp ends no earlier than `last.day.lo`; a feedback step is late enough if it could be within `within` days of that.
    const feedback = ctx.timeline.filter((l) => isFeedback(l.step));
    if (feedback.some((f) => f.day.hi >= last.day.lo - within)) return [];
    const latest = feedback.at(-1);
    if (!latest) {
      return [
        {
          path: stepPath(last.step),
          message: msg('lint.camp-feedback.none', { step: stepText(last.step), when: describeLanding(last) }),
          hint: msg('lint.camp-feedback.noneHint', { days: countText(within, 'day'), a: `D${last.day.lo}`, b: `D${last.day.lo + 1}` }),
        },
      ];
    }
    return [
      {
        path: `${stepPath(latest.step)}.at`,
        message: msg('lint.camp-feedback.early', { step: stepText(latest.step), when: describeLanding(latest), end: describeLanding(last), last: stepText(last.step), days: countText(within, 'day') }),
        hint: msg('lint.camp-feedback.earlyHint', { day: `D${last.day.lo - within}` }),
      },
    ];
  },
};
