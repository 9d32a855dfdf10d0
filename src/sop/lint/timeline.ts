// When each fixed-time step lands, in local days and minutes and relative to the anchor.
//
// D-steps (`at: D-2 10:00`, `every:`) know their local day and time; T-steps (`at: T-2h`) know
// their distance from the anchor instant. Only the sheet's `anchor_time` ties the two together.
// Without it the anchor's time of day is unknown (00:00–23:59), so every value below is a range
// (`Span`): exact where it can be known, wide where it cannot. Rules fire only when a range lies
// entirely on the wrong side of a threshold — they never fire on a guess.
//
// The linter reasons in local wall-clock minutes (a DST change inside a sheet is ignored); the
// planner, which knows the date, does the exact arithmetic.

import { type Msg, msg } from '../../i18n/index.ts';
import type { Sheet, Step } from '../types.ts';
import { formatClock, recurrenceDays } from '../when.ts';

/** A closed range of whole numbers; `lo === hi` when the value is known exactly. */
export interface Span {
  lo: number;
  hi: number;
}

export interface Landing {
  step: Step;
  /** Minutes from local midnight at the start of D0 (D1 07:00 → 1860). */
  local: Span;
  /** Minutes from the anchor instant (T-2h → -120). */
  fromAnchor: Span;
  /** The local day, as a D index. */
  day: Span;
  /** Which clock is exact: `local` for D-steps, `anchor` for T-steps, `both` when the sheet has `anchor_time`. */
  clock: 'local' | 'anchor' | 'both';
}

const DAY = 1440;
const LAST_MINUTE = DAY - 1;

export const exact = (n: number): Span => ({ lo: n, hi: n });
export const isExact = (s: Span): boolean => s.lo === s.hi;

function dayOf(local: Span): Span {
  return { lo: Math.floor(local.lo / DAY), hi: Math.floor(local.hi / DAY) };
}

function atDay(step: Step, day: number, minute: number, anchorTime: number | undefined): Landing {
  const local = day * DAY + minute;
  return {
    step,
    local: exact(local),
    fromAnchor: anchorTime === undefined ? { lo: local - LAST_MINUTE, hi: local } : exact(local - anchorTime),
    day: exact(day),
    clock: anchorTime === undefined ? 'local' : 'both',
  };
}

function atOffset(step: Step, minutes: number, anchorTime: number | undefined): Landing {
  const local = anchorTime === undefined ? { lo: minutes, hi: minutes + LAST_MINUTE } : exact(anchorTime + minutes);
  return {
    step,
    local,
    fromAnchor: exact(minutes),
    day: dayOf(local),
    clock: anchorTime === undefined ? 'anchor' : 'both',
  };
}

/**
 * Every landing of every fixed-time step, in time order (earliest possible first, then sheet
 * order). Recurring steps give one landing per day from..until: the linter does not know D0's
 * weekday, so `every: mon,wed` counts every day in range. Event-triggered steps are per member
 * and have no place on the group's timeline.
 */
export function buildTimeline(sheet: Sheet): Landing[] {
  const out: Landing[] = [];
  const a = sheet.anchorTime;
  for (const step of sheet.steps) {
    const w = step.when;
    if (w.kind === 'day') out.push(atDay(step, w.day, w.minute, a));
    else if (w.kind === 'offset') out.push(atOffset(step, w.minutes, a));
    else if (w.kind === 'every') {
      for (const d of recurrenceDays(w.days, w.from, w.until)) out.push(atDay(step, d, w.minute, a));
    }
  }
  return out.sort((x, y) => x.local.lo - y.local.lo || x.step.index - y.step.index);
}

/** Minutes from `a` to `b` (positive when `b` is later). Exact when both share an exact clock. */
export function minutesBetween(a: Landing, b: Landing): Span {
  if (a.clock !== 'anchor' && b.clock !== 'anchor') return exact(b.local.lo - a.local.lo);
  if (a.clock !== 'local' && b.clock !== 'local') return exact(b.fromAnchor.lo - a.fromAnchor.lo);
  return { lo: b.local.lo - a.local.hi, hi: b.local.hi - a.local.lo };
}

/** Calendar days from `a`'s local day to `b`'s. */
export function daysBetween(a: Landing, b: Landing): Span {
  return { lo: b.day.lo - a.day.hi, hi: b.day.hi - a.day.lo };
}

/**
 * How old the group is when `at` lands: the time since the first of `starts` (its creation, or
 * its first step). The first of several is `max(at - s)`, so bounds come from the bounds of each
 * difference — which start is really first need not be known.
 */
export function ageAt(starts: Landing[], at: Landing): { minutes: Span; days: Span } {
  const minutes = { lo: -Infinity, hi: -Infinity };
  const days = { lo: -Infinity, hi: -Infinity };
  for (const s of starts) {
    const m = minutesBetween(s, at);
    const d = daysBetween(s, at);
    minutes.lo = Math.max(minutes.lo, m.lo);
    minutes.hi = Math.max(minutes.hi, m.hi);
    days.lo = Math.max(days.lo, d.lo);
    days.hi = Math.max(days.hi, d.hi);
  }
  return { minutes, days };
}

/**
 * The few landings that give `ageAt` the same answer as all of `starts`: per clock, the smallest
 * of each bound. Every bound `ageAt` takes is "a bound of `at` minus one bound of a start", so its
 * maximum over the starts comes from the smallest such bound — and a rule asking the age of
 * thousands of landings does not compare each with thousands of starts.
 */
export function startBounds(starts: Landing[]): Landing[] {
  const byClock = new Map<Landing['clock'], Landing>();
  for (const s of starts) {
    const b = byClock.get(s.clock);
    if (!b) {
      byClock.set(s.clock, { step: s.step, clock: s.clock, local: { ...s.local }, fromAnchor: { ...s.fromAnchor }, day: { ...s.day } });
      continue;
    }
    for (const k of ['local', 'fromAnchor', 'day'] as const) {
      b[k].lo = Math.min(b[k].lo, s[k].lo);
      b[k].hi = Math.min(b[k].hi, s[k].hi);
    }
  }
  return [...byClock.values()];
}

/** The earliest landing for sure-enough purposes: the one whose earliest possible time is first. */
export function earliest(landings: Landing[]): Landing | undefined {
  let best: Landing | undefined;
  for (const l of landings) if (!best || l.local.lo < best.local.lo) best = l;
  return best;
}

/** `D3 07:00`, or the timing as written (`T-2h`) when the local time is not known. */
export function describeLanding(l: Landing): string {
  if (isExact(l.local)) return `D${l.day.lo} ${formatClock(l.local.lo)}`;
  return l.step.whenText.replace(/^at /, '');
}

/** The time of day alone (`07:00`) when known, else the timing as written. */
export function describeClock(l: Landing): string {
  return isExact(l.local) ? formatClock(l.local.lo) : describeLanding(l);
}

/** describeAnchor as a catalogue text. */
export function describeAnchorText(sheet: Sheet): Msg {
  return sheet.anchorTime === undefined
    ? msg('lint.anchor', { anchor: sheet.anchor })
    : msg('lint.anchorAt', { anchor: sheet.anchor, time: `D0 ${formatClock(sheet.anchorTime)}` });
}

/** The anchor, said plainly: `the anchor (Camp opening, D0 20:00)`. */
export function describeAnchor(sheet: Sheet): string {
  return sheet.anchorTime === undefined
    ? `the anchor (${sheet.anchor})`
    : `the anchor (${sheet.anchor}, D0 ${formatClock(sheet.anchorTime)})`;
}
