// The funnels' and cohorts' tables as downloads (src/server/table-export.ts): the funnel (all the
// groups, then group by group), the cohorts (a column per own week), one group's DAU/MAU and the
// stage distribution, with headers in the reader's language.

import { type Locale, translate } from '../../i18n/index.ts';
import type { DauDay } from '../../insight/activity-data.ts';
import type { Cohort, Funnel } from '../../insight/rules/funnel.ts';
import type { Table } from '../table-export.ts';

type FunnelRow = Funnel & { name: string };

export function funnelTable(lang: Locale, all: Funnel, groups: readonly FunnelRow[]): Table<FunnelRow> {
  const h = (k: string) => translate(lang, `table.${k}`);
  return {
    name: 'funnel',
    rows: [{ name: h('allGroups'), ...all }, ...groups],
    columns: [
      { header: h('group'), value: (r) => r.name },
      { header: h('joined'), value: (r) => r.attract.count },
      { header: h('activated'), value: (r) => r.activate.count },
      { header: h('activatedRate'), value: (r) => r.activate.rate },
      { header: h('retained'), value: (r) => r.retain.count },
      { header: h('retainedRate'), value: (r) => r.retain.rate },
      { header: h('converted'), value: (r) => r.convert.count },
      { header: h('convertedRate'), value: (r) => r.convert.rate },
    ],
  };
}

export function cohortTable(lang: Locale, cohorts: readonly Cohort[]): Table<Cohort> {
  const weeks = Math.max(0, ...cohorts.map((c) => c.retained.length));
  return {
    name: 'cohorts',
    rows: cohorts,
    columns: [
      { header: translate(lang, 'table.week'), value: (c) => c.week },
      { header: translate(lang, 'table.joined'), value: (c) => c.joined },
      ...Array.from({ length: weeks }, (_, k) => ({ header: translate(lang, 'table.weekN', { n: k + 1 }), value: (c: Cohort) => c.retained[k] ?? null })),
    ],
  };
}

export function dauTable(lang: Locale, days: readonly DauDay[]): Table<DauDay> {
  const h = (k: string) => translate(lang, `table.${k}`);
  return {
    name: 'dau-mau',
    rows: days,
    columns: [
      { header: h('day'), value: (d) => d.day },
      { header: h('dau'), value: (d) => d.dau },
      { header: h('mau'), value: (d) => d.mau },
      { header: h('ratio'), value: (d) => d.ratio },
    ],
  };
}

type StageDay = { day: string; counts: Record<string, number> };

export function stageTable(lang: Locale, stages: readonly string[], days: readonly StageDay[]): Table<StageDay> {
  return {
    name: 'stages',
    rows: days,
    columns: [{ header: translate(lang, 'table.day'), value: (d) => d.day }, ...stages.map((s) => ({ header: translate(lang, `table.stage.${s}`), value: (d: StageDay) => d.counts[s] ?? 0 }))],
  };
}
