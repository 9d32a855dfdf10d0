import { describe, expect, it } from 'vitest';
import { PlanError, readAnchor } from '../../src/sop/plan.ts';
import { sheetYaml } from './factory.ts';

const steps = `  - { id: a, at: "D1 09:00", do: post, text: a }\n`;
const withTime = sheetYaml(steps, { anchor_time: '"20:00"' });
const without = sheetYaml(steps);

describe('readAnchor', () => {
  it('reads an instant with an offset or Z as it is', () => {
    expect(readAnchor('2026-12-01T20:00:00+08:00', without).toISOString()).toBe('2026-12-01T12:00:00.000Z');
    expect(readAnchor('2026-12-01T12:00Z', without).toISOString()).toBe('2026-12-01T12:00:00.000Z');
    expect(readAnchor('2026-12-01T07:00-05:00', without, 'Europe/Berlin').toISOString()).toBe('2026-12-01T12:00:00.000Z');
  });

  it('reads a local date-time in the sheet zone, or in the run zone when given', () => {
    expect(readAnchor('2026-12-01T20:00', without).toISOString()).toBe('2026-12-01T12:00:00.000Z');
    expect(readAnchor('2026-12-01 20:00', without).toISOString()).toBe('2026-12-01T12:00:00.000Z');
    expect(readAnchor('2026-07-01T20:00', without, 'America/New_York').toISOString()).toBe('2026-07-02T00:00:00.000Z');
  });

  it('reads a date alone at the sheet anchor_time', () => {
    expect(readAnchor('2026-12-01', withTime).toISOString()).toBe('2026-12-01T12:00:00.000Z');
    // Berlin in summer (UTC+2).
    expect(readAnchor('2026-07-01', withTime, 'Europe/Berlin').toISOString()).toBe('2026-07-01T18:00:00.000Z');
  });

  it('says in plain words that a date alone needs anchor_time', () => {
    expect(() => readAnchor('2026-12-01', without)).toThrow(PlanError);
    expect(() => readAnchor('2026-12-01', without)).toThrow(/date without a time.*anchor_time/);
  });

  it('refuses what is not a date, a date that does not exist, and an unknown zone', () => {
    expect(() => readAnchor('next monday', withTime)).toThrow(/not a date or time I can read/);
    expect(() => readAnchor('2026-02-30', withTime)).toThrow(/not a real date/);
    expect(() => readAnchor('2026-12-01T25:00', withTime)).toThrow(/not a real date and time/);
    expect(() => readAnchor('2026-12-01T20:00', withTime, 'Nowhere/City')).toThrow(/Nowhere\/City/);
  });
});
