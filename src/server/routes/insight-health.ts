// Group health over HTTP (docs/insight.md#group-health): the board of the groups a selector picks
// (the figures of `chorus health --json`, the reasons worded with what to do, the last 30 days'
// messages for a sparkline, day-7 survival across them) and one group's daily series. A leader
// sees only the groups they lead. `/api/health` is the server's liveness, so these live under
// `/api/insight/`.

import { z } from 'zod';
import { healthBoard, healthGroupIds, healthSeries, healthSurvival, messagesDaily, runGroupIds } from '../../insight/health-board.ts';
import { rollupZone } from '../../insight/rollups.ts';
import { adviceText, type HealthReason, reasonText } from '../../insight/rules/health.ts';
import { dailyFigures } from '../../insight/rules/health-series.ts';
import { type Locale, msg, render } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/locale.ts';
import { notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import { sendTable, tableFormat } from '../table-export.ts';
import { healthBoardTable, healthDaysTable } from '../views/health-tables.ts';
import type { Services } from '../services.ts';
import { leaderGroupIds } from '../views/scope.ts';

const tag = 'insight';
const BoardQuery = z.object({
  groups: z.string().min(1).max(2000).optional().describe('a group selector (docs: all, tag:<t>, community:<type>, leader:<name>, id:<g1>,<g2>, joined by +); default all'),
  run: z.string().min(1).max(200).optional().describe("only the groups of this run (for day-7 survival across a run's groups)"),
  lang: z.string().max(20).optional(),
  format: tableFormat.describe('csv or xlsx: the board as a file (the headers in the reader\'s language)'),
});
const GroupParams = z.object({ id: z.string().min(1).max(300) });
const SeriesQuery = z.object({
  days: z.coerce.number().int().min(1).max(90).optional(),
  lang: z.string().max(20).optional(),
  format: tableFormat.describe("csv or xlsx: the group's daily series as a file"),
});

const worded = (locale: Locale, reasons: readonly HealthReason[]) =>
  reasons.map((r) => ({ ...r, text: render(locale, reasonText(r)), advice: render(locale, adviceText(r.code)) }));

export function insightHealthRoutes(s: Services): Route[] {
  /** The groups the caller may see among those picked. */
  async function visible(selector: string, run: string | undefined, leader: string | undefined): Promise<string[]> {
    let ids = await healthGroupIds(s.db, selector, leader === undefined ? undefined : await leaderGroupIds(s.db, leader));
    if (run) {
      const inRun = new Set(await runGroupIds(s.db, run));
      ids = ids.filter((id) => inRun.has(id));
    }
    return ids;
  }
  return [
    defineRoute({
      method: 'GET',
      path: '/api/insight/health',
      tag,
      summary: "Group health: each group's 7-day figures, score, status (healthy, watch, dying) and reasons with what to do, worst first; day-7 survival across them",
      returns:
        '{zone, groups: [{group, name, members, joined7d, left7d, netGrowth7d, messagesPerDay7d, activeRatio7d, memberShare7d, leaveRate7d, firstResponseP50s, ageDays, score, status, reasons: [{code, value, severity, text, advice}], messagesDaily: [30 numbers, oldest first]}], survival: {groups, alive, rate}}; with format=csv|xlsx the board as a file',
      permission: 'groups.read',
      scoped: true,
      query: BoardQuery,
      async handler({ req, query, leader, reply }) {
        const locale = requestLocale(req.headers, req.query);
        const now = s.now();
        const ids = await visible(query.groups ?? 'all', query.run, leader);
        if (query.format) return sendTable(reply, query.format, healthBoardTable(locale, await healthBoard(s.db, ids, now)));
        const [rows, daily, survival] = await Promise.all([healthBoard(s.db, ids, now), messagesDaily(s.db, ids, { now }), healthSurvival(s.db, ids, now)]);
        return {
          zone: rollupZone(),
          groups: rows.map((r) => ({ ...r, reasons: worded(locale, r.reasons), messagesDaily: daily.get(r.group) ?? [] })),
          survival,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/insight/health/:id',
      tag,
      summary:
        "One group's health page: its 7-day figures, score, status and reasons with what to do, and its daily series from the rollups (members, joined, left, net growth, messages, active ratio, member share, leave rate, first response), the last 30 days by default (days= up to 90)",
      returns:
        '{zone, health: {group, name, members, joined7d, left7d, netGrowth7d, messagesPerDay7d, activeRatio7d, memberShare7d, leaveRate7d, firstResponseP50s, ageDays, score, status, reasons: [{code, value, severity, text, advice}]}, days: [{day, members, joined, left, netGrowth, messages, memberMessages, staffMessages, activeMembers, activeRatio, memberShare, leaveRate, questions, firstResponseP50s}], oldest first}; with format=csv|xlsx the days as a file',
      permission: 'groups.read',
      scoped: true,
      params: GroupParams,
      query: SeriesQuery,
      async handler({ req, params, query, leader, reply }) {
        const locale = requestLocale(req.headers, req.query);
        const now = s.now();
        const ids = await visible(`id:${params.id}`, undefined, leader);
        // Someone else's group is "not found", as for members: a leader cannot learn it exists.
        if (ids.length !== 1 || ids[0] !== params.id) throw notFound(msg('thing.group', { id: params.id }));
        const id = params.id;
        const [[row], series] = await Promise.all([healthBoard(s.db, [id], now), healthSeries(s.db, [id], { now, days: query.days ?? 30 })]);
        if (!row) throw notFound(msg('thing.group', { id: params.id }));
        const days = dailyFigures(series.get(id) ?? [], row.members);
        if (query.format) return sendTable(reply, query.format, healthDaysTable(locale, days));
        return { zone: rollupZone(), health: { ...row, reasons: worded(locale, row.reasons) }, days };
      },
    }),
  ];
}
