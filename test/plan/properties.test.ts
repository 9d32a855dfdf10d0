// Property-based tests of the planner over random sheets, anchors, groups and zones (2026 ± a month,
// so every case can straddle the US and EU DST changes).

import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { type PlanGroup, type PlanInput, plan } from '../../src/sop/plan.ts';
import type { Sheet, Step, Weekday, When } from '../../src/sop/types.ts';
import { inQuietHours } from '../../src/sop/when.ts';
import { sheetOf, step } from './factory.ts';

const ZONES = ['America/New_York', 'Europe/Berlin', 'Asia/Shanghai'] as const;
const zoneArb = fc.constantFrom(...ZONES);
const anchorArb = fc
  .integer({ min: Date.UTC(2025, 11, 1), max: Date.UTC(2027, 0, 31) })
  .map((ms) => new Date(ms - (ms % 60_000)));
const minuteArb = fc.integer({ min: 0, max: 1439 });

const dayWhen: fc.Arbitrary<When> = fc.record({ kind: fc.constant('day' as const), day: fc.integer({ min: -10, max: 40 }), minute: minuteArb });
const offsetWhen: fc.Arbitrary<When> = fc.record({ kind: fc.constant('offset' as const), minutes: fc.integer({ min: -20_000, max: 60_000 }) });
const everyWhen: fc.Arbitrary<When> = fc
  .record({
    days: fc.oneof(fc.constant('day' as const), fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }).map((d) => d.sort() as Weekday[])),
    from: fc.integer({ min: -5, max: 20 }),
    length: fc.integer({ min: 0, max: 20 }),
    minute: minuteArb,
  })
  .map(({ days, from, length, minute }) => ({ kind: 'every' as const, days, from, until: from + length, minute }));

const stepsArb = fc.array(fc.oneof(dayWhen, offsetWhen, everyWhen), { minLength: 1, maxLength: 8 }).map((whens) =>
  whens.map((when, i): Step => step(`s${i}`, when, { text: i % 2 ? 'Hello {{ group.name }} on day {{ day }}' : 'Same for all' })),
);

const groupsArb: fc.Arbitrary<PlanGroup[]> = fc
  .uniqueArray(fc.string({ unit: fc.constantFrom('a', 'b', 'C', '1', '-', 'é'), minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 })
  .map((ids) => ids.map((id) => ({ id, name: `Group ${id}` })));

const quietArb = fc
  .record({ start: minuteArb, end: minuteArb, policy: fc.constantFrom('shift' as const, 'skip' as const) })
  .filter((q) => q.start !== q.end);

const inputArb = fc.record({ steps: stepsArb, zone: zoneArb, anchor: anchorArb, groups: groupsArb });

function input(x: { steps: Step[]; zone: string; anchor: Date; groups: PlanGroup[] }, extra: Partial<Sheet> = {}): PlanInput {
  return { sheet: sheetOf(x.steps, { timezone: x.zone, ...extra }), anchor: x.anchor, groups: x.groups };
}

const offsetMinutes = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).offset;

describe('planner properties', () => {
  it('is deterministic: the same input gives the same output', () => {
    fc.assert(
      fc.property(inputArb, (x) => {
        expect(plan(input(x))).toEqual(plan(input(structuredClone(x))));
      }),
      { numRuns: 100 },
    );
  });

  it('sorts by due, then group id, and plans every occurrence for every group', () => {
    fc.assert(
      fc.property(inputArb, (x) => {
        const actions = plan(input(x));
        for (let i = 1; i < actions.length; i++) {
          const [a, b] = [actions[i - 1], actions[i]];
          expect(a.due < b.due || (a.due === b.due && a.group <= b.group)).toBe(true);
        }
        const perGroup = actions.length / x.groups.length;
        for (const g of x.groups) expect(actions.filter((a) => a.group === g.id)).toHaveLength(perGroup);
      }),
      { numRuns: 100 },
    );
  });

  it('never plans inside quiet hours under shift or skip', () => {
    fc.assert(
      fc.property(inputArb, quietArb, (x, q) => {
        const quiet = { start: q.start, end: q.end };
        const loud = plan(input(x));
        const actions = plan(input(x, { quietHours: quiet, quietPolicy: q.policy }));
        for (const a of actions) {
          const local = DateTime.fromISO(a.due, { zone: x.zone });
          expect(inQuietHours(local.hour * 60 + local.minute, quiet)).toBe(false);
        }
        const key = (a: { step: string; occurrence: number; group: string }) => `${a.step}/${a.occurrence}/${a.group}`;
        if (q.policy === 'shift') {
          expect(actions.map(key).sort()).toEqual(loud.map(key).sort());
          // A shift only ever moves an action later, to the first minute after the window.
          const before = new Map(loud.map((a) => [key(a), Date.parse(a.due)]));
          for (const a of actions) {
            const was = before.get(key(a))!;
            const now = Date.parse(a.due);
            expect(now).toBeGreaterThanOrEqual(was);
            expect(now - was).toBeLessThan(24 * 3_600_000);
            if (now !== was) {
              const prev = DateTime.fromMillis(now - 60_000, { zone: x.zone });
              expect(inQuietHours(prev.hour * 60 + prev.minute, quiet) || prev.offset !== DateTime.fromMillis(now, { zone: x.zone }).offset).toBe(true);
            }
          }
        } else {
          // skip only drops: what is left is exactly where it was planned without quiet hours.
          const before = new Map(loud.map((a) => [key(a), a.due]));
          for (const a of actions) expect(a.due).toBe(before.get(key(a)));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the local wall-clock time of D-steps across DST, moving forward only inside a gap', () => {
    fc.assert(
      fc.property(zoneArb, anchorArb, dayWhen, (zone, anchor, when) => {
        if (when.kind !== 'day') return;
        const [a] = plan(input({ steps: [step('d', when)], zone, anchor, groups: [{ id: 'g', name: 'G' }] }));
        const dueMs = Date.parse(a.due);
        const local = DateTime.fromMillis(dueMs, { zone });
        const d0 = DateTime.fromJSDate(anchor, { zone }).startOf('day');
        expect(local.startOf('day').diff(d0, 'days').days).toBeCloseTo(when.day, 6);
        const minute = local.hour * 60 + local.minute;
        if (minute !== when.minute) {
          // Only a spring-forward gap can move it, and only forward by the size of the jump.
          const jump = offsetMinutes(dueMs, zone) - offsetMinutes(dueMs - 3 * 3_600_000, zone);
          expect(jump).toBeGreaterThan(0);
          expect(minute - when.minute).toBe(jump);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('makes T-steps exact durations from the anchor, whatever DST does', () => {
    fc.assert(
      fc.property(zoneArb, anchorArb, offsetWhen, (zone, anchor, when) => {
        if (when.kind !== 'offset') return;
        const [a] = plan(input({ steps: [step('t', when)], zone, anchor, groups: [{ id: 'g', name: 'G' }] }));
        expect(Date.parse(a.due) - anchor.getTime()).toBe(when.minutes * 60_000);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps D-step wall-clock time on the real 2026 DST dates in New York and Berlin', () => {
    const changes = [
      ['America/New_York', '2026-03-08'],
      ['America/New_York', '2026-11-01'],
      ['Europe/Berlin', '2026-03-29'],
      ['Europe/Berlin', '2026-10-25'],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...changes), fc.integer({ min: 1, max: 5 }), minuteArb, ([zone, date], daysBefore, minute) => {
        const anchor = DateTime.fromISO(`${date}T12:00`, { zone }).minus({ days: daysBefore }).toJSDate();
        const when: When = { kind: 'every', days: 'day', from: 0, until: daysBefore + 1, minute };
        const actions = plan(input({ steps: [step('e', when)], zone, anchor, groups: [{ id: 'g', name: 'G' }] }));
        expect(actions).toHaveLength(daysBefore + 2);
        const gapDay = zone === 'America/New_York' ? date === '2026-03-08' : date === '2026-03-29';
        // Both jump at 02:00 local time: New York from EST to EDT, Berlin from CET to CEST.
        const gapStart = 120;
        for (const a of actions) {
          const local = DateTime.fromISO(a.due, { zone });
          const inGap = gapDay && local.toISODate() === date && minute >= gapStart && minute < gapStart + 60;
          expect(local.hour * 60 + local.minute).toBe(inGap ? minute + 60 : minute);
        }
      }),
      { numRuns: 200 },
    );
  });
});
