// Funnels and cohorts over HTTP (docs/insight.md#funnel): the four stages over the members who
// joined the groups a selector picks (optionally only a run's groups, or the members a campaign
// brought), group by group; the join-week cohorts; one group's DAU/MAU over 30 days; the stage
// distribution of the groups' members over time. A leader sees only the groups they lead.

import { z } from 'zod';
import { dauSeries, stageDistribution } from '../../insight/activity-data.ts';
import { cohortReport, funnelReport } from '../../insight/funnel-data.ts';
import { healthGroupIds, runGroupIds } from '../../insight/health-board.ts';
import { rollupZone } from '../../insight/rollups.ts';
import { readDate } from '../../insight/rules/period.ts';
import { msg } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/locale.ts';
import { sql } from '../../store/db.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';
import { sendTable, tableFormat } from '../table-export.ts';
import { cohortTable, dauTable, funnelTable, stageTable } from '../views/funnel-tables.ts';
import { leaderGroupIds } from '../views/scope.ts';

const tag = 'insight';
const date = z
  .string()
  .max(40)
  .refine((t) => readDate(t, rollupZone()) !== null, 'validate.date');
const groups = z.string().min(1).max(2000).optional().describe('a group selector (all, tag:<t>, community:<type>, leader:<name>, id:<g1>,<g2>, joined by +); default all');
const run = z.string().min(1).max(200).optional().describe('only the groups of this run');
const campaign = z.string().min(1).max(200).optional().describe('only the members this campaign brought (its invites not rejected)');
const lang = z.string().max(20).optional();
const format = tableFormat.describe('csv or xlsx: the same table as a file');
const FunnelQuery = z.object({
  groups,
  since: date.optional().describe('joined from this day (YYYY-MM-DD, in the workspace zone) or instant, included'),
  until: date.optional().describe('joined before this day or instant'),
  run,
  campaign,
  lang,
  format,
});
const CohortQuery = z.object({ groups, run, campaign, weeks: z.coerce.number().int().min(1).max(52).optional(), lang, format });
const DauQuery = z.object({ group: z.string().min(1).max(300), days: z.coerce.number().int().min(1).max(90).optional(), lang, format });
const StageQuery = z.object({ groups, run, days: z.coerce.number().int().min(1).max(90).optional(), lang, format });

const STAGE_RETURNS = '{count, rate}';

export function insightFunnelRoutes(s: Services): Route[] {
  /** The groups the caller may see among those picked (and of the run, when one is named: 404 when there is no such run). */
  async function visible(selector: string, runId: string | undefined, leader: string | undefined): Promise<string[]> {
    let ids = await healthGroupIds(s.db, selector, leader === undefined ? undefined : await leaderGroupIds(s.db, leader));
    if (runId) {
      const found = await s.db.selectFrom('runs').select('id').where('id', '=', runId).executeTakeFirst();
      if (!found) throw new ApiError(404, 'not_found', msg('access.noRun.run', { id: runId }));
      const inRun = new Set(await runGroupIds(s.db, runId));
      ids = ids.filter((id) => inRun.has(id));
    }
    return ids;
  }
  async function campaignOf(id: string | undefined): Promise<string | undefined> {
    if (id === undefined) return undefined;
    const found = await sql<{ id: string }>`SELECT id FROM campaigns WHERE id = ${id}`.execute(s.db);
    if (!found.rows.length) throw new ApiError(404, 'not_found', msg('campaign.notFound', { id }));
    return id;
  }
  return [
    defineRoute({
      method: 'GET',
      path: '/api/insight/funnel',
      tag,
      summary: 'The funnel: members who joined (attract), were active within 72 hours (activate), active in their second week (retain), ordered after joining (convert), each with its count and its rate of those attracted; the same per group',
      returns: `{zone, since, until, funnel: {attract, activate, retain, convert}, groups: [{group, name, attract, activate, retain, convert}]}; each stage ${STAGE_RETURNS}; with format=csv|xlsx the funnel of all the groups, then each group, as a file`,
      permission: 'groups.read',
      scoped: true,
      query: FunnelQuery,
      async handler({ req, reply, query, leader }) {
        const zone = rollupZone();
        const since = query.since === undefined ? undefined : (readDate(query.since, zone) ?? undefined);
        const until = query.until === undefined ? undefined : (readDate(query.until, zone) ?? undefined);
        const ids = await visible(query.groups ?? 'all', query.run, leader);
        const scope = { groups: ids, campaign: await campaignOf(query.campaign) };
        const r = await funnelReport(s.db, scope, { since, until });
        if (query.format) return sendTable(reply, query.format, funnelTable(requestLocale(req.headers, req.query), r.funnel, r.groups));
        return { zone, since: since?.toISOString() ?? null, until: until?.toISOString() ?? null, ...r };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/insight/cohorts',
      tag,
      summary: "Join-week retention cohorts: the members who joined in each ISO week (workspace zone) of the last 12 weeks, and how many were active in each of their own weeks since (complete weeks only)",
      returns: '{zone, cohorts: [{week, joined, retained: [n, ...]}]}; with format=csv|xlsx the same as a file',
      permission: 'groups.read',
      scoped: true,
      query: CohortQuery,
      async handler({ req, reply, query, leader }) {
        const ids = await visible(query.groups ?? 'all', query.run, leader);
        const r = await cohortReport(s.db, { groups: ids, campaign: await campaignOf(query.campaign) }, { now: s.now(), weeks: query.weeks ?? 12 });
        return query.format ? sendTable(reply, query.format, cohortTable(requestLocale(req.headers, req.query), r.cohorts)) : r;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/insight/dau',
      tag,
      summary: "One group's daily active members (DAU), members active in the 30 days ending each day (MAU) and DAU ÷ MAU, last 30 local days by default",
      returns: '{zone, group, name, days: [{day, dau, mau, ratio}]}; with format=csv|xlsx the days as a file',
      permission: 'groups.read',
      scoped: true,
      query: DauQuery,
      async handler({ req, reply, query, leader }) {
        const ids = await visible(`id:${query.group}`, undefined, leader);
        // Someone else's group is "not found": a leader cannot learn it exists.
        const id = ids[0];
        if (id === undefined) throw notFound(msg('thing.group', { id: query.group }));
        const g = await s.db.selectFrom('groups').select('name').where('id', '=', id).executeTakeFirstOrThrow();
        const days = await dauSeries(s.db, id, { now: s.now(), days: query.days ?? 30 });
        if (query.format) return sendTable(reply, query.format, dauTable(requestLocale(req.headers, req.query), days));
        return { zone: rollupZone(), group: id, name: g.name, days };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/insight/stages',
      tag,
      summary: "The stage distribution over time: the groups' current members by their stage (stranger … repeat) at the end of each of the last 30 local days",
      returns: '{zone, stages: [stage, ...], days: [{day, counts: {<stage>: n}}]}; with format=csv|xlsx the days as a file',
      permission: 'groups.read',
      scoped: true,
      query: StageQuery,
      async handler({ req, reply, query, leader }) {
        const ids = await visible(query.groups ?? 'all', query.run, leader);
        const r = await stageDistribution(s.db, ids, { now: s.now(), days: query.days ?? 30 });
        return query.format ? sendTable(reply, query.format, stageTable(requestLocale(req.headers, req.query), r.stages, r.days)) : r;
      },
    }),
  ];
}
