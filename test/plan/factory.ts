// Sheets and groups for planner tests: YAML through the real parser for readable cases, and
// plain Sheet objects for property tests (no YAML round trip per generated case).

import { parseSheet } from '../../src/sop/parse.ts';
import type { PlanGroup } from '../../src/sop/plan.ts';
import type { Sheet, Step, When } from '../../src/sop/types.ts';

/** A sheet from a header (defaults filled in) and a YAML list of steps. */
export function sheetYaml(steps: string, header: Record<string, string> = {}): Sheet {
  const head = {
    sop: 'test-sheet',
    title: 'Test sheet',
    community: 'training_camp',
    timezone: 'Asia/Shanghai',
    anchor: 'Camp opening',
    ...header,
  };
  const text = `${Object.entries(head)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\nsteps:\n${steps}`;
  return parseSheet(text, 'test.yaml').sheet;
}

export function step(id: string, when: When, extra: Partial<Step> = {}, index = 0): Step {
  return { id, index, when, whenText: 'generated', do: 'post', text: `text of ${id}`, windowMinutes: 30, ...extra };
}

export function sheetOf(steps: Step[], extra: Partial<Sheet> = {}): Sheet {
  return {
    sop: 'generated',
    title: 'Generated',
    community: 'training_camp',
    timezone: 'Asia/Shanghai',
    anchor: 'Start',
    quietPolicy: 'shift',
    vars: {},
    lint: {},
    steps: steps.map((s, i) => ({ ...s, index: i })),
    ...extra,
  };
}

export function groups(n: number, attrs?: (i: number) => Record<string, string>): PlanGroup[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `g-${String(i + 1).padStart(3, '0')}`,
    name: `Camp ${i + 1}`,
    ...(attrs ? { attrs: attrs(i) } : {}),
  }));
}
