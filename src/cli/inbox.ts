// `chorus inbox [--groups <selector>] [--state open|answered] [--json]` — members' questions across
// groups (GET /api/inbox): open ones longest waiting first, answered ones latest answered first.
// `--json` prints exactly [{id, group, member, text, at, waitingSeconds, state}].
// `chorus inbox reply <id> --text <text>` — the text goes into the question's group as a reply to
// it, through the ledger (POST /api/inbox/:id/reply).

import type { Command } from 'commander';
import type { ApiClient } from './api-client.ts';
import type { Io } from './io.ts';
import { table } from './table.ts';

interface Question {
  id: number;
  group: string;
  groupName: string;
  member: string | null;
  memberName: string;
  text: string;
  at: string;
  waitingSeconds: number;
  state: 'open' | 'answered';
  answeredByName: string | null;
}

export interface InboxDeps {
  client(data?: string): ApiClient;
  done(code: number): void;
}

/** 42 s, 5 min, 3 h 10 min, 2 d 4 h: how long a question has waited. */
export function waited(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const min = Math.floor(seconds / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return h % 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${Math.floor(h / 24)} d`;
}

const short = (text: string, n = 60) => (text.length > n ? `${text.slice(0, n - 1)}…` : text).replace(/\s+/g, ' ');

export async function inboxCommand(io: Io, api: ApiClient, o: { groups?: string; state?: string; limit?: string; json?: boolean }): Promise<number> {
  if (o.state !== undefined && o.state !== 'open' && o.state !== 'answered') {
    io.err(`--state is open or answered, not "${o.state}".`);
    return 2;
  }
  const r = await api.get<{ questions: Question[]; total: number; totalCapped: boolean }>('/api/inbox', { groups: o.groups, state: o.state, limit: o.limit });
  if (o.json) {
    io.out(JSON.stringify(r.questions.map(({ id, group, member, text, at, waitingSeconds, state }) => ({ id, group, member, text, at, waitingSeconds, state })), null, 2));
    return 0;
  }
  const state = o.state ?? 'open';
  if (!r.questions.length) {
    io.out(state === 'open' ? 'No open questions: every question members asked has an answer.' : 'No answered questions yet.');
    return 0;
  }
  io.out(
    table(
      ['id', 'group', 'member', 'question', state === 'open' ? 'waiting' : 'waited', ...(state === 'answered' ? ['answered by'] : [])],
      r.questions.map((q) => [q.id, q.groupName, q.memberName, short(q.text), waited(q.waitingSeconds), ...(state === 'answered' ? [q.answeredByName ?? ''] : [])]),
    ),
  );
  const more = r.total > r.questions.length ? ` (${r.questions.length} shown)` : '';
  io.out(`\n${r.totalCapped ? 'more than ' : ''}${r.total} ${state} question${r.total === 1 ? '' : 's'}${more}${state === 'open' ? '; answer one with: chorus inbox reply <id> --text "…"' : ''}`);
  return 0;
}

export async function inboxReplyCommand(io: Io, api: ApiClient, id: string, o: { text: string; json?: boolean }): Promise<number> {
  if (!/^\d+$/.test(id)) {
    io.err(`"${id}" is not a question id: the ids are the numbers in the first column of chorus inbox.`);
    return 2;
  }
  const r = await api.post<{ question: number; ledgerId: number; mode: 'bot' | 'human' }>(`/api/inbox/${id}/reply`, { text: o.text });
  if (o.json) {
    io.out(JSON.stringify(r, null, 2));
    return 0;
  }
  io.out(
    r.mode === 'bot'
      ? `Reply queued (ledger row ${r.ledgerId}): it goes into the group as a reply to question ${r.question}, which is now answered.`
      : `This group's channel cannot post: the reply is a task for the group's leader (ledger row ${r.ledgerId}). Question ${r.question} is answered.`,
  );
  return 0;
}

export function registerInboxCommands(program: Command, io: Io, deps: InboxDeps): void {
  const inbox = program
    .command('inbox')
    .description("members' questions across groups, the longest waiting first; reply to one into its group")
    .option('--groups <selector>', 'a group selector: all, tag:<t>, community:<type>, leader:<name>, channel:<name>, id:<g1>,<g2>')
    .option('--state <state>', 'open (default) or answered')
    .option('--limit <n>', 'at most this many (default 50, at most 200)')
    .option('--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)")
    .option('--json', 'print JSON: [{id, group, member, text, at, waitingSeconds, state}]')
    .action(async (opts: { groups?: string; state?: string; limit?: string; json?: boolean; data?: string }) => {
      deps.done(await inboxCommand(io, deps.client(opts.data), opts));
    });
  inbox
    .command('reply <id>')
    .description('reply to a question: the text goes into its group as a reply to that message')
    .requiredOption('--text <text>', 'the answer')
    .option('--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)")
    .option('--json', 'print JSON: {question, ledgerId, mode}')
    .action(async (id: string, opts: { text: string; json?: boolean; data?: string }) => {
      deps.done(await inboxReplyCommand(io, deps.client(opts.data), id, opts));
    });
}
