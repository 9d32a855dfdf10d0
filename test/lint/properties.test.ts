// Properties of the linter over generated sheets.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/sop/lint/index.ts';
import { sheet } from './support.ts';

const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

const timing = fc.oneof(
  fc.record({ day: fc.integer({ min: -3, max: 8 }), minute: fc.integer({ min: 0, max: 287 }).map((m) => m * 5) }).map(({ day, minute }) => `D${day} ${clock(minute)}`),
  fc.integer({ min: -72 * 12, max: 72 * 12 }).map((n) => (n === 0 ? 'T0' : `T${n < 0 ? '-' : '+'}${Math.abs(n) * 5}m`)),
);

const stepArb = fc.record({
  at: timing,
  act: fc.constantFrom('post', 'notify', 'create_group', 'invite', 'announce', 'welcome', 'survey', 'disband', 'checkin', 'remind'),
  kind: fc.constantFrom(undefined, 'warmup', 'conversion', 'rules', 'feedback'),
});

function stepsYaml(steps: { at: string; act: string; kind?: string }[]): string {
  return steps
    .map(
      (s, i) =>
        `\n  - id: s${i}\n    at: ${s.at}\n    do: ${s.act}` +
        (s.kind ? `\n    kind: ${s.kind}` : '') +
        (s.act === 'create_group' ? '\n    name: Group' : s.act === 'invite' || s.act === 'disband' ? '' : `\n    text: Message ${i}`) +
        (s.act === 'notify' ? '\n    to: members' : ''),
    )
    .join('');
}

const rulesOf = (text: string): Set<string> => {
  const r = lintText(text, 'p.yaml');
  expect(r.parsed).toBe(true);
  return new Set(r.findings.map((f) => f.rule));
};

describe('linter properties', () => {
  it('never fires on a guess: whatever fires without anchor_time also fires for every anchor time', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('lead', 'newcomer', 'training_camp', 'delivery', 'fans', 'local'),
        fc.array(stepArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 1439 }),
        (community, steps, anchor) => {
          const yaml = stepsYaml(steps);
          const unknown = rulesOf(sheet({ community, anchor_time: undefined }, yaml));
          const known = rulesOf(sheet({ community, anchor_time: clock(anchor) }, yaml));
          for (const rule of unknown) expect(known, `${rule} fired without anchor_time but not at ${clock(anchor)}`).toContain(rule);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('findings are sorted by line, column and rule, and always name a known rule', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 12 }), (steps) => {
        const r = lintText(sheet({}, stepsYaml(steps)), 'p.yaml');
        for (let i = 1; i < r.findings.length; i++) {
          const a = r.findings[i - 1];
          const b = r.findings[i];
          expect(a.line < b.line || (a.line === b.line && (a.column < b.column || (a.column === b.column && a.rule <= b.rule)))).toBe(true);
        }
        for (const f of r.findings) expect(f.line).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('daily-density: up to 5 group messages a day, 30+ minutes apart, never fire; a sixth always does', () => {
    // Up to six distinct half-hour slots between 08:00 and 21:30.
    const slots = fc.uniqueArray(fc.integer({ min: 16, max: 43 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(slots, fc.integer({ min: 0, max: 7 }), (half, day) => {
        const yaml = half.map((h, i) => `\n  - id: p${i}\n    at: D${day} ${clock(h * 30)}\n    do: post\n    text: Post ${i}`).join('');
        const found = lintText(sheet({}, yaml), 'p.yaml').findings.filter((f) => f.rule === 'daily-density');
        expect(found.length).toBe(half.length > 5 ? 1 : 0);
      }),
      { numRuns: 200 },
    );
  });
});
