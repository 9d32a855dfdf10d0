// What a ledger row carries besides its text: a link, image or name given beside the text,
// rendered with the same values (run variables, the group, the member), and the step's file and
// audience. A field whose template cannot be filled is left out rather than sent half-empty; the
// planner has already refused any text that used a missing value.

import { stepTemplates } from '../sop/plan-rules.ts';
import { type BindScope, bindTemplate, compileTemplate, type GroupValues, MissingGroupValue, renderForGroup } from '../sop/render.ts';
import type { Step } from '../sop/types.ts';
import type { LedgerContent } from '../store/schema.ts';
import { blankMemberValues, privateMessageInstruction } from './member-blank.ts';

export function stepContent(step: Step, text: string, scope: BindScope, group: GroupValues, index: number): LedgerContent {
  const content: LedgerContent = { text };
  const templates = stepTemplates(step);
  const render = (field: 'link' | 'image' | 'name') => {
    const t = templates[field];
    if (!t) return undefined;
    const problems: string[] = [];
    const bound = bindTemplate(t, step, scope, problems);
    if (problems.length) return undefined;
    try {
      return renderForGroup(bound, group, index);
    } catch (e) {
      if (e instanceof MissingGroupValue) return undefined;
      throw e;
    }
  };
  const link = render('link');
  const image = render('image');
  const name = render('name');
  if (link && link !== text) content.link = link;
  if (image && image !== text) content.image = image;
  if (name) content.name = name;
  if (step.file) content.file = step.file;
  if (step.to) content.to = step.to;
  if (step.unless) content.unless = step.unless;
  if (step.tag) content.tag = step.tag;
  if (step.review) content.review = step.review;
  if (step.into) {
    // `into: "{{ camp_group }}"`: the target group may come from a variable or the group.
    const problems: string[] = [];
    const bound = bindTemplate(compileTemplate(step.into), step, scope, problems);
    try {
      content.into = problems.length ? step.into : renderForGroup(bound, group, index);
    } catch (e) {
      if (!(e instanceof MissingGroupValue)) throw e;
      content.into = step.into;
    }
  }
  return content;
}

/**
 * The group's row of an audience step (src/run/expand.ts): what the board shows until it is
 * expanded — blanks for member values and whom it is for, never `{{ member.name }}` — and, kept
 * apart, the template each member's text is filled from.
 */
export function audienceContent(content: LedgerContent, step: Pick<Step, 'do' | 'to' | 'unless'>, groupName: string, audience: string, executor: string): LedgerContent {
  return { ...contentForPerson(content, step, groupName), template: content.text, audience, ...(executor !== 'bot' ? { by: executor } : {}) };
}

/**
 * The content of a row a person executes for a whole group: member names as blanks to fill in
 * (never `{{ member.name }}`), and for a private message to an audience, whom to write to.
 */
export function contentForPerson(content: LedgerContent, step: Pick<Step, 'do' | 'to' | 'unless'>, groupName: string): LedgerContent {
  const instruction = privateMessageInstruction(step, groupName, content.text);
  return { ...content, text: blankMemberValues(content.text), ...(instruction ? { instruction } : {}) };
}
