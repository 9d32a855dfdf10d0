// Every sheet in the template library parses and has no error-severity finding: the library is
// what operators copy first, so it must be a model of the rules it is checked against.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/sop/lint/index.ts';

const dir = new URL('../../templates/', import.meta.url);
// English templates sit in templates/, their Chinese versions in templates/zh/.
const files = [
  ...readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)),
  ...readdirSync(new URL('zh/', dir)).map((f) => `zh/${f}`).filter((f) => /\.ya?ml$/.test(f)),
].sort();

describe('template library', () => {
  it('has the eight required sheets at least', () => {
    expect(files.filter((f) => !f.startsWith('zh/')).length).toBeGreaterThanOrEqual(8);
    expect(files.filter((f) => f.startsWith('zh/')).length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s has no finding at all: the library is the model operators copy', (file) => {
    const { findings } = lintText(readFileSync(new URL(file, dir), 'utf8'), `templates/${file}`);
    expect(findings).toEqual([]);
  });

  it.each(files)('%s parses and lints without errors', (file) => {
    const { parsed, findings } = lintText(readFileSync(new URL(file, dir), 'utf8'), `templates/${file}`);
    expect(findings.filter((f) => f.rule === 'parse')).toEqual([]);
    expect(parsed).toBe(true);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});
