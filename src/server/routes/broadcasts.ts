// Broadcasts over HTTP: one instruction for many groups, sent by the bot or by each group's
// leader. A broadcast is a run of kind 'broadcast': its pause, resume, cancel and board are the
// run's (routes/runs.ts); `GET /api/broadcasts/:id` answers only for broadcasts.

import { z } from 'zod';
import { createBroadcast, previewBroadcast } from '../../run/broadcasts.ts';
import { runStatus } from '../../run/runs.ts';
import type { Services } from '../services.ts';
import { audit } from '../audit.ts';
import { msg } from '../../i18n/index.ts';
import { notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import { runScope } from '../views/scope.ts';
import { runContext } from './runs.ts';

const BroadcastBody = z.strictObject({
  text: z.string().trim().min(1).max(4000),
  link: z.url({ protocol: /^https?$/, error: 'validate.httpLink' }).optional(),
  groups: z.string().trim().min(1),
  by: z.enum(['bot', 'leader']).optional(),
  /** An ISO 8601 instant with its offset, or a duration from now (2h, 30m, 1d); read by readDeadline. */
  deadline: z.string().trim().min(1).max(64).optional(),
});

const IdParams = z.object({ id: z.string().min(1) });
const tag = 'broadcasts';

export function broadcastRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/broadcasts/preview',
      tag,
      summary: 'What a broadcast would do: groups by bot and by leader, deadline, forecast',
      returns: '{groups, bot, human, deadline, forecast, withoutLeader}',
      permission: 'runs.write',
      body: BroadcastBody,
      async handler({ req, body }) {
        return previewBroadcast(runContext(s, req), body);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/broadcasts',
      tag,
      summary: 'Start a broadcast',
      returns: '201 {id, groups, bot, human}',
      permission: 'runs.write',
      body: BroadcastBody,
      status: 201,
      async handler({ req, reply, body, actor }) {
        const created = await createBroadcast(runContext(s, req), body, {
          inTransaction: (trx, b) => audit(trx, { actor: actor!.name, action: 'broadcast.create', target: `run:${b.id}`, detail: { groups: body.groups, by: body.by ?? 'bot', count: b.groups } }),
        });
        return reply.status(201).send(created);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/broadcasts/:id',
      tag,
      summary: "A broadcast's status (the run status shape)",
      permission: 'runs.read',
      scoped: true,
      params: IdParams,
      async handler({ params, leader }) {
        const only = await runScope(s.db, params.id, leader, 'broadcast');
        const status = await runStatus(s.db, params.id, only ? { groupIds: only } : {});
        if (status.kind !== 'broadcast') throw notFound(msg('thing.broadcast', { id: params.id }));
        return status;
      },
    }),
  ];
}
