// `unless:` on a step sent to members: a word (or a member selector) that, when it holds for a
// member at the moment the step falls due, leaves that member out. Pure: the words and their
// check; src/community/unless.ts turns a word into a query.
//
//   checked_in_today  a check-in of this group counted for the member today (the run's zone)
//   checked_in        counted in this group's current (or last) check-in
//   answered_survey   answered a survey in this group since the run started
//   spoke_today       wrote in this group today (the run's zone)
//   invited           brought someone into this group (an invite Chorus saw)
//   clicked           opened a tracked link of this group since the run started
//   customer          at the stage customer or repeat (bought at least once)
//   <member selector> any selector (tag:signed_up, stage:customer, points>=10 …): the member matches it

import { type Msg, msg } from '../i18n/msg.ts';
import { audienceProblem } from './audience.ts';

export const UNLESS_WORDS = ['checked_in_today', 'checked_in', 'answered_survey', 'spoke_today', 'invited', 'clicked', 'customer'] as const;
export type UnlessWord = (typeof UNLESS_WORDS)[number];

export function isUnlessWord(text: string): text is UnlessWord {
  return (UNLESS_WORDS as readonly string[]).includes(text);
}

/** Whether `unless:` reads as a selector rather than a word: it has a colon, a comparison or `+`/`!`. */
export function unlessIsSelector(text: string): boolean {
  return /[:<>=+!]/.test(text);
}

/** Why an `unless:` value cannot be used, or undefined when it can. */
export function unlessProblem(text: string): Msg | undefined {
  const t = text.trim();
  if (isUnlessWord(t)) return undefined;
  if (unlessIsSelector(t)) return audienceProblem(t);
  return msg('audiences.unlessUnknown', { word: t, words: UNLESS_WORDS.join(', ') });
}
