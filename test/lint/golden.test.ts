// Golden files: a broken sheet's complete findings, as JSON, checked in beside it. A change in a
// message, a position or a rule shows up here as a diff to review.
// After a deliberate change: UPDATE_GOLDEN=1 npx vitest run test/lint/golden.test.ts, then read the diff.

import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/sop/lint/index.ts';

const dir = new URL('../fixtures/lint/', import.meta.url);

describe('golden findings', () => {
  it.each(['broken-camp', 'broken-lead'])('%s.yaml gives exactly %s.findings.json', (name) => {
    const text = readFileSync(new URL(`${name}.yaml`, dir), 'utf8');
    const result = lintText(text, `${name}.yaml`);
    expect(result.parsed).toBe(true);
    const golden = new URL(`${name}.findings.json`, dir);
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, `${JSON.stringify(result.findings, null, 2)}\n`);
    expect(result.findings).toEqual(JSON.parse(readFileSync(golden, 'utf8')));
  });

  it('the broken camp trips every rule that applies to a camp, and the lead sheet the lead rules', () => {
    const rules = (name: string) =>
      new Set(lintText(readFileSync(new URL(`${name}.yaml`, dir), 'utf8'), name).findings.map((f) => f.rule));
    const camp = rules('broken-camp');
    for (const id of [
      'notice-lead-time',
      'group-lead-time',
      'final-reminders',
      'quiet-hours',
      'daily-density',
      'conversion-without-warmup',
      'early-conversion',
      'camp-feedback',
      'rules-before-invite',
      'unknown-variable',
      'long-paragraph',
      'one-link',
      'lint-config',
    ]) {
      expect(camp, id).toContain(id);
    }
    expect(rules('broken-lead')).toContain('lead-lifespan');
  });
});
