// The sheet check in Chinese: every finding of the broken fixtures (all sixteen rules between
// them, plus lint-config) reads in Chinese, message and hint, while English stays the golden text.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintText, RULES } from '../../src/sop/lint/index.ts';

const CJK = /[\u4e00-\u9fff]/;
const fixture = (name: string) => readFileSync(new URL(`../fixtures/lint/${name}.yaml`, import.meta.url), 'utf8');

describe('lint findings in Chinese', () => {
  it.each(['broken-camp', 'broken-lead'])('%s: every finding has a Chinese message and hint', (name) => {
    const zh = lintText(fixture(name), `${name}.yaml`, 'zh').findings;
    const en = lintText(fixture(name), `${name}.yaml`).findings;
    expect(zh.length).toBe(en.length);
    expect(zh.length).toBeGreaterThan(3);
    expect(zh.filter((f) => !CJK.test(f.message) || !CJK.test(f.hint)).map((f) => `${f.rule}: ${f.message} / ${f.hint}`)).toEqual([]);
    // Same findings, same places: only the words change.
    expect(zh.map(({ rule, line, column, severity }) => ({ rule, line, column, severity }))).toEqual(en.map(({ rule, line, column, severity }) => ({ rule, line, column, severity })));
  });

  it('covers every rule somewhere in the fixtures (so a new rule must be worded too)', () => {
    const rules = new Set(['broken-camp', 'broken-lead'].flatMap((n) => lintText(fixture(n), `${n}.yaml`, 'zh').findings.map((f) => f.rule)));
    expect(RULES.map((r) => r.id).filter((id) => !rules.has(id))).toEqual([]);
    expect(rules.has('lint-config')).toBe(true);
  });

  it('a sheet that cannot be read says so in Chinese', () => {
    const r = lintText('sop: x\ntitle: [unclosed\n', 'x.yaml', 'zh');
    expect(r.parsed).toBe(false);
    expect(r.findings.every((f) => CJK.test(f.message) && CJK.test(f.hint))).toBe(true);
  });
});
