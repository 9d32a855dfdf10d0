// A run's per-step effect as a downloadable table (src/server/table-export.ts): one row per step
// and variant, the headers in the reader's language, rates as percentages to one decimal, and on
// a variant's row the replies verdict of the step's first pair it is in.

import { type Locale, translate } from '../../i18n/index.ts';
import type { EffectRow } from '../../insight/rules/effects.ts';
import type { Table } from '../table-export.ts';

const pct = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 10);

export function effectsTable(lang: Locale, rows: readonly EffectRow[], verdictOf: (row: EffectRow) => string): Table<EffectRow> {
  const h = (k: string) => translate(lang, `effects.table.${k}`);
  return {
    name: 'step-effect',
    rows,
    columns: [
      { header: h('step'), value: (r) => r.step },
      { header: h('variant'), value: (r) => r.variant ?? '' },
      { header: h('sends'), value: (r) => r.sends },
      { header: h('replied'), value: (r) => r.repliesWithin1h },
      { header: h('replyRate'), value: (r) => pct(r.replyRate) },
      { header: h('baseline'), value: (r) => pct(r.baselineReplyRate) },
      { header: h('leaves'), value: (r) => r.leavesWithin1h },
      { header: h('leaveRate'), value: (r) => pct(r.leaveRate) },
      { header: h('clicks'), value: (r) => r.clicks },
      { header: h('orders'), value: (r) => r.conversions },
      { header: h('verdict'), value: verdictOf },
    ],
  };
}
