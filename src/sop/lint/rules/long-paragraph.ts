// Seed 001: "Copywriting! Copywriting! Copywriting! … it is best to divide it into paragraphs
// instead of squeezing it into one line." Group messages are read on a phone, in passing.

import { msg } from '../../../i18n/index.ts';
import { fieldStepText } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import { messageTexts, paragraphs } from '../texts.ts';

function opening(text: string): string {
  const words = [...text];
  return words.length > 40 ? `${words.slice(0, 40).join('').trimEnd()}…` : text;
}

export const longParagraph: Rule = {
  info: {
    id: 'long-paragraph',
    severity: 'info',
    summary: 'no paragraph over 200 characters',
    defaults: { max_chars: 200 },
  },
  check(ctx, options) {
    const max = options.max_chars as number;
    const out: Report[] = [];
    for (const step of ctx.sheet.steps) {
      for (const field of messageTexts(step)) {
        if (field.value.length <= max) continue;
        for (const p of paragraphs(field.value)) {
          if (p.length <= max) continue;
          // The paragraph's first words as written locate its line; a line folded by YAML falls back to the field.
          const firstLine = p.text.split('\n')[0].slice(0, 30);
          out.push({
            path: field.path,
            at: ctx.source.find(ctx.pos(field.path), firstLine),
            message: msg('lint.long-paragraph.message', { step: fieldStepText(step, field), length: p.length, opening: opening(p.text), max }),
            hint: msg('lint.long-paragraph.hint'),
          });
        }
      }
    }
    return out;
  },
};
