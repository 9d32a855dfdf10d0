// One ledger row in full (the board's cell details), and the signed-in person's notifications.

import { z } from 'zod';
import { decide } from '../../access/roles.ts';
import type { Services } from '../app.ts';
import type { Actor } from '../auth.ts';
import { msg } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/locale.ts';
import { forbidden, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import { ledgerDetail } from '../views/ledger-row.ts';
import { listNotifications, markRead } from '../views/notifications.ts';

const NumberId = z.object({ id: z.coerce.number().int().positive() });
const NotificationsQuery = z.object({
  unread: z.enum(['0', '1', 'true', 'false']).optional(),
  limit: z.coerce.number().int().positive().max(500).optional(),
});

/** A person's own notifications, and the operators' for those who settle sends. */
function recipientsOf(actor: Actor): string[] {
  return decide(actor.role, 'tasks.resolve') === 'allow' ? [actor.name, 'operators'] : [actor.name];
}

export function ledgerRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/ledger/:id',
      tag: 'runs',
      summary: 'One ledger row: content, executor, times, attempts, error and every state change',
      returns: '{id, run, group, step, occurrence, action, mode, executor, assignee, due, deadline, state, content, attempts, error, platformMessageId, executedAt, executedBy, onTime, history}',
      permission: 'runs.read',
      scoped: true,
      params: NumberId,
      async handler({ params, leader }) {
        const row = await ledgerDetail(s.db, params.id);
        if (!row) throw notFound(msg('thing.ledgerRow', { id: params.id }));
        if (leader !== undefined && row.group.leader !== leader && row.assignee !== leader) {
          throw forbidden(msg('access.notYourGroup', { id: params.id }));
        }
        return row;
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
