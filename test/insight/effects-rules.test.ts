// The per-step effect rules (src/insight/rules/effects.ts), by hand: sums per step and variant,
// rates, the pooled baseline, per board column, and the verdicts of a step's variants.

import { describe, expect, it } from 'vitest';
import { columnEffects, effectRows, type SendCounts, stepVerdicts } from '../../src/insight/rules/effects.ts';

const send = (over: Partial<SendCounts>): SendCounts => ({
  step: 'hello',
  occurrence: 1,
  variant: null,
  group: 'g',
  replies: 0,
  leaves: 0,
  members: 10,
  clicks: 0,
  orders: 0,
  baselineHours: 14,
  baselineReplied: 0,
  ...over,
});

describe('per-step effect rules', () => {
  it('sums a step: sends replied, leaves over the people reached, clicks, orders, the pooled baseline', () => {
    const sends = [
      send({ group: 'g1', replies: 3, leaves: 1, members: 20, clicks: 2, orders: 1, baselineHours: 14, baselineReplied: 7 }),
      send({ group: 'g2', replies: 0, leaves: 0, members: 10, clicks: 0, orders: 0, baselineHours: 10, baselineReplied: 1 }),
      send({ group: 'g3', replies: 1, leaves: 2, members: 10, clicks: 5, orders: 0, baselineHours: 0, baselineReplied: 0 }),
    ];
    // 2 of 3 sends replied; 3 leaves of 40 people; baseline 8 of 24 hours.
    expect(effectRows(sends)).toEqual([
      { step: 'hello', variant: null, sends: 3, repliesWithin1h: 2, replyRate: 0.6667, leavesWithin1h: 3, leaveRate: 0.075, clicks: 7, conversions: 1, baselineReplyRate: 0.3333 },
    ]);
  });

  it('orders steps as given, variants by id after the plain row, and has no baseline without hours', () => {
    const sends = [
      send({ step: 'tip', baselineHours: 0 }),
      send({ step: 'hello', variant: 'b', replies: 1 }),
      send({ step: 'hello', variant: 'a' }),
      send({ step: 'zz' }),
    ];
    const rows = effectRows(sends, ['hello', 'tip']);
    expect(rows.map((r) => `${r.step}:${r.variant}`)).toEqual(['hello:a', 'hello:b', 'tip:null', 'zz:null']);
    expect(rows[2].baselineReplyRate).toBeNull();
    expect(rows[1]).toMatchObject({ sends: 1, repliesWithin1h: 1, replyRate: 1 });
    expect(effectRows([])).toEqual([]);
  });

  it('gives each board column (a step occurrence) its figures, variants together', () => {
    const cols = columnEffects([send({ occurrence: 1, variant: 'a', replies: 1 }), send({ occurrence: 1, variant: 'b' }), send({ occurrence: 2, clicks: 4 })]);
    expect(cols).toEqual([
      expect.objectContaining({ step: 'hello', occurrence: 1, sends: 2, repliesWithin1h: 1, replyRate: 0.5 }),
      expect.objectContaining({ step: 'hello', occurrence: 2, sends: 1, clicks: 4 }),
    ]);
  });

  it('judges the variants: sends with at least one reply, click, leave or order as successes', () => {
    // a: 40 sends, 10 replied; b: 40 sends, 22 replied. Pooled 32/80 = 0.4; z = 0.3 / √(0.24·0.05) = 2.739, p = 0.0062.
    const sends = [
      ...Array.from({ length: 40 }, (_, i) => send({ variant: 'a', group: `a${i}`, replies: i < 10 ? 2 : 0, clicks: i < 4 ? 3 : 0 })),
      ...Array.from({ length: 40 }, (_, i) => send({ variant: 'b', group: `b${i}`, replies: i < 22 ? 1 : 0, clicks: i < 4 ? 1 : 0 })),
      send({ step: 'plain' }),
    ];
    const v = stepVerdicts(sends, ['replies', 'clicks']);
    expect(v).toHaveLength(2);
    expect(v[0]).toMatchObject({ step: 'hello', metric: 'replies', a: 'a', b: 'b', code: 'significant', higher: 'b', rateA: 0.25, rateB: 0.55, z: 2.739 });
    expect(v[0].p).toBeCloseTo(0.00616, 4);
    // 4 sends clicked in each (more clicks in a's, but a success is a send that got any).
    expect(v[1]).toMatchObject({ metric: 'clicks', code: 'same' });
    // One variant with sends only: nothing to compare.
    expect(stepVerdicts([send({ variant: 'a' })])).toEqual([]);
    // Too few sends.
    expect(stepVerdicts([send({ variant: 'a' }), send({ variant: 'b', replies: 1 })], ['replies'])[0]).toMatchObject({ code: 'too_few', higher: null });
  });
});
