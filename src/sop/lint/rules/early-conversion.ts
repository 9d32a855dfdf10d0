// Seed 003 (pitfall 5, "selling products as soon as the community is created"): people who just
// joined have no trust in the group yet. Seed 001: new-user groups are "not about conversion, but
// about user experience", and die-hard fan groups should "avoid marketing conversion activities".
// Lead (fission) groups are the exception: seed 001 pairs them with traffic products and gives
// them 12–48 hours of life, so an offer inside that life is the design — only not in its first
// hours, while people are still joining and doing the task.

import { stepName, stepPath } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import { ageAt, describeLanding, earliest, startBounds } from '../timeline.ts';
import { duration, ordinal, plural } from '../words.ts';

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
      const why = sheet.community === 'fans' ? 'a die-hard fans group is kept free of selling' : 'a newcomer group is for the experience, not for selling';
      return conversions.map((s) => ({
        path: `${stepPath(s)}.kind`,
        message: `${stepName(s)} is a conversion step in a \`${sheet.community}\` sheet; ${why}`,
        hint: 'Remove the offer, or move it to a camp or delivery sheet these members graduate into.',
      }));
    }
    const creations = ctx.timeline.filter((l) => l.step.do === 'create_group');
    const starts = creations.length ? creations : ctx.timeline;
    const bounds = startBounds(starts);
    const created = earliest(creations);
    const start = earliest(starts);
    if (!start) return [];
    const since = created ? `it is created by ${stepName(created.step)} at ${describeLanding(created)}` : `its first step, ${stepName(start.step)}, is at ${describeLanding(start)}`;
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
          message: `${stepName(c.step)} sells ${gap.hi === 0 ? 'at the moment the group opens' : `${duration(gap.hi)} into the group's life`} (${since}); in a lead group, give people the first ${plural(leadHours, 'hour')} to join and do the task`,
          hint: `Move the offer to at least ${plural(leadHours, 'hour')} after the group opens, once the task is done.`,
        });
        continue;
      }
      const days = age.days;
      if (days.hi >= minDays) continue;
      reported.add(c.step.index);
      out.push({
        path: `${stepPath(c.step)}.at`,
        message: `${stepName(c.step)} sells at ${describeLanding(c)}, on the group's ${ordinal(days.hi + 1)} day (${since}); no selling in its first ${plural(minDays, 'day')}`,
        hint: `Move the offer to D${start.day.hi + minDays} or later, and spend the first days on welcome, rules and value: people who just joined do not trust the group yet.`,
      });
    }
    return out;
  },
};
