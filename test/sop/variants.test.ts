// `variants:` in the sheet: what parses, and every mistake worded with its line and column, in
// English and in Chinese.

import { describe, expect, it } from 'vitest';
import { SheetError } from '../../src/sop/errors.ts';
import { lintText } from '../../src/sop/lint/index.ts';
import { parseSheet } from '../../src/sop/parse.ts';

const head = 'sop: ab\ntitle: AB\ncommunity: fans\ntimezone: Asia/Shanghai\nanchor: Start\nsteps:\n';

function problems(steps: string): string[] {
  try {
    parseSheet(head + steps, 'ab.yaml');
    return [];
  } catch (e) {
    if (!(e instanceof SheetError)) throw e;
    return e.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
  }
}

const zh = (steps: string) => lintText(head + steps, 'ab.yaml', 'zh').findings.map((f) => f.message);

describe('variants: in a sheet', () => {
  it('reads two or more texts with ids in place of `text:`', () => {
    const { sheet } = parseSheet(
      `${head}  - id: hello\n    at: D0 10:00\n    do: post\n    variants:\n      - id: warm\n        text: |\n          Hello!\n\n          So glad you are here.\n      - { id: direct, text: "Today 8pm." }\n      - id: "3"\n        text: Third\n`,
      'ab.yaml',
    );
    const step = sheet.steps[0];
    expect(step.text).toBeUndefined();
    expect(step.variants).toEqual([
      { id: 'warm', text: 'Hello!\n\nSo glad you are here.\n' },
      { id: 'direct', text: 'Today 8pm.' },
      { id: '3', text: 'Third' },
    ]);
    // A sheet without variants is read exactly as before: no `variants` key at all.
    expect(Object.hasOwn(parseSheet(`${head}  - id: p\n    at: D0 10:00\n    do: post\n    text: Hi\n`).sheet.steps[0], 'variants')).toBe(false);
  });

  it('counts as the text a step needs (a notice with variants and no `text:` is complete)', () => {
    expect(problems('  - id: n\n    at: D-2 10:00\n    do: notify\n    variants: [{ id: a, text: A }, { id: b, text: B }]\n')).toEqual([]);
  });

  it('points at each mistake with a plain sentence', () => {
    const steps = [
      '  - id: hello',
      '    at: D0 10:00',
      '    do: post',
      '    variants:',
      '      - id: a',
      '        text: Hello',
      '      - id: b',
      '        txt: Hi',
      '      - id: a',
      '        text: 3',
      '      - id: Warm Words',
      '        text: x',
      '      - text: no id',
      '      - just a line',
    ].join('\n');
    expect(problems(`${steps}\n`)).toEqual([
      '13:9 step `hello`: variant `b` has no `text`',
      '14:9 step `hello`: variant `b`: unknown field `txt` — did you mean `text`?',
      '15:13 step `hello`: the variant id `a` is already used by variant 1 of this step; each variant needs its own id',
      '16:15 step `hello`: variant `a`: `text` should be text; put it in quotes',
      '17:13 step `hello`: variant 4: `id: Warm Words` cannot name a variant; use a short word of lowercase letters, digits, - and _ (at most 20 characters), like a, b or warm',
      '19:9 step `hello`: variant 5 has no `id`; give it a short name such as a, b, warm or direct',
      '20:9 step `hello`: variant 6 should have an `id` and a `text`, like `- id: a` with `text: …` under it',
    ]);
  });

  it('refuses one text, a list that is not one, `text:` beside it and actions without a text', () => {
    expect(problems('  - id: one\n    at: D0 10:00\n    do: post\n    variants: [{ id: a, text: A }]\n')).toEqual([
      '10:15 step `one`: `variants:` needs at least two texts to compare (this one has 1); for a single text, write `text:`',
    ]);
    expect(problems('  - id: str\n    at: D0 10:00\n    do: post\n    variants: a, b\n')).toEqual([
      '10:15 step `str`: `variants:` should be a list of texts, each with an `id` and a `text`, like `- id: a` with `text: …` under it',
    ]);
    expect(problems('  - id: both\n    at: D0 10:00\n    do: post\n    text: Hi\n    variants: [{ id: a, text: A }, { id: b, text: B }]\n')).toEqual([
      '11:5 step `both`: a step has either `text:` or `variants:`, not both; move the `text:` into the list as one more variant',
    ]);
    expect(problems('  - id: r\n    at: D0 10:00\n    do: rename\n    name: New\n    variants: [{ id: a, text: A }, { id: b, text: B }]\n')).toEqual([
      '11:5 step `r`: `variants:` are different texts of one message; a `rename` step has no text to vary (variants work with post, announce, welcome, notify, direct_message, task, checkin, remind, survey)',
    ]);
    const many = Array.from({ length: 11 }, (_, i) => `{ id: v${i}, text: T${i} }`).join(', ');
    expect(problems(`  - id: many\n    at: D0 10:00\n    do: post\n    variants: [${many}]\n`)[0]).toMatch(/has 11 texts; a step takes at most 10/);
  });

  it('says it in Chinese too', () => {
    expect(zh('  - id: hello\n    at: D0 10:00\n    do: post\n    variants:\n      - id: a\n        text: Hello\n      - id: a\n        text: Hi\n')).toEqual([
      '步骤 `hello`：文案编号 `a` 已被本步骤的第 1 版文案使用；每一版文案都需要自己的编号',
    ]);
    expect(zh('  - id: one\n    at: D0 10:00\n    do: post\n    variants: [{ id: a, text: A }]\n')).toEqual([
      '步骤 `one`：`variants:` 至少需要两版文案才能对比（这里只有 1 版）；只有一版文案时请写 `text:`',
    ]);
  });
});
