// `chorus campaign create|status|join|poster|pause|resume|end` — fission campaigns through the running
// server's API (/api/campaigns). docs/growth.md.
//   create invite --groups <selector> --goal N [--stay 2h] [--new-only] [--cap N]
//          [--reward-points N | --reward-codes <file> | --reward-task <text>] [--regroup <group>]
//          [--name N] [--until <instant>] [--board 1d] [--layout <id>] [--title <text>]
//          [--subtitle <text>] [--background <file.png|jpg>] [--json] → {id}
//   create poster --groups <selector> [--review auto|leader] [rewards, --regroup …] [--json] → {id}
//   status <id> [--json] → {id, kind, state, goal, participants, invited, qualified, completed,
//          rejected: {<reason>: n}, kFactor, leaders: [{member, name, invited, qualified, completed, link}]}
//   join <id> <member> [--json] → {link}
//   poster <id> <member> -o <file.png>   (the participant's poster with their personal QR code)
//   pause|resume|end <id>

import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { durationSeconds } from '../growth/campaign-rules.ts';
import type { ApiClient } from './api-client.ts';
import type { Io } from './io.ts';
import type { OpsDeps } from './ops.ts';
import { table } from './table.ts';

interface Status {
  id: string;
  kind: string;
  state: string;
  goal: number;
  participants: number;
  invited: number;
  qualified: number;
  completed: number;
  rejected: Record<string, number>;
  kFactor: number;
  leaders: { member: string; name: string; invited: number; qualified: number; completed: boolean; link: string | null }[];
  name: string;
  pool?: { total: number; remaining: number };
}

export interface CreateOptions {
  groups: string;
  goal?: string;
  stay?: string;
  newOnly?: boolean;
  cap?: string;
  rewardPoints?: string;
  rewardCodes?: string;
  rewardTask?: string;
  regroup?: string;
  name?: string;
  until?: string;
  review?: string;
  board?: string;
  layout?: string;
  title?: string;
  subtitle?: string;
  background?: string;
  json?: boolean;
}

function whole(io: Io, flag: string, v: string, min: number, max: number): number | undefined {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    io.err(`${flag} ${v}: a whole number from ${min} to ${max}.`);
    return undefined;
  }
  return n;
}

export async function campaignCreate(io: Io, api: ApiClient, kind: string, o: CreateOptions): Promise<number> {
  if (kind !== 'invite' && kind !== 'poster') {
    io.err(`"${kind}" is not a campaign kind: invite (bring friends through a personal link) or poster (share the poster, send a screenshot).`);
    return 2;
  }
  const body: Record<string, unknown> = { kind, groups: o.groups };
  const nums: [keyof CreateOptions, string, string, number, number][] = [
    ['goal', '--goal', 'goal', 1, 10_000],
    ['cap', '--cap', 'cap', 1, 100_000],
    ['rewardPoints', '--reward-points', 'rewardPoints', 1, 1_000_000],
  ];
  for (const [key, flag, field, min, max] of nums) {
    const v = o[key];
    if (typeof v !== 'string') continue;
    const n = whole(io, flag, v, min, max);
    if (n === undefined) return 2;
    body[field] = n;
  }
  if (kind === 'invite' && body.goal === undefined) {
    io.err('An invite campaign needs --goal N: how many friends each participant must bring.');
    return 2;
  }
  for (const [flag, v, field] of [['--stay', o.stay, 'stay'], ['--board', o.board, 'board']] as const) {
    if (v === undefined) continue;
    if (durationSeconds(v) === undefined) {
      io.err(`${flag} ${v}: a duration like 30s, 10m, 2h or 3d.`);
      return 2;
    }
    body[field] = v.trim();
  }
  if ([o.rewardPoints, o.rewardCodes, o.rewardTask].filter((v) => v !== undefined).length > 1) {
    io.err('Give one reward: --reward-points, --reward-codes or --reward-task.');
    return 2;
  }
  if (o.rewardCodes !== undefined) {
    let text: string;
    try {
      text = readFileSync(o.rewardCodes, 'utf8');
    } catch (e) {
      io.err(`--reward-codes ${o.rewardCodes}: cannot read the file (${(e as Error).message}).`);
      return 2;
    }
    body.rewardCodes = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  }
  if (o.rewardTask !== undefined) body.rewardTask = o.rewardTask;
  if (o.newOnly) body.newOnly = true;
  if (o.regroup) body.regroup = o.regroup;
  if (o.name) body.name = o.name;
  if (o.until) {
    const at = new Date(o.until);
    if (!Number.isFinite(at.getTime())) {
      io.err(`--until ${o.until}: a date and time like 2026-12-05T20:00:00+08:00.`);
      return 2;
    }
    body.until = at.toISOString();
  }
  if (o.layout !== undefined || o.title !== undefined || o.subtitle !== undefined || o.background !== undefined) {
    const poster: Record<string, string> = {};
    if (o.layout !== undefined) poster.layout = o.layout;
    if (o.title !== undefined) poster.title = o.title;
    if (o.subtitle !== undefined) poster.subtitle = o.subtitle;
    if (o.background !== undefined) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(o.background);
      } catch (e) {
        io.err(`--background ${o.background}: cannot read the file (${(e as Error).message}).`);
        return 2;
      }
      // The server checks it (PNG or JPEG, at most 5 MB and 4000 pixels a side) and says what is wrong.
      poster.background = bytes.toString('base64');
    }
    body.poster = poster;
  }
  if (o.review) {
    if (o.review !== 'auto' && o.review !== 'leader') {
      io.err(`--review ${o.review}: auto (every screenshot approved) or leader (the group's leader approves).`);
      return 2;
    }
    body.review = o.review;
  }
  const r = await api.post<{ id: string }>('/api/campaigns', body);
  if (o.json) io.out(JSON.stringify({ id: r.id }, null, 2));
  else io.out(`Campaign ${r.id} created.\nchorus campaign join ${r.id} <member> enrols someone; chorus campaign status ${r.id} shows the board.`);
  return 0;
}

export async function campaignStatus(io: Io, api: ApiClient, id: string, o: { json?: boolean }): Promise<number> {
  const s = await api.get<Status>(`/api/campaigns/${encodeURIComponent(id)}`);
  if (o.json) {
    const { id: sid, kind, state, goal, participants, invited, qualified, completed, rejected, kFactor, leaders } = s;
    io.out(JSON.stringify({ id: sid, kind, state, goal, participants, invited, qualified, completed, rejected, kFactor, leaders }, null, 2));
    return 0;
  }
  io.out(`${s.name} (${s.id}) — ${s.kind}, ${s.state}, goal ${s.goal}`);
  io.out(`${s.participants} participants, ${s.invited} invited, ${s.qualified} qualified, ${s.completed} completed, K-factor ${s.kFactor}`);
  const reasons = Object.entries(s.rejected);
  if (reasons.length) io.out(`rejected: ${reasons.map(([r, n]) => `${r} ${n}`).join(', ')}`);
  if (s.pool) io.out(`codes: ${s.pool.remaining} of ${s.pool.total} left`);
  if (s.leaders.length) {
    io.out('');
    io.out(table(['member', 'name', 'invited', 'qualified', '', 'link'], s.leaders.map((l) => [l.member, l.name, l.invited, l.qualified, l.completed ? 'completed' : '', l.link ?? ''])));
  }
  return 0;
}

export async function campaignJoin(io: Io, api: ApiClient, id: string, member: string, o: { json?: boolean }): Promise<number> {
  const r = await api.post<{ link: string | null }>(`/api/campaigns/${encodeURIComponent(id)}/join`, { member });
  if (o.json) io.out(JSON.stringify({ link: r.link }, null, 2));
  else io.out(r.link ? `Enrolled. Their personal link: ${r.link}` : 'Enrolled. Their personal link is not ready yet (or the platform cannot make one); chorus campaign status shows it once made.');
  return 0;
}

export async function campaignPoster(io: Io, api: ApiClient, id: string, member: string, o: { output?: string }): Promise<number> {
  if (!o.output) {
    io.err('Say where to write the poster: -o <file.png>.');
    return 2;
  }
  const r = await api.bytes(`/api/campaigns/${encodeURIComponent(id)}/poster/${encodeURIComponent(member)}`);
  try {
    writeFileSync(o.output, r.bytes);
  } catch (e) {
    io.err(`-o ${o.output}: cannot write the file (${(e as Error).message}).`);
    return 1;
  }
  io.out(`Poster written to ${o.output} (${Math.round(r.bytes.length / 1024)} KB).`);
  return 0;
}

export async function campaignState(io: Io, api: ApiClient, id: string, to: 'pause' | 'resume' | 'end'): Promise<number> {
  const r = await api.post<{ id: string; state: string }>(`/api/campaigns/${encodeURIComponent(id)}/${to}`, {});
  io.out(`Campaign ${r.id} is ${r.state}.`);
  return 0;
}

export function registerCampaignCommands(program: Command, io: Io, deps: OpsDeps): void {
  const DATA = ['--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)"] as const;
  const c = program.command('campaign').description('fission campaigns: personal invite links or poster screenshots, fraud rules, rewards, regroup');
  c.command('create')
    .description('make a campaign: invite (bring N new members) or poster (share the poster, send a screenshot)')
    .argument('<kind>', 'invite | poster')
    .requiredOption('--groups <selector>', 'the groups: all, tag:<t>, community:<type>, leader:<name>, channel:<id>, id:<g1>,<g2> (join terms with +)')
    .option('--goal <n>', 'invite: qualified friends each participant must bring')
    .option('--stay <duration>', 'how long an invitee must stay to count (30s, 10m, 2h, 3d)')
    .option('--new-only', 'count only people never in any group of the workspace before')
    .option('--cap <n>', 'counted invites per participant at most')
    .option('--reward-points <n>', 'reward: points on the points ledger')
    .option('--reward-codes <file>', 'reward: one code per line, each given once')
    .option('--reward-task <text>', 'reward: a task for staff (send the gift)')
    .option('--regroup <group>', 'invite completers into this group')
    .option('--name <name>', 'a name (default: the first group)')
    .option('--until <instant>', 'when the campaign ends (ISO date and time)')
    .option('--review <who>', 'poster: auto | leader')
    .option('--board <duration>', 'post the leaderboard in the groups this often (e.g. 1d)')
    .option('--layout <id>', 'poster layout: classic | card | minimal (default classic)')
    .option('--title <text>', "the poster's title (default: the campaign's name)")
    .option('--subtitle <text>', "the poster's subtitle")
    .option('--background <file>', "the poster's own background image (PNG or JPEG, at most 5 MB and 4000 pixels a side)")
    .option(...DATA)
    .option('--json', 'print {id}')
    .action(async (kind: string, o: CreateOptions & { data?: string }) => {
      deps.done(await campaignCreate(io, deps.client(o.data), kind, o));
    });
  c.command('status')
    .description("a campaign's board: participants, invited, qualified, completed, rejected by reason, K-factor, leaders")
    .argument('<id>', 'the campaign id (cp_…)')
    .option(...DATA)
    .option('--json', 'print {id, kind, state, goal, participants, invited, qualified, completed, rejected, kFactor, leaders}')
    .action(async (id: string, o: { json?: boolean; data?: string }) => {
      deps.done(await campaignStatus(io, deps.client(o.data), id, o));
    });
  c.command('join')
    .description('enrol a member (members also enrol by writing "参加" or /join to the bot)')
    .argument('<id>', 'the campaign id (cp_…)')
    .argument('<member>', 'mem_… or <channel>:<platform id>')
    .option(...DATA)
    .option('--json', 'print {link}')
    .action(async (id: string, member: string, o: { json?: boolean; data?: string }) => {
      deps.done(await campaignJoin(io, deps.client(o.data), id, member, o));
    });
  c.command('poster')
    .description("write a participant's poster: the campaign's poster with their name and personal QR code")
    .argument('<id>', 'the campaign id (cp_…)')
    .argument('<member>', 'mem_… or <channel>:<platform id> (a participant: chorus campaign join enrols them)')
    .requiredOption('-o, --output <file.png>', 'where to write the PNG')
    .option(...DATA)
    .action(async (id: string, member: string, o: { output?: string; data?: string }) => {
      deps.done(await campaignPoster(io, deps.client(o.data), id, member, o));
    });
  for (const to of ['pause', 'resume', 'end'] as const) {
    c.command(to)
      .description(to === 'pause' ? 'pause a campaign' : to === 'resume' ? 'resume a paused campaign' : 'end a campaign for good')
      .argument('<id>', 'the campaign id (cp_…)')
      .option(...DATA)
      .action(async (id: string, o: { data?: string }) => {
        deps.done(await campaignState(io, deps.client(o.data), id, to));
      });
  }
}
