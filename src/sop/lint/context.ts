// Everything rules share about one sheet, computed once: the timeline, the event-triggered
// steps, and the source text for exact positions.

import { type Msg, msg } from '../../i18n/index.ts';
import type { ParsedSheet, Pos, Sheet, Step } from '../types.ts';
import { type RenderedField, SourceText } from './texts.ts';
import { buildTimeline, type Landing } from './timeline.ts';

export interface LintSheet {
  parsed: ParsedSheet;
  sheet: Sheet;
  /** Fixed-time landings in time order (see timeline.ts). */
  timeline: Landing[];
  /** Steps triggered by an event (`on:`), planned per member. */
  eventSteps: Step[];
  source: SourceText;
  pos(path: string): Pos;
}

export function lintContext(parsed: ParsedSheet): LintSheet {
  const { sheet } = parsed;
  return {
    parsed,
    sheet,
    timeline: buildTimeline(sheet),
    eventSteps: sheet.steps.filter((s) => s.when.kind === 'event'),
    source: new SourceText(parsed.text),
    pos: (path) => parsed.source.pos(path),
  };
}

export const stepPath = (step: Step): string => `steps.${step.index}`;
export const stepName = (step: Step): string => `step \`${step.id}\``;
/** `step \`id\`` / `步骤 \`id\`` as a catalogue text. */
export const stepText = (step: Step): Msg => msg('lint.step', { id: step.id });
/** The step, and the variant when the field is a variant's text (`step \`x\`, variant \`b\``). */
export const fieldStepText = (step: Step, field: Pick<RenderedField, 'variant'>): Msg =>
  field.variant === undefined ? stepText(step) : msg('lint.stepVariant', { id: step.id, variant: field.variant });
