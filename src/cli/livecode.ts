// `chorus livecode create|status` — live codes through the running server's API
// (POST /api/livecodes, GET /api/livecodes/:id). docs/growth-livecodes.md.
//   create --groups <selector> [--cap N] [--auto-create] [--name N] [--json] → {id, url}
//   status <id> [--json] → {id, url, current, groups: [{group, members, cap, full}], scans, joins}

import type { Command } from 'commander';
import type { ApiClient } from './api-client.ts';
import type { Io } from './io.ts';
import type { OpsDeps } from './ops.ts';
import { table } from './table.ts';

interface Status {
  id: string;
  name: string;
  url: string;
  current: string | null;
  groups: { group: string; name: string; members: number; cap: number | null; routed: number; full: boolean; ready: boolean; joins: number }[];
  scans: number;
  joins: number;
}


export async function livecodeCreate(io: Io, api: ApiClient, o: { groups: string; cap?: string; autoCreate?: boolean; name?: string; json?: boolean }): Promise<number> {
  let cap: number | undefined;
  if (o.cap !== undefined) {
    cap = Number(o.cap);
    if (!Number.isInteger(cap) || cap < 1 || cap > 100_000) {
      io.err(`--cap ${o.cap}: the cap is a whole number from 1 to 100000 (the most people one group takes through the live code).`);
      return 2;
    }
  }
  const r = await api.post<{ id: string; url: string }>('/api/livecodes', { groups: o.groups, ...(cap !== undefined ? { cap } : {}), ...(o.autoCreate ? { autoCreate: true } : {}), ...(o.name ? { name: o.name } : {}) });
  if (o.json) io.out(JSON.stringify({ id: r.id, url: r.url }, null, 2));
  else io.out(`Live code ${r.id}: ${r.url}\nchorus livecode status ${r.id} shows its groups, scans and joins.`);
  return 0;
}

export async function livecodeStatus(io: Io, api: ApiClient, id: string, o: { json?: boolean }): Promise<number> {
  const s = await api.get<Status>(`/api/livecodes/${encodeURIComponent(id)}`);
  if (o.json) {
    io.out(JSON.stringify({ id: s.id, url: s.url, current: s.current, groups: s.groups.map((g) => ({ group: g.group, members: g.members, cap: g.cap, full: g.full })), scans: s.scans, joins: s.joins }, null, 2));
    return 0;
  }
  io.out(`${s.name} (${s.id})  ${s.url}`);
  io.out(
    table(
      ['group', 'name', 'members', 'cap', 'sent', 'joins', ''],
      s.groups.map((g) => [g.group, g.name, g.members, g.cap ?? 'none', g.routed, g.joins, g.full ? 'full' : g.group === s.current ? 'current' : g.ready ? '' : 'no link yet']),
    ),
  );
  io.out(`\n${s.scans} scans, ${s.joins} joins${s.current ? '' : ' — every group is full'}`);
  return 0;
}

export function registerLivecodeCommands(program: Command, io: Io, deps: OpsDeps): void {
  const DATA = ['--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)"] as const;
  const lc = program.command('livecode').description('live codes: one stable link and QR that sends people to a group with room');
  lc.command('create')
    .description('make a live code for a set of groups')
    .requiredOption('--groups <selector>', 'the groups, in order: all, tag:<t>, community:<type>, leader:<name>, channel:<id>, id:<g1>,<g2> (join terms with +)')
    .option('--cap <n>', 'people per group (default: WeChat 200, WeCom 500, Telegram none)')
    .option('--auto-create', 'when every group is full, make the next group where the platform can (WeCom, WeChat), else give staff a task to create it (Telegram); the operators are told either way')
    .option('--name <name>', 'a name for the live code (default: the name of the first group)')
    .option(...DATA)
    .option('--json', 'print {id, url}')
    .action(async (o: { groups: string; cap?: string; autoCreate?: boolean; name?: string; json?: boolean; data?: string }) => {
      deps.done(await livecodeCreate(io, deps.client(o.data), o));
    });
  lc.command('status')
    .description("a live code's groups with their fill, scans and joins")
    .argument('<id>', 'the live code id (lc_…)')
    .option(...DATA)
    .option('--json', 'print {id, url, current, groups: [{group, members, cap, full}], scans, joins}')
    .action(async (id: string, o: { json?: boolean; data?: string }) => {
      deps.done(await livecodeStatus(io, deps.client(o.data), id, o));
    });
}
