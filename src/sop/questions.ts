// A survey step's `questions:` read into what the form asks. A question is plain text (a free
// answer), or text ending in choices between square brackets: `How was it? [good|ok|bad]` (one
// choice). Brackets with a single option or empty options are kept as plain text. Pure.

export interface SurveyQuestion {
  /** The question as shown (without the choices). */
  text: string;
  /** The options of a choice question; absent for a free answer. */
  choices?: string[];
}

const CHOICES = /^(.*?)\s*\[([^[\]]*\|[^[\]]*)\]\s*$/s;

export function readQuestion(raw: string): SurveyQuestion {
  const m = CHOICES.exec(raw);
  if (m) {
    const choices = m[2].split('|').map((c) => c.trim());
    if (choices.length >= 2 && choices.every(Boolean) && new Set(choices).size === choices.length && m[1].trim()) return { text: m[1].trim(), choices };
  }
  return { text: raw.trim() };
}

export function readQuestions(raw: readonly string[] | undefined): SurveyQuestion[] {
  return (raw ?? []).map(readQuestion).filter((q) => q.text !== '');
}
