// Notifications for the person signed in: their own (reminders, missed tasks) and, for those who
// run operations, the ones addressed to 'operators' (sends to check, failures).

import { isMsg, type Locale, render } from '../../i18n/index.ts';
import type { Db } from '../../store/db.ts';

export interface NotificationView {
  id: number;
  kind: string;
  message: string;
  ledgerId?: number;
  runId?: string;
  createdAt: string;
  readAt: string | null;
}

export async function listNotifications(db: Db, recipients: string[], opts: { unread?: boolean; limit?: number; locale?: Locale } = {}): Promise<NotificationView[]> {
  let q = db
    .selectFrom('notifications')
    .selectAll()
    .where('recipient', 'in', recipients)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit ?? 100);
  if (opts.unread) q = q.where('read_at', 'is', null);
  return (await q.execute()).map((n) => ({
    id: Number(n.id),
    kind: n.kind,
    message: wordsOf(n.text, n.message, opts.locale ?? 'en'),
    ...(n.ledger_id !== null ? { ledgerId: Number(n.ledger_id) } : {}),
    ...(n.run_id !== null ? { runId: n.run_id } : {}),
    createdAt: new Date(n.created_at).toISOString(),
    readAt: n.read_at ? new Date(n.read_at).toISOString() : null,
  }));
}

/** 'missing' when there is no such notification; 'not_yours' when it is someone else's. */
export async function markRead(db: Db, id: number, recipients: string[], at: Date): Promise<'ok' | 'missing' | 'not_yours'> {
  const n = await db.selectFrom('notifications').select(['recipient', 'read_at']).where('id', '=', id).executeTakeFirst();
  if (!n) return 'missing';
  if (!recipients.includes(n.recipient)) return 'not_yours';
  if (!n.read_at) await db.updateTable('notifications').set({ read_at: at }).where('id', '=', id).execute();
  return 'ok';
}

/** The stored catalogue text in the reader's language; the English `message` for rows written before it. */
function wordsOf(text: unknown, message: string, locale: Locale): string {
  const t = typeof text === 'string' ? JSON.parse(text) : text;
  return isMsg(t) ? render(locale, t) : message;
}
