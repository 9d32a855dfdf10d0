// Per-step effect, pure (docs/insight.md#per-step-effect): what each message a run sent did in its
// group within the hour — member replies, leaves, clicks, attributed orders — against the group's
// own baseline for the same hour of day, summed per step and variant, and the A/B verdicts of a
// step's variants (ab.ts). The windows are counted set-based in SQL by src/insight/effects.ts, with
// the constants and the definitions here; this module decides from those counts.

import { GROUP_MESSAGE_ACTIONS } from '../../sop/types.ts';
import { compareVariants, type Metric, type Verdict } from './ab.ts';

/** A send's effect window: [sent, sent + 1 h). */
export const EFFECT_WINDOW_MS = 3_600_000;
/** The baseline looks back this many days, at the same time of day (whole days of 24 h). */
export const BASELINE_DAYS = 14;
/** Ledger states of a row whose message went out (a bot's sent, a person's done or done late). */
export const SENT_STATES = ['sent', 'done', 'done_late'] as const;
/** Actions whose message is put in front of the whole group (a member's own rows are not sends). */
export const SEND_ACTIONS: readonly string[] = [...GROUP_MESSAGE_ACTIONS];

/** What one send got, as counted in its window. */
export interface SendCounts {
  step: string;
  occurrence: number;
  variant: string | null;
  group: string;
  /** Member messages in the group within the hour (not staff, not the bot). */
  replies: number;
  /** Members who left the group within the hour (not removed by staff or moderation). */
  leaves: number;
  /** Members in the group when it was sent. */
  members: number;
  /** Clicks tied to this send within the hour. */
  clicks: number;
  /** Orders attributed (last click) to those clicks. */
  orders: number;
  /** Baseline hours looked at (same time on the previous days, the group existing, no send in it). */
  baselineHours: number;
  /** Of those, the hours with at least one member message. */
  baselineReplied: number;
}

export interface EffectRow {
  step: string;
  variant: string | null;
  sends: number;
  /** Sends that got at least one member reply within the hour. */
  repliesWithin1h: number;
  /** repliesWithin1h ÷ sends. */
  replyRate: number;
  /** Members who left within the hour of a send, over all sends. */
  leavesWithin1h: number;
  /** leavesWithin1h ÷ the members the sends reached (their groups' members when sent). */
  leaveRate: number;
  clicks: number;
  conversions: number;
  /** Replied baseline hours ÷ baseline hours, pooled over the sends; null without any baseline hour. */
  baselineReplyRate: number | null;
}

export interface ColumnEffect extends Omit<EffectRow, 'variant'> {
  occurrence: number;
}

export interface StepVerdict extends Verdict {
  step: string;
  metric: Metric;
}

const rate = (n: number, d: number): number => (d ? Math.round((n / d) * 10_000) / 10_000 : 0);

interface Sum {
  sends: number;
  replied: number;
  leaves: number;
  left: number;
  members: number;
  clicks: number;
  clicked: number;
  orders: number;
  ordered: number;
  baselineHours: number;
  baselineReplied: number;
}

const empty = (): Sum => ({ sends: 0, replied: 0, leaves: 0, left: 0, members: 0, clicks: 0, clicked: 0, orders: 0, ordered: 0, baselineHours: 0, baselineReplied: 0 });

function add(s: Sum, c: SendCounts): void {
  s.sends++;
  if (c.replies > 0) s.replied++;
  s.leaves += c.leaves;
  if (c.leaves > 0) s.left++;
  s.members += c.members;
  s.clicks += c.clicks;
  if (c.clicks > 0) s.clicked++;
  s.orders += c.orders;
  if (c.orders > 0) s.ordered++;
  s.baselineHours += c.baselineHours;
  s.baselineReplied += c.baselineReplied;
}

function figures(s: Sum): Omit<EffectRow, 'step' | 'variant'> {
  return {
    sends: s.sends,
    repliesWithin1h: s.replied,
    replyRate: rate(s.replied, s.sends),
    leavesWithin1h: s.leaves,
    leaveRate: rate(s.leaves, s.members),
    clicks: s.clicks,
    conversions: s.orders,
    baselineReplyRate: s.baselineHours ? rate(s.baselineReplied, s.baselineHours) : null,
  };
}

function sums<K>(sends: readonly SendCounts[], keyOf: (c: SendCounts) => K, keyText: (k: K) => string): Map<string, { key: K; sum: Sum }> {
  const out = new Map<string, { key: K; sum: Sum }>();
  for (const c of sends) {
    const key = keyOf(c);
    const text = keyText(key);
    let e = out.get(text);
    if (!e) {
      e = { key, sum: empty() };
      out.set(text, e);
    }
    add(e.sum, c);
  }
  return out;
}

const byVariant = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

/**
 * One row per step and variant (variant null for a step without variants), steps in `stepOrder`
 * (the sheet's order; steps not in it after, by id), variants by id.
 */
export function effectRows(sends: readonly SendCounts[], stepOrder: readonly string[] = []): EffectRow[] {
  const rank = (step: string) => {
    const i = stepOrder.indexOf(step);
    return i < 0 ? stepOrder.length : i;
  };
  const groups = sums(
    sends,
    (c) => ({ step: c.step, variant: c.variant }),
    (k) => `${k.step}\n${k.variant ?? ''}\n${k.variant === null ? 0 : 1}`,
  );
  return [...groups.values()]
    .map(({ key, sum }) => ({ step: key.step, variant: key.variant, ...figures(sum) }))
    .sort((a, b) => rank(a.step) - rank(b.step) || (a.step < b.step ? -1 : a.step > b.step ? 1 : 0) || byVariant(a.variant, b.variant));
}

/** One figure set per board column (a step's occurrence), all variants together, in the order of the sends given (the adapter gives them by due time). */
export function columnEffects(sends: readonly SendCounts[]): ColumnEffect[] {
  const groups = sums(
    sends,
    (c) => ({ step: c.step, occurrence: c.occurrence }),
    (k) => `${k.step}\n${k.occurrence}`,
  );
  return [...groups.values()].map(({ key, sum }) => ({ step: key.step, occurrence: key.occurrence, ...figures(sum) }));
}

/** What each metric counts as a success of a send, for the A/B test (ab.ts). */
const SUCCESS: Record<Metric, (s: Sum) => number> = {
  replies: (s) => s.replied,
  leaves: (s) => s.left,
  clicks: (s) => s.clicked,
  orders: (s) => s.ordered,
};

/**
 * The verdicts of each step sent in two or more variants: every pair of its variants (by id), on
 * each metric in `metrics` (replies first: what the board shows).
 */
export function stepVerdicts(sends: readonly SendCounts[], metrics: readonly Metric[] = ['replies', 'clicks', 'leaves', 'orders']): StepVerdict[] {
  const steps = new Map<string, Map<string, Sum>>();
  for (const c of sends) {
    if (c.variant === null) continue;
    let vs = steps.get(c.step);
    if (!vs) {
      vs = new Map();
      steps.set(c.step, vs);
    }
    let s = vs.get(c.variant);
    if (!s) {
      s = empty();
      vs.set(c.variant, s);
    }
    add(s, c);
  }
  const out: StepVerdict[] = [];
  for (const [step, vs] of steps) {
    if (vs.size < 2) continue;
    const ids = [...vs.keys()].sort();
    for (const metric of metrics) {
      const variants = ids.map((id) => {
        const s = vs.get(id) as Sum;
        return { id, sends: s.sends, successes: SUCCESS[metric](s) };
      });
      for (const v of compareVariants(variants)) out.push({ step, metric, ...v });
    }
  }
  return out;
}
