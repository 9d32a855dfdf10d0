// A `do: digest` step posts the weekly digest, which Chorus writes when it is sent
// (docs/insight.md, "The weekly digest"): it takes no text of its own, goes into the group (no
// `to:`), and is sent by the bot or, with `review: leader`, handed to the group's leader to look
// over and post. `review:` means nothing on other steps.

import { msg } from '../../../i18n/index.ts';
import type { Report, Rule } from '../finding.ts';

/** The `review:` values a digest takes. */
export const DIGEST_REVIEWERS: readonly string[] = ['leader'];

/** Fields a digest step does not take: it writes its own post, to the group, by the bot or its reviewer. */
const NOT_FOR_DIGEST = ['text', 'variants', 'link', 'image', 'file', 'to', 'by', 'name', 'questions', 'tag', 'into', 'where', 'unless'] as const;

export const digestStep: Rule = {
  info: {
    id: 'digest-step',
    severity: 'error',
    summary: 'a `digest` step takes no text, audience or executor of its own; `review:` is `leader` and only on a digest',
    defaults: {},
  },
  check(ctx) {
    const out: Report[] = [];
    ctx.sheet.steps.forEach((step, i) => {
      const path = `steps.${i}`;
      const at = (field: string) => ({ path: `${path}.${field}`, at: ctx.pos(`${path}.${field}`) });
      if (step.do !== 'digest') {
        if (step.review !== undefined) out.push({ ...at('review'), message: msg('lint.digest-step.reviewElsewhere', { id: step.id, action: step.do }), hint: msg('lint.digest-step.reviewElsewhereHint') });
        return;
      }
      for (const field of NOT_FOR_DIGEST) {
        if (step[field] === undefined) continue;
        out.push({ ...at(field), message: msg('lint.digest-step.field', { id: step.id, field }), hint: msg(field === 'by' ? 'lint.digest-step.byHint' : 'lint.digest-step.fieldHint') });
      }
      if (step.review !== undefined && !DIGEST_REVIEWERS.includes(step.review)) {
        out.push({ ...at('review'), message: msg('lint.digest-step.review', { id: step.id, value: step.review, values: DIGEST_REVIEWERS.join(', ') }), hint: msg('lint.digest-step.reviewHint') });
      }
      if (step.when.kind === 'event') out.push({ ...at('on'), message: msg('lint.digest-step.event', { id: step.id }), hint: msg('lint.digest-step.eventHint') });
    });
    return out;
  },
};
