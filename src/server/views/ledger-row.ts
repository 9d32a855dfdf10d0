// One ledger row in full, for the board's "details on click": what, where, by whom, when, what
// happened to it (every state change, with who and why).

import { sql } from 'kysely';
import { qrImage } from '../../channels/sign-in.ts';
import { runTitleOf } from '../../run/tasks.ts';
import type { Db } from '../../store/db.ts';
import type { LedgerContent } from '../../store/schema.ts';

const MINUTE = 60_000;

export interface LedgerDetail {
  id: number;
  run: { id: string; kind: string; title: string; state: string };
  group: { id: string; name: string; channelKind: string; leader: string | null; inviteLink: string | null; inviteExpiresAt: string | null };
  step: string;
  occurrence: number;
  memberId: string | null;
  action: string;
  mode: string;
  executor: string;
  assignee: string | null;
  due: string;
  deadline: string;
  state: string;
  content: LedgerContent;
  attempts: number;
  error: string | null;
  platformMessageId: string | null;
  executedAt: string | null;
  executedBy: string | null;
  onTime: boolean | null;
  /** What the action returned (an invite link and its expiry, a new chat id, …). */
  result: Record<string, unknown> | null;
  /** For a WeChat group's join QR code (its content is a link to scan, not a picture): the QR as an image. */
  inviteQr: string | null;
  history: { from: string | null; to: string; actor: string | null; note: string | null; at: string }[];
}

interface Raw {
  id: number | string;
  run_id: string;
  run_kind: string;
  run_state: string;
  sheet_title: string | null;
  broadcast_text: string | null;
  group_id: string;
  group_name: string;
  group_leader: string | null;
  channel_kind: string;
  step_id: string;
  occurrence: number;
  member_id: string;
  action: string;
  mode: string;
  executor: string;
  assignee: string | null;
  due_at: Date | string;
  window_minutes: number;
  state: string;
  content: LedgerContent | string;
  attempts: number;
  last_error: string | null;
  platform_message_id: string | null;
  executed_at: Date | string | null;
  executed_by: string | null;
  on_time: boolean | null;
  result: Record<string, unknown> | string | null;
  invite_link: string | null;
  invite_expires_at: Date | string | null;
}

export async function ledgerDetail(db: Db, id: number): Promise<LedgerDetail | undefined> {
  const r = await sql<Raw>`
    SELECT l.id, l.run_id, r.kind AS run_kind, r.state AS run_state, sv.title AS sheet_title, r.broadcast_text,
           l.group_id, g.name AS group_name, g.leader AS group_leader, c.kind AS channel_kind,
           l.step_id, l.occurrence, l.member_id, l.action, l.mode, l.executor, l.assignee, l.due_at, l.window_minutes, l.state,
           l.content, l.attempts, l.last_error, l.platform_message_id, l.executed_at, l.executed_by, l.on_time,
           l.result, g.invite_link, g.invite_expires_at
    FROM ledger l
    JOIN runs r ON r.id = l.run_id
    JOIN groups g ON g.id = l.group_id
    JOIN channels c ON c.id = g.channel_id
    LEFT JOIN sheet_versions sv ON sv.sheet_id = r.sheet_id AND sv.version = r.sheet_version
    WHERE l.id = ${id}`.execute(db);
  const x = r.rows[0];
  if (!x) return undefined;
  const history = await db.selectFrom('ledger_history').selectAll().where('ledger_id', '=', id).orderBy('id').execute();
  const due = new Date(x.due_at);
  const result = typeof x.result === 'string' ? (JSON.parse(x.result) as Record<string, unknown>) : x.result;
  const invite = result?.inviteLink;
  const inviteQr = x.channel_kind === 'wechaty' && typeof invite === 'string' && invite ? await qrImage(invite) : null;
  return {
    id: Number(x.id),
    run: { id: x.run_id, kind: x.run_kind, title: runTitleOf({ kind: x.run_kind, sheetTitle: x.sheet_title, broadcastText: x.broadcast_text, id: x.run_id }), state: x.run_state },
    group: {
      id: x.group_id,
      name: x.group_name,
      channelKind: x.channel_kind,
      leader: x.group_leader,
      inviteLink: x.invite_link,
      inviteExpiresAt: x.invite_expires_at ? new Date(x.invite_expires_at).toISOString() : null,
    },
    step: x.step_id,
    occurrence: x.occurrence,
    memberId: x.member_id || null,
    action: x.action,
    mode: x.mode,
    executor: x.executor,
    assignee: x.assignee,
    due: due.toISOString(),
    deadline: new Date(due.getTime() + x.window_minutes * MINUTE).toISOString(),
    state: x.state,
    content: typeof x.content === 'string' ? JSON.parse(x.content) : x.content,
    attempts: x.attempts,
    error: x.last_error,
    platformMessageId: x.platform_message_id,
    executedAt: x.executed_at ? new Date(x.executed_at).toISOString() : null,
    executedBy: x.executed_by,
    onTime: x.on_time,
    result,
    inviteQr,
    history: history.map((h) => ({ from: h.from_state, to: h.to_state, actor: h.actor, note: h.note, at: new Date(h.at).toISOString() })),
  };
}
