// Seed 000: "no less than 3 notifications must be made 12 hours in advance" of an event people
// must attend. A fan club's month or a delivery group has no such moment, hence `communities`.

import { msg } from '../../../i18n/index.ts';
import type { Rule } from '../finding.ts';
import { describeAnchorText, describeClock } from '../timeline.ts';
import type { Action, Community } from '../../types.ts';
import { countText } from '../words.ts';

const REMINDING: ReadonlySet<Action> = new Set(['notify', 'post', 'direct_message', 'remind', 'announce']);

export const finalReminders: Rule = {
  info: {
    id: 'final-reminders',
    severity: 'warning',
    summary: 'at least 3 notices or posts in the 12 hours before an event people must attend',
    defaults: { min_count: 3, hours: 12, communities: ['training_camp', 'lead', 'local'] },
  },
  check(ctx, options) {
    const minCount = options.min_count as number;
    const window = (options.hours as number) * 60;
    if (!(options.communities as Community[]).includes(ctx.sheet.community)) return [];
    // Possibly inside [anchor - window, anchor]: a message exactly at the anchor is the last call and counts.
    const possible = ctx.timeline.filter(
      (l) => REMINDING.has(l.step.do) && l.fromAnchor.hi >= -window && l.fromAnchor.lo <= 0,
    );
    if (possible.length >= minCount) return [];
    const hours = options.hours as number;
    // `min_count` may be set high; name the first few, count the rest.
    const shown = possible
      .slice(0, 5)
      .map((l) => `\`${l.step.id}\` at ${describeClock(l)}`)
      .join(', ');
    const listed = possible.length > 5 ? msg('lint.andMore', { shown, count: possible.length - 5 }) : shown;
    const within = { hours: countText(hours, 'hour'), anchor: describeAnchorText(ctx.sheet), min: minCount };
    return [
      {
        path: 'anchor',
        message: possible.length === 0 ? msg('lint.final-reminders.none', within) : msg('lint.final-reminders.few', { ...within, count: possible.length, listed }),
        hint: msg('lint.final-reminders.hint', { count: minCount - possible.length, hours }),
      },
    ];
  },
};
