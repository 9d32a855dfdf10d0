// A reply from the question inbox (docs/insight.md, "The question inbox"): the answer goes into the
// question's group as a reply to its message, through the ledger like every send — a one-off row
// of the inbox's people operation (`pp_inbox`, src/run/admission/platform.ts), so the dispatcher's
// pacing applies and nothing is sent twice. Telegram quotes the question; Wechaty @-mentions the
// asker; WeCom's group messages cannot reply, so the answer is a plain post there (which a staff
// member confirms, as every WeCom group post). A channel that cannot post at all makes it a task
// for the group's leader, worded with the question. The question is answered by the person at
// once: they have answered, whatever the platform then does.

import { type Msg, msg, translate } from '../i18n/index.ts';
import { queuePeopleSteps } from '../run/admission/platform.ts';
import type { Db } from '../store/db.ts';

/** The inbox's replies are the ledger rows of one people operation. */
export const INBOX_OPERATION = 'pp_inbox';
/** Telegram's limit for a message (the strictest of the platforms). */
export const REPLY_MAX = 4096;

export class InboxError extends Error {
  readonly code: 'not_found' | 'empty_text' | 'too_long';
  readonly text: Msg;
  constructor(code: InboxError['code'], text: Msg) {
    super(text.key);
    this.name = 'InboxError';
    this.code = code;
    this.text = text;
  }
}

export interface InboxReply {
  question: number;
  /** The ledger row that carries the answer. */
  ledgerId: number;
  /** `bot`: the connector sends it; `human`: a task for the group's leader. */
  mode: 'bot' | 'human';
}

/**
 * Queues `text` as a reply to question `id`, by `by` (a sign-in name), and marks the question
 * answered by them. `visibleGroups`: a leader's groups (a question elsewhere is not found).
 */
export async function replyToQuestion(
  db: Db,
  input: { id: number; text: string; by: string; visibleGroups?: readonly string[]; now?: Date },
): Promise<InboxReply> {
  const text = input.text.trim();
  if (!text) throw new InboxError('empty_text', msg('inbox.emptyText'));
  if (text.length > REPLY_MAX) throw new InboxError('too_long', msg('inbox.tooLong', { count: text.length, max: REPLY_MAX }));
  const now = input.now ?? new Date();
  const q = await db
    .selectFrom('questions as q')
    .innerJoin('messages as m', 'm.id', 'q.message_id')
    .innerJoin('groups as g', 'g.id', 'q.group_id')
    .leftJoin('members as mem', 'mem.id', 'm.member_id')
    .leftJoin('member_identities as i', (j) => j.onRef('i.member_id', '=', 'm.member_id').onRef('i.channel_id', '=', 'g.channel_id'))
    .select(['q.id', 'q.group_id', 'q.state', 'm.external_id', 'm.text', 'mem.name as member_name', 'g.name as group_name', 'i.external_id as user_id'])
    .where('q.id', '=', input.id)
    .executeTakeFirst();
  if (!q || (input.visibleGroups && !input.visibleGroups.includes(q.group_id))) throw new InboxError('not_found', msg('inbox.notFound', { id: input.id }));
  const step = `inbox-q${q.id}`;
  const before = await db.selectFrom('ledger').select(db.fn.countAll<number>().as('n')).where('run_id', '=', INBOX_OPERATION).where('step_id', '=', step).executeTakeFirst();
  const occurrence = Number(before?.n ?? 0) + 1;
  // A task's words in the answer's own language.
  const lang = /[\u3400-\u9fff]/.test(text) ? 'zh' : 'en';
  const question = q.text.length > 200 ? `${q.text.slice(0, 200)}…` : q.text;
  // For a person doing it instead (a channel that cannot post): which message the text answers.
  const instruction = translate(lang, 'inbox.task.reply', { member: q.member_name ?? '', group: q.group_name, question });
  await queuePeopleSteps(
    db,
    { id: INBOX_OPERATION, title: translate(lang, 'inbox.operation'), actor: input.by },
    [
      {
        groupId: q.group_id,
        action: 'post',
        step,
        occurrence,
        content: { text, replyTo: q.external_id, instruction, ...(q.user_id ? { userId: q.user_id } : {}) },
      },
    ],
    now,
  );
  const row = await db
    .selectFrom('ledger')
    .select(['id', 'mode'])
    .where('run_id', '=', INBOX_OPERATION)
    .where('step_id', '=', step)
    .where('occurrence', '=', occurrence)
    .executeTakeFirstOrThrow();
  const ledgerId = Number(row.id);
  await db
    .updateTable('questions')
    .set({ state: 'answered', answered_at: now, answered_by: input.by, answered_via: 'inbox', reply_ledger_id: ledgerId })
    .where('id', '=', q.id)
    .where('state', '=', 'open')
    .execute();
  return { question: Number(q.id), ledgerId, mode: row.mode as 'bot' | 'human' };
}
