// The sheet caps and the reader's limits: each is an ordinary parse error with a position, checked
// before heavy work, and bounded findings for sheets with many messages a day.

import { describe, expect, it } from 'vitest';
import { SheetError } from '../../src/sop/errors.ts';
import { MAX_PLANNED_TIMES, MAX_SHEET_BYTES, MAX_STEPS, MAX_YAML_DEPTH } from '../../src/sop/limits.ts';
import { lintText } from '../../src/sop/lint/index.ts';
import { parseSheet } from '../../src/sop/parse.ts';
import { sheet } from '../lint/support.ts';
import { largestSheet } from '../support/big-sheet.ts';

function problems(text: string) {
  try {
    parseSheet(text, 'big.yaml');
  } catch (e) {
    if (e instanceof SheetError) return e.problems;
    throw e;
  }
  throw new Error('the sheet was accepted');
}

const post = (i: number, at: string) => `  - id: p${i}\n    at: ${at}\n    do: post\n    text: message ${i}`;

describe('sheet caps', () => {
  it('accepts the largest allowed sheet', () => {
    const text = largestSheet();
    expect(parseSheet(text).sheet.steps).toHaveLength(MAX_STEPS);
  });

  it(`refuses more than ${MAX_STEPS} steps, pointing at the first step over the cap`, () => {
    const steps = Array.from({ length: MAX_STEPS + 5 }, (_, i) => post(i, `D${i % 30} 10:00`)).join('\n');
    const [p, ...rest] = problems(sheet({}, steps));
    expect(rest).toEqual([]);
    expect(p.message).toBe('the sheet has 1,005 steps; a sheet holds at most 1,000 (this is step 1,001); split it into several sheets');
    expect(p.path).toBe(`steps.${MAX_STEPS}`);
    expect(p.line).toBe(sheet({}, steps).split('\n').indexOf('  - id: p1000') + 1);
    expect(p.column).toBe(5);
  });

  it(`refuses a sheet over ${MAX_SHEET_BYTES / 1024} KB, naming the line where the limit is passed`, () => {
    const long = '很'.repeat(60_000); // 180 KB a text
    const steps = [0, 1, 2].map((i) => `  - id: p${i}\n    at: D${i} 10:00\n    do: post\n    text: "${long}"`).join('\n');
    const text = sheet({}, steps);
    const [p] = problems(text);
    expect(p.message).toMatch(/^the sheet is 5\d\d KB; a sheet holds at most 512 KB \(the limit is passed on this line\)/);
    expect(text.split('\n')[p.line - 1]).toContain('text: "很');
    expect(p.line).toBe(text.split('\n').findIndex((l) => l.includes('id: p2')) + 4);
  });

  it(`refuses repeats that plan more than ${MAX_PLANNED_TIMES.toLocaleString('en')} times, and days past ten years`, () => {
    const repeats = Array.from({ length: 4 }, (_, i) => `  - id: r${i}\n    every: day\n    from: D0\n    until: D3000\n    at: "${String(i + 7).padStart(2, '0')}:00"\n    do: post\n    text: hi`).join('\n');
    const [p] = problems(sheet({}, repeats));
    expect(p.path).toBe('steps.3');
    expect(p.message).toMatch(/^step `r3`: with it the sheet plans more than 10,000 times/);
    const [far] = problems(sheet({}, post(0, 'D9999999999 10:00')));
    expect(far.message).toContain('is more than 3650 days (ten years) from the anchor');
    const [late] = problems(sheet({}, post(0, 'T+99999d')));
    expect(late.message).toContain('is longer than 3650 days');
  });
});

describe('deep YAML', () => {
  const nested = (n: number, block: boolean) =>
    block
      ? `sop: deep\nlint:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')}\n${' '.repeat(n + 1)}v: 1\n`
      : `sop: deep\nlint: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`;

  // Block maps indent one more space a level, so 2,000 of them are past the size cap; 900 fit.
  for (const [block, n] of [[true, 900], [false, 2000]] as const) {
    it(`${n.toLocaleString('en')} nested ${block ? 'block' : 'flow'} maps are a parse error with a position, not a stack overflow`, () => {
      const [p, ...rest] = problems(nested(n, block));
      expect(rest).toEqual([]);
      expect(p.message).toBe(`the YAML is nested more than ${MAX_YAML_DEPTH} levels deep here; a sheet needs only a few levels (steps, a step, its fields)`);
      expect(p.line).toBe(block ? MAX_YAML_DEPTH + 1 : 2);
      expect(p.column).toBeGreaterThan(1);
      const linted = lintText(nested(n, block), 'deep.yaml');
      expect(linted.parsed).toBe(false);
      expect(linted.findings.map((f) => f.rule)).toEqual(['parse']);
    });
  }

  it('aliases that multiply the file are refused where they expand too far', () => {
    const lines = ['sop: laughs', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const [p] = problems(lines.join('\n'));
    expect(p.message).toMatch(/^the aliases \(\*name\) used up to here expand the sheet to more than 200,000 values/);
    expect(p.line).toBeGreaterThan(2);
  });
});

describe('bounded findings', () => {
  it('daily-density names a count and the first few earlier messages, never the whole day', () => {
    const n = 400;
    const steps = Array.from({ length: n }, (_, i) => post(i, `D1 ${String(7 + Math.floor(i / 30)).padStart(2, '0')}:${String((i * 2) % 60).padStart(2, '0')}`)).join('\n');
    const found = lintText(sheet({}, steps), 'dense.yaml').findings.filter((f) => f.rule === 'daily-density');
    const many = found.filter((f) => f.message.includes('the limit is 5 a day'));
    expect(many).toHaveLength(n - 5);
    for (const f of many) expect(f.message.length).toBeLessThan(250);
    const last = many.find((f) => f.message.includes('step `p399`'))!;
    expect(last.message).toBe('399 messages land in the group on D1 (07:00, 07:02, 07:04, 07:06, 07:08 and 394 more) and step `p399` at 20:18 makes 400; the limit is 5 a day');
    const total = found.reduce((sum, f) => sum + f.message.length + f.hint.length, 0);
    expect(total).toBeLessThan(n * 600);
  });

  it('the sixth message of a day still lists the five before it', () => {
    const times = ['07:00', '08:00', '12:00', '18:00', '20:00', '21:00'];
    const [f] = lintText(sheet({}, times.map((t, i) => post(i, `D1 ${t}`)).join('\n')), 's.yaml').findings.filter((x) => x.rule === 'daily-density');
    expect(f.message).toBe('5 messages land in the group on D1 (07:00, 08:00, 12:00, 18:00, 20:00) and step `p5` at 21:00 makes 6; the limit is 5 a day');
  });

  it('the largest allowed sheet lints with findings of bounded size', () => {
    const r = lintText(largestSheet(), 'largest.yaml');
    expect(r.parsed).toBe(true);
    for (const f of r.findings) expect(f.message.length + f.hint.length).toBeLessThan(1000);
  });
});
