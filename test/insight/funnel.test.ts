// The funnel (attract → activate → retain → convert), join-week cohorts in the workspace's zone
// and DAU/MAU, pure, with their edges: no joins, an order before the join, boundaries of the
// 3-day and week-2 windows, ISO weeks across a year's end and a zone's midnight.

import { describe, expect, it } from 'vitest';
import { cohorts, dauMau, funnel, isoWeekOf, type MemberFacts } from '../../src/insight/rules/funnel.ts';

const H = 3_600_000;
const D = 24 * H;
const t0 = Date.parse('2026-03-02T02:00:00Z'); // a Monday, 10:00 in Shanghai
const member = (joinDay: number, activeHours: number[], orderHours: number | null = null): MemberFacts => {
  const joinedAt = new Date(t0 + joinDay * D);
  return { joinedAt, activeAt: activeHours.map((h) => new Date(joinedAt.getTime() + h * H)), firstOrderAt: orderHours === null ? null : new Date(joinedAt.getTime() + orderHours * H) };
};

describe('funnel', () => {
  it('no joins: every count and rate is 0', () => {
    expect(funnel([])).toEqual({ attract: { count: 0, rate: 0 }, activate: { count: 0, rate: 0 }, retain: { count: 0, rate: 0 }, convert: { count: 0, rate: 0 } });
  });

  it('counts each stage among those attracted, rates relative to attract', () => {
    const members = [
      member(0, [1, 200], 300), // activated, retained, converted
      member(0, [71.9]), // activated just inside 72 h
      member(0, [72]), // 72 h is outside activation, before week 2
      member(0, [168]), // retained at the first hour of day 7, not activated
      member(0, [336]), // day 14 is week 3: neither
      member(0, [], -5), // an order before joining does not convert
      member(0, [], 0), // an order at the join does
      member(0, []),
    ];
    expect(funnel(members)).toEqual({
      attract: { count: 8, rate: 1 },
      activate: { count: 2, rate: 0.25 },
      retain: { count: 2, rate: 0.25 },
      convert: { count: 2, rate: 0.25 },
    });
  });

  it('takes only the members who joined in the period, since inclusive, until exclusive', () => {
    const members = [member(0, [1]), member(5, []), member(10, [1])];
    const f = funnel(members, { since: new Date(t0), until: new Date(t0 + 10 * D) });
    expect(f.attract.count).toBe(2);
    expect(f.activate).toEqual({ count: 1, rate: 0.5 });
    expect(funnel(members, { since: new Date(t0 + 11 * D) }).attract).toEqual({ count: 0, rate: 0 });
    // Activity before the join (a member who rejoined) does not activate.
    expect(funnel([member(0, [-2])]).activate.count).toBe(0);
    expect(funnel([member(0, [1, 2, 3])]).activate.count).toBe(1);
    // Rates are rounded to 4 places.
    expect(funnel([member(0, [1]), member(0, []), member(0, [])]).activate.rate).toBe(0.3333);
  });
});

describe('cohorts', () => {
  it('names ISO weeks in the zone (a Sunday night in Shanghai is still that week; 2026-12-31 is in 2026-W53)', () => {
    expect(isoWeekOf(new Date('2026-03-01T15:59:00Z'), 'Asia/Shanghai')).toBe('2026-W09'); // Sun 23:59
    expect(isoWeekOf(new Date('2026-03-01T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-W10'); // Mon 00:00
    expect(isoWeekOf(new Date('2026-03-01T16:00:00Z'), 'UTC')).toBe('2026-W09');
    expect(isoWeekOf(new Date('2026-12-31T12:00:00Z'), 'UTC')).toBe('2026-W53');
    expect(isoWeekOf(new Date('2027-01-04T12:00:00Z'), 'UTC')).toBe('2027-W01');
    expect(isoWeekOf(new Date('2025-12-29T12:00:00Z'), 'UTC')).toBe('2026-W01');
  });

  it('groups by join week and counts each own week after joining, only complete weeks', () => {
    const members = [
      member(0, [1, 24 * 8, 24 * 15]), // W10: week 1, week 2, week 3
      member(6, [24 * 9]), // W10 (Sunday): week 2 only
      member(7, [1]), // W11: week 1
    ];
    const zone = 'Asia/Shanghai';
    // W10 ends 2026-03-09 00:00 local; 3 full weeks later is 2026-03-30.
    expect(cohorts(members, { zone, now: new Date('2026-03-30T00:00:00+08:00') })).toEqual([
      { week: '2026-W10', joined: 2, retained: [1, 2, 1] },
      { week: '2026-W11', joined: 1, retained: [1, 0] },
    ]);
    expect(cohorts(members, { zone, now: new Date('2026-03-29T23:59:00+08:00') })[0].retained).toEqual([1, 2]);
    expect(cohorts(members, { zone, now: new Date('2026-03-10T00:00:00+08:00') })).toEqual([
      { week: '2026-W10', joined: 2, retained: [] },
      { week: '2026-W11', joined: 1, retained: [] },
    ]);
    expect(cohorts(members, { zone, now: new Date('2027-01-01T00:00:00Z'), weeks: 4 })[0].retained).toHaveLength(4);
    expect(cohorts([], { zone, now: new Date() })).toEqual([]);
  });
});

describe('DAU/MAU', () => {
  it('counts members active on the local day and in the 30 local days ending on it', () => {
    const zone = 'Asia/Shanghai';
    const day = new Date('2026-03-31T12:00:00+08:00');
    const at = (s: string) => new Date(s);
    const members = [
      { activeAt: [at('2026-03-31T00:10:00+08:00')] }, // today (yesterday in UTC)
      { activeAt: [at('2026-03-02T08:00:00+08:00'), at('2026-03-02T09:00:00+08:00')] }, // 30th day back: in the month
      { activeAt: [at('2026-03-01T23:59:00+08:00')] }, // 31 days back: out
      { activeAt: [at('2026-04-01T00:00:00+08:00')] }, // tomorrow: out
      { activeAt: [] },
    ];
    expect(dauMau(members, day, zone)).toEqual({ dau: 1, mau: 2, ratio: 0.5 });
    expect(dauMau([], day, zone)).toEqual({ dau: 0, mau: 0, ratio: 0 });
  });
});
