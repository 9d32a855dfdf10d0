// Small sheets for the linter tests: a header with sensible defaults and the steps as YAML.

import { expect } from 'vitest';
import { type Finding, lintText } from '../../src/sop/lint/index.ts';

export interface Header {
  community: string;
  anchor_time?: string;
  quiet_hours?: string;
  quiet_policy?: string;
  vars?: string;
  lint?: string;
}

/** A sheet with the given header fields and steps (YAML list items, indented by two spaces). */
export function sheet(header: Partial<Header>, steps: string): string {
  const h: Header = { community: 'training_camp', anchor_time: '20:00', ...header };
  return [
    'sop: test-sheet',
    'title: Test sheet',
    `community: ${h.community}`,
    'timezone: Asia/Shanghai',
    'anchor: Opening',
    h.anchor_time !== undefined ? `anchor_time: "${h.anchor_time}"` : '',
    h.quiet_hours ? `quiet_hours: "${h.quiet_hours}"` : '',
    h.quiet_policy ? `quiet_policy: ${h.quiet_policy}` : '',
    h.vars ? `vars:\n${h.vars}` : '',
    h.lint ? `lint:\n${h.lint}` : '',
    'steps:',
    steps.replace(/^\n/, ''),
  ]
    .filter(Boolean)
    .join('\n');
}

/** Lints a sheet that must parse, and returns the findings of one rule (or all). */
export function lint(text: string, rule?: string): Finding[] {
  const r = lintText(text, 'test.yaml');
  expect(r.findings.filter((f) => f.rule === 'parse')).toEqual([]);
  expect(r.parsed).toBe(true);
  return rule ? r.findings.filter((f) => f.rule === rule) : r.findings;
}

/** The 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" is not in the sheet`);
  return i + 1;
}
