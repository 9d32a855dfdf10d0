// Seed 000: "a group must be established 1 day in advance" — a group created and filled on the
// day rushes the staff, and people busy that day miss the invitation.

import { msg } from '../../../i18n/index.ts';
import { stepPath, stepText } from '../context.ts';
import type { Rule } from '../finding.ts';
import { describeAnchorText, describeLanding, earliest } from '../timeline.ts';
import { countText, relativeDayText } from '../words.ts';

export const groupLeadTime: Rule = {
  info: {
    id: 'group-lead-time',
    severity: 'warning',
    summary: 'the group is created at least 1 day before the anchor',
    defaults: { min_days: 1 },
  },
  check(ctx, options) {
    const minDays = options.min_days as number;
    const first = earliest(ctx.timeline.filter((l) => l.step.do === 'create_group'));
    if (!first || first.day.lo <= -minDays) return [];
    const where = first.day.lo === first.day.hi ? relativeDayText(first.day.lo) : msg('lint.day.noEarlier', { day: `D${first.day.lo}` });
    return [
      {
        path: `${stepPath(first.step)}.at`,
        message: msg('lint.group-lead-time.message', { step: stepText(first.step), when: describeLanding(first), where, days: countText(minDays, 'day'), anchor: describeAnchorText(ctx.sheet) }),
        hint: msg('lint.group-lead-time.hint', { min: minDays }),
      },
    ];
  },
};
