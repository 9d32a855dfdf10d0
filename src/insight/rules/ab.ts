// A/B between a step's variants, pure: the pooled two-proportion z-test with its two-sided
// p-value, and a verdict per pair of variants in plain words ("b gets more replies; not yet
// significant"). A success is a send that got what is measured (at least one reply within the
// hour, a leave, a click, an order), so successes never exceed sends. docs/insight.md#ab-tests.

import { type Msg, msg } from '../../i18n/index.ts';

/**
 * erf(x) to double precision, well under 1e-7 everywhere: the Maclaurin series below 2.5, where it
 * converges fast, and erfc's continued fraction (evaluated from its tail) above, where the series
 * would lose digits to cancellation.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return -erf(-x);
  if (x >= 2.5) return 1 - erfc(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 100; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** erfc(x) = 1 − erf(x), accurate in the tail (relative error about 1e-15 from 2.5 up). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 2.5) return 1 - erf(x);
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** The standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return z < 0 ? erfc(-z / Math.SQRT2) / 2 : 1 - erfc(z / Math.SQRT2) / 2;
}

export interface Proportion {
  sends: number;
  successes: number;
}

function check(p: Proportion, name: string): void {
  if (!Number.isInteger(p.sends) || p.sends < 0) throw new RangeError(`${name}: sends must be a whole number of 0 or more (got ${p.sends})`);
  if (!Number.isInteger(p.successes) || p.successes < 0 || p.successes > p.sends) throw new RangeError(`${name}: successes must be a whole number from 0 to the sends, ${p.sends} (got ${p.successes})`);
}

/** The pooled two-proportion z-test of b against a: z > 0 when b's rate is higher; p two-sided. No data or no variance: z 0, p 1. */
export function zTest(a: Proportion, b: Proportion): { z: number; p: number } {
  check(a, 'a');
  check(b, 'b');
  if (!a.sends || !b.sends) return { z: 0, p: 1 };
  const pooled = (a.successes + b.successes) / (a.sends + b.sends);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.sends + 1 / b.sends));
  if (se === 0) return { z: 0, p: 1 };
  const z = (b.successes / b.sends - a.successes / a.sends) / se;
  return { z, p: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}

/** What is compared: each worded in the catalogues (`ab.more.<metric>`). */
export const METRICS = ['replies', 'leaves', 'clicks', 'orders'] as const;
export type Metric = (typeof METRICS)[number];

/** A variant needs this many sends before it is compared (the normal approximation needs a sample). */
export const MIN_SENDS = 30;
/** Significant below this p-value. */
export const ALPHA = 0.05;

export interface Variant extends Proportion {
  id: string;
}

export type VerdictCode = 'too_few' | 'same' | 'ahead' | 'significant';

export interface Verdict {
  a: string;
  b: string;
  code: VerdictCode;
  /** The variant with the higher rate; null when too few or equal. */
  higher: string | null;
  rateA: number;
  rateB: number;
  z: number;
  p: number;
}

const rateOf = (v: Proportion): number => (v.sends ? v.successes / v.sends : 0);

/** The verdict on one pair of variants. */
export function verdict(a: Variant, b: Variant): Verdict {
  const { z, p } = zTest(a, b);
  const rateA = rateOf(a);
  const rateB = rateOf(b);
  const base = { a: a.id, b: b.id, rateA: Math.round(rateA * 10_000) / 10_000, rateB: Math.round(rateB * 10_000) / 10_000, z: Math.round(z * 1000) / 1000, p };
  if (a.sends < MIN_SENDS || b.sends < MIN_SENDS) return { ...base, code: 'too_few', higher: null };
  // Equal rates compared exactly (as fractions), so 15/60 and 10/40 are the same.
  if (a.successes * b.sends === b.successes * a.sends) return { ...base, code: 'same', higher: null };
  const higher = rateB > rateA ? b.id : a.id;
  return { ...base, code: p < ALPHA ? 'significant' : 'ahead', higher };
}

/** Every pair of variants, in the order given: (v0, v1), (v0, v2), …, (v1, v2), … */
export function compareVariants(variants: readonly Variant[]): Verdict[] {
  const out: Verdict[] = [];
  for (let i = 0; i < variants.length; i++) for (let j = i + 1; j < variants.length; j++) out.push(verdict(variants[i], variants[j]));
  return out;
}

/** A p-value as operators read it: `= 0.23`, `= 0.004`, `< 0.001`; never rounded up to the significance level (0.0496 is `< 0.05`). */
export function pText(p: number): string {
  if (p < 0.001) return '< 0.001';
  const s = p < 0.01 ? p.toFixed(3) : p.toFixed(2);
  return p < ALPHA && Number(s) >= ALPHA ? `< ${ALPHA}` : `= ${s}`;
}

/** The verdict in words, for the metric compared. */
export function verdictText(v: Verdict, metric: Metric): Msg {
  const metricName = msg(`ab.metric.${metric}`);
  switch (v.code) {
    case 'too_few':
      return msg('ab.verdict.too_few', { a: v.a, b: v.b, min: MIN_SENDS });
    case 'same':
      return msg('ab.verdict.same', { a: v.a, b: v.b, metric: metricName });
    case 'ahead':
      return msg('ab.verdict.ahead', { more: msg(`ab.more.${metric}`, { variant: v.higher ?? '' }) });
    case 'significant':
      return msg('ab.verdict.significant', { more: msg(`ab.more.${metric}`, { variant: v.higher ?? '' }), p: pText(v.p) });
  }
}
