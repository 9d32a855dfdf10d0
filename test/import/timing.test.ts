import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRowError, importSpreadsheet } from '../../src/sop/import/index.ts';
import { formatOffset, readTimingText } from '../../src/sop/import/timing.ts';
import { ACTION_WORDS, KIND_WORDS, OWNER_WORDS } from '../../src/sop/import/vocabulary.ts';
import { formatClock } from '../../src/sop/when.ts';

describe('reading Day and Time cells', () => {
  it.each([
    ['D1', { point: { day: 1 } }],
    ['d 3', { point: { day: 3 } }],
    ['D-2', { point: { day: -2 } }],
    ['D+1', { point: { day: 1 } }],
    ['Day 1', { point: { day: 1 } }],
    ['第1天', { point: { day: 1 } }],
    ['第-1天', { point: { day: -1 } }],
    ['前2天', { point: { day: -2 } }],
    ['提前1天', { point: { day: -1 } }],
    ['-2', { point: { day: -2 } }],
    ['0', { point: { day: 0 } }],
    ['Ｄ１', { point: { day: 1 } }],
    ['D1-D6', { range: { from: { day: 1 }, until: { day: 6 } } }],
    ['D1~D6', { range: { from: { day: 1 }, until: { day: 6 } } }],
    ['D1～D6', { range: { from: { day: 1 }, until: { day: 6 } } }],
    ['D1到D6', { range: { from: { day: 1 }, until: { day: 6 } } }],
    ['D-2~D1', { range: { from: { day: -2 }, until: { day: 1 } } }],
    ['第1-6天', { range: { from: { day: 1 }, until: { day: 6 } } }],
    ['第1天-第6天', { range: { from: { day: 1 }, until: { day: 6 } } }],
    ['每天 D1-D6', { daily: true, range: { from: { day: 1 }, until: { day: 6 } } }],
    ['2026-12-01', { point: { date: '2026-12-01' } }],
    ['2026/12/1', { point: { date: '2026-12-01' } }],
    ['2026年12月1日', { point: { date: '2026-12-01' } }],
    ['T-2h', { offset: -120 }],
    ['T+30m', { offset: 30 }],
    ['T-1h30m', { offset: -90 }],
    ['T0', { offset: 0 }],
    ['07:00', { minute: 420 }],
    ['7:00', { minute: 420 }],
    ['7：00', { minute: 420 }],
    ['19:30', { minute: 1170 }],
    ['7点', { minute: 420 }],
    ['7点半', { minute: 450 }],
    ['8点15分', { minute: 495 }],
    ['下午3点', { minute: 900 }],
    ['晚上8点', { minute: 1200 }],
    ['中午12点', { minute: 720 }],
    ['中午1点', { minute: 780 }],
    ['7pm', { minute: 1140 }],
    ['7:30 am', { minute: 450 }],
    ['07:00:00', { minute: 420 }],
    ['D1 07:00', { point: { day: 1 }, minute: 420 }],
    ['第3天 晚上8点', { point: { day: 3 }, minute: 1200 }],
    ['2026-12-01 20:00', { point: { date: '2026-12-01' }, minute: 1200 }],
  ])('%s', (text, expected) => {
    expect(readTimingText(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['tomorrow', /"tomorrow" is not a day/],
    ['25:00', /"25:00" is not a time of day \(hours go 00–23\)/],
    ['7:75', /minutes go 00–59/],
    ['07:00:30', /has seconds/],
    ['2026-02-30', /2026-2-30 is not a date in the calendar/],
    ['7:00 8:00', /holds two times/],
    ['T+soon', /is not an offset from the anchor/],
  ])('refuses %s', (text, reason) => {
    const r = readTimingText(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('writes offsets in the sheet form', () => {
    expect([-120, 30, -90, 0, 1440 + 60].map(formatOffset)).toEqual(['T-2h', 'T+30m', 'T-1h30m', 'T0', 'T+1d1h']);
  });

  it('reads back any day and time it is written in, in every day and time style', () => {
    fc.assert(
      fc.property(fc.integer({ min: -30, max: 60 }), fc.integer({ min: 0, max: 1439 }), (day, minute) => {
        const h = Math.floor(minute / 60);
        const m = minute % 60;
        const days = [`D${day}`, `Day ${day}`, `第${day}天`, String(day)];
        const times = [formatClock(minute), `${h}:${String(m).padStart(2, '0')}`, m === 0 ? `${h}点` : m === 30 ? `${h}点半` : `${h}点${m}分`];
        for (const d of days) {
          for (const t of times) {
            expect(readTimingText(`${d} ${t}`)).toEqual({ ok: true, value: { point: { day }, minute } });
          }
        }
      }),
    );
  });
});

describe('any sheet of well-formed rows', () => {
  const actionWords = Object.keys(ACTION_WORDS).filter((w) => !['rename', 'tag', 'move'].includes(ACTION_WORDS[w]));
  const row = fc.record({
    day: fc.integer({ min: -5, max: 14 }),
    until: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    minute: fc.integer({ min: 0, max: 1439 }),
    action: fc.constantFrom(...actionWords),
    owner: fc.constantFrom('', ...Object.keys(OWNER_WORDS)),
    kind: fc.constantFrom('', ...Object.keys(KIND_WORDS)),
    // Any printable text, Chinese and emoji too, on one or more lines; `{`/`}` would be template tags.
    content: fc
      .array(fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 20 })), { minLength: 1, maxLength: 3 })
      .map((lines) => lines.join('\n'))
      .filter((s) => s.trim() !== '' && !/[{}]/.test(s)),
  });

  it('imports into exactly one step per row, with unique ids, that plans as written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 25 }), async (rows) => {
        const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const lines = ['天,时间,动作,内容,执行人,类型'];
        for (const r of rows) {
          const day = r.until === undefined ? `第${r.day}天` : `D${r.day}-D${r.day + r.until}`;
          lines.push([day, formatClock(r.minute), r.action, quote(r.content), r.owner, r.kind].join(','));
        }
        const result = await importSpreadsheet(new TextEncoder().encode(lines.join('\r\n')), 'p.csv');
        if (!result.ok) throw new Error(result.errors.map((e) => formatRowError('p.csv', e)).join('\n'));
        const steps = result.sheet.sheet.steps;
        expect(steps).toHaveLength(rows.length);
        expect(new Set(steps.map((s) => s.id)).size).toBe(rows.length);
        steps.forEach((s, i) => {
          const r = rows[i];
          expect(s.do).toBe(ACTION_WORDS[r.action]);
          expect(s.when).toEqual(
            r.until === undefined
              ? { kind: 'day', day: r.day, minute: r.minute }
              : { kind: 'every', days: 'day', from: r.day, until: r.day + r.until, minute: r.minute },
          );
          const content = s.do === 'create_group' ? s.name : s.text;
          expect(content).toBe(r.content.trim());
        });
      }),
      { numRuns: 60 },
    );
  });
});
