// The audit log: who did what, when. Every entry is written in the same transaction as the change
// it records: routes wrap the change themselves, or hand the operation (saving a sheet, starting a
// run or a broadcast, adding a channel) a callback it runs inside its own transaction. So a change
// never commits without its entry, and a failed entry undoes the change instead of answering 500
// after it. (The one exception is channel.webhook: Telegram is told first, and that cannot be undone.)

import type { Db } from '../store/db.ts';
import { auditNames, type TargetName } from './audit-names.ts';

export interface AuditEntry {
  actor: string;
  /** What happened: sheet.save, run.start, run.pause, broadcast.create, task.done, user.role, … */
  action: string;
  /** What it happened to: `sheet:camp-7d@3`, `run:run_1a2b`, `user:alice`, … */
  target?: string;
  detail?: Record<string, unknown>;
}

export async function audit(db: Db, e: AuditEntry, at?: Date): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ actor: e.actor, action: e.action, target: e.target ?? null, detail: JSON.stringify(e.detail ?? {}), ...(at ? { at } : {}) })
    .execute();
}

export interface AuditView {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  /** The actor's display name (their login name when they are not a person, e.g. a token). */
  actorName: string;
  /** The target by name, when it still exists (see audit-names.ts). */
  targetName: TargetName | null;
}

/** Newest first; `before`: entries older than that id (the next page). */
export async function listAudit(db: Db, opts: { limit?: number; before?: number; action?: string } = {}): Promise<AuditView[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(opts.limit ?? 100);
  if (opts.before !== undefined) q = q.where('id', '<', opts.before);
  if (opts.action) q = q.where('action', '=', opts.action);
  const rows = await q.execute();
  const { people, targets } = await auditNames(db, rows);
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    target: r.target,
    detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail,
    actorName: people.get(r.actor) ?? r.actor,
    targetName: (r.target && targets.get(r.target)) || null,
  }));
}
