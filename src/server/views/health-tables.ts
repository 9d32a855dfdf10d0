// Group health as downloadable tables (src/server/table-export.ts): the board (one row per group,
// its 7-day figures, status, score and reasons in the reader's language) and one group's daily
// series. Shares are percentages and waits minutes, as the console shows them.

import type { HealthRow } from '../../insight/health-board.ts';
import { reasonText } from '../../insight/rules/health.ts';
import type { HealthDayFigures } from '../../insight/rules/health-series.ts';
import { type Locale, render, translate } from '../../i18n/index.ts';
import type { Table } from '../table-export.ts';

const percent = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 10);
const minutes = (s: number | null): number | null => (s === null ? null : Math.round(s / 6) / 10);

export function healthBoardTable(lang: Locale, rows: readonly HealthRow[]): Table<HealthRow> {
  const h = (k: string) => translate(lang, `table.health.${k}`);
  return {
    name: 'group-health',
    rows,
    columns: [
      { header: translate(lang, 'table.group'), value: (r) => r.name },
      { header: h('status'), value: (r) => translate(lang, `health.status.${r.status}`) },
      { header: h('score'), value: (r) => r.score },
      { header: h('members'), value: (r) => r.members },
      { header: h('joined7d'), value: (r) => r.joined7d },
      { header: h('left7d'), value: (r) => r.left7d },
      { header: h('netGrowth7d'), value: (r) => r.netGrowth7d },
      { header: h('messagesPerDay7d'), value: (r) => r.messagesPerDay7d },
      { header: h('activeRatio7d'), value: (r) => percent(r.activeRatio7d) },
      { header: h('memberShare7d'), value: (r) => percent(r.memberShare7d) },
      { header: h('leaveRate7d'), value: (r) => percent(r.leaveRate7d) },
      { header: h('firstResponse'), value: (r) => minutes(r.firstResponseP50s) },
      { header: h('ageDays'), value: (r) => r.ageDays },
      { header: h('reasons'), value: (r) => r.reasons.map((x) => render(lang, reasonText(x))).join('; ') },
    ],
  };
}

export function healthDaysTable(lang: Locale, days: readonly HealthDayFigures[]): Table<HealthDayFigures> {
  const h = (k: string) => translate(lang, `table.health.${k}`);
  return {
    name: 'group-health-days',
    rows: days,
    columns: [
      { header: h('day'), value: (d) => d.day },
      { header: h('members'), value: (d) => d.members },
      { header: h('joined'), value: (d) => d.joined },
      { header: h('left'), value: (d) => d.left },
      { header: h('netGrowth'), value: (d) => d.netGrowth },
      { header: h('messages'), value: (d) => d.messages },
      { header: h('memberMessages'), value: (d) => d.memberMessages },
      { header: h('staffMessages'), value: (d) => d.staffMessages },
      { header: h('activeMembers'), value: (d) => d.activeMembers },
      { header: h('activeRatio'), value: (d) => percent(d.activeRatio) },
      { header: h('memberShare'), value: (d) => percent(d.memberShare) },
      { header: h('leaveRate'), value: (d) => percent(d.leaveRate) },
      { header: h('questions'), value: (d) => d.questions },
      { header: h('firstResponse'), value: (d) => minutes(d.firstResponseP50s) },
    ],
  };
}
