// Seed 000's cadence — pushes at 07:00, 08:00, 12:00, 18:00 and 20:00 — is the most a group
// should get in a day; more, or messages bunched together, bury the one that matters and make
// people mute the group.

import { msg } from '../../../i18n/index.ts';
import { stepPath, stepText } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import { GROUP_MESSAGE_ACTIONS, type Step } from '../../types.ts';
import { describeClock, describeLanding, isExact, type Landing, minutesBetween } from '../timeline.ts';
import { countText, dayListText } from '../words.ts';

function tooMany(group: Landing[], maxPosts: number): Report[] {
  // Count only landings whose local day is known; a T-step without anchor_time could be on either side of midnight.
  const byDay = new Map<number, Landing[]>();
  for (const l of group) {
    if (!isExact(l.local)) continue;
    const list = byDay.get(l.day.lo) ?? [];
    list.push(l);
    byDay.set(l.day.lo, list);
  }
  // One finding per step, naming the first day it is over the limit: the landings before it on that
  // day are a slice of that day's list (not a copy), and the message names only the first few, so
  // a sheet of thousands of messages a day still gets findings of a few lines each.
  const excess = new Map<Step, { days: number[]; list: Landing[]; rank: number }>();
  for (const [day, list] of byDay) {
    for (let i = maxPosts; i < list.length; i++) {
      const hit = excess.get(list[i].step);
      if (hit) hit.days.push(day);
      else excess.set(list[i].step, { days: [day], list, rank: i + 1 });
    }
  }
  return [...excess.values()].map(({ days, list, rank }) => {
    const self = list[rank - 1];
    const earlier = rank - 1;
    const shown = list.slice(0, Math.min(earlier, SHOWN)).map(describeClock).join(', ');
    const clocks = earlier > SHOWN ? msg('lint.andMore', { shown, count: earlier - SHOWN }) : shown;
    return {
      path: `${stepPath(self.step)}.at`,
      message: msg('lint.daily-density.tooMany', { count: earlier, days: dayListText(days), clocks, step: stepText(self.step), time: describeClock(self), rank, max: maxPosts }),
      hint: msg('lint.daily-density.tooManyHint', { rank }),
    };
  });
}

/** Earlier messages of the day named in a finding; the rest are counted. */
const SHOWN = 5;

function tooClose(group: Landing[], minGap: number): Report[] {
  // Compare neighbours on a clock both know exactly: all of them with anchor_time; otherwise D-steps among
  // themselves and T-steps among themselves.
  const local = group.filter((l) => l.clock !== 'anchor');
  const anchored = group.filter((l) => l.clock === 'anchor').sort((a, b) => a.fromAnchor.lo - b.fromAnchor.lo);
  const pairs = new Map<string, { days: number[]; earlier: Landing; later: Landing; gap: number }>();
  for (const seq of [local, anchored]) {
    for (let i = 1; i < seq.length; i++) {
      const gap = minutesBetween(seq[i - 1], seq[i]).lo;
      if (gap >= minGap) continue;
      const key = `${seq[i - 1].step.index}:${seq[i].step.index}`;
      const hit = pairs.get(key);
      if (hit) hit.days.push(seq[i].day.lo);
      else pairs.set(key, { days: [seq[i].day.lo], earlier: seq[i - 1], later: seq[i], gap });
    }
  }
  return [...pairs.values()].map(({ days, earlier, later, gap }) => {
    const after =
      gap === 0
        ? msg('lint.daily-density.sameTime', { step: stepText(earlier.step) })
        : msg('lint.daily-density.after', { minutes: countText(gap, 'minute'), step: stepText(earlier.step), time: describeClock(earlier) });
    const vars = { step: stepText(later.step), time: isExact(later.local) ? describeClock(later) : describeLanding(later), after, gap: countText(minGap, 'minute') };
    return {
      path: `${stepPath(later.step)}.at`,
      message: isExact(later.local) ? msg('lint.daily-density.tooCloseOn', { ...vars, days: dayListText(days) }) : msg('lint.daily-density.tooClose', vars),
      hint: msg('lint.daily-density.tooCloseHint', { gap: countText(minGap, 'minute'), id: earlier.step.id }),
    };
  });
}

export const dailyDensity: Rule = {
  info: {
    id: 'daily-density',
    severity: 'warning',
    summary: 'at most 5 group messages a day, at least 30 minutes apart',
    defaults: { max_posts: 5, min_gap_minutes: 30 },
  },
  check(ctx, options) {
    const group = ctx.timeline.filter((l) => GROUP_MESSAGE_ACTIONS.has(l.step.do));
    // Ordered by time then sheet order (timeline order), so "the 6th" is the 6th to land.
    return [...tooMany(group, options.max_posts as number), ...tooClose(group, options.min_gap_minutes as number)];
  },
};
