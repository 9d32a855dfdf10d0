// The `lint:` block (rule `lint-config`), severities, RULES, and lintText on unreadable sheets.

import { describe, expect, it } from 'vitest';
import { RULES, lintText } from '../../src/sop/lint/index.ts';
import { lineOf, lint, sheet } from './support.ts';

const late = '\n  - id: late\n    at: D1 23:00\n    do: post\n    text: Good night';

describe('RULES', () => {
  it('lists the sixteen rules with the ids of DESIGN.md, a severity and their thresholds', () => {
    expect(RULES.map((r) => r.id).sort()).toEqual(
      [
        'notice-lead-time',
        'group-lead-time',
        'final-reminders',
        'quiet-hours',
        'daily-density',
        'conversion-without-warmup',
        'early-conversion',
        'lead-lifespan',
        'camp-feedback',
        'rules-before-invite',
        'unknown-variable',
        'long-paragraph',
        'one-link',
        'audience',
        'variant-balance',
        'digest-step',
      ].sort(),
    );
    expect(RULES.find((r) => r.id === 'daily-density')?.defaults).toEqual({ max_posts: 5, min_gap_minutes: 30 });
    expect(RULES.find((r) => r.id === 'unknown-variable')?.severity).toBe('error');
    for (const r of RULES) expect(r.summary.length).toBeGreaterThan(10);
  });
});

describe('lint: overrides', () => {
  it('turns a rule off or changes its severity', () => {
    expect(lint(sheet({ lint: '  quiet-hours: { severity: off }' }, late), 'quiet-hours')).toEqual([]);
    expect(lint(sheet({ lint: '  quiet-hours: { severity: error }' }, late), 'quiet-hours')[0].severity).toBe('error');
    expect(lint(sheet({ lint: '  quiet-hours: { severity: info }' }, late), 'quiet-hours')[0].severity).toBe('info');
  });

  it('overrides the window of quiet-hours', () => {
    expect(lint(sheet({ lint: '  quiet-hours: { window: "23:30-06:00" }' }, late), 'quiet-hours')).toEqual([]);
  });

  it('reports an unknown rule id with a did-you-mean, at the key, and keeps linting', () => {
    const text = sheet({ lint: '  daily-densty: { max_posts: 6 }' }, late);
    const found = lint(text);
    const cfg = found.filter((f) => f.rule === 'lint-config');
    expect(cfg).toHaveLength(1);
    expect(cfg[0].severity).toBe('warning');
    expect(cfg[0].line).toBe(lineOf(text, 'daily-densty'));
    expect(cfg[0].message).toContain('did you mean `daily-density`?');
    expect(found.some((f) => f.rule === 'quiet-hours')).toBe(true);
  });

  it('reports an unknown threshold with a did-you-mean and a bad value, keeping the default', () => {
    const text = sheet({ lint: '  daily-density: { max_post: 6 }\n  one-link: { max_links: two }\n  quiet-hours: { severity: loud }' }, late);
    const cfg = lint(text, 'lint-config');
    expect(cfg.map((f) => f.message)).toEqual([
      expect.stringContaining('has no setting `max_post` (did you mean `max_posts`?)'),
      expect.stringContaining('`lint: one-link: max_links: two` should be a whole number like 1; the default 1 is used'),
      expect.stringContaining('is not a severity'),
    ]);
    // The bad severity leaves the rule on, at its default.
    expect(lint(text, 'quiet-hours')[0].severity).toBe('warning');
  });

  it('rejects a window and communities it cannot read', () => {
    const text = sheet({ lint: '  quiet-hours: { window: "late" }\n  final-reminders: { communities: [camp] }' }, late);
    expect(lint(text, 'lint-config')).toHaveLength(2);
  });
});

describe('lintText', () => {
  it('gives parse findings and parsed: false for a sheet that cannot be read', () => {
    const r = lintText('sop: x\ntitle: [unclosed\n', 'bad.yaml');
    expect(r.parsed).toBe(false);
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.every((f) => f.rule === 'parse' && f.severity === 'error' && f.file === 'bad.yaml')).toBe(true);
  });

  it('gives parse findings for a sheet outside the format, with lines', () => {
    const r = lintText(sheet({}, '\n  - id: x\n    at: D1 25:00\n    do: post\n    text: hi'), 'bad.yaml');
    expect(r.parsed).toBe(false);
    expect(r.findings[0].message).toContain('25:00');
    expect(r.findings[0].line).toBeGreaterThan(1);
  });

  it('sorts findings by line, column, rule and names the file', () => {
    const r = lintText(sheet({}, `${late}\n  - id: b\n    at: D1 23:05\n    do: post\n    text: "{{ nope }}"`), 'f.yaml');
    expect(r.parsed).toBe(true);
    const keys = r.findings.map((f) => [f.line, f.column, f.rule] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : 1));
    expect(keys).toEqual(sorted);
    expect(r.findings.every((f) => f.file === 'f.yaml')).toBe(true);
  });
});
