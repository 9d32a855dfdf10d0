// Names JavaScript objects carry on their prototype, written where a sheet, a run or a group
// supplies a name: never read from Object.prototype (no `function Object() { [native code] }` in a
// message, no 500), always an ordinary error with its position — or an ordinary value when the
// sheet really declares that name.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readGroupsCsv } from '../../src/cli/groups-csv.ts';
import { readVars } from '../../src/cli/sop.ts';
import { assigneeFor } from '../../src/run/assign.ts';
import { SheetError } from '../../src/sop/errors.ts';
import { lintText } from '../../src/sop/lint/index.ts';
import { parseSheet } from '../../src/sop/parse.ts';
import { planMemberStep } from '../../src/sop/member-step.ts';
import { PlanError, plan } from '../../src/sop/plan.ts';

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__'];
const name = fc.constantFrom(...NAMES);
const ANCHOR = new Date('2026-12-01T12:00:00Z');

function yaml(o: { text?: string; by?: string; vars?: string; lint?: string; on?: boolean }): string {
  return [
    'sop: proto',
    'title: Prototype names',
    'community: training_camp',
    'timezone: Asia/Shanghai',
    'anchor: Opening',
    o.vars ? `vars:\n${o.vars}` : '',
    o.lint ? `lint:\n${o.lint}` : '',
    'steps:',
    '  - id: s1',
    o.on ? '    on: member_join\n    after: 10m\n    do: direct_message' : '    at: D0 10:00\n    do: post',
    `    text: "${o.text ?? 'hello'}"`,
    o.by ? `    by: ${o.by}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

function planError(text: string, run: Record<string, string> = {}): PlanError {
  const { sheet } = parseSheet(text);
  try {
    plan({ sheet, anchor: ANCHOR, groups: [{ id: 'g1', name: 'Group 1', attrs: {} }], vars: run });
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
  throw new Error('planned without an error');
}

function rendered(text: string, run: Record<string, string> = {}): string {
  const { sheet } = parseSheet(text);
  return plan({ sheet, anchor: ANCHOR, groups: [{ id: 'g1', name: 'Group 1' }], vars: run })[0].text;
}

describe('prototype names', () => {
  it('{{ name }} not declared is an unknown variable: a plan error and a lint finding at its position', () => {
    fc.assert(
      fc.property(name, (n) => {
        const text = yaml({ text: `Hi {{ ${n} }}` });
        const e = planError(text);
        expect(e.problems).toEqual([{ step: 's1', message: expect.stringContaining(`\`{{ ${n} }}\` is not a variable with a value`) }]);
        expect(e.message).not.toContain('native code');
        const f = lintText(text, 'p.yaml').findings.find((x) => x.rule === 'unknown-variable');
        expect(f).toMatchObject({ severity: 'error', line: lineOf(text, 'text:'), column: lineOf(text, 'text:') && text.split('\n')[lineOf(text, 'text:') - 1].indexOf('{{') + 1 });
      }),
      { numRuns: NAMES.length * 2 },
    );
  });

  it('{{ group.name }} and {{ member.name }} are missing values, never prototype members', () => {
    fc.assert(
      fc.property(name, (n) => {
        const e = planError(yaml({ text: `Hi {{ group.${n} }}` }));
        expect(e.problems[0].message).toMatch(new RegExp(`^\`\\{\\{ group\\.${n} \\}\\}\` has no value for group g1`));
        const { sheet } = parseSheet(yaml({ text: `Hi {{ member.${n} }}`, on: true }));
        const member = () =>
          planMemberStep({ sheet, step: sheet.steps[0], eventAt: ANCHOR, group: { id: 'g1', name: 'G' }, groupIndex: 1, member: { id: 'm1', name: 'Ann', attrs: {} }, anchor: ANCHOR });
        expect(member).toThrow(PlanError);
        expect(member).toThrow(`\`{{ member.${n} }}\` has no value for member Ann (m1)`);
      }),
      { numRuns: NAMES.length * 2 },
    );
  });

  it('by: <name> is a schema error with its position', () => {
    fc.assert(
      fc.property(name, (n) => {
        const text = yaml({ by: n });
        let e: unknown;
        try {
          parseSheet(text, 'p.yaml');
        } catch (err) {
          e = err;
        }
        expect(e).toBeInstanceOf(SheetError);
        const [p] = (e as SheetError).problems;
        expect(p).toMatchObject({ file: 'p.yaml', line: lineOf(text, 'by:'), column: 9, path: 'steps.0.by' });
        expect(p.message).toMatch(/^step `s1`: `by: /);
      }),
      { numRuns: NAMES.length * 2 },
    );
  });

  it('a declared variable of that name is an ordinary variable (`__proto__` is refused at its key)', () => {
    for (const n of NAMES) {
      const text = yaml({ text: `Hi {{ ${n} }}`, vars: `  ${n}: { default: declared }` });
      if (n === '__proto__') {
        expect(() => parseSheet(text)).toThrow(/:7:3: a variable cannot be called `__proto__`/);
        continue;
      }
      expect(rendered(text)).toBe('Hi declared');
      // A run variable of that name, as JSON bodies carry them (own properties).
      expect(rendered(yaml({ text: `Hi {{ ${n} }}` }), JSON.parse(`{"${n}": "from the run"}`))).toBe('Hi from the run');
    }
  });

  it('lint overrides named like prototype members are reported, never applied', () => {
    fc.assert(
      fc.property(name, (n) => {
        const text = yaml({ lint: `  ${n}: { severity: off }\n  daily-density: { ${n}: 3 }` });
        const r = lintText(text, 'p.yaml');
        expect(r.parsed).toBe(true);
        // The schema's records drop a `__proto__` key before the linter sees it: nothing to report or apply.
        if (n === '__proto__') return;
        const messages = r.findings.filter((f) => f.rule === 'lint-config').map((f) => f.message);
        expect(messages).toContain(`\`lint:\` names a rule \`${n}\` that does not exist; its settings are ignored`);
        expect(messages).toContain(`rule \`daily-density\` has no setting \`${n}\`; it is ignored`);
      }),
      { numRuns: NAMES.length * 2 },
    );
  });

  it('CLI --var and group CSV columns of those names are own values', () => {
    for (const n of NAMES) {
      expect(rendered(yaml({ text: `Hi {{ ${n} }}` }), readVars([`${n}=from the CLI`]))).toBe('Hi from the CLI');
      const [g] = readGroupsCsv(`id,name,${n}\ng1,One,value\n`, 'groups.csv');
      expect(Object.hasOwn(g.attrs ?? {}, n)).toBe(true);
      const { sheet } = parseSheet(yaml({ text: `Hi {{ group.${n} }}` }));
      expect(plan({ sheet, anchor: ANCHOR, groups: [g] })[0].text).toBe('Hi value');
    }
  });

  it('a role named like a prototype member goes to the leader, not to a function', () => {
    for (const n of NAMES) expect(assigneeFor(n, { leader: 'lin', attrs: {} })).toBe('lin');
  });
});
