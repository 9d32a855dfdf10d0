// Check-ins and surveys of a group (docs/checkins-and-surveys.md): the windows with their rates,
// one window in detail, the survey results, and the answers as CSV. A group is named by its
// Chorus id or `<channel id>:<platform chat id>`. A leader sees only the groups they lead.

import { z } from 'zod';
import { checkinDetail, groupCheckins, runCheckins } from '../../community/checkin-report.ts';
import { surveyCsv, surveyResults } from '../../community/surveys.ts';
import { msg } from '../../i18n/index.ts';
import type { Db } from '../../store/db.ts';
import { forbidden, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';
import { leaderGroupIds, runScope } from '../views/scope.ts';

const tag = 'check-ins and surveys';
const GroupParams = z.object({ id: z.string().min(1).max(300) });
const CheckinParams = z.object({ id: z.string().min(1).max(300), checkin: z.coerce.number().int().positive() });
const RunParams = z.object({ id: z.string().min(1).max(200) });
const ExportQuery = z.object({ group: z.string().min(1).max(300).optional() });

/** The group a reference names: its id, else `<channel id>:<platform chat id>`. */
export async function groupByRef(db: Db, ref: string): Promise<{ id: string; name: string; leader: string | null } | undefined> {
  const byId = await db.selectFrom('groups').select(['id', 'name', 'leader']).where('id', '=', ref).executeTakeFirst();
  if (byId) return byId;
  const at = ref.indexOf(':');
  if (at <= 0) return undefined;
  return db
    .selectFrom('groups')
    .select(['id', 'name', 'leader'])
    .where('channel_id', '=', ref.slice(0, at))
    .where('external_id', '=', ref.slice(at + 1))
    .executeTakeFirst();
}

/** The group (404), and for a leader only one of theirs (403). */
async function visibleGroup(db: Db, ref: string, leader: string | undefined) {
  const g = await groupByRef(db, ref);
  if (!g) throw notFound(msg('thing.group', { id: ref }));
  if (leader !== undefined && g.leader !== leader) throw forbidden(msg('checkins.notYourGroup', { id: ref }));
  return g;
}

export function checkinRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/groups/:id/checkins',
      tag,
      summary: "A group's check-ins: each window with the members present when it opened, how many checked in, the rate",
      returns: '{group, checkins: [{id, run, step, occurrence, at, closesAt, closed, members, checkedIn, rate}], overall: {members, checkedIn, rate}}',
      permission: 'members.read',
      scoped: true,
      params: GroupParams,
      async handler({ params, leader }) {
        const g = await visibleGroup(s.db, params.id, leader);
        return { group: g.id, ...(await groupCheckins(s.db, g.id)) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/groups/:id/checkins/:checkin',
      tag,
      summary: 'One check-in of a group: who checked in and who did not, with each member’s streaks over that step',
      returns: '{id, run, step, occurrence, at, closesAt, closed, members, checkedIn, rate, keywords, did: [{member, name, checkedInAt, windows, checkedIn, rate, current, best}], didNot: [...]}',
      permission: 'members.read',
      scoped: true,
      params: CheckinParams,
      async handler({ params, leader }) {
        const g = await visibleGroup(s.db, params.id, leader);
        const d = await checkinDetail(s.db, g.id, params.checkin);
        if (!d) throw notFound(msg('checkins.thing', { id: params.checkin, group: g.name }));
        return d;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/runs/:id/checkins',
      tag,
      summary: "A run's check-ins for its board: each window with its group and rate, and each group's overall rate",
      returns: '{checkins: [{id, group, step, occurrence, at, closesAt, closed, members, checkedIn, rate}], groups: [{group, windows, members, checkedIn, rate}], overall: {members, checkedIn, rate}}',
      permission: 'runs.read',
      scoped: true,
      params: RunParams,
      async handler({ params, leader }) {
        const scope = await runScope(s.db, params.id, leader);
        return runCheckins(s.db, params.id, scope);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/groups/:id/surveys',
      tag,
      summary: "A group's survey results per step occurrence: the questions, how many answered, the answers per question (choice counts, or the answers)",
      returns: '{group, name, surveys: [{run, step, occurrence, answered, lastAt, questions: [{text, choices?, answered, counts?, answers?}]}]}',
      permission: 'members.read',
      scoped: true,
      params: GroupParams,
      async handler({ params, leader }) {
        const g = await visibleGroup(s.db, params.id, leader);
        return { group: g.id, name: g.name, surveys: await surveyResults(s.db, g.id) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/surveys/export',
      tag,
      summary: 'Survey answers as CSV (one line per member and question), of one group or of every group the caller may see',
      returns: 'text/csv: run,group,step,occurrence,member,name,at,question,answer',
      permission: 'members.read',
      scoped: true,
      query: ExportQuery,
      async handler({ query, leader, reply }) {
        let ids: string[];
        if (query.group) ids = [(await visibleGroup(s.db, query.group, leader)).id];
        else ids = leader !== undefined ? await leaderGroupIds(s.db, leader) : (await s.db.selectFrom('groups').select('id').execute()).map((r) => r.id);
        const csv = await surveyCsv(s.db, ids);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="surveys${query.group ? `-${query.group.replace(/[^A-Za-z0-9_-]/g, '_')}` : ''}.csv"`)
          .send(csv);
      },
    }),
  ];
}
