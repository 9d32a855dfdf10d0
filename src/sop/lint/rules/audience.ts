// Issue 8, "Audiences": a step sent to members names them with the member selector (`to:`, and
// `where:` on a `move`) and may leave some out (`unless:`). A selector or a word Chorus cannot read
// would stop the step when it falls due, in every group at once — so it is an error here, at the
// exact place, long before.

import { msg } from '../../../i18n/index.ts';
import { audienceProblem } from '../../audience.ts';
import { unlessProblem } from '../../unless.ts';
import { stepText } from '../context.ts';
import type { Report, Rule } from '../finding.ts';

export const audience: Rule = {
  info: {
    id: 'audience',
    severity: 'error',
    summary: 'every `to:` and `where:` is a member selector, every `unless:` a word Chorus knows',
    defaults: {},
  },
  check(ctx) {
    const out: Report[] = [];
    for (const step of ctx.sheet.steps) {
      const at = (field: string) => `steps.${step.index}.${field}`;
      for (const field of ['to', 'where'] as const) {
        const value = step[field];
        if (value === undefined || value.includes('{{')) continue;
        const problem = audienceProblem(value);
        if (problem) out.push({ path: at(field), message: msg('lint.stepSays', { step: stepText(step), what: msg('lint.audience.selector', { field, problem }) }), hint: msg('lint.audience.selectorHint') });
      }
      if (step.unless !== undefined) {
        const problem = unlessProblem(step.unless);
        if (problem) out.push({ path: at('unless'), message: msg('lint.stepSays', { step: stepText(step), what: problem }), hint: msg('lint.audience.unlessHint') });
      }
    }
    return out;
  },
};
