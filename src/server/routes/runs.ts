// Runs over HTTP: preview (a dry run with the pacing forecast), start, status, pause, resume,
// cancel, re-plan. Broadcasts are runs too, so pause/resume/cancel/status serve both.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cancelRun, pauseRun, previewRun, type RunContext, replanRun, resumeRun, runStatus, startRun } from '../../run/runs.ts';
import type { Services } from '../app.ts';
import { validate } from '../errors.ts';

export const RunBody = z.strictObject({
  /** A stored sheet id (`camp-7d`, `camp-7d@3`) or the YAML text of a sheet. */
  sheet: z.string().trim().min(1),
  groups: z.string().trim().min(1),
  anchor: z.string().trim().min(1),
  vars: z.record(z.string(), z.string()).optional(),
  timezone: z.string().min(1).optional(),
});

const ReplanBody = z.strictObject({ sheet: z.string().trim().min(1) });
const IdParams = z.object({ id: z.string().min(1) });
const StatusQuery = z.object({ limit: z.coerce.number().int().positive().max(10_000).optional() });

export function runContext(s: Services, req: FastifyRequest): RunContext {
  return { db: s.db, connectors: s.connectors, wake: s.wake, queue: s.queue, actor: req.actor?.name };
}

export function registerRunRoutes(app: FastifyInstance, s: Services): void {
  app.post('/api/runs/preview', async (req) => {
    const body = validate(RunBody, req.body, 'body');
    return previewRun(runContext(s, req), body);
  });

  app.post('/api/runs', async (req, reply) => {
    const body = validate(RunBody, req.body, 'body');
    return reply.status(201).send(await startRun(runContext(s, req), body));
  });

  app.get('/api/runs/:id', async (req) => {
    const { id } = validate(IdParams, req.params, 'params');
    const q = validate(StatusQuery, req.query, 'query');
    return runStatus(s.db, id, q);
  });

  app.post('/api/runs/:id/pause', async (req) => {
    const { id } = validate(IdParams, req.params, 'params');
    await pauseRun(runContext(s, req), id);
    return { id, state: 'paused' };
  });

  app.post('/api/runs/:id/resume', async (req) => {
    const { id } = validate(IdParams, req.params, 'params');
    await resumeRun(runContext(s, req), id);
    return { id, state: 'running' };
  });

  app.post('/api/runs/:id/cancel', async (req) => {
    const { id } = validate(IdParams, req.params, 'params');
    const cancelled = await cancelRun(runContext(s, req), id);
    return { id, state: 'cancelled', cancelled };
  });

  app.post('/api/runs/:id/replan', async (req) => {
    const { id } = validate(IdParams, req.params, 'params');
    const body = validate(ReplanBody, req.body, 'body');
    return { id, ...(await replanRun(runContext(s, req), id, body.sheet)) };
  });
}
