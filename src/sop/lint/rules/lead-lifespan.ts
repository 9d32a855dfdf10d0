// Seed 001: a lead (fission) group "only provides a user space to facilitate users to complete
// tasks… The general lifespan of this group is 12–48 hours. Please disband as soon as possible."
// Kept longer, it turns into an ad group; disbanded sooner, late joiners cannot finish the task.

import { stepName, stepPath } from '../context.ts';
import type { Rule } from '../finding.ts';
import { ageAt, describeLanding, earliest, startBounds } from '../timeline.ts';
import { duration } from '../words.ts';

export const leadLifespan: Rule = {
  info: {
    id: 'lead-lifespan',
    severity: 'warning',
    summary: 'a lead group is disbanded 12–48 hours after it is created',
    defaults: { min_hours: 12, max_hours: 48 },
  },
  check(ctx, options) {
    if (ctx.sheet.community !== 'lead') return [];
    const min = (options.min_hours as number) * 60;
    const max = (options.max_hours as number) * 60;
    const range = `${options.min_hours}–${options.max_hours} hours`;
    const creations = ctx.timeline.filter((l) => l.step.do === 'create_group');
    const starts = creations.length ? creations : ctx.timeline;
    const bounds = startBounds(starts);
    const created = earliest(creations);
    const start = earliest(starts);
    if (!start) return [];
    const since = created ? `${stepName(created.step)} creates it at ${describeLanding(created)}` : `its first step, ${stepName(start.step)}, is at ${describeLanding(start)}`;
    const disbands = ctx.timeline.filter((l) => l.step.do === 'disband');
    if (!disbands.length) {
      return [
        {
          path: stepPath(start.step),
          message: `this lead group is never disbanded (${since}); a fission group should live ${range}`,
          hint: `Add a \`do: disband\` step ${range} after the group is created; past that it turns into an ad group.`,
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
          message: `${stepName(short.end.step)} disbands the group at ${describeLanding(short.end)}, only ${duration(Math.max(0, short.life.hi))} after it opens (${since}); a fission group should live ${range} so late joiners can finish the task`,
          hint: `Disband it at least ${options.min_hours} hours after it is created.`,
        },
      ];
    }
    if (lives.every((x) => x.life.lo > max)) {
      const { end, life } = lives[0];
      return [
        {
          path: `${stepPath(end.step)}.at`,
          message: `${stepName(end.step)} disbands the group at ${describeLanding(end)}, ${duration(life.lo)} after it opens (${since}); a fission group should live ${range}`,
          hint: `Disband it within ${options.max_hours} hours of creating it, and move the people worth keeping into a newcomer or camp group first (\`do: move\`).`,
        },
      ];
    }
    return [];
  },
};
