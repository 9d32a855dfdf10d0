// Seed 002: "I will do a warm-up topic discussion in the group one day or two days before sending
// the link" — a link thrown into a cold group gets little attention and no trust. A lead (fission)
// group lives 12–48 hours, so there a warm-up earlier in its short life is what the seed asks for.

import { stepName, stepPath } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import { daysBetween, describeLanding, type Landing, minutesBetween } from '../timeline.ts';
import { plural } from '../words.ts';

const dayRange = (from: number, to: number): string =>
  from === to ? `on D${from}` : to === from + 1 ? `on D${from} or D${to}` : `between D${from} and D${to}`;

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
    const wanted = lead ? `at least ${plural(options.lead_min_hours as number, 'hour')} before it` : `${minDays}–${maxDays} days before it`;
    const out: Report[] = [];
    const reported = new Set<number>();
    for (const c of ctx.timeline) {
      if (c.step.kind !== 'conversion' || reported.has(c.step.index)) continue;
      if (warmups.some((w) => fits(w, c))) continue;
      reported.add(c.step.index);
      const nearest = warmups.filter((w) => w.local.lo <= c.local.hi).pop();
      const found = !warmups.length
        ? 'but no warm-up step (`kind: warmup`) comes before it'
        : nearest
          ? `but the nearest warm-up, ${stepName(nearest.step)} at ${describeLanding(nearest)}, is not ${wanted}`
          : `but every warm-up comes after it (the first is ${stepName(warmups[0].step)} at ${describeLanding(warmups[0])})`;
      out.push({
        path: stepPath(c.step),
        message: `${stepName(c.step)} sells (\`kind: conversion\`) at ${describeLanding(c)}, ${found}; warm the group up ${wanted}`,
        hint: lead
          ? 'Add a post with `kind: warmup` earlier in the group\'s life — a question or a story about the problem the offer solves.'
          : `Add a post with \`kind: warmup\` ${dayRange(c.day.lo - maxDays, c.day.hi - minDays)}: a topic discussion about the problem the offer solves, so the link lands in a warm group.`,
      });
    }
    // A member-triggered offer has no place on the group timeline; it can only be judged when nothing warms up at all.
    if (!anyWarmup) {
      for (const s of ctx.eventSteps) {
        if (s.kind !== 'conversion') continue;
        out.push({
          path: stepPath(s),
          message: `${stepName(s)} sells (\`kind: conversion\`) to each member, but the sheet has no warm-up step (\`kind: warmup\`) at all`,
          hint: 'Add a warm-up (`kind: warmup`) 1–2 days before the offer reaches people, for example on the same trigger with an earlier `after:`.',
        });
      }
    }
    return out;
  },
};
