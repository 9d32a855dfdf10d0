// `GET /api/overview`: the operator's day — due in the next hours, late, missed, failed and
// unconfirmed sends, channels to look at, runs in progress (src/run/overview.ts). A leader's
// overview has only the groups they lead.

import { z } from 'zod';
import type { Db } from '../../store/db.ts';
import { defineRoute, type Route } from '../registry.ts';
import { loadOverview } from '../views/overview.ts';

const Query = z.object({
  /** How far ahead "due soon" looks, in hours (default 6, at most a week). */
  hours: z.coerce.number().positive().max(168).default(6),
});

export function overviewRoutes(s: { db: Db; now: () => Date }): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/overview',
      tag: 'runs',
      summary: "The operator's day: what is due in the next hours, late, missed, failed and unconfirmed, channels to look at, runs in progress, groups whose health is dying",
      returns:
        '{now, hours, capped, due, late, missed, failed, unconfirmed: {total, items: [{id, runId, runTitle, groupId, groupName, step, action, mode, assignee, due, state, text, error?, lateMinutes?}]}, channels: [{id, name, kind, status, reason, groupsLost}], runs: [{id, kind, title, state, sheet?, anchor?, createdAt, groups, total, done, late, missed, pending, percent, attention}], dying: {total, groups: [{id, name, score, since}]}}',
      permission: 'runs.read',
      scoped: true,
      query: Query,
      async handler({ query, leader }) {
        return loadOverview(s.db, { now: s.now(), hours: query.hours, ...(leader !== undefined ? { leader } : {}) });
      },
    }),
  ];
}
