// Seed 002: "I will do a warm-up topic discussion in the group one day or two days before sending
// the link" — a link thrown into a cold group gets little attention and no trust. A lead (fission)
// group lives 12–48 hours, so there a warm-up earlier in its short life is what the seed asks for.

import { type Msg, msg } from '../../../i18n/index.ts';
import { stepPath, stepText } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import { describeLanding, type Landing, minutesBetween, startBounds } from '../timeline.ts';
import { countText } from '../words.ts';

const dayRange = (from: number, to: number): Msg =>
  from === to
    ? msg('lint.conversion-without-warmup.on', { a: `D${from}` })
    : msg(to === from + 1 ? 'lint.conversion-without-warmup.onOr' : 'lint.conversion-without-warmup.between', { a: `D${from}`, b: `D${to}` });

export const conversionWithoutWarmup: Rule = {
  info: {
    id: 'conversion-without-warmup',
    severity: 'warning',
    summary: 'each conversion has a warm-up step 1–2 days before it',
    defaults: { min_days: 1, max_days: 2, lead_min_hours: 1 },
  },
  check(ctx, options) {
    const minDays = options.min_days as number;
    const maxDays = options.max_days as number;
    const leadMinutes = (options.lead_min_hours as number) * 60;
    const lead = ctx.sheet.community === 'lead';
    const warmups = ctx.timeline.filter((l) => l.step.kind === 'warmup');
    const anyWarmup = ctx.sheet.steps.some((s) => s.kind === 'warmup');
    // Could some warm-up be in the right place for conversion `c`? Fire only when none could be.
    const anyFits = lead ? fitsLead(warmups, leadMinutes) : fitsDays(warmups, minDays, maxDays);
    const wanted = lead
      ? msg('lint.conversion-without-warmup.wantedLead', { hours: countText(options.lead_min_hours as number, 'hour') })
      : msg('lint.conversion-without-warmup.wantedDays', { min: minDays, max: maxDays });
    const out: Report[] = [];
    const reported = new Set<number>();
    for (const c of ctx.timeline) {
      if (c.step.kind !== 'conversion' || reported.has(c.step.index)) continue;
      if (anyFits(c)) continue;
      reported.add(c.step.index);
      const nearest = lastAtOrBefore(warmups, c.local.hi);
      const found = !warmups.length
        ? msg('lint.conversion-without-warmup.none')
        : nearest
          ? msg('lint.conversion-without-warmup.notInPlace', { step: stepText(nearest.step), when: describeLanding(nearest), wanted })
          : msg('lint.conversion-without-warmup.allAfter', { step: stepText(warmups[0].step), when: describeLanding(warmups[0]) });
      out.push({
        path: stepPath(c.step),
        message: msg('lint.conversion-without-warmup.message', { step: stepText(c.step), when: describeLanding(c), found, wanted }),
        hint: lead
          ? msg('lint.conversion-without-warmup.leadHint')
          : msg('lint.conversion-without-warmup.daysHint', { days: dayRange(c.day.lo - maxDays, c.day.hi - minDays) }),
      });
    }
    // A member-triggered offer has no place on the group timeline; it can only be judged when nothing warms up at all.
    if (!anyWarmup) {
      for (const s of ctx.eventSteps) {
        if (s.kind !== 'conversion') continue;
        out.push({
          path: stepPath(s),
          message: msg('lint.conversion-without-warmup.member', { step: stepText(s) }),
          hint: msg('lint.conversion-without-warmup.memberHint'),
        });
      }
    }
    return out;
  },
};

// A sheet may plan thousands of conversions and warm-ups; each question below is answered without
// comparing every pair (the answers are those of comparing every pair).

/**
 * Some warm-up is at least `lead` minutes before `c`: the largest possible gap comes from the
 * smallest bounds of the warm-ups on each clock, which `startBounds` keeps.
 */
function fitsLead(warmups: Landing[], lead: number): (c: Landing) => boolean {
  const bounds = startBounds(warmups);
  return (c) => bounds.some((w) => minutesBetween(w, c).hi >= lead);
}

/**
 * Some warm-up could be `min`–`max` days before `c`: `w.day.lo <= c.day.hi - min` and
 * `w.day.hi >= c.day.lo - max`. Sorted by `day.lo` with a running maximum of `day.hi`, that is one
 * binary search.
 */
function fitsDays(warmups: Landing[], min: number, max: number): (c: Landing) => boolean {
  const sorted = [...warmups].sort((a, b) => a.day.lo - b.day.lo);
  const maxHi: number[] = [];
  let m = Number.NEGATIVE_INFINITY;
  for (const w of sorted) {
    m = Math.max(m, w.day.hi);
    maxHi.push(m);
  }
  return (c) => {
    const i = lastIndex(sorted.length, (k) => sorted[k].day.lo <= c.day.hi - min);
    return i >= 0 && maxHi[i] >= c.day.lo - max;
  };
}

/** The last warm-up whose earliest time is at or before `minute` (the timeline is sorted by it). */
function lastAtOrBefore(warmups: Landing[], minute: number): Landing | undefined {
  const i = lastIndex(warmups.length, (k) => warmups[k].local.lo <= minute);
  return i >= 0 ? warmups[i] : undefined;
}

/** The last index for which `ok` holds, when it holds for a prefix of 0..n-1; -1 when for none. */
function lastIndex(n: number, ok: (k: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ok(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
