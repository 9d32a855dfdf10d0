// Seed 001: a message, like a poster, "has one and only one purpose". Two links split the
// attention and halve the clicks on the one that matters.

import { msg } from '../../../i18n/index.ts';
import { fieldStepText } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import { linksIn, messageTexts } from '../texts.ts';

export const oneLink: Rule = {
  info: {
    id: 'one-link',
    severity: 'warning',
    summary: 'at most one link per message',
    defaults: { max_links: 1 },
  },
  check(ctx, options) {
    const max = options.max_links as number;
    const out: Report[] = [];
    // Each variant is a message of its own: its links with the step's `link:`.
    for (const step of ctx.sheet.steps) {
      for (const field of messageTexts(step)) {
        const text = field.value;
        if (!text.includes('://')) continue;
        const fromText = linksIn(text);
        const links = [...new Set([...(step.link ? [step.link] : []), ...fromText])];
        if (links.length <= max) continue;
        // Point at the first link over the limit inside the text.
        const extra = links[max];
        const path = field.path;
        out.push({
          path,
          at: ctx.source.find(ctx.pos(path), extra),
          message: msg('lint.one-link.message', {
            step: fieldStepText(step, field),
            count: links.length,
            links: links.length > 3 ? msg('lint.andMore', { shown: links.slice(0, 3).join(', '), count: links.length - 3 }) : links.join(', '),
            max: msg('lint.unit.links', { count: max }),
          }),
          hint: msg('lint.one-link.hint'),
        });
      }
    }
    return out;
  },
};
