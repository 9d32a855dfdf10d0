// The planner: (sheet, anchor instant, groups, variables, time zone) → the sorted list of actions.
// A pure function: the same input always gives the same output.
//
// Due instants do not depend on the group, so they are computed once per sheet (`compilePlan`);
// only texts are rendered per group (`planGroup`), and most texts are the same for every group.
//
// Timing rules:
// - `D<n> HH:MM` and `every:` are calendar days in the plan's zone at a local wall-clock time,
//   which DST does not move (except inside a spring-forward gap: see zone.ts).
// - `T±<duration>` is an exact duration from the anchor instant, whatever DST does.
// - Quiet hours apply to every planned instant: `shift` moves it to the end of the quiet window
//   (local), `skip` drops that occurrence, `error` refuses the plan.
// - `occurrence` counts the scheduled times of a step before quiet hours are applied, so a skipped
//   time leaves a gap (3 is skipped: 1, 2, 4) and the numbering stays stable for re-planning.
// - `{{ day }}` is the D index the occurrence was scheduled for (a T-step: the anchor-relative
//   calendar day of its instant), even when `shift` moves it into the next day.

import { PlanError, type PlanProblem } from './plan-error.ts';
import { applyQuiet, checkZone, executorOf, quietMessage, resolveVars, stepTemplates, TEMPLATE_FIELDS, textFieldOf, variantForms } from './plan-rules.ts';
import { splitVariants, stepKeyOf, variantFor } from './variant-split.ts';
import {
  type Bound,
  bindTemplate,
  type GroupSlot,
  groupValue,
  missingGroupMessage,
  refsOf,
  renderForGroup,
} from './render.ts';
import type { PlanGroup, PlanInput, PlannedAction } from './plan-types.ts';
import type { Action, Sheet, Step } from './types.ts';
import { recurrenceDays } from './when.ts';
import { type DayNumber, formatLocal, localOf, instantOf, weekdayOf } from './zone.ts';

export { PlanError, type PlanProblem } from './plan-error.ts';
export { readAnchor } from './anchor.ts';
export type { PlanGroup, PlanInput, PlannedAction } from './plan-types.ts';
export { executorOf, textFieldOf, variantForms } from './plan-rules.ts';
export { splitVariants, stepKeyOf, variantFor } from './variant-split.ts';

/** One planned time of a step, the same for every group. */
export interface PlannedOccurrence {
  step: string;
  stepIndex: number;
  occurrence: number;
  /** The D index `{{ day }}` shows. */
  day: number;
  dueMs: number;
  due: string;
  action: Action;
  executor: string;
  /** Index into `CompiledPlan.texts` (of the first variant, for a step with variants). */
  text: number;
  /** A step with `variants:`: each variant's id and text index; a group's variant picks one. */
  variants?: { id: string; text: number }[];
}

export interface CompiledPlan {
  readonly sheet: Sheet;
  readonly zone: string;
  readonly anchor: Date;
  /** Sheet defaults overridden by run variables. */
  readonly vars: Readonly<Record<string, string>>;
  /** The anchor's local date. */
  readonly d0: DayNumber;
  /** Sorted by due, then step order, then occurrence. */
  readonly occurrences: readonly PlannedOccurrence[];
  /** Texts bound to everything but the group; several occurrences share one. */
  readonly texts: readonly Bound[];
  readonly textSteps: readonly string[];
  /** Group names used by any step (event-triggered ones too), to check groups before planning. */
  readonly groupSlots: readonly { step: string; slot: GroupSlot }[];
}

export function compilePlan(input: Omit<PlanInput, 'groups'>): CompiledPlan {
  const { sheet, anchor } = input;
  const zone = input.timezone ?? sheet.timezone;
  checkZone(zone, anchor);
  const problems: PlanProblem[] = [];
  const vars = resolveVars(sheet, input.vars, problems);
  if (problems.length) throw new PlanError(problems);

  const anchorMs = anchor.getTime();
  const d0 = localOf(anchorMs, zone).day;
  const anchorText = formatLocal(anchorMs, zone);
  const occurrences: PlannedOccurrence[] = [];
  const texts: Bound[] = [];
  const textSteps: string[] = [];
  const groupSlots: { step: string; slot: GroupSlot }[] = [];

  for (const step of sheet.steps) {
    const found: string[] = [];
    const forms = variantForms(step);
    forms.forEach((form, k) => {
      const templates = stepTemplates(form);
      for (const f of TEMPLATE_FIELDS) {
        const t = templates[f];
        // The fields beside the text are the same in every variant: checked once.
        if (!t || (k > 0 && f !== 'text')) continue;
        const where = step.variants && f === 'text' ? `in variant \`${step.variants[k].id}\`` : `in \`${f}\``;
        for (const p of t.problems) found.push(`${where}, ${p}`);
        // Every field is checked for unknown names, even those the run shows rather than the plan.
        const before = found.length;
        const bound = bindTemplate(t, form, { vars, anchorText, day: 0 }, found);
        if (step.variants && f === 'text') for (let i = before; i < found.length; i++) found[i] = `${where}, ${found[i]}`;
        if (typeof bound !== 'string') {
          for (const p of bound) if (typeof p !== 'string') groupSlots.push({ step: step.id, slot: p });
        }
      }
    });
    for (const message of found) problems.push({ step: step.id, message });
    if (found.length || step.when.kind === 'event') continue;

    // One text slot per variant (and per day when the text says `{{ day }}`).
    const slotFinders = forms.map((form) => {
      const field = textFieldOf(form);
      const template = field ? stepTemplates(form)[field] : undefined;
      const perDay = template ? refsOf(template).some((r) => r.kind === 'day') : false;
      const slotByDay = new Map<number, number>();
      return (day: number): number => {
        const key = perDay ? day : 0;
        let slot = slotByDay.get(key);
        if (slot === undefined) {
          slot = texts.length;
          texts.push(template ? bindTemplate(template, form, { vars, anchorText, day }, []) : '');
          textSteps.push(step.id);
          slotByDay.set(key, slot);
        }
        return slot;
      };
    });
    const slotFor = slotFinders[0];
    const variantSlots = (day: number) => step.variants?.map((v, k) => ({ id: v.id, text: slotFinders[k](day) }));

    const quietTimes: number[] = [];
    const executor = executorOf(step);
    scheduled(step, anchorMs, d0, zone).forEach((s, i) => {
      const dueMs = applyQuiet(s.ms, sheet, zone);
      if (dueMs === 'quiet') {
        quietTimes.push(s.ms);
        return;
      }
      if (dueMs === undefined) return;
      occurrences.push({
        step: step.id,
        stepIndex: step.index,
        occurrence: i + 1,
        day: s.day,
        dueMs,
        due: new Date(dueMs).toISOString(),
        action: step.do,
        executor,
        text: slotFor(s.day),
        ...(step.variants ? { variants: variantSlots(s.day) } : {}),
      });
    });
    if (quietTimes.length) problems.push({ step: step.id, message: quietMessage(step, sheet, zone, quietTimes) });
  }
  if (problems.length) throw new PlanError(problems);
  occurrences.sort((a, b) => a.dueMs - b.dueMs || a.stepIndex - b.stepIndex || a.occurrence - b.occurrence);
  return { sheet, zone, anchor: new Date(anchorMs), vars, d0, occurrences, texts, textSteps, groupSlots };
}

/** The scheduled instants of a step with a fixed time, before quiet hours. */
function scheduled(step: Step, anchorMs: number, d0: DayNumber, zone: string): { ms: number; day: number }[] {
  const w = step.when;
  switch (w.kind) {
    case 'day':
      return [{ ms: instantOf(d0 + w.day, w.minute, zone), day: w.day }];
    case 'offset': {
      const ms = anchorMs + w.minutes * 60_000;
      return [{ ms, day: localOf(ms, zone).day - d0 }];
    }
    case 'every':
      return recurrenceDays(w.days, w.from, w.until, weekdayOf(d0)).map((day) => ({
        ms: instantOf(d0 + day, w.minute, zone),
        day,
      }));
    case 'event':
      return [];
  }
}

/** Every group's texts, in `compiled.texts` order; throws naming each missing group value. */
function renderTexts(compiled: CompiledPlan, group: PlanGroup, index: number): string[] {
  const { texts } = compiled;
  const out = new Array<string>(texts.length);
  for (let i = 0; i < texts.length; i++) out[i] = renderForGroup(texts[i], group, index);
  return out;
}

/** Problems with the groups themselves: ids, and every `{{ group.* }}` a step uses but a group lacks. */
export function checkGroups(compiled: CompiledPlan, groups: readonly PlanGroup[]): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const seen = new Set<string>();
  groups.forEach((g, i) => {
    if (!g.id) problems.push({ message: `group ${i + 1} (${g.name || 'no name'}) has no id` });
    else if (seen.has(g.id)) problems.push({ message: `the group id ${g.id} is listed twice; every group of a run needs its own id` });
    seen.add(g.id);
  });
  const reported = new Set<string>();
  for (const { step, slot } of compiled.groupSlots) {
    const key = `${step}\u0000${slot.raw}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const lacking = groups.filter((g, i) => groupValue(g, i + 1, slot.key) === undefined);
    if (lacking.length) problems.push({ step, message: missingGroupMessage(slot.raw, lacking) });
  }
  return problems;
}

/** Which variant each group gets, per step with `variants:` (step id → group id → variant id). */
export type VariantSplit = ReadonlyMap<string, ReadonlyMap<string, string>>;

/**
 * The split of every fixed-time step with `variants:` over a run's groups: balanced within one
 * group per variant, and the same for the same sheet, step and set of groups (variant-split.ts).
 */
export function splitGroups(compiled: CompiledPlan, groupIds: readonly string[]): VariantSplit {
  const out = new Map<string, ReadonlyMap<string, string>>();
  for (const step of compiled.sheet.steps) {
    if (!step.variants || step.when.kind === 'event') continue;
    out.set(step.id, splitVariants(stepKeyOf(compiled.sheet.sop, step.id), groupIds, step.variants.map((v) => v.id)));
  }
  return out;
}

/**
 * One group's actions, sorted by due (then step order). `split`: the run's variant split
 * (`splitGroups` over all its groups); without it a group's variant comes from the hash alone
 * (`variantFor`), which is deterministic but balanced only on average.
 */
export function planGroup(compiled: CompiledPlan, group: PlanGroup, index: number, split?: VariantSplit): PlannedAction[] {
  const problems = checkGroups(compiled, [group]);
  if (problems.length) throw new PlanError(problems);
  const texts = renderTexts(compiled, group, index);
  const out = new Array<PlannedAction>(compiled.occurrences.length);
  compiled.occurrences.forEach((o, i) => {
    out[i] = action(o, group.id, texts, variantOf(compiled, o, group.id, split));
  });
  return out;
}

function variantOf(compiled: CompiledPlan, o: PlannedOccurrence, group: string, split: VariantSplit | undefined): string | undefined {
  if (!o.variants) return undefined;
  return split?.get(o.step)?.get(group) ?? variantFor(stepKeyOf(compiled.sheet.sop, o.step), group, o.variants.map((v) => v.id));
}

function action(o: PlannedOccurrence, group: string, texts: readonly string[], variant: string | undefined): PlannedAction {
  const base = { step: o.step, occurrence: o.occurrence, group, due: o.due, action: o.action, executor: o.executor };
  if (variant === undefined || !o.variants) return { ...base, text: texts[o.text] };
  const chosen = o.variants.find((v) => v.id === variant) ?? o.variants[0];
  return { ...base, variant: chosen.id, text: texts[chosen.text] };
}

/** Group ids compare by UTF-16 code units, not by locale, so the order is the same on every machine. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function plan(input: PlanInput): PlannedAction[] {
  return planAll(compilePlan(input), input.groups);
}

/** Every group's actions of a compiled plan, sorted by due then group id (what `plan` returns). */
export function planAll(compiled: CompiledPlan, groups: PlanGroup[]): PlannedAction[] {
  const problems = checkGroups(compiled, groups);
  if (problems.length) throw new PlanError(problems);
  const texts = groups.map((g, i) => renderTexts(compiled, g, i + 1));
  const split = splitGroups(compiled, groups.map((g) => g.id));
  const order = groups.map((_, i) => i).sort((a, b) => compareIds(groups[a].id, groups[b].id));

  // Occurrences are already sorted by due; walking each run of equal due instants group by group
  // gives the (due, group id) order without sorting millions of actions.
  const occ = compiled.occurrences;
  const out: PlannedAction[] = [];
  for (let start = 0; start < occ.length; ) {
    let end = start + 1;
    while (end < occ.length && occ[end].dueMs === occ[start].dueMs) end++;
    for (const g of order) {
      const id = groups[g].id;
      const own = texts[g];
      for (let i = start; i < end; i++) out.push(action(occ[i], id, own, variantOf(compiled, occ[i], id, split)));
    }
    start = end;
  }
  return out;
}
