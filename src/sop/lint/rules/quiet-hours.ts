// Automated messages at night wake people up and get a bot muted or reported. The sheet's own
// `quiet_hours` are enforced by the planner through `quiet_policy`; when a sheet declares none,
// the rule still warns about steps inside a usual night window, which will go out as written.

import { stepName, stepPath } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import type { MinuteOfDay, Sheet, Step } from '../../types.ts';
import { formatClock, inQuietHours } from '../../when.ts';
import { isExact } from '../timeline.ts';
import { dayList } from '../words.ts';

type Window = { start: MinuteOfDay; end: MinuteOfDay };

/** Steps a bot carries out on its own; a human task or a step given to a person is not "automated". */
function automated(step: Step): boolean {
  return step.do !== 'task' && (step.by === undefined || step.by === 'bot');
}

function consequence(sheet: Sheet, window: Window, minute: MinuteOfDay): string {
  if (!sheet.quietHours) return `the sheet declares no \`quiet_hours\`, so it will go out at ${formatClock(minute)} as written`;
  switch (sheet.quietPolicy) {
    case 'shift':
      return `with \`quiet_policy: shift\` it will go out at ${formatClock(window.end)}${window.start > window.end && minute >= window.start ? ' the next morning' : ''} instead`;
    case 'skip':
      return 'with `quiet_policy: skip` it will not be sent at all';
    case 'error':
      return 'with `quiet_policy: error` planning a run of this sheet will fail';
  }
}

export const quietHours: Rule = {
  info: {
    id: 'quiet-hours',
    severity: 'warning',
    summary: 'no automated step lands inside quiet hours',
    defaults: { window: '22:30-07:00' },
  },
  check(ctx, options) {
    const { sheet } = ctx;
    const window = sheet.quietHours ?? (options.window as Window);
    const whose = sheet.quietHours ? 'the quiet hours the sheet declares' : 'the usual quiet hours';
    const span = `${formatClock(window.start)}–${formatClock(window.end)}`;
    // One finding per step, listing every day it falls inside the window.
    const hits = new Map<Step, { minute: MinuteOfDay; days: number[] }>();
    for (const l of ctx.timeline) {
      if (!automated(l.step) || !isExact(l.local)) continue; // a T-step without anchor_time: time of day unknown
      const minute = ((l.local.lo % 1440) + 1440) % 1440;
      if (!inQuietHours(minute, window)) continue;
      const hit = hits.get(l.step) ?? { minute, days: [] };
      hit.days.push(l.day.lo);
      hits.set(l.step, hit);
    }
    const out: Report[] = [];
    for (const [step, hit] of hits) {
      out.push({
        path: `${stepPath(step)}.at`,
        message: `${stepName(step)} lands at ${formatClock(hit.minute)} on ${dayList(hit.days)}, inside ${whose} (${span}); ${consequence(sheet, window, hit.minute)}`,
        hint: `Move it to between ${formatClock(window.end)} and ${formatClock(window.start)}, or give it to a person (\`by: leader\`) if it really must happen at night.`,
        ...(sheet.quietHours && sheet.quietPolicy === 'error' ? { severity: 'error' as const } : {}),
      });
    }
    // A member-triggered step with `after: 3d at 23:00` has a known time of day too.
    for (const step of ctx.eventSteps) {
      if (step.when.kind !== 'event' || step.when.after.kind !== 'day' || !automated(step)) continue;
      const minute = step.when.after.minute;
      if (!inQuietHours(minute, window)) continue;
      out.push({
        path: `${stepPath(step)}.after`,
        message: `${stepName(step)} goes to each member at ${formatClock(minute)}, inside ${whose} (${span}); ${consequence(sheet, window, minute)}`,
        hint: `Pick a time between ${formatClock(window.end)} and ${formatClock(window.start)} in \`after:\`.`,
        ...(sheet.quietHours && sheet.quietPolicy === 'error' ? { severity: 'error' as const } : {}),
      });
    }
    return out;
  },
};
