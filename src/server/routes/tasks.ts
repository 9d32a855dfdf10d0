// Tasks over HTTP: what people have to do (ledger rows executed by a person), marking one done,
// and settling a send that was interrupted (`unconfirmed`): it went out, it did not, send again.

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LEDGER_STATES } from '../../run/states.ts';
import { completeTask, listTasks, resolveUnconfirmed } from '../../run/tasks.ts';
import type { Services } from '../app.ts';
import { validate } from '../errors.ts';

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

export function registerTaskRoutes(app: FastifyInstance, s: Services): void {
  app.get('/api/tasks', async (req) => {
    const q = validate(ListQuery, req.query, 'query');
    return { tasks: await listTasks(s.db, { assignee: q.assignee, states: q.state, limit: q.limit }) };
  });

  app.post('/api/tasks/:id/done', async (req) => {
    const { id } = validate(IdParams, req.params, 'params');
    const body = validate(DoneBody, req.body, 'body');
    return { id, ...(await completeTask(s.db, id, body.by ?? req.actor?.name ?? 'operator')) };
  });

  app.post('/api/tasks/:id/resolve', async (req) => {
    const { id } = validate(IdParams, req.params, 'params');
    const body = validate(ResolveBody, req.body, 'body');
    await resolveUnconfirmed(s.db, id, body.by ?? req.actor?.name ?? 'operator', body.outcome);
    if (body.outcome === 'resend') s.wake?.();
    return { id, outcome: body.outcome };
  });
}
