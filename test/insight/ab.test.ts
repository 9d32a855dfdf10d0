// A/B, pure: erf and the normal CDF against published values, the pooled two-proportion z-test
// against a worked example, and the verdicts with their edges (too few sends, equal rates, zero
// rates) worded in both languages.

import { describe, expect, it } from 'vitest';
import { compareVariants, erf, erfc, METRICS, normalCdf, pText, verdict, verdictText, zTest } from '../../src/insight/rules/ab.ts';
import en from '../../src/i18n/en.ts';
import { render } from '../../src/i18n/index.ts';
import zh from '../../src/i18n/zh.ts';

describe('the normal distribution', () => {
  it('erf and erfc match known values to better than 1e-7 (relative in the tail)', () => {
    // Values from Abramowitz & Stegun table 7.1 and from double-precision libm.
    const erfs: [number, number][] = [
      [0, 0],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [1.5, 0.9661051464753108],
      [2, 0.9953222650189527],
      [2.5, 0.999593047982555],
      [3, 0.9999779095030014],
      [-1, -0.8427007929497149],
    ];
    for (const [x, v] of erfs) expect(Math.abs(erf(x) - v), `erf(${x})`).toBeLessThan(1e-12);
    const erfcs: [number, number][] = [
      [0.5, 0.4795001221869535],
      [2, 0.004677734981047266],
      [3, 2.209049699858544e-5],
      [4, 1.541725790028002e-8],
      [5, 1.537459794428035e-12],
      [6, 2.151973671249892e-17],
    ];
    for (const [x, v] of erfcs) expect(Math.abs(erfc(x) - v) / v, `erfc(${x})`).toBeLessThan(1e-9);
    // Dense check of erf = 1 − erfc across the switch at 2.5 and symmetry.
    for (let x = -6; x <= 6; x += 0.01) {
      expect(Math.abs(erf(x) + erfc(x) - 1)).toBeLessThan(1e-14);
      expect(erf(-x)).toBe(-erf(x));
    }
  });

  it('Φ(z) at the usual critical values', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(Math.abs(normalCdf(1.959963984540054) - 0.975)).toBeLessThan(1e-12);
    expect(Math.abs(normalCdf(1) - 0.8413447460685429)).toBeLessThan(1e-12);
    expect(Math.abs(normalCdf(-1.6448536269514722) - 0.05)).toBeLessThan(1e-12);
    expect(Math.abs(normalCdf(2.5758293035489004) - 0.995)).toBeLessThan(1e-12);
    expect(Math.abs(normalCdf(-3) - 0.0013498980316300946)).toBeLessThan(1e-14);
    expect(Math.abs(normalCdf(5) - 0.9999997133484281)).toBeLessThan(1e-13);
    expect(Math.abs(normalCdf(-8) - 6.22096057427178e-16) / 6.22096057427178e-16).toBeLessThan(1e-9);
  });
});

describe('the two-proportion z-test', () => {
  it('pooled: 10/100 against 20/100 gives z ≈ 1.980, p ≈ 0.0477', () => {
    // p̂ = 0.15, se = √(0.15·0.85·0.02) = 0.050498; z = 0.1 / 0.050498.
    const { z, p } = zTest({ sends: 100, successes: 10 }, { sends: 100, successes: 20 });
    expect(z).toBeCloseTo(1.98029508595335, 10);
    expect(p).toBeCloseTo(0.0476703806561612, 10);
    expect(zTest({ sends: 100, successes: 20 }, { sends: 100, successes: 10 }).z).toBeCloseTo(-1.98029508595335, 10);
  });
  it('no variance or no data: z 0, p 1; impossible counts are refused', () => {
    expect(zTest({ sends: 50, successes: 0 }, { sends: 50, successes: 0 })).toEqual({ z: 0, p: 1 });
    expect(zTest({ sends: 50, successes: 50 }, { sends: 40, successes: 40 })).toEqual({ z: 0, p: 1 });
    expect(zTest({ sends: 0, successes: 0 }, { sends: 40, successes: 4 })).toEqual({ z: 0, p: 1 });
    expect(() => zTest({ sends: 10, successes: 11 }, { sends: 10, successes: 1 })).toThrow(/successes must be a whole number from 0 to the sends/);
    expect(() => zTest({ sends: -1, successes: 0 }, { sends: 10, successes: 1 })).toThrow(RangeError);
    expect(() => zTest({ sends: 10, successes: 1.5 }, { sends: 10, successes: 1 })).toThrow(RangeError);
  });
});

describe('verdicts', () => {
  it('too few sends, equal rates, ahead and significant', () => {
    expect(verdict({ id: 'a', sends: 29, successes: 2 }, { id: 'b', sends: 500, successes: 200 })).toMatchObject({ code: 'too_few', higher: null });
    expect(verdict({ id: 'a', sends: 60, successes: 15 }, { id: 'b', sends: 40, successes: 10 })).toMatchObject({ code: 'same', higher: null, rateA: 0.25, rateB: 0.25 });
    expect(verdict({ id: 'a', sends: 40, successes: 0 }, { id: 'b', sends: 40, successes: 0 })).toMatchObject({ code: 'same', p: 1 });
    expect(verdict({ id: 'a', sends: 100, successes: 10 }, { id: 'b', sends: 100, successes: 14 })).toMatchObject({ code: 'ahead', higher: 'b' });
    expect(verdict({ id: 'a', sends: 100, successes: 10 }, { id: 'b', sends: 100, successes: 20 })).toMatchObject({ code: 'significant', higher: 'b' });
    expect(verdict({ id: 'a', sends: 200, successes: 40 }, { id: 'b', sends: 200, successes: 0 })).toMatchObject({ code: 'significant', higher: 'a', rateB: 0 });
  });
  it('compares every pair', () => {
    const v = compareVariants([
      { id: 'a', sends: 100, successes: 10 },
      { id: 'b', sends: 100, successes: 20 },
      { id: 'c', sends: 10, successes: 5 },
    ]);
    expect(v.map((x) => `${x.a}-${x.b}:${x.code}`)).toEqual(['a-b:significant', 'a-c:too_few', 'b-c:too_few']);
    expect(compareVariants([{ id: 'a', sends: 100, successes: 10 }])).toEqual([]);
  });
  it('words the verdicts in both languages', () => {
    const ahead = verdict({ id: 'a', sends: 100, successes: 10 }, { id: 'b', sends: 100, successes: 14 });
    expect(render('en', verdictText(ahead, 'replies'))).toBe('b gets more replies; not yet significant');
    expect(render('zh', verdictText(ahead, 'replies'))).toBe('b 的回复更多，但差异尚不显著');
    const sig = verdict({ id: 'a', sends: 400, successes: 40 }, { id: 'b', sends: 400, successes: 62 });
    expect(pText(sig.p)).toBe('= 0.02');
    expect(render('en', verdictText(sig, 'replies'))).toBe('b gets more replies (significant, p = 0.02)');
    expect(render('zh', verdictText(sig, 'leaves'))).toBe('b 之后退群的人更多（差异显著，p = 0.02）');
    expect(render('en', verdictText(verdict({ id: 'a', sends: 20, successes: 1 }, { id: 'b', sends: 20, successes: 2 }), 'clicks'))).toBe('Too few sends to compare a and b yet (at least 30 each)');
    expect(render('zh', verdictText(verdict({ id: 'a', sends: 60, successes: 15 }, { id: 'b', sends: 40, successes: 10 }), 'orders'))).toBe('a 和 b 的订单效果一样');
    expect([pText(0.2345), pText(0.0123), pText(0.0042), pText(0.0004), pText(0.0496), pText(0.051)]).toEqual(['= 0.23', '= 0.01', '= 0.004', '< 0.001', '< 0.05', '= 0.05']);
    for (const m of METRICS) for (const k of [`ab.metric.${m}`, `ab.more.${m}`]) expect(k in en && k in zh, k).toBe(true);
  });
});
