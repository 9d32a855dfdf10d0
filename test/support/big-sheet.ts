// The largest sheet the format allows, as an operator might write it: MAX_STEPS steps of group
// posts, notices and repeating check-ins with long Chinese texts, just under MAX_SHEET_BYTES.
// Used by the API's responsiveness test and the lint benchmark.

import { MAX_SHEET_BYTES, MAX_STEPS, utf8Length } from '../../src/sop/limits.ts';

const ACTIONS = ['post', 'announce', 'notify', 'checkin', 'survey'] as const;

export function largestSheet(steps = MAX_STEPS, maxBytes = MAX_SHEET_BYTES): string {
  const head = [
    'sop: largest',
    'title: 最大的表 the largest sheet',
    'community: training_camp',
    'timezone: Asia/Shanghai',
    'anchor: 开营',
    'anchor_time: "20:00"',
    'vars:',
    '  course: { default: 读书 }',
    'steps:',
  ].join('\n');
  const filler = '今天的任务：读完第一章，写下三句话的感想，发到群里。'.repeat(6);
  const body: string[] = [];
  for (let i = 0; i < steps; i++) {
    const day = (i % 60) - 10;
    const hour = 7 + (i % 14);
    const action = ACTIONS[i % ACTIONS.length];
    const lines = [`  - id: s${i}`];
    if (action === 'checkin' && i % 50 === 3) lines.push(`    every: day`, `    from: D${Math.max(0, day)}`, `    until: D${Math.max(0, day) + 6}`, `    at: "${String(hour).padStart(2, '0')}:10"`);
    else lines.push(`    at: D${day} ${String(hour).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`);
    lines.push(`    do: ${action}`);
    if (action === 'notify') lines.push('    to: enrolled');
    lines.push(`    text: "{{ course }} 第${i}步。${filler}"`);
    body.push(lines.join('\n'));
  }
  let text = `${head}\n${body.join('\n')}\n`;
  // Trim the texts evenly until the sheet fits.
  let cut = 0;
  while (utf8Length(text) > maxBytes && cut < filler.length) {
    cut += 2;
    const f = filler.slice(0, filler.length - cut);
    text = `${head}\n${body.map((b) => b.replace(filler, f)).join('\n')}\n`;
  }
  return text;
}
