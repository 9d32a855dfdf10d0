// Event-triggered steps (`on: member_join`, `after: 3d at 19:30`) are planned per member when the
// event arrives, with the same rules as the rest of the plan: zone, quiet hours, strict texts.

import { PlanError, type PlanProblem } from './plan-error.ts';
import type { PlanGroup } from './plan-types.ts';
import { applyQuiet, quietMessage, resolveVars, stepTemplates, textFieldOf, variantForms } from './plan-rules.ts';
import { bindTemplate, type MemberValues, MissingGroupValue, missingGroupMessage, renderForGroup } from './render.ts';
import type { Sheet, Step } from './types.ts';
import { stepKeyOf, variantFor } from './variant-split.ts';
import { formatLocal, instantOf, isZone, localOf } from './zone.ts';

export interface MemberStepInput {
  sheet: Sheet;
  step: Step;
  eventAt: Date;
  group: PlanGroup;
  groupIndex: number;
  member: MemberValues;
  anchor: Date;
  vars?: Record<string, string>;
  timezone?: string;
}

/**
 * When and what to send one member for an event-triggered step, or null when quiet hours with
 * `quiet_policy: skip` drop it. `after: 3d at 19:30` is the event's local date + 3 days at 19:30;
 * `after: 2h` is an exact duration. A step with `variants:` gives each member one of them, by a
 * hash of the sheet, the step and the member (the same member always gets the same one).
 */
export function planMemberStep(input: MemberStepInput): { due: string; text: string; variant?: string } | null {
  const { sheet, step, group, member } = input;
  const zone = input.timezone ?? sheet.timezone;
  const fail = (problems: PlanProblem[]): never => {
    throw new PlanError(problems);
  };
  if (!isZone(zone)) fail([{ message: `the time zone "${zone}" is not one I know; use an IANA name such as Asia/Shanghai` }]);
  const w = step.when;
  if (w.kind !== 'event') {
    fail([{ step: step.id, message: 'this step is not triggered by an event (`on:`); it is planned with the run' }]);
    return null;
  }
  const eventMs = input.eventAt.getTime();
  const anchorMs = input.anchor.getTime();
  if (Number.isNaN(eventMs) || Number.isNaN(anchorMs)) {
    fail([{ step: step.id, message: 'the event time or the anchor is not a valid date and time' }]);
  }
  const problems: PlanProblem[] = [];
  const vars = resolveVars(sheet, input.vars, problems);
  if (problems.length) fail(problems);

  const scheduledMs =
    w.after.kind === 'duration'
      ? eventMs + w.after.minutes * 60_000
      : instantOf(localOf(eventMs, zone).day + w.after.days, w.after.minute, zone);
  const dueMs = applyQuiet(scheduledMs, sheet, zone);
  if (dueMs === 'quiet') fail([{ step: step.id, message: quietMessage(step, sheet, zone, [scheduledMs]) }]);
  if (dueMs === undefined || dueMs === 'quiet') return null;

  const variant = step.variants ? variantFor(stepKeyOf(sheet.sop, step.id), member.id, step.variants.map((v) => v.id)) : undefined;
  const form = step.variants ? variantForms(step)[step.variants.findIndex((v) => v.id === variant)] : step;
  const field = textFieldOf(form);
  const template = field ? stepTemplates(form)[field] : undefined;
  let text = '';
  if (template) {
    const found = [...template.problems];
    const day = localOf(scheduledMs, zone).day - localOf(anchorMs, zone).day;
    const bound = bindTemplate(template, form, { vars, anchorText: formatLocal(anchorMs, zone), day, member }, found);
    if (found.length) fail(found.map((message) => ({ step: step.id, message })));
    try {
      text = renderForGroup(bound, group, input.groupIndex);
    } catch (e) {
      if (!(e instanceof MissingGroupValue)) throw e;
      fail([{ step: step.id, message: missingGroupMessage(e.slot.raw, [group]) }]);
    }
  }
  return { due: new Date(dueMs).toISOString(), text, ...(variant !== undefined ? { variant } : {}) };
}
