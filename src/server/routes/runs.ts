// Runs over HTTP: preview (a dry run with the pacing forecast), start, list, status, the board,
// pause, resume, cancel, re-plan. Broadcasts are runs too, so pause/resume/cancel/status/board
// serve both. A leader sees only the runs with their groups, and in them only their groups.

import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cancelRun, pauseRun, previewRun, type RunContext, replanRun, resumeRun, runStatus, startRun } from '../../run/runs.ts';
import type { Services } from '../services.ts';
import { audit } from '../audit.ts';
import { msg } from '../../i18n/index.ts';
import { notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import { cachedBoard } from '../views/board.ts';
import { listRuns } from '../views/runs-list.ts';
import { leaderGroupIds, runScope } from '../views/scope.ts';

export const RunBody = z
  .strictObject({
    /** A stored sheet id (`camp-7d`, `camp-7d@3`) or the YAML text of a sheet. */
    sheet: z.string().trim().min(1),
    /** The existing groups; may be left out when `create` is given. */
    groups: z.string().trim().min(1).optional(),
    anchor: z.string().trim().min(1),
    vars: z.record(z.string(), z.string()).optional(),
    timezone: z.string().min(1).optional(),
    // lifecycle (issue 9): groups the run creates (its sheet's create_group step).
    create: z
      .strictObject({
        channel: z.string().trim().min(1),
        count: z.number().int().min(1).max(100),
        leader: z.string().trim().min(1).optional(),
        members: z.array(z.string().trim().min(1)).max(50).optional(),
      })
      .optional(),
  })
  .refine((b) => b.groups !== undefined || b.create !== undefined, { message: msg('run.groupsOrCreate').key, path: ['groups'] });

const RUN_STATES = ['running', 'paused', 'cancelled', 'completed'] as const;
const ReplanBody = z.strictObject({ sheet: z.string().trim().min(1) });
const IdParams = z.object({ id: z.string().min(1) });
const StatusQuery = z.object({ limit: z.coerce.number().int().positive().max(10_000).optional() });
const ListQuery = z.object({
  kind: z.enum(['run', 'broadcast']).optional(),
  state: z.enum(RUN_STATES).optional(),
  limit: z.coerce.number().int().positive().max(1000).optional(),
});
const BoardQuery = z.object({ attention: z.enum(['0', '1', 'true', 'false']).optional() });
const tag = 'runs';

export function runContext(s: Services, req: FastifyRequest): RunContext {
  return { db: s.db, connectors: s.connectors, wake: s.wake, queue: s.queue, actor: req.actor?.name };
}

export function runRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/runs/preview',
      tag,
      summary: 'What a run would do, with the forecast of its last send under pacing; starts nothing',
      returns: '{sheet, anchor, groups, actions, byMode, byAction, firstDue, lastDue, forecast, sample}',
      permission: 'runs.write',
      body: RunBody,
      async handler({ req, body }) {
        return previewRun(runContext(s, req), body);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/runs',
      tag,
      summary: 'Start a run: a stored sheet (camp-7d@3) or YAML text, a group selector, an anchor',
      returns: '201 {id, actions, groups}',
      permission: 'runs.write',
      body: RunBody,
      status: 201,
      async handler({ req, reply, body, actor }) {
        // The entry is written in the run's own transaction: both commit, or neither.
        const started = await startRun(runContext(s, req), body, {
          inTransaction: (trx, run) =>
            audit(trx, { actor: actor!.name, action: 'run.start', target: `run:${run.id}`, detail: { sheet: body.sheet.includes('\n') ? '(text)' : body.sheet, groups: body.groups, anchor: body.anchor, actions: run.actions } }),
        });
        return reply.status(201).send(started);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/runs',
      tag,
      summary: 'Runs and broadcasts, newest first, with ledger counts per state',
      returns: '{runs: [{id, kind, title, state, sheet?, anchor?, deadline?, groups, counts, createdAt, createdBy}]}',
      permission: 'runs.read',
      scoped: true,
      query: ListQuery,
      async handler({ query, leader }) {
        const groupIds = leader === undefined ? undefined : await leaderGroupIds(s.db, leader);
        return { runs: await listRuns(s.db, { ...query, groupIds }) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/runs/:id',
      tag,
      summary: 'A run or broadcast: its state, counts per ledger state and its actions',
      returns: '{id, kind, state, sheet?, counts, actions: [{id, step, group, groupName, due, state, executor, assignee, attempts, error, onTime}]}',
      permission: 'runs.read',
      scoped: true,
      params: IdParams,
      query: StatusQuery,
      async handler({ params, query, leader }) {
        const only = await runScope(s.db, params.id, leader);
        return runStatus(s.db, params.id, { ...query, ...(only ? { groupIds: only } : {}) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/runs/:id/board',
      tag,
      summary: 'The run board: groups × steps with compact cells [groupIndex, stepIndex, state, ledgerId]',
      returns: '{run, steps: [{key, step, occurrence, due, action, executor}], groups: [{id, name, leader, channelKind, timezone}], cells, counts}',
      permission: 'runs.read',
      scoped: true,
      params: IdParams,
      query: BoardQuery,
      async handler({ req, params, query, leader, reply }) {
        const only = await runScope(s.db, params.id, leader);
        const attention = query.attention === '1' || query.attention === 'true';
        const board = await cachedBoard(s.db, params.id, { ...(only ? { groupIds: only } : {}), attention });
        if (!board) throw notFound(msg('thing.run', { id: params.id }));
        // Pollers revalidate: an unchanged board costs a 304 instead of half a megabyte.
        reply.header('etag', board.etag).header('cache-control', 'private, no-cache');
        if (req.headers['if-none-match'] === board.etag) return reply.status(304).send();
        return reply.type('application/json; charset=utf-8').send(board.json);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/runs/:id/pause',
      tag,
      summary: 'Pause a run or broadcast: it sends nothing until resumed',
      returns: '{id, state: "paused"}; 409 when it is not running',
      permission: 'runs.write',
      params: IdParams,
      async handler({ req, params, actor }) {
        await s.db.transaction().execute(async (trx) => {
          await pauseRun({ ...runContext(s, req), db: trx }, params.id);
          await audit(trx, { actor: actor!.name, action: 'run.pause', target: `run:${params.id}` });
        });
        return { id: params.id, state: 'paused' };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/runs/:id/resume',
      tag,
      summary: 'Resume a paused run or broadcast; what fell due meanwhile is sent, marked late',
      returns: '{id, state: "running"}; 409 when it is not paused',
      permission: 'runs.write',
      params: IdParams,
      async handler({ req, params, actor }) {
        // Resuming schedules wake-ups on the queue after the state (and this entry) committed.
        await resumeRun(runContext(s, req), params.id, { inTransaction: (trx) => audit(trx, { actor: actor!.name, action: 'run.resume', target: `run:${params.id}` }) });
        return { id: params.id, state: 'running' };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/runs/:id/cancel',
      tag,
      summary: 'Cancel a run or broadcast: every open action is cancelled',
      returns: '{id, state: "cancelled", cancelled}',
      permission: 'runs.write',
      params: IdParams,
      async handler({ req, params, actor }) {
        const cancelled = await s.db.transaction().execute(async (trx) => {
          const n = await cancelRun({ ...runContext(s, req), db: trx }, params.id);
          await audit(trx, { actor: actor!.name, action: 'run.cancel', target: `run:${params.id}`, detail: { cancelled: n } });
          return n;
        });
        return { id: params.id, state: 'cancelled', cancelled };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/runs/:id/replan',
      tag,
      summary: 'Apply a changed sheet to a run: future actions are replaced, what was done stays',
      returns: '{id, version, cancelled, created}',
      permission: 'runs.write',
      params: IdParams,
      body: ReplanBody,
      async handler({ req, params, body, actor }) {
        const r = await replanRun(runContext(s, req), params.id, body.sheet, {
          inTransaction: (trx, result) => audit(trx, { actor: actor!.name, action: 'run.replan', target: `run:${params.id}`, detail: result }),
        });
        return { id: params.id, ...r };
      },
    }),
  ];
}
