// A run's per-step effect over HTTP (docs/insight.md#per-step-effect): for every message it sent,
// member replies, leaves, clicks and attributed orders within the hour against the group's
// baseline, per step and variant (the rows of `chorus effects --json`), per board column, and the
// A/B verdicts of each step's variants worded in the reader's language. A leader sees only the
// sends to their groups.

import { z } from 'zod';
import { runSends } from '../../insight/effects.ts';
import { verdictText } from '../../insight/rules/ab.ts';
import { columnEffects, effectRows, stepVerdicts } from '../../insight/rules/effects.ts';
import { render } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/locale.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';
import { sendTable, tableFormat } from '../table-export.ts';
import { effectsTable } from '../views/effects-table.ts';
import { runScope } from '../views/scope.ts';

const IdParams = z.object({ id: z.string().min(1).max(200) });
const EffectsQuery = z.object({ lang: z.string().max(20).optional(), format: tableFormat });

export function runEffectsRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/runs/:id/effects',
      tag: 'insight',
      summary: "A run's per-step effect: member replies, leaves, clicks and attributed orders within an hour of each message sent, against the groups' baseline reply rate at the same hour; per step and variant, per board column, and the verdicts of each step's variants",
      returns:
        '{steps: [{step, variant, sends, repliesWithin1h, replyRate, leavesWithin1h, leaveRate, clicks, conversions, baselineReplyRate}], columns: [{step, occurrence, sends, ...the same figures}], verdicts: [{step, metric, a, b, code, higher, rateA, rateB, z, p, text}]}; with format=csv|xlsx the steps as a file, with the replies verdict on each variant row',
      permission: 'runs.read',
      scoped: true,
      params: IdParams,
      query: EffectsQuery,
      async handler({ req, reply, params, query, leader }) {
        const locale = requestLocale(req.headers, req.query);
        const only = await runScope(s.db, params.id, leader);
        const { sends, stepOrder } = await runSends(s.db, params.id, only ? { groups: only } : {});
        const steps = effectRows(sends, stepOrder);
        const verdicts = stepVerdicts(sends).map((v) => ({ ...v, text: render(locale, verdictText(v, v.metric)) }));
        if (query.format) {
          const onReplies = (r: (typeof steps)[number]) => verdicts.find((v) => v.metric === 'replies' && v.step === r.step && (v.a === r.variant || v.b === r.variant))?.text ?? '';
          return sendTable(reply, query.format, effectsTable(locale, steps, onReplies));
        }
        return { steps, columns: columnEffects(sends), verdicts };
      },
    }),
  ];
}
