// Every sheet in the template library parses and has no error-severity finding: the library is
// what operators copy first, so it must be a model of the rules it is checked against.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/sop/lint/index.ts';

const dir = new URL('../../templates/', import.meta.url);
const files = (() => {
  try {
    return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    return []; // no template library yet
  }
})();

describe('template library', () => {
  it.skipIf(files.length > 0)('has no templates yet, so there is nothing to lint', () => {
    expect(files).toEqual([]);
  });

  it.each(files)('%s parses and lints without errors', (file) => {
    const { parsed, findings } = lintText(readFileSync(new URL(file, dir), 'utf8'), `templates/${file}`);
    expect(findings.filter((f) => f.rule === 'parse')).toEqual([]);
    expect(parsed).toBe(true);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});
