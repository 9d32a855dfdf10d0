// Seed 000: "a group must be established 1 day in advance" — a group created and filled on the
// day rushes the staff, and people busy that day miss the invitation.

import { stepName, stepPath } from '../context.ts';
import type { Rule } from '../finding.ts';
import { describeAnchor, describeLanding, earliest } from '../timeline.ts';
import { plural, relativeDay } from '../words.ts';

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
    const where = first.day.lo === first.day.hi ? relativeDay(first.day.lo) : `no earlier than D${first.day.lo}`;
    return [
      {
        path: `${stepPath(first.step)}.at`,
        message: `${stepName(first.step)} creates the group at ${describeLanding(first)}, ${where}; it should exist at least ${plural(minDays, 'day')} before ${describeAnchor(ctx.sheet)}`,
        hint: `Create the group on D-${minDays} or earlier (for example \`at: D-${minDays} 09:00\`) so people have a day to join and read the rules.`,
      },
    ];
  },
};
