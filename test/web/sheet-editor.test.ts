// The sheet editor's pure parts: what the preview reads from the YAML, the day-by-day grouping
// of a real plan (D index and local time in the sheet's zone, across a DST change), where a lint
// finding lands in the text, and the version diff.

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSheet } from '../../src/sop/parse.ts';
import { plan, readAnchor } from '../../src/sop/plan.ts';
import { countBySeverity, findingRange, planByDay, STARTER_SHEET, STARTER_SHEETS, sheetFacts } from '../../web/src/pages/sheets/sheet-facts.ts';
import { diffRows, diffStats } from '../../web/src/pages/sheets/sheet-diff.ts';
import { daysBetween, localParts } from '../../web/src/time.ts';

const sheetText = (zone: string) => `sop: t
title: T
community: newcomer
timezone: ${zone}
anchor: Opening
anchor_time: "20:00"
vars:
  course: { required: true }
  teacher: { default: "Ms. Li" }
  room:
  note: { required: false }
steps:
  - id: notice
    at: D-2 10:00
    do: post
    text: "{{ course }} starts soon"
  - id: open
    at: D0 20:00
    do: post
    text: Welcome
  - id: morning
    every: day
    from: D1
    until: D3
    at: "07:00"
    do: post
    text: Good morning
`;

function planned(text: string, anchor: string) {
  const { sheet } = parseSheet(text, 's.yaml');
  const a = readAnchor(anchor, sheet);
  return { anchor: a.toISOString(), actions: plan({ sheet, anchor: a, groups: [{ id: 'g', name: 'G' }], vars: { course: 'Python', room: 'A1' } }) };
}

describe('sheetFacts', () => {
  it('reads the zone, the anchor time and the variables without a value', () => {
    const f = sheetFacts(sheetText('Asia/Shanghai'));
    expect(f).toMatchObject({ readable: true, sop: 't', timezone: 'Asia/Shanghai', anchorTime: '20:00' });
    expect(f.varsWithoutValue).toEqual([
      { name: 'course', required: true, description: undefined },
      { name: 'room', required: true, description: undefined },
      { name: 'note', required: false, description: undefined },
    ]);
  });

  it('reads every template the library ships', () => {
    for (const id of ['camp-7d', 'fission-48h', 'newcomer-7d']) {
      const f = sheetFacts(readFileSync(`templates/${id}.yaml`, 'utf8'));
      expect(f.readable).toBe(true);
      expect(f.sop).toBe(id);
      expect(f.timezone).toMatch(/\//);
    }
  });

  it('says "not readable" for text mid-edit instead of throwing', () => {
    expect(sheetFacts('steps:\n  - id: x\n at: [').readable).toBe(false);
    expect(sheetFacts('just words').readable).toBe(false);
    expect(sheetFacts('').readable).toBe(false);
  });

  it('the starter sheet parses, in both languages, with the same steps', () => {
    expect(() => parseSheet(STARTER_SHEET, 'starter.yaml')).not.toThrow();
    const en = parseSheet(STARTER_SHEETS.en, 'starter.yaml').sheet;
    const zh = parseSheet(STARTER_SHEETS.zh, 'starter.yaml').sheet;
    expect(zh.steps.map((s) => `${s.id} ${s.whenText} ${s.do}`)).toEqual(en.steps.map((s) => `${s.id} ${s.whenText} ${s.do}`));
    const words = `${zh.title} ${zh.anchor} ${zh.steps.map((s) => s.text).join(' ')}`.replace(/\{\{[^}]*\}\}|SOP/g, '');
    expect(words).not.toMatch(/[A-Za-z]{2,}/);
  });
});

describe('planByDay', () => {
  it('groups a real plan by local day with the D index from the anchor', () => {
    const { anchor, actions } = planned(sheetText('Asia/Shanghai'), '2026-12-01');
    const days = planByDay(actions, anchor, 'Asia/Shanghai');
    expect(days.map((d) => [d.day, d.date])).toEqual([
      [-2, '2026-11-29'],
      [0, '2026-12-01'],
      [1, '2026-12-02'],
      [2, '2026-12-03'],
      [3, '2026-12-04'],
    ]);
    expect(days[0].items.map((i) => [i.step, i.time, i.text])).toEqual([['notice', '10:00', 'Python starts soon']]);
    expect(days[1].items[0]).toMatchObject({ step: 'open', time: '20:00' });
    expect(days.slice(2).every((d) => d.items.length === 1 && d.items[0].time === '07:00')).toBe(true);
  });

  it('keeps local wall-clock times across a daylight-saving change', () => {
    // Europe/Berlin moves to summer time on 2026-03-29: D-2 is in winter time, D1… in summer time.
    const { anchor, actions } = planned(sheetText('Europe/Berlin'), '2026-03-29');
    const days = planByDay(actions, anchor, 'Europe/Berlin');
    expect(days.map((d) => d.day)).toEqual([-2, 0, 1, 2, 3]);
    expect(days.flatMap((d) => d.items.map((i) => i.time))).toEqual(['10:00', '20:00', '07:00', '07:00', '07:00']);
    // The same instants read in UTC differ by the offset change.
    expect(localParts(days[0].items[0].due, 'UTC').time).toBe('09:00');
    expect(localParts(days[2].items[0].due, 'UTC').time).toBe('05:00');
  });

  it('every action lands in exactly one day, in time order', () => {
    const text = readFileSync('templates/camp-7d.yaml', 'utf8');
    const { sheet } = parseSheet(text, 'camp.yaml');
    const vars = Object.fromEntries(Object.keys(sheet.vars).map((k) => [k, `[${k}]`]));
    const a = readAnchor('2026-12-01', sheet);
    const actions = plan({ sheet, anchor: a, groups: [{ id: 'g', name: 'G' }], vars });
    const days = planByDay(actions, a.toISOString(), sheet.timezone);
    expect(days.reduce((n, d) => n + d.items.length, 0)).toBe(actions.length);
    const anchorDate = localParts(a, sheet.timezone).date;
    for (const d of days) {
      expect(d.day).toBe(daysBetween(anchorDate, d.date));
      for (const i of d.items) expect(localParts(i.due, sheet.timezone).date).toBe(d.date);
    }
    expect(days.map((d) => d.date)).toEqual([...days.map((d) => d.date)].sort());
  });
});

describe('findingRange', () => {
  const lines = ['sop: x', '  - id: a', '    at: D-2 25:00', ''];

  it('points from the finding’s column to the end of its line', () => {
    const r = findingRange(lines, { line: 3, column: 9 });
    const doc = lines.join('\n');
    expect(r.line).toBe(3);
    expect(doc.slice(r.from, r.to)).toBe('D-2 25:00');
  });

  it('column 1 of an indented line starts at the field, not the indentation', () => {
    const doc = lines.join('\n');
    const r = findingRange(lines, { line: 2, column: 1 });
    expect(doc.slice(r.from, r.to)).toBe('- id: a');
  });

  it('stays inside the text for any line and column', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: -5, max: 40 }), fc.integer({ min: -5, max: 60 }), (ls, line, column) => {
        const clean = ls.map((l) => l.replace(/\n/g, ' '));
        const r = findingRange(clean, { line, column });
        const len = clean.join('\n').length;
        return r.from >= 0 && r.from <= r.to && r.to <= len && r.line >= 1 && r.line <= clean.length;
      }),
    );
  });

  it('counts findings by severity', () => {
    const f = (severity: 'error' | 'warning' | 'info') => ({ file: 'f', rule: 'r', severity, line: 1, column: 1, message: 'm', hint: 'h' });
    expect(countBySeverity([f('error'), f('warning'), f('warning'), f('info')])).toEqual({ error: 1, warning: 2, info: 1 });
  });
});

describe('diffRows', () => {
  it('marks added and removed lines with both line numbers and folds long unchanged stretches', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 10', 'line ten').concat('\nline 21');
    const rows = diffRows(before, after, 2);
    expect(diffStats(rows)).toEqual({ added: 2, removed: 1 });
    expect(rows[0]).toEqual({ kind: 'skip', count: 7 });
    expect(rows.find((r) => r.kind === 'del')).toEqual({ kind: 'del', oldNo: 10, newNo: null, text: 'line 10' });
    expect(rows.find((r) => r.kind === 'add')).toEqual({ kind: 'add', oldNo: null, newNo: 10, text: 'line ten' });
    expect(rows.at(-1)).toEqual({ kind: 'add', oldNo: null, newNo: 21, text: 'line 21' });
  });

  it('without folding, the rows rebuild both versions exactly', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'steps:', '  - id: x', ''), { maxLength: 25 }).map((ls) => ls.join('\n'));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const rows = diffRows(a, b, Number.POSITIVE_INFINITY);
        // Two equal versions have nothing to show: everything is folded.
        if (diffStats(rows).added + diffStats(rows).removed === 0) return rows.every((r) => r.kind === 'skip');
        const lines = rows.filter((r) => r.kind !== 'skip');
        const old = lines.filter((r) => r.kind !== 'add').map((r) => r.text);
        const neu = lines.filter((r) => r.kind !== 'del').map((r) => r.text);
        const split = (s: string) => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));
        return old.join('\n') === split(a).join('\n') && neu.join('\n') === split(b).join('\n');
      }),
    );
  });
});
