// The audit log over HTTP, for owners and admins: newest first, paged by id.

import { z } from 'zod';
import type { Services } from '../services.ts';
import { listAudit } from '../audit.ts';
import { defineRoute, type Route } from '../registry.ts';

const Query = z.object({
  limit: z.coerce.number().int().positive().max(1000).optional(),
  /** Entries older than this id (the `id` of the last entry of the previous page). */
  before: z.coerce.number().int().positive().optional(),
  action: z.string().trim().min(1).max(64).optional(),
});

export function auditRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/audit',
      tag: 'users',
      summary: 'Who did what: sheet saves, runs, broadcasts, tasks, channels, users, roles, tokens',
      returns: '{entries: [{id, at, actor, action, target, detail, actorName, targetName: {kind, name, context?, runKind?} | null}]}',
      permission: 'audit.read',
      query: Query,
      async handler({ query }) {
        return { entries: await listAudit(s.db, query) };
      },
    }),
  ];
}
