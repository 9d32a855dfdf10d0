// Seed 003 (pitfall 5, "selling products as soon as the community is created"): people who just
// joined have no trust in the group yet. Seed 001: new-user groups are "not about conversion, but
// about user experience", and die-hard fan groups should "avoid marketing conversion activities".
// Lead (fission) groups are the exception: seed 001 pairs them with traffic products and gives
// them 12–48 hours of life, so an offer inside that life is the design — only not in its first
// hours, while people are still joining and doing the task.

import { msg } from '../../../i18n/index.ts';
import { stepPath, stepText } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import { ageAt, describeLanding, earliest, startBounds } from '../timeline.ts';
import { countText, durationText, ordinalText } from '../words.ts';

const NO_SELLING = new Set(['newcomer', 'fans']);

export const earlyConversion: Rule = {
  info: {
    id: 'early-conversion',
    severity: 'warning',
    summary: "no conversion in a group's first 2 days, and none in newcomer and fans groups",
    defaults: { min_days: 2, lead_min_hours: 4 },
  },
  check(ctx, options) {
    const { sheet } = ctx;
    const conversions = sheet.steps.filter((s) => s.kind === 'conversion');
    if (!conversions.length) return [];
    if (NO_SELLING.has(sheet.community)) {
      const why = msg(sheet.community === 'fans' ? 'lint.early-conversion.whyFans' : 'lint.early-conversion.whyNewcomer');
      return conversions.map((s) => ({
        path: `${stepPath(s)}.kind`,
        message: msg('lint.early-conversion.noSelling', { step: stepText(s), community: sheet.community, why }),
        hint: msg('lint.early-conversion.noSellingHint'),
      }));
    }
    const creations = ctx.timeline.filter((l) => l.step.do === 'create_group');
    const starts = creations.length ? creations : ctx.timeline;
    const bounds = startBounds(starts);
    const created = earliest(creations);
    const start = earliest(starts);
    if (!start) return [];
    const since = created
      ? msg('lint.early-conversion.createdBy', { step: stepText(created.step), when: describeLanding(created) })
      : msg('lint.firstStep', { step: stepText(start.step), when: describeLanding(start) });
    const minDays = options.min_days as number;
    const leadHours = options.lead_min_hours as number;
    const out: Report[] = [];
    const reported = new Set<number>();
    for (const c of ctx.timeline) {
      if (c.step.kind !== 'conversion' || reported.has(c.step.index)) continue;
      const age = ageAt(bounds, c);
      const gap = age.minutes;
      if (gap.lo < 0) continue; // possibly before the group exists: not about the group's first days
      if (sheet.community === 'lead') {
        if (gap.hi >= leadHours * 60) continue;
        reported.add(c.step.index);
        out.push({
          path: `${stepPath(c.step)}.at`,
          message: msg('lint.early-conversion.leadEarly', {
            step: stepText(c.step),
            when: gap.hi === 0 ? msg('lint.early-conversion.atOpening') : msg('lint.early-conversion.into', { life: durationText(gap.hi) }),
            since,
            hours: countText(leadHours, 'hour'),
          }),
          hint: msg('lint.early-conversion.leadEarlyHint', { hours: countText(leadHours, 'hour') }),
        });
        continue;
      }
      const days = age.days;
      if (days.hi >= minDays) continue;
      reported.add(c.step.index);
      out.push({
        path: `${stepPath(c.step)}.at`,
        message: msg('lint.early-conversion.early', { step: stepText(c.step), when: describeLanding(c), nth: ordinalText(days.hi + 1), since, days: countText(minDays, 'day') }),
        hint: msg('lint.early-conversion.earlyHint', { day: `D${start.day.hi + minDays}` }),
      });
    }
    return out;
  },
};
