// Rules the planner applies to one step, shared by the run plan (plan.ts) and by event-triggered
// steps planned per member (member-step.ts): variables, which field is the text, who executes,
// and quiet hours.

import { PlanError, type PlanProblem } from './plan-error.ts';
import { compileTemplate, own, type Template } from './render.ts';
import type { Sheet, Step } from './types.ts';
import { formatClock, inQuietHours } from './when.ts';
import { formatLocal, instantOf, isZone, localOf } from './zone.ts';

/** Who executes a step: `by:`, else the owner for a human task, else the bot. */
export function executorOf(step: Step): string {
  return step.by ?? (step.do === 'task' ? 'owner' : 'bot');
}

export type TextField = 'text' | 'name' | 'link' | 'image';
export const TEMPLATE_FIELDS: readonly TextField[] = ['text', 'name', 'link', 'image'];

/** The field whose rendering becomes the action's `text`. */
export function textFieldOf(step: Step): TextField | undefined {
  if (step.do === 'create_group' || step.do === 'rename') return step.name !== undefined ? 'name' : undefined;
  if (step.text !== undefined) return 'text';
  if (step.do === 'post') return step.link !== undefined ? 'link' : step.image !== undefined ? 'image' : undefined;
  return undefined;
}

const forms = new WeakMap<Step, Step[]>();

/**
 * A step with `variants:` as one step per variant, each with that variant's text (in the order the
 * sheet lists them), so every rule that reads a step's text reads a variant the same way. A step
 * without variants is its own only form. Made once per step object.
 */
export function variantForms(step: Step): readonly Step[] {
  if (!step.variants) return [step];
  let out = forms.get(step);
  if (!out) {
    const { variants, ...rest } = step;
    out = variants.map((v) => ({ ...rest, text: v.text }));
    forms.set(step, out);
  }
  return out;
}

const compiledTemplates = new WeakMap<Step, Partial<Record<TextField, Template>>>();

/** Templates of a step's fields, compiled once per step object. */
export function stepTemplates(step: Step): Partial<Record<TextField, Template>> {
  let t = compiledTemplates.get(step);
  if (!t) {
    t = {};
    for (const f of TEMPLATE_FIELDS) {
      const source = step[f];
      if (source !== undefined) t[f] = compileTemplate(source);
    }
    compiledTemplates.set(step, t);
  }
  return t;
}

/**
 * Sheet defaults overridden by run variables; a required variable without a value (or with only
 * spaces) is a problem. A run variable the sheet does not declare is still usable in texts: it has
 * a value, so nothing renders empty (the linter warns about undeclared names separately).
 */
export function resolveVars(sheet: Sheet, runVars: Record<string, string> | undefined, problems: PlanProblem[]) {
  // No prototype: a variable may be called `constructor` or `__proto__` like any other name.
  const vars: Record<string, string> = Object.create(null);
  for (const [name, spec] of Object.entries(sheet.vars)) if (spec.default !== undefined) vars[name] = spec.default;
  for (const [name, value] of Object.entries(runVars ?? {})) vars[name] = value;
  for (const [name, spec] of Object.entries(sheet.vars)) {
    const value = own(vars, name);
    if (spec.required && (value === undefined || value.trim() === '')) {
      problems.push({
        message: `the variable \`${name}\` is required but has no value; pass it with the run${spec.description ? ` (${spec.description})` : ''}`,
      });
    }
  }
  return vars;
}

export function checkZone(zone: string, anchor: Date): void {
  if (!isZone(zone)) {
    throw new PlanError([{ message: `the time zone "${zone}" is not one I know; use an IANA name such as Asia/Shanghai` }]);
  }
  if (Number.isNaN(anchor.getTime())) throw new PlanError([{ message: 'the anchor is not a valid date and time' }]);
}

/**
 * Quiet hours on one instant: the instant itself, the end of the quiet window (`shift`),
 * undefined (`skip`), or 'quiet' for the caller to report (`error`).
 */
export function applyQuiet(ms: number, sheet: Sheet, zone: string): number | undefined | 'quiet' {
  const quiet = sheet.quietHours;
  if (!quiet) return ms;
  const local = localOf(ms, zone);
  if (!inQuietHours(local.minute, quiet)) return ms;
  if (sheet.quietPolicy === 'skip') return undefined;
  if (sheet.quietPolicy === 'error') return 'quiet';
  // A window that wraps midnight (22:00-08:00) ends on the next day when entered in the evening.
  const endDay = quiet.start > quiet.end && local.minute >= quiet.start ? local.day + 1 : local.day;
  // The end of the window may not exist that day (02:00 on a spring-forward night becomes 03:00);
  // when that lands inside the window again (a window of all but a minute), the next day's end.
  for (let day = endDay; day < endDay + 3; day++) {
    const at = instantOf(day, quiet.end, zone);
    if (!inQuietHours(localOf(at, zone).minute, quiet)) return at;
  }
  return instantOf(endDay, quiet.end, zone);
}

export function quietMessage(step: Step, sheet: Sheet, zone: string, times: number[]): string {
  const q = sheet.quietHours!;
  const shown = times.slice(0, 3).map((ms) => `${formatLocal(ms, zone)}`);
  const more = times.length > 3 ? ` and ${times.length - 3} more` : '';
  const window = `${formatClock(q.start)}–${formatClock(q.end)}`;
  return `it is planned in the quiet hours ${window} (${zone}) at ${shown.join(', ')}${more} (\`${step.whenText}\`); move the step, or set \`quiet_policy: shift\` to move it to ${formatClock(q.end)} or \`skip\` to drop it`;
}
