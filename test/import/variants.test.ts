// Variants from a spreadsheet: two or more labelled Content columns (`文案A` / `文案B`,
// `Text (warm)` / `Text (direct)`) carry the texts of a row; every mistake names its row and column.

import { describe, expect, it } from 'vitest';
import { findHeader, variantLabel } from '../../src/sop/import/headers.ts';
import { formatRowError, type ImportResult, importSpreadsheet } from '../../src/sop/import/index.ts';
import { parseSheet } from '../../src/sop/parse.ts';

const csv = (text: string) => new TextEncoder().encode(text);
const opts = { community: 'training_camp' } as const;

function ok(r: ImportResult): Extract<ImportResult, { ok: true }> {
  if (!r.ok) throw new Error(`import failed:\n${r.errors.map((e) => formatRowError('sheet', e)).join('\n')}`);
  return r;
}
const errors = (r: ImportResult) => (r.ok ? [`imported:\n${r.yaml}`] : r.errors.map((e) => formatRowError('ab.csv', e)));

describe('variant columns', () => {
  it('knows a variant label from a note in brackets or a plural', () => {
    expect(variantLabel('文案A')).toEqual({ id: 'a', bracket: false });
    expect(variantLabel('文案 b')).toEqual({ id: 'b', bracket: false });
    expect(variantLabel('话术（A）')).toEqual({ id: 'a', bracket: true });
    expect(variantLabel('Text (warm)')).toEqual({ id: 'warm', bracket: true });
    expect(variantLabel('Content B')).toEqual({ id: 'b', bracket: false });
    expect(variantLabel('内容（必填）')).toEqual({ bad: '必填', bracket: true });
    for (const plain of ['Texts', 'Messages', '文案', 'Content', '时间（北京）', 'Message ID']) expect(variantLabel(plain)).toBeUndefined();
  });

  it('leaves a sheet with one labelled Content column as it was: the bracket is a note', () => {
    const h = findHeader([{ row: 1, cells: ['天', '时间', '动作', '内容（必填）', '文案A'].map((text) => ({ kind: 'text' as const, text })) }]);
    expect(h.ok && h.columns.content?.label).toBe('内容（必填）');
    expect(h.ok && h.variants).toEqual([]);
    expect(h.ok && h.unused).toEqual(['文案A (E)']);
  });
});

describe('importing a sheet with variants', () => {
  it('reads 文案A / 文案B into `variants:`, and rows with one text as before', async () => {
    const r = ok(
      await importSpreadsheet(
        csv('天,时间,动作,内容,文案A,文案B\nD1,20:00,群发,,"今晚 8 点开课，记得来！","{{ group.name }} 的同学们：\n\n今晚 8 点见"\nD2,09:00,群发,早上好,,\n'),
        'ab.csv',
        opts,
      ),
    );
    const [first, second] = r.sheet.sheet.steps;
    expect(first.variants).toEqual([
      { id: 'a', text: '今晚 8 点开课，记得来！' },
      { id: 'b', text: '{{ group.name }} 的同学们：\n\n今晚 8 点见' },
    ]);
    expect(first.text).toBeUndefined();
    expect(r.notes).toContain("the columns 文案A, 文案B were read as variants a, b of each row's text (a row with two or more of them filled gets `variants:`)");
    expect(second).toMatchObject({ text: '早上好' });
    expect(second.variants).toBeUndefined();
    // The YAML reads as an operator would write it, and parses to the same sheet.
    expect(r.yaml).toContain('    variants:\n      - id: a\n        text: 今晚 8 点开课，记得来！\n      - id: b\n        text: |-\n          {{ group.name }} 的同学们：\n');
    expect(parseSheet(r.yaml, 'ab.yaml').sheet.steps[0].variants).toEqual(first.variants);
  });

  it('works without a plain Content column, with English labels', async () => {
    const r = ok(await importSpreadsheet(csv('Day,Time,Action,Text (warm),Text (direct)\nD1,20:00,post,Hello friends!,Class at 8pm.\n'), 'ab.csv', opts));
    expect(r.sheet.sheet.steps[0].variants?.map((v) => v.id)).toEqual(['warm', 'direct']);
  });

  it('names the row and the column of every mistake', async () => {
    const r = await importSpreadsheet(
      csv('天,时间,动作,内容,文案A,文案B\nD1,20:00,群发,一起,甲,乙\nD2,20:00,群发,,只有甲,\nD3,09:00,建群,,新群,新群2\n'),
      'ab.csv',
      opts,
    );
    expect(errors(r)).toEqual([
      'ab.csv: row 2, column 文案A: this row has both a 内容 cell and variant texts (文案A, 文案B); put the text in the variant columns only, or in 内容 only',
      'ab.csv: row 3, column 文案A: only 文案A is filled; a row with variants needs at least two texts to compare (fill 文案B too), or put the one text in the 内容 column',
      'ab.csv: row 4, column 文案A: create_group has no text to vary, so it takes no variants; leave 文案A, 文案B empty on this row and write its content in the 内容 column',
    ]);
    expect(errors(await importSpreadsheet(csv('天,时间,动作,文案（温和）,文案（直接）\nD1,20:00,群发,a,b\n'), 'ab.csv', opts))).toEqual([
      'ab.csv: row 1: two columns both look like the Content column: 文案（温和） (D) and 文案（直接） (E); rename or remove one of them (to give rows several texts to compare, label the columns with letters: 文案A, 文案B or Text (a), Text (b))',
    ]);
    expect(errors(await importSpreadsheet(csv('天,时间,动作,文案A,话术（A）\nD1,20:00,群发,a,b\n'), 'ab.csv', opts))).toEqual([
      'ab.csv: row 1: two columns both hold variant A of the Content: 文案A (D) and 话术（A） (E); rename or remove one of them',
    ]);
  });
});
