// Seed 001: a lead (fission) group "only provides a user space to facilitate users to complete
// tasks… The general lifespan of this group is 12–48 hours. Please disband as soon as possible."
// Kept longer, it turns into an ad group; disbanded sooner, late joiners cannot finish the task.

import { msg } from '../../../i18n/index.ts';
import { LIFECYCLES } from '../../lifecycle.ts';
import { stepPath, stepText } from '../context.ts';
import type { Rule } from '../finding.ts';
import { ageAt, describeLanding, earliest, startBounds } from '../timeline.ts';
import { durationText } from '../words.ts';

export const leadLifespan: Rule = {
  info: {
    id: 'lead-lifespan',
    severity: 'warning',
    summary: 'a lead group is disbanded 12–48 hours after it is created',
    defaults: { min_hours: LIFECYCLES.lead!.minHours, max_hours: LIFECYCLES.lead!.maxHours },
  },
  check(ctx, options) {
    if (ctx.sheet.community !== 'lead') return [];
    const min = (options.min_hours as number) * 60;
    const max = (options.max_hours as number) * 60;
    const range = msg('lint.lead-lifespan.range', { min: options.min_hours as number, max: options.max_hours as number });
    const creations = ctx.timeline.filter((l) => l.step.do === 'create_group');
    const starts = creations.length ? creations : ctx.timeline;
    const bounds = startBounds(starts);
    const created = earliest(creations);
    const start = earliest(starts);
    if (!start) return [];
    const since = created
      ? msg('lint.lead-lifespan.createdBy', { step: stepText(created.step), when: describeLanding(created) })
      : msg('lint.firstStep', { step: stepText(start.step), when: describeLanding(start) });
    const disbands = ctx.timeline.filter((l) => l.step.do === 'disband');
    if (!disbands.length) {
      return [
        {
          path: stepPath(start.step),
          message: msg('lint.lead-lifespan.never', { since, range }),
          hint: msg('lint.lead-lifespan.neverHint', { range }),
        },
      ];
    }
    // The group ends at its first disband. Too short if some disband surely comes too early; too long
    // only if every disband surely comes too late (which one is first may not be known).
    const lives = disbands.map((end) => ({ end, life: ageAt(bounds, end).minutes }));
    const short = lives.find((x) => x.life.hi < min);
    if (short) {
      return [
        {
          path: `${stepPath(short.end.step)}.at`,
          message: msg('lint.lead-lifespan.short', { step: stepText(short.end.step), when: describeLanding(short.end), life: durationText(Math.max(0, short.life.hi)), since, range }),
          hint: msg('lint.lead-lifespan.shortHint', { min: options.min_hours as number }),
        },
      ];
    }
    if (lives.every((x) => x.life.lo > max)) {
      const { end, life } = lives[0];
      return [
        {
          path: `${stepPath(end.step)}.at`,
          message: msg('lint.lead-lifespan.long', { step: stepText(end.step), when: describeLanding(end), life: durationText(life.lo), since, range }),
          hint: msg('lint.lead-lifespan.longHint', { max: options.max_hours as number }),
        },
      ];
    }
    return [];
  },
};
