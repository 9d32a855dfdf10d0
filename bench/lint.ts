// How fast the SOP linter checks sheets, YAML parse included: an operator's editor lints on every
// keystroke and the template library (and CI) lints hundreds of sheets at once.
// Run: npx tsx -e "import('./bench/lint.ts').then(async m=>console.log(await m.benchLint()))"

import { lintSheet, lintText } from '../src/sop/lint/index.ts';
import { parseSheet } from '../src/sop/parse.ts';
import { largestSheet } from '../test/support/big-sheet.ts';

const SHEETS = 1000;

const COURSES = ['Python basics', 'Watercolour', 'Public speaking', 'Excel for finance', 'Guitar', 'Copywriting'];
const TIMES = ['07:00', '08:00', '12:00', '18:00', '20:00'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A 7-day camp sheet of about 40 steps; `seed` varies names, times, texts and lengths. */
export function campSheet(seed: number): string {
  const course = COURSES[seed % COURSES.length];
  const days = 5 + (seed % 3);
  const minuteShift = (seed * 7) % 20;
  const lines: string[] = [
    `sop: camp-${seed}`,
    `title: ${course} camp, run ${seed}`,
    'community: training_camp',
    'industry: education',
    'timezone: Asia/Shanghai',
    'anchor: Camp opening',
    'anchor_time: "20:00"',
    'quiet_hours: "22:30-07:00"',
    'quiet_policy: shift',
    'vars:',
    '  course: { required: true }',
    `  teacher: { default: "Teacher ${seed % 17}" }`,
    '  shop_link: { default: "https://shop.example/camp" }',
    seed % 4 === 0 ? 'lint:\n  daily-density: { max_posts: 6 }' : '',
    'steps:',
    '  - id: notice-1',
    '    at: D-3 10:00',
    '    do: notify',
    '    to: enrolled',
    '    text: |',
    '      Hi {{ member.name }}, your {{ course }} camp starts in three days.',
    '',
    '      Reply 1 to keep your seat.',
    '  - id: build',
    '    at: D-1 09:00',
    '    do: create_group',
    `    name: "{{ course }} camp · {{ group.index }}"`,
    '  - id: rules',
    '    at: D-1 09:30',
    '    do: announce',
    '    kind: rules',
    '    text: |',
    '      Welcome to the {{ course }} camp.',
    '',
    '      1. Be kind. 2. No ads. 3. Post your homework by 22:00.',
    '  - id: welcome',
    '    at: D-1 09:35',
    '    do: welcome',
    '    text: "Welcome {{ member.name }}! Read the pinned rules, then say hello."',
    '  - id: open-invites',
    '    at: D-1 10:00',
    '    do: invite',
    '  - id: last-12h',
    '    at: T-12h',
    '    do: notify',
    '    to: enrolled',
    '    text: "Tonight at 20:00: the {{ course }} camp opens. See you there, {{ member.name }}."',
    '  - id: last-3h',
    '    at: T-3h',
    '    do: post',
    '    text: Three hours to go. Prepare a notebook.',
    '  - id: last-30m',
    '    at: T-30m',
    '    do: post',
    '    text: Thirty minutes! The link to the room is in the group notice.',
  ];
  for (const [i, t] of TIMES.entries()) {
    const [h, m] = t.split(':').map(Number);
    lines.push(
      `  - id: cadence-${i}`,
      '    every: day',
      '    from: D1',
      `    until: D${days}`,
      `    at: "${pad(h)}:${pad(Math.min(59, m + (i === 0 ? 0 : minuteShift)))}"`,
      `    do: ${i === 2 ? 'checkin' : 'post'}`,
      `    kind: ${i === 2 ? 'task' : 'activation'}`,
      `    text: "Day {{ day }} of {{ course }}: ${'practice and share what you made. '.repeat(1 + ((seed + i) % 3))}"`,
    );
  }
  for (let d = 1; d <= days + 20; d++) {
    if (lines.filter((l) => l.startsWith('  - id:')).length >= 36) break;
    lines.push(
      `  - id: lesson-${d}`,
      `    at: D${((d - 1) % days) + 1} ${pad(19 + (d % 2))}:${pad(30 + ((seed + d) % 20))}`,
      '    do: task',
      '    by: assistant',
      '    text: |',
      `      Chat one to one with the three quietest members of {{ group.name }} (lesson ${d}).`,
      '',
      '      Ask what stopped them, and note it on the board.',
    );
  }
  lines.push(
    '  - id: warmup',
    `    at: D${days - 1} 20:30`,
    '    do: post',
    '    kind: warmup',
    '    text: What would you build with one more month of practice? Tell us below.',
    '  - id: offer',
    `    at: D${days} 21:00`,
    '    do: post',
    '    kind: conversion',
    '    link: "{{ shop_link }}"',
    '    text: The full course opens today for camp members.',
    '  - id: feedback',
    `    at: D${days + 1} 10:00`,
    '    do: survey',
    '    kind: feedback',
    '    questions: ["How useful was the camp, 1 to 5?", "What should {{ teacher }} change?"]',
    '  - id: close',
    `    at: D${days + 3} 10:00`,
    '    do: disband',
  );
  return `${lines.join('\n')}\n`;
}

export async function benchLint(): Promise<Record<string, number>> {
  const texts = Array.from({ length: SHEETS }, (_, i) => campSheet(i));
  // Warm the JIT, then lint the 1,000 sheets three times and keep the median round: steady-state
  // linting, as in an editor or a CI job that lints the whole library.
  for (let i = 0; i < 200; i++) lintText(texts[i], `warm-${i}.yaml`);
  let findings = 0;
  let unparsed = 0;
  const rounds: number[] = [];
  for (let round = 0; round < 3; round++) {
    findings = 0;
    unparsed = 0;
    const t0 = performance.now();
    for (let i = 0; i < texts.length; i++) {
      const r = lintText(texts[i], `sheet-${i}.yaml`);
      findings += r.findings.length;
      if (!r.parsed) unparsed++;
    }
    rounds.push(performance.now() - t0);
  }
  const total = rounds.sort((a, b) => a - b)[1];
  // The same sheets again, split: how much of that is reading the YAML, how much is the rules.
  const parsed = texts.map((t, i) => parseSheet(t, `sheet-${i}.yaml`));
  const t1 = performance.now();
  for (const p of parsed) lintSheet(p);
  const rulesOnly = performance.now() - t1;
  const steps = parsed.reduce((n, p) => n + p.sheet.steps.length, 0);
  // The largest sheet the format allows (1,000 steps, about 512 KB): what one API call may cost.
  const largest = largestSheet();
  const largeRounds: number[] = [];
  let answer = 0;
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    answer = JSON.stringify(lintText(largest, 'largest.yaml')).length;
    largeRounds.push(performance.now() - t);
  }
  return {
    lint_sheets_per_s: Math.round((SHEETS / total) * 1000),
    lint_ms_per_sheet: Number((total / SHEETS).toFixed(3)),
    lint_rules_only_sheets_per_s: Math.round((SHEETS / rulesOnly) * 1000),
    lint_rules_only_ms_per_sheet: Number((rulesOnly / SHEETS).toFixed(3)),
    lint_steps_per_sheet: Math.round(steps / SHEETS),
    lint_bytes_per_sheet: Math.round(texts.reduce((n, t) => n + t.length, 0) / SHEETS),
    lint_findings_per_sheet: Number((findings / SHEETS).toFixed(2)),
    lint_unparsed_sheets: unparsed,
    lint_largest_ms: Math.round(largeRounds.sort((a, b) => a - b)[1]),
    lint_largest_kb: Math.round(Buffer.byteLength(largest) / 1024),
    lint_largest_answer_kb: Math.round(answer / 1024),
  };
}
