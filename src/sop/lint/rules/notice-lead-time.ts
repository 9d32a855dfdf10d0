// Seed 000: "an event must be notified at least 2 days in advance" — people who hear about it on
// the day are busy and miss it.

import { stepName, stepPath } from '../context.ts';
import type { Rule } from '../finding.ts';
import { describeAnchor, describeLanding, earliest } from '../timeline.ts';
import { plural, relativeDay } from '../words.ts';

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
    const where = first.day.lo === first.day.hi ? relativeDay(first.day.lo) : `no earlier than D${first.day.lo}`;
    return [
      {
        path: `${stepPath(first.step)}.at`,
        message: `the first notice, ${stepName(first.step)}, goes out at ${when}, ${where}; people should hear about ${describeAnchor(ctx.sheet)} at least ${plural(minDays, 'day')} ahead`,
        hint: `Send the first notice on D-${minDays} or earlier (for example \`at: D-${minDays} 10:00\`); people told on the day are busy and miss it.`,
      },
    ];
  },
};
