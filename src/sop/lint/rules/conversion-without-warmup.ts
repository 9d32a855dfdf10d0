// Seed 002: "I will do a warm-up topic discussion in the group one day or two days before sending
// the link" — a link thrown into a cold group gets little attention and no trust. A lead (fission)
// group lives 12–48 hours, so there a warm-up earlier in its short life is what the seed asks for.

import { type Msg, msg } from '../../../i18n/index.ts';
import { stepPath, stepText } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import { daysBetween, describeLanding, type Landing, minutesBetween } from '../timeline.ts';
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
    // Could warm-up `w` be in the right place for conversion `c`? Fire only when no warm-up could be.
    const fits = (w: Landing, c: Landing): boolean => {
      if (lead) return minutesBetween(w, c).hi >= leadMinutes;
      const d = daysBetween(w, c);
      return d.hi >= minDays && d.lo <= maxDays;
    };
    const wanted = lead
      ? msg('lint.conversion-without-warmup.wantedLead', { hours: countText(options.lead_min_hours as number, 'hour') })
      : msg('lint.conversion-without-warmup.wantedDays', { min: minDays, max: maxDays });
    const out: Report[] = [];
    const reported = new Set<number>();
    for (const c of ctx.timeline) {
      if (c.step.kind !== 'conversion' || reported.has(c.step.index)) continue;
      if (warmups.some((w) => fits(w, c))) continue;
      reported.add(c.step.index);
      const nearest = warmups.filter((w) => w.local.lo <= c.local.hi).pop();
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
