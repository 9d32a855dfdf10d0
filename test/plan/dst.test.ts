// The real 2026 DST changes: US 2026-03-08 (spring) and 2026-11-01 (fall), EU 2026-03-29 and
// 2026-10-25; Shanghai has none. D-steps keep their local wall-clock time, T-steps are exact.

import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/sop/plan.ts';
import { groups, sheetYaml } from './factory.ts';

const steps = `
  - { id: d1, at: "D1 20:00", do: post, text: a }
  - { id: t24, at: T+24h, do: post, text: b }
  - { id: daily, every: day, from: D0, until: D2, at: "09:00", do: post, text: c }
`;

function planIn(zone: string, anchorLocal: string, stepsYaml = steps) {
  const sheet = sheetYaml(stepsYaml, { timezone: zone });
  const anchor = DateTime.fromISO(anchorLocal, { zone }).toJSDate();
  const actions = plan({ sheet, anchor, groups: groups(1) });
  const local = (stepId: string) =>
    actions.filter((a) => a.step === stepId).map((a) => DateTime.fromISO(a.due, { zone }).toFormat('yyyy-MM-dd HH:mm ZZ'));
  return { actions, local, anchor };
}

describe('DST in America/New_York', () => {
  it('spring forward 2026-03-08: D1 keeps 20:00 local, T+24h is 24 real hours (21:00 local)', () => {
    const { local } = planIn('America/New_York', '2026-03-07T20:00');
    expect(local('d1')).toEqual(['2026-03-08 20:00 -04:00']);
    expect(local('t24')).toEqual(['2026-03-08 21:00 -04:00']);
    expect(local('daily')).toEqual(['2026-03-07 09:00 -05:00', '2026-03-08 09:00 -04:00', '2026-03-09 09:00 -04:00']);
  });

  it('fall back 2026-11-01: D1 keeps 20:00 local, T+24h is 24 real hours (19:00 local)', () => {
    const { local } = planIn('America/New_York', '2026-10-31T20:00');
    expect(local('d1')).toEqual(['2026-11-01 20:00 -05:00']);
    expect(local('t24')).toEqual(['2026-11-01 19:00 -05:00']);
  });

  it('a local time inside the spring-forward gap moves forward by the gap (02:30 → 03:30)', () => {
    const { actions } = planIn('America/New_York', '2026-03-07T20:00', `  - { id: gap, at: "D1 02:30", do: post, text: a }\n`);
    expect(actions[0].due).toBe('2026-03-08T07:30:00.000Z');
  });

  it('a local time that happens twice on fall-back day is the later one, in standard time', () => {
    const { actions } = planIn('America/New_York', '2026-10-31T20:00', `  - { id: twice, at: "D1 01:30", do: post, text: a }\n`);
    expect(actions[0].due).toBe('2026-11-01T06:30:00.000Z');
  });
});

describe('DST in Europe/Berlin', () => {
  it('spring forward 2026-03-29', () => {
    const { local } = planIn('Europe/Berlin', '2026-03-28T20:00');
    expect(local('d1')).toEqual(['2026-03-29 20:00 +02:00']);
    expect(local('t24')).toEqual(['2026-03-29 21:00 +02:00']);
  });

  it('fall back 2026-10-25', () => {
    const { local } = planIn('Europe/Berlin', '2026-10-24T20:00');
    expect(local('d1')).toEqual(['2026-10-25 20:00 +01:00']);
    expect(local('t24')).toEqual(['2026-10-25 19:00 +01:00']);
  });

  it('02:30 on 2026-03-29 does not exist and becomes 03:30 CEST', () => {
    const { actions } = planIn('Europe/Berlin', '2026-03-28T20:00', `  - { id: gap, at: "D1 02:30", do: post, text: a }\n`);
    expect(actions[0].due).toBe('2026-03-29T01:30:00.000Z');
  });

  it('quiet hours shift to the local end of the window on a DST day', () => {
    // 23:00 on the eve of the change is shifted to 08:00 the next morning, already in summer time.
    const sheet = sheetYaml(`  - { id: late, at: "D0 23:00", do: post, text: a }\n`, {
      timezone: 'Europe/Berlin',
      quiet_hours: '"22:00-08:00"',
    });
    const anchor = DateTime.fromISO('2026-03-28T20:00', { zone: 'Europe/Berlin' }).toJSDate();
    const [shifted] = plan({ sheet, anchor, groups: groups(1) });
    expect(DateTime.fromISO(shifted.due, { zone: 'Europe/Berlin' }).toFormat('yyyy-MM-dd HH:mm ZZ')).toBe('2026-03-29 08:00 +02:00');
  });
});

describe('Asia/Shanghai (no DST)', () => {
  it('D-steps and T-steps agree across the US and EU change dates', () => {
    for (const start of ['2026-03-07T20:00', '2026-03-28T20:00', '2026-10-24T20:00', '2026-10-31T20:00']) {
      const { local } = planIn('Asia/Shanghai', start);
      expect(local('d1')).toEqual(local('t24'));
      expect(local('d1')[0]).toMatch(/ 20:00 \+08:00$/);
    }
  });
});
