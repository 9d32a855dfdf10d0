// Broadcasts over HTTP: one instruction for many groups, sent by the bot or by each group's
// leader. A broadcast is a run of kind 'broadcast': its status, pause, resume and cancel are the
// run's (routes/runs.ts); `GET /api/broadcasts/:id` answers only for broadcasts.

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createBroadcast, previewBroadcast } from '../../run/broadcasts.ts';
import { runStatus } from '../../run/runs.ts';
import type { Services } from '../app.ts';
import { notFound, validate } from '../errors.ts';
import { runContext } from './runs.ts';

const BroadcastBody = z.strictObject({
  text: z.string().trim().min(1).max(4000),
  link: z.url().optional(),
  groups: z.string().trim().min(1),
  by: z.enum(['bot', 'leader']).optional(),
  /** An ISO 8601 instant with its offset, or a duration from now (2h, 30m, 1d); read by readDeadline. */
  deadline: z.string().trim().min(1).max(64).optional(),
});

const IdParams = z.object({ id: z.string().min(1) });

export function registerBroadcastRoutes(app: FastifyInstance, s: Services): void {
  app.post('/api/broadcasts/preview', async (req) => {
    const body = validate(BroadcastBody, req.body, 'body');
    return previewBroadcast(runContext(s, req), body);
  });

  app.post('/api/broadcasts', async (req, reply) => {
    const body = validate(BroadcastBody, req.body, 'body');
    return reply.status(201).send(await createBroadcast(runContext(s, req), body));
  });

  app.get('/api/broadcasts/:id', async (req) => {
    const { id } = validate(IdParams, req.params, 'params');
    const status = await runStatus(s.db, id);
    if (status.kind !== 'broadcast') throw notFound(`Broadcast "${id}"`);
    return status;
  });
}
