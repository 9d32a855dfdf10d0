// `chorus checkins --group <group> [--json]` — a group's check-ins through the running server's
// API (GET /api/groups/:id/checkins). `--json` prints exactly [{step, occurrence, at, members,
// checkedIn, rate}], oldest first.

import type { Command } from 'commander';
import type { ApiClient } from './api-client.ts';
import type { Io } from './io.ts';
import { table } from './table.ts';

interface CheckinRow {
  step: string;
  occurrence: number;
  at: string;
  members: number;
  checkedIn: number;
  rate: number;
  closed: boolean;
}

export interface CheckinDeps {
  client(data?: string): ApiClient;
  done(code: number): void;
}

const pct = (rate: number) => `${Math.round(rate * 100)}%`;

export async function checkinsCommand(io: Io, api: ApiClient, o: { group: string; json?: boolean }): Promise<number> {
  const r = await api.get<{ checkins: CheckinRow[]; overall: { members: number; checkedIn: number; rate: number } }>(`/api/groups/${encodeURIComponent(o.group)}/checkins`);
  if (o.json) {
    io.out(JSON.stringify(r.checkins.map(({ step, occurrence, at, members, checkedIn, rate }) => ({ step, occurrence, at, members, checkedIn, rate })), null, 2));
    return 0;
  }
  if (!r.checkins.length) {
    io.out(`No check-ins in group ${o.group} yet: a check-in opens when a \`checkin\` step's post goes out there.`);
    return 0;
  }
  io.out(
    table(
      ['step', 'occurrence', 'opened', 'members', 'checked in', 'rate', ''],
      r.checkins.map((c) => [c.step, c.occurrence, c.at, c.members, c.checkedIn, pct(c.rate), c.closed ? '' : 'open']),
    ),
  );
  io.out(`\n${r.checkins.length} check-in${r.checkins.length === 1 ? '' : 's'}, ${r.overall.checkedIn} of ${r.overall.members} (${pct(r.overall.rate)})`);
  return 0;
}

export function registerCheckinCommands(program: Command, io: Io, deps: CheckinDeps): void {
  program
    .command('checkins')
    .description("a group's check-ins: members present, checked in, rate")
    .requiredOption('--group <group>', 'a Chorus group id or <channel id>:<platform chat id>')
    .option('--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)")
    .option('--json', 'print JSON: [{step, occurrence, at, members, checkedIn, rate}]')
    .action(async (opts: { group: string; json?: boolean; data?: string }) => {
      deps.done(await checkinsCommand(io, deps.client(opts.data), opts));
    });
}
