// `chorus digest <group> [--week YYYY-Www] [--json]` — a group's weekly digest through the running
// server's API (GET /api/insight/digest). `--json` prints exactly {group, week, newMembers,
// activeMembers, messages, topMessages: [{member, text, replies}], checkins, questionsAnswered,
// topContributors: [{member, messages}]}; without it, the text post as the group would read it.
// A week that is not one, or not over yet, is a usage error (exit 2).

import type { Command } from 'commander';
import { weekRange } from '../insight/rules/digest.ts';
import { translate } from '../i18n/index.ts';
import { ApiCallError, type ApiClient } from './api-client.ts';
import { cliLocale } from './health.ts';
import type { Io } from './io.ts';

interface DigestAnswer {
  group: string;
  week: string;
  newMembers: number;
  activeMembers: number;
  messages: number;
  topMessages: { member: string; name: string; text: string; replies: number }[];
  topContributors: { member: string; name: string; messages: number }[];
  checkins: number;
  questionsAnswered: number;
  text: string;
}

export interface DigestDeps {
  client(data?: string): ApiClient;
  done(code: number): void;
}

export async function digestCommand(io: Io, api: ApiClient, group: string, o: { week?: string; json?: boolean }): Promise<number> {
  if (o.week !== undefined && !weekRange(o.week, 'UTC')) {
    io.err(translate(cliLocale(), 'digest.weekInvalid', { week: o.week }));
    return 2;
  }
  let d: DigestAnswer;
  try {
    d = await api.get<DigestAnswer>('/api/insight/digest', { group, week: o.week, lang: cliLocale() });
  } catch (e) {
    if (e instanceof ApiCallError && (e.code === 'invalid_week' || e.code === 'week_not_over')) {
      io.err(e.message);
      return 2;
    }
    throw e;
  }
  if (!o.json) {
    io.out(d.text);
    return 0;
  }
  io.out(
    JSON.stringify(
      {
        group: d.group,
        week: d.week,
        newMembers: d.newMembers,
        activeMembers: d.activeMembers,
        messages: d.messages,
        topMessages: d.topMessages.map(({ member, text, replies }) => ({ member, text, replies })),
        checkins: d.checkins,
        questionsAnswered: d.questionsAnswered,
        topContributors: d.topContributors.map(({ member, messages }) => ({ member, messages })),
      },
      null,
      2,
    ),
  );
  return 0;
}

export function registerDigestCommands(program: Command, io: Io, deps: DigestDeps): void {
  program
    .command('digest')
    .description("a group's weekly digest: new and active members, messages, the most-replied messages, top contributors, check-ins, questions answered")
    .argument('<group>', 'a Chorus group id or <channel id>:<platform chat id>')
    .option('--week <YYYY-Www>', 'an ISO week such as 2026-W48 (default: the last complete week in the workspace time zone)')
    .option('--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)")
    .option('--json', 'print JSON: {group, week, newMembers, activeMembers, messages, topMessages: [{member, text, replies}], checkins, questionsAnswered, topContributors: [{member, messages}]}')
    .action(async (group: string, opts: { week?: string; json?: boolean; data?: string }) => {
      deps.done(await digestCommand(io, deps.client(opts.data), group, opts));
    });
}
