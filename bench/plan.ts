// Planner throughput: a 30-day sheet (40 steps, six of them recurring, about 200 actions per
// group) planned for 10,000 groups. Target: at least 250,000 actions per second.
// Run alone with `node --import tsx bench/plan.ts`, or with the others through bench/run.ts.

import { parseSheet } from '../src/sop/parse.ts';
import { compilePlan, type PlanGroup, plan } from '../src/sop/plan.ts';

const GROUPS = 10_000;
const RUNS = 3;

/** 5 daily steps D1..D30, one mon/wed/fri step, and 34 one-off steps (D-days and T-offsets). */
export function benchSheetYaml(): string {
  const lines = [
    'sop: bench-30d',
    'title: 30-day membership camp',
    'community: training_camp',
    'timezone: Asia/Shanghai',
    'anchor: Camp opening',
    'anchor_time: "20:00"',
    'quiet_hours: "22:30-07:30"',
    'quiet_policy: shift',
    'vars:',
    '  course: { required: true }',
    '  teacher: { default: "Ms. Li" }',
    'steps:',
  ];
  const daily: [string, string, string][] = [
    ['morning', '07:00', 'Good morning {{ group.name }}! Day {{ day }} of {{ course }} starts now.'],
    ['lesson', '12:00', 'Today’s lesson from {{ teacher }} is pinned above.'],
    ['checkin', '18:00', 'Check in for day {{ day }}: reply with your homework photo.'],
    ['evening', '20:00', '{{ group.city }} study hour in group #{{ group.index }} starts now.'],
    ['night', '21:30', 'Good night, see you tomorrow.'],
  ];
  for (const [id, at, text] of daily) {
    lines.push(`  - { id: ${id}, every: day, from: D1, until: D30, at: "${at}", do: post, text: "${text}" }`);
  }
  lines.push('  - { id: qa, every: "mon,wed,fri", from: D1, until: D30, at: "19:00", do: task, text: "Answer open questions in {{ group.name }}" }');
  for (let i = 0; i < 34; i++) {
    const id = `step-${i + 1}`;
    if (i % 4 === 3) {
      lines.push(`  - { id: ${id}, at: T+${i * 7}h, do: post, kind: info, text: "Update ${i + 1} for {{ group.name }}" }`);
    } else {
      const day = -3 + i;
      const minute = (i * 37) % 60;
      lines.push(
        `  - { id: ${id}, at: "D${day} ${String(9 + (i % 10)).padStart(2, '0')}:${String(minute).padStart(2, '0')}", do: ${i % 5 === 0 ? 'announce' : 'post'}, text: "Step ${i + 1}: {{ course }} with {{ teacher }}" }`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function benchGroups(n: number): PlanGroup[] {
  const cities = ['Shanghai', 'Hangzhou', 'Chengdu', 'Wuhan', 'Xiamen'];
  return Array.from({ length: n }, (_, i) => ({
    id: `grp-${String(i + 1).padStart(6, '0')}`,
    name: `Camp ${i + 1}`,
    attrs: { city: cities[i % cities.length] },
  }));
}

export async function benchPlan(): Promise<Record<string, number>> {
  const { sheet } = parseSheet(benchSheetYaml(), 'bench-30d.yaml');
  const anchor = new Date('2026-03-01T12:00:00Z');
  const vars = { course: 'Python' };
  const groups = benchGroups(GROUPS);

  const compileStart = performance.now();
  const compiled = compilePlan({ sheet, anchor, vars });
  const compileMs = performance.now() - compileStart;

  // Warm up the JIT on a smaller run first; then the median of a few full runs.
  plan({ sheet, anchor, groups: groups.slice(0, 500), vars });
  const times: number[] = [];
  let count = 0;
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    const actions = plan({ sheet, anchor, groups, vars });
    times.push(performance.now() - start);
    count = actions.length;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  return {
    plan_actions_per_s: Math.round(count / (median / 1000)),
    plan_actions: count,
    plan_groups: GROUPS,
    plan_steps: sheet.steps.length,
    plan_actions_per_group: compiled.occurrences.length,
    plan_ms: Math.round(median),
    plan_ms_best: Math.round(times[0]),
    plan_compile_ms: Math.round(compileMs * 100) / 100,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchPlan(), null, 2)}\n`);
}
