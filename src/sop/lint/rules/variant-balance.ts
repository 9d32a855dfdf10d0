// A step's `variants:` are compared on replies, leaves and clicks (docs/sop-format.md, "Variants").
// The comparison says something about the words only when the words are all that differ: a link
// in one variant and not the other decides the click figures by itself, and two identical texts
// compare nothing.

import { msg } from '../../../i18n/index.ts';
import { fieldStepText } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import { linksIn, messageTexts } from '../texts.ts';

export const variantBalance: Rule = {
  info: {
    id: 'variant-balance',
    severity: 'warning',
    summary: 'the variants of a step differ in their words only: the same links, no two texts alike',
    defaults: {},
  },
  check(ctx) {
    const out: Report[] = [];
    for (const step of ctx.sheet.steps) {
      if (!step.variants) continue;
      const fields = messageTexts(step);
      const links = fields.map((f) => new Set(linksIn(f.value)));
      // Once per step: the first variant with a link that another variant lacks.
      for (const [i, field] of fields.entries()) {
        const own = [...links[i]];
        const lacking = fields.filter((_, j) => j !== i && own.some((l) => !links[j].has(l)));
        if (!lacking.length) continue;
        const link = own.find((l) => lacking.some((f) => !links[fields.indexOf(f)].has(l)))!;
        out.push({
          path: field.path,
          at: ctx.source.find(ctx.pos(field.path), link),
          message: msg('lint.variant-balance.link', { step: fieldStepText(step, field), link, others: lacking.map((f) => `\`${f.variant}\``).join(', '), count: lacking.length }),
          hint: msg('lint.variant-balance.linkHint'),
        });
        break;
      }
      const seen = new Map<string, string>();
      for (const field of fields) {
        const words = field.value.trim().replace(/\s+/g, ' ');
        const before = seen.get(words);
        if (before === undefined) {
          seen.set(words, field.variant ?? '');
          continue;
        }
        out.push({
          path: field.path,
          message: msg('lint.variant-balance.same', { step: fieldStepText(step, field), other: before }),
          hint: msg('lint.variant-balance.sameHint'),
        });
      }
    }
    return out;
  },
};
