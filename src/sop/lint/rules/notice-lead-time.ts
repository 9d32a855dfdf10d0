// Seed 000: "an event must be notified at least 2 days in advance" — people who hear about it on
// the day are busy and miss it.

import { msg } from '../../../i18n/index.ts';
import { stepPath, stepText } from '../context.ts';
import type { Rule } from '../finding.ts';
import { describeAnchorText, describeLanding, earliest } from '../timeline.ts';
import { countText, relativeDayText } from '../words.ts';

export const noticeLeadTime: Rule = {
  info: {
    id: 'notice-lead-time',
    severity: 'warning',
    summary: 'the first notice goes out at least 2 days before the anchor',
    defaults: { min_days: 2 },
  },
  check(ctx, options) {
    const minDays = options.min_days as number;
    const first = earliest(ctx.timeline.filter((l) => l.step.do === 'notify'));
    // Fire only when even the earliest possible day is too late.
    if (!first || first.day.lo <= -minDays) return [];
    const when = describeLanding(first);
    const where = first.day.lo === first.day.hi ? relativeDayText(first.day.lo) : msg('lint.day.noEarlier', { day: `D${first.day.lo}` });
    return [
      {
        path: `${stepPath(first.step)}.at`,
        message: msg('lint.notice-lead-time.message', { step: stepText(first.step), when, where, anchor: describeAnchorText(ctx.sheet), days: countText(minDays, 'day') }),
        hint: msg('lint.notice-lead-time.hint', { min: minDays }),
      },
    ];
  },
};
