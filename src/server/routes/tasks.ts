// Tasks over HTTP: what people have to do (ledger rows executed by a person), marking one done,
// and settling a send that was interrupted (`unconfirmed`): it went out, it did not, send again.
// A leader sees and completes only the tasks assigned to them.

import { z } from 'zod';
import { LEDGER_STATES } from '../../run/states.ts';
import { completeTask, listTasks, resolveUnconfirmed } from '../../run/tasks.ts';
import type { Services } from '../services.ts';
import { audit } from '../audit.ts';
import { msg } from '../../i18n/index.ts';
import { forbidden, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';

const ListQuery = z.object({
  assignee: z.string().trim().min(1).optional(),
  /** Comma-separated ledger states, e.g. `assigned,missed`. */
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined))
    .pipe(z.array(z.enum(LEDGER_STATES)).optional()),
  limit: z.coerce.number().int().positive().max(1000).optional(),
});

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const DoneBody = z.strictObject({ by: z.string().trim().min(1).max(100).optional() });
const ResolveBody = z.strictObject({ outcome: z.enum(['sent', 'failed', 'resend']), by: z.string().trim().min(1).max(100).optional() });
const tag = 'tasks';

export function taskRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/tasks',
      tag,
      summary: 'Tasks for people, overdue first (a leader: their own; others may pass assignee)',
      returns: '{tasks: [{id, runId, runKind, runTitle, group, step, action, text, link?, due, deadline, state, late, assignee}]}',
      permission: 'tasks.read',
      scoped: true,
      query: ListQuery,
      async handler({ query, leader }) {
        if (leader !== undefined && query.assignee !== undefined && query.assignee !== leader) {
          throw forbidden(msg('access.ownTasksOnly', { name: query.assignee }));
        }
        const assignee = leader ?? query.assignee;
        return { tasks: await listTasks(s.db, { assignee, states: query.state, limit: query.limit }) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/tasks/:id/done',
      tag,
      summary: 'Mark a task done (late after its window)',
      returns: '{id, state: "done" | "done_late"}',
      permission: 'tasks.complete',
      scoped: true,
      params: IdParams,
      body: DoneBody,
      async handler({ params, body, actor, leader }) {
        if (leader !== undefined) {
          const row = await s.db.selectFrom('ledger').select('assignee').where('id', '=', params.id).executeTakeFirst();
          if (!row) throw notFound(msg('thing.task', { id: params.id }));
          if (row.assignee !== leader) throw forbidden(msg('access.notYourTask', { id: params.id }));
          if (body.by !== undefined && body.by !== leader) throw forbidden(msg('access.ownNameOnly'));
        }
        const by = body.by ?? actor!.name;
        const done = await s.db.transaction().execute(async (trx) => {
          const r = await completeTask(trx, params.id, by);
          await audit(trx, { actor: actor!.name, action: 'task.done', target: `ledger:${params.id}`, detail: { by, state: r.state } });
          return r;
        });
        return { id: params.id, ...done };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/tasks/:id/resolve',
      tag,
      summary: 'Settle a send whose outcome is unknown: it was sent, it failed, or send it again',
      returns: '{id, outcome}',
      permission: 'tasks.resolve',
      params: IdParams,
      body: ResolveBody,
      async handler({ params, body, actor }) {
        const by = body.by ?? actor!.name;
        await s.db.transaction().execute(async (trx) => {
          await resolveUnconfirmed(trx, params.id, by, body.outcome);
          await audit(trx, { actor: actor!.name, action: 'task.resolve', target: `ledger:${params.id}`, detail: { by, outcome: body.outcome } });
        });
        if (body.outcome === 'resend') s.wake?.();
        return { id: params.id, outcome: body.outcome };
      },
    }),
  ];
}
