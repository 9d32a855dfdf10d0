// `chorus admission list | approve | reject` and `chorus blacklist add | remove | list` — through
// the running server's API (/api/admissions, /api/blacklist).

import type { Command } from 'commander';
import type { ApiClient } from './api-client.ts';
import type { Io } from './io.ts';
import type { OpsDeps } from './ops.ts';
import { table, when } from './table.ts';

interface Admission {
  id: string;
  member: string | null;
  name: string | null;
  group: string;
  groupName: string;
  source: 'join_request' | 'form';
  answers: { question: string; answer: string }[];
  state: string;
  reviewer: string | null;
  reason: string | null;
  createdAt: string;
}

interface Blacklisted {
  member: string;
  name: string;
  reason: string | null;
  by: string | null;
  at: string;
  identities: { channel: string; externalId: string }[];
}

const enc = encodeURIComponent;

export async function admissionList(io: Io, api: ApiClient, o: { state?: string; json?: boolean }): Promise<number> {
  const { admissions } = await api.get<{ admissions: Admission[] }>('/api/admissions', { state: o.state });
  if (o.json) {
    // The contract's fields, exactly.
    io.out(JSON.stringify(admissions.map((a) => ({ id: a.id, member: a.member, group: a.group, source: a.source, answers: a.answers, state: a.state, reviewer: a.reviewer, reason: a.reason })), null, 2));
    return 0;
  }
  if (!admissions.length) {
    io.out(o.state ? `No ${o.state} applications.` : 'No applications yet.');
    return 0;
  }
  io.out(
    table(
      ['id', 'who', 'group', 'source', 'state', 'reviewer', 'answers', 'reason', 'at'],
      admissions.map((a) => [a.id, a.name ?? a.member, a.groupName, a.source, a.state, a.reviewer, a.answers.map((x) => x.answer).join(' | '), a.reason, when(a.createdAt)]),
    ),
  );
  return 0;
}

export async function admissionDecide(io: Io, api: ApiClient, id: string, state: 'approve' | 'reject', reason?: string): Promise<number> {
  await api.post(`/api/admissions/${enc(id)}/${state}`, state === 'reject' ? { reason } : {});
  io.out(state === 'approve' ? `Approved ${id}: the person is let in.` : `Rejected ${id}; the person is told politely where the platform allows.`);
  return 0;
}

export async function blacklistAdd(io: Io, api: ApiClient, member: string, reason: string): Promise<number> {
  const r = await api.post<{ member: string; groups: number; declined: number }>('/api/blacklist', { member, reason });
  io.out(`Blacklisted ${r.member}: removing them from ${r.groups} group(s)${r.declined ? `, ${r.declined} application(s) declined` : ''}.`);
  return 0;
}

export async function blacklistRemove(io: Io, api: ApiClient, member: string): Promise<number> {
  const r = await api.del<{ member: string; unbanned: number }>(`/api/blacklist/${enc(member)}`);
  io.out(`${r.member} is off the blacklist${r.unbanned ? `; lifting ${r.unbanned} ban(s)` : ''}.`);
  return 0;
}

export async function blacklistList(io: Io, api: ApiClient, o: { json?: boolean }): Promise<number> {
  const { blacklist } = await api.get<{ blacklist: Blacklisted[] }>('/api/blacklist');
  if (o.json) {
    io.out(JSON.stringify(blacklist, null, 2));
    return 0;
  }
  if (!blacklist.length) {
    io.out('The blacklist is empty.');
    return 0;
  }
  io.out(table(['member', 'name', 'reason', 'by', 'since', 'identities'], blacklist.map((b) => [b.member, b.name, b.reason, b.by, when(b.at), b.identities.map((i) => `${i.channel}:${i.externalId}`).join(', ')])));
  return 0;
}

export function registerAdmissionCommands(program: Command, io: Io, deps: OpsDeps): void {
  const run =
    <A extends unknown[]>(fn: (api: ApiClient, ...args: A) => Promise<number>) =>
    async (...args: A) => {
      const opts = args.at(-2) as { data?: string };
      deps.done(await fn(deps.client(opts.data), ...args));
    };
  const DATA = ['--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)"] as const;

  const admission = program.command('admission').description('applications to join groups: list, approve, reject');
  admission
    .command('list')
    .description('applications, pending first')
    .option('--state <state>', 'pending, approved or rejected')
    .option(...DATA)
    .option('--json', 'print [{id, member, group, source, answers, state, reviewer, reason}]')
    .action(run((api, o: { state?: string; json?: boolean }) => admissionList(io, api, o)));
  admission
    .command('approve')
    .description('approve an application: the person is let in')
    .argument('<id>', 'the application id (adm_…)')
    .option(...DATA)
    .action(run((api, id: string) => admissionDecide(io, api, id, 'approve')));
  admission
    .command('reject')
    .description('reject an application with a reason')
    .argument('<id>', 'the application id (adm_…)')
    .requiredOption('--reason <reason>', 'why (kept for the team; the person gets a polite message)')
    .option(...DATA)
    .action(run((api, id: string, o: { reason: string }) => admissionDecide(io, api, id, 'reject', o.reason)));

  const blacklist = program.command('blacklist').description('members kept out of every group');
  blacklist
    .command('add')
    .description('blacklist a member: removed from every group they are in now, kept out later')
    .argument('<member>', 'a member id, or <channel id>:<platform user id>')
    .requiredOption('--reason <reason>', 'why')
    .option(...DATA)
    .action(run((api, member: string, o: { reason: string }) => blacklistAdd(io, api, member, o.reason)));
  blacklist
    .command('remove')
    .description('take a member off the blacklist (bans are lifted where the platform can)')
    .argument('<member>', 'a member id, or <channel id>:<platform user id>')
    .option(...DATA)
    .action(run((api, member: string) => blacklistRemove(io, api, member)));
  blacklist
    .command('list')
    .description('the blacklist')
    .option(...DATA)
    .option('--json', 'print [{member, name, reason, by, at, identities: [{channel, externalId}]}]')
    .action(run((api, o: { json?: boolean }) => blacklistList(io, api, o)));
}
