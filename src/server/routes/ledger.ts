// One ledger row in full (the board's cell details) and what a person may do to it (retry, send
// now, skip, hand on, change the text: src/run/row-actions.ts), and the signed-in person's
// notifications.

import { z } from 'zod';
import { decide } from '../../access/roles.ts';
import { teamPeople, unknownPersonText } from '../../community/people.ts';
import { actOnRow, RowActionRefused, type RowActionInput } from '../../run/act-on-row.ts';
import { availableActions, leaderMay, type RowAction } from '../../run/row-actions.ts';
import { wakeFor } from '../../run/runs.ts';
import { bindCreatedGroup } from '../../run/bind-group.ts';
import type { LedgerState } from '../../run/states.ts';
import type { Services } from '../services.ts';
import { audit } from '../audit.ts';
import type { Actor } from '../auth.ts';
import { msg } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/locale.ts';
import { ApiError, forbidden, notFound } from '../errors.ts';
import { type Call, defineRoute, type Route } from '../registry.ts';
import { type LedgerDetail, ledgerDetail } from '../views/ledger-row.ts';
import { listNotifications, markRead } from '../views/notifications.ts';

const NumberId = z.object({ id: z.coerce.number().int().positive() });
const HttpLink = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => /^https?:\/\/[^\s]+$/i.test(v), 'validate.linkStarts');
const RetryBody = z.strictObject({ confirmNotSent: z.boolean().optional() });
const ReassignBody = z.strictObject({ to: z.string().trim().min(1).max(100) });
const EditBody = z.strictObject({ text: z.string().trim().min(1).max(4000), link: HttpLink.nullable().optional() });
const SkipBody = z.strictObject({ reason: z.string().trim().max(500).optional() });
const NoBody = z.strictObject({});
// lifecycle (issue 9): the group a person created for a `create_group` task.
const BindBody = z.strictObject({ group: z.string().trim().min(1).max(200) });

const NotificationsQuery = z.object({
  unread: z.enum(['0', '1', 'true', 'false']).optional(),
  limit: z.coerce.number().int().positive().max(500).optional(),
});

/** A person's own notifications, and the operators' for those who settle sends. */
function recipientsOf(actor: Actor): string[] {
  return decide(actor.role, 'tasks.resolve') === 'allow' ? [actor.name, 'operators'] : [actor.name];
}

/** What this caller may do to the row: by the row's state, their role, and for a leader, the row's group. */
function actionsFor(row: LedgerDetail, actor: Actor, leader: string | undefined): RowAction[] {
  const facts = { state: row.state as LedgerState, mode: row.mode as 'bot' | 'human', runState: row.run.state };
  return availableActions(facts).filter((a) => {
    if (a === 'edit' || a === 'reassign') {
      const access = decide(actor.role, 'tasks.complete');
      if (access === 'deny') return false;
      return access === 'allow' || leaderMay(a, { mode: facts.mode, groupLeader: row.group.leader, assignee: row.assignee }, actor.name);
    }
    return decide(actor.role, 'runs.write') === 'allow' && leader === undefined;
  });
}

export function ledgerRoutes(s: Services): Route[] {
  /** Does the action, with its audit entry, in one transaction; wakes the dispatcher after commit. */
  async function act(call: Call<{ id: number }, unknown, unknown>, input: Omit<RowActionInput, 'actor'>, detail: Record<string, unknown> = {}) {
    const { params, actor, leader } = call;
    if (leader !== undefined) {
      const row = await ledgerDetail(s.db, params.id);
      if (!row) throw notFound(msg('thing.ledgerRow', { id: params.id }));
      if (!leaderMay(input.action, { mode: row.mode as 'bot' | 'human', groupLeader: row.group.leader, assignee: row.assignee }, leader)) {
        throw forbidden(msg('access.notYourGroupsTask', { id: params.id }));
      }
    }
    let done: Awaited<ReturnType<typeof actOnRow>>;
    try {
      done = await s.db.transaction().execute(async (trx) => {
        const r = await actOnRow(trx, params.id, { ...input, actor: actor!.name, now: s.now() });
        await audit(trx, {
          actor: actor!.name,
          action: `ledger.${input.action}`,
          target: `ledger:${params.id}`,
          detail: {
            run: r.runId,
            from: r.before.state,
            to: r.state,
            ...detail,
            ...(input.action === 'edit' ? { previousText: r.before.text } : {}),
            ...(input.action === 'reassign' ? { previousAssignee: r.before.assignee } : {}),
          },
        });
        return r;
      });
    } catch (e) {
      if (e instanceof RowActionRefused) throw new ApiError(e.code === 'not_found' ? 404 : 409, e.code, e.text);
      throw e;
    }
    if (done.mode === 'bot' && (done.state === 'planned' || done.state === 'retry_wait')) {
      await wakeFor({ db: s.db, connectors: s.connectors, wake: s.wake, queue: s.queue }, [{ mode: 'bot', dueAt: done.dueAt }]);
    }
    return { id: done.id, state: done.state, due: done.dueAt.toISOString() };
  }

  return [
    defineRoute({
      method: 'GET',
      path: '/api/ledger/:id',
      tag: 'runs',
      summary: 'One ledger row: content, executor, times, attempts, error and every state change',
      returns: '{id, run, group, step, occurrence, action, mode, executor, assignee, due, deadline, state, content, attempts, error, platformMessageId, executedAt, executedBy, onTime, result, history}; group has inviteLink, inviteExpiresAt',
      permission: 'runs.read',
      scoped: true,
      params: NumberId,
      async handler({ params, leader, actor }) {
        const row = await ledgerDetail(s.db, params.id);
        if (!row) throw notFound(msg('thing.ledgerRow', { id: params.id }));
        if (leader !== undefined && row.group.leader !== leader && row.assignee !== leader) {
          throw forbidden(msg('access.notYourGroup', { id: params.id }));
        }
        return { ...row, actions: actionsFor(row, actor!, leader) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/ledger/:id/retry',
      tag: 'runs',
      summary: 'Try a failed send again (an unconfirmed or missed one only with confirmNotSent: a person checked it was not sent)',
      returns: '{id, state: "planned", due}; 409 wrong_state or needs_confirmation',
      permission: 'runs.write',
      params: NumberId,
      body: RetryBody,
      async handler(call) {
        return act(call, { action: 'retry', confirmedNotSent: call.body.confirmNotSent === true }, { confirmedNotSent: call.body.confirmNotSent === true });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/ledger/:id/send-now',
      tag: 'runs',
      summary: 'Send a planned message now instead of at its time (pacing still applies)',
      returns: '{id, state, due}; 409 when it is not planned or its run is not running',
      permission: 'runs.write',
      params: NumberId,
      body: NoBody,
      async handler(call) {
        return act(call, { action: 'send_now' });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/ledger/:id/skip',
      tag: 'runs',
      summary: 'Skip an action not yet sent or done: it is never executed',
      returns: '{id, state: "skipped", due}; 409 when it was sent, done or is being sent',
      permission: 'runs.write',
      params: NumberId,
      body: SkipBody,
      async handler(call) {
        return act(call, { action: 'skip' }, call.body.reason ? { reason: call.body.reason } : {});
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/ledger/:id/reassign',
      tag: 'runs',
      summary: 'Hand a task to another person in the team (a missed one gets a new window from now)',
      returns: '{id, state: "assigned", due}; 400 unknown_person; 409 when it is not an open or missed task',
      permission: 'tasks.complete',
      scoped: true,
      params: NumberId,
      body: ReassignBody,
      async handler(call) {
        const problem = unknownPersonText(call.body.to, await teamPeople(s.db), 'assignee');
        if (problem) throw new ApiError(400, 'unknown_person', problem, { field: 'to' });
        return act(call, { action: 'reassign', to: call.body.to }, { to: call.body.to });
      },
    }),
    // lifecycle (issue 9): a person picks the group they created for a run's create_group task.
    defineRoute({
      method: 'POST',
      path: '/api/ledger/:id/bind',
      tag: 'runs',
      summary: "Bind a create_group task to the group a person created (the run's waiting actions go on there)",
      returns: '{id, group, state}; 409 when the task does not wait for a group; 422 unknown_group',
      permission: 'runs.write',
      params: NumberId,
      body: BindBody,
      async handler({ params, body, actor }) {
        const bound = await bindCreatedGroup(s.db, params.id, body.group, {
          actor: actor!.name,
          now: s.now(),
          inTransaction: (trx, r) => audit(trx, { actor: actor!.name, action: 'ledger.bind', target: `ledger:${params.id}`, detail: { group: r.group } }),
        });
        // The rows that waited for the group may be due already.
        await wakeFor({ db: s.db, connectors: s.connectors, wake: s.wake, queue: s.queue }, [{ mode: 'bot', dueAt: s.now() }]);
        return bound;
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/ledger/:id',
      tag: 'runs',
      summary: 'Change the text (and link) of an action not yet sent or done',
      returns: '{id, state, due}; 409 when it was sent, done or is being sent',
      permission: 'tasks.complete',
      scoped: true,
      params: NumberId,
      body: EditBody,
      async handler(call) {
        return act(call, { action: 'edit', text: call.body.text, ...(call.body.link !== undefined ? { link: call.body.link } : {}) }, { text: call.body.text });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/notifications',
      tag: 'account',
      summary: "Your notifications, newest first (with the operators' ones for operators)",
      returns: '{notifications: [{id, kind, message, ledgerId?, runId?, createdAt, readAt}]}',
      permission: 'account',
      query: NotificationsQuery,
      async handler({ req, actor, query }) {
        const unread = query.unread === '1' || query.unread === 'true';
        return { notifications: await listNotifications(s.db, recipientsOf(actor!), { unread, limit: query.limit, locale: requestLocale(req.headers, req.query) }) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/notifications/:id/read',
      tag: 'account',
      summary: 'Mark a notification read',
      returns: '{id, read: true}',
      permission: 'account',
      params: NumberId,
      async handler({ actor, params }) {
        const r = await markRead(s.db, params.id, recipientsOf(actor!), s.now());
        if (r === 'missing') throw notFound(msg('thing.notification', { id: params.id }));
        if (r === 'not_yours') throw forbidden(msg('access.notYourNotification', { id: params.id }));
        return { id: params.id, read: true };
      },
    }),
  ];
}
