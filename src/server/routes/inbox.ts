// The question inbox (docs/insight.md, "The question inbox"): members' questions across groups,
// and a reply into the group as a reply to the question. A leader sees and answers only the
// questions of the groups they lead; another group's question is "not found".

import { z } from 'zod';
import { SelectorError } from '../../community/groups.ts';
import { listInbox, MAX_LIMIT } from '../../insight/inbox.ts';
import { InboxError, replyToQuestion } from '../../insight/inbox-reply.ts';
import { wakeFor } from '../../run/runs.ts';
import { requestLocale } from '../../i18n/locale.ts';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';
import { sendTable, tableFormat } from '../table-export.ts';
import { inboxTable } from '../views/insight-tables.ts';
import { leaderGroupIds } from '../views/scope.ts';

const tag = 'insight';
const ListQuery = z.object({
  groups: z.string().min(1).max(2000).optional(),
  state: z.enum(['open', 'answered']).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).optional(),
  offset: z.coerce.number().int().min(0).max(100_000).optional(),
  format: tableFormat,
});
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const ReplyBody = z.object({ text: z.string().max(10_000) });

function inboxApiError(e: unknown): unknown {
  if (e instanceof SelectorError) return new ApiError(400, 'invalid_selector', e.text, { field: 'groups' });
  if (e instanceof InboxError) return e.code === 'not_found' ? new ApiError(404, 'not_found', e.text) : new ApiError(400, e.code, e.text, { field: 'text' });
  return e;
}

export function inboxRoutes(s: Services): Route[] {
  return [
    defineRoute<Record<string, never>, z.infer<typeof ListQuery>>({
      method: 'GET',
      path: '/api/inbox',
      tag,
      summary: "Members' questions across groups: open ones longest waiting first, answered ones latest answered first (a leader: their groups only)",
      returns:
        '{questions: [{id, group, groupName, member, memberName, text, at, waitingSeconds, state, answeredAt, answeredBy, answeredByName, answeredVia, channelKind}], total, totalCapped}; with format=csv|xlsx the same questions as a file',
      permission: 'members.read',
      scoped: true,
      query: ListQuery,
      async handler({ query, leader, req, reply }) {
        const visibleGroups = leader !== undefined ? await leaderGroupIds(s.db, leader) : undefined;
        const { format, ...filter } = query;
        const list = await listInbox(s.db, { ...filter, ...(format ? { limit: MAX_LIMIT } : {}), ...(visibleGroups ? { visibleGroups } : {}), now: s.now() }).catch((e: unknown) => {
          throw inboxApiError(e);
        });
        return format ? sendTable(reply, format, inboxTable(requestLocale(req.headers, req.query), list.questions)) : list;
      },
    }),
    defineRoute<z.infer<typeof IdParams>, Record<string, never>, z.infer<typeof ReplyBody>>({
      method: 'POST',
      path: '/api/inbox/:id/reply',
      tag,
      summary:
        "Reply to a question: the text goes into its group as a reply to the question's message (Telegram quotes it, WeChat mentions the asker, WeCom posts it plainly), through the ledger; the question is answered by the caller",
      returns: '{question, ledgerId, mode}',
      status: 202,
      permission: 'members.write',
      scoped: true,
      params: IdParams,
      body: ReplyBody,
      async handler({ params, body, actor, leader, reply }) {
        const visibleGroups = leader !== undefined ? await leaderGroupIds(s.db, leader) : undefined;
        const now = s.now();
        const done = await s.db
          .transaction()
          .execute(async (trx) => {
            const r = await replyToQuestion(trx, { id: params.id, text: body.text, by: actor!.name, ...(visibleGroups ? { visibleGroups } : {}), now });
            await audit(trx, { actor: actor!.name, action: 'inbox.reply', target: `question:${r.question}`, detail: { ledger: r.ledgerId, mode: r.mode } });
            return r;
          })
          .catch((e: unknown) => {
            throw inboxApiError(e);
          });
        await wakeFor({ db: s.db, connectors: s.connectors, wake: s.wake, queue: s.queue }, [{ mode: done.mode, dueAt: now }]);
        reply.code(202);
        return done;
      },
    }),
  ];
}
