// The planner's input and output shapes, apart from plan.ts so that the modules plan.ts uses
// (member-step, timeline) can name them without importing the planner back.

import type { Action, Sheet } from './types.ts';

export interface PlanGroup {
  id: string;
  name: string;
  attrs?: Record<string, string>;
}

export interface PlanInput {
  sheet: Sheet;
  /** The instant D0/T0 refers to. */
  anchor: Date;
  /** In run order (`{{ group.index }}` = position + 1). */
  groups: PlanGroup[];
  vars?: Record<string, string>;
  /** Overrides sheet.timezone. */
  timezone?: string;
}

export interface PlannedAction {
  step: string;
  /** 1-based ordinal of the occurrence within the step (counted before quiet hours skip any). */
  occurrence: number;
  /** Group id. */
  group: string;
  /** ISO 8601 UTC, e.g. 2026-12-01T12:00:00.000Z. */
  due: string;
  action: Action;
  executor: string;
  /** A step with `variants:`: the id of the variant this group gets (its text is `text`). */
  variant?: string;
  text: string;
}
