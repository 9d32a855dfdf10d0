// Automated messages at night wake people up and get a bot muted or reported. The sheet's own
// `quiet_hours` are enforced by the planner through `quiet_policy`; when a sheet declares none,
// the rule still warns about steps inside a usual night window, which will go out as written.

import { type Msg, msg } from '../../../i18n/index.ts';
import { stepPath, stepText } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import type { MinuteOfDay, Sheet, Step } from '../../types.ts';
import { formatClock, inQuietHours } from '../../when.ts';
import { isExact } from '../timeline.ts';
import { dayListText } from '../words.ts';

type Window = { start: MinuteOfDay; end: MinuteOfDay };

/** Steps a bot carries out on its own; a human task or a step given to a person is not "automated". */
function automated(step: Step): boolean {
  return step.do !== 'task' && (step.by === undefined || step.by === 'bot');
}

function consequence(sheet: Sheet, window: Window, minute: MinuteOfDay): Msg {
  if (!sheet.quietHours) return msg('lint.quiet-hours.noQuietHours', { time: formatClock(minute) });
  switch (sheet.quietPolicy) {
    case 'shift':
      return msg(window.start > window.end && minute >= window.start ? 'lint.quiet-hours.shiftNextMorning' : 'lint.quiet-hours.shift', { time: formatClock(window.end) });
    case 'skip':
      return msg('lint.quiet-hours.skip');
    case 'error':
      return msg('lint.quiet-hours.error');
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
    const whose = msg(sheet.quietHours ? 'lint.quiet-hours.declared' : 'lint.quiet-hours.usual');
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
        message: msg('lint.quiet-hours.message', { step: stepText(step), time: formatClock(hit.minute), days: dayListText(hit.days), whose, span, consequence: consequence(sheet, window, hit.minute) }),
        hint: msg('lint.quiet-hours.hint', { from: formatClock(window.end), to: formatClock(window.start) }),
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
        message: msg('lint.quiet-hours.memberMessage', { step: stepText(step), time: formatClock(minute), whose, span, consequence: consequence(sheet, window, minute) }),
        hint: msg('lint.quiet-hours.memberHint', { from: formatClock(window.end), to: formatClock(window.start) }),
        ...(sheet.quietHours && sheet.quietPolicy === 'error' ? { severity: 'error' as const } : {}),
      });
    }
    return out;
  },
};
