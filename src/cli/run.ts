// `chorus run preview | start | status | pause | resume | cancel | replan` — through the running
// server's API. `--json` prints exactly the contract shapes scripts rely on.

import { existsSync, readFileSync, statSync } from 'node:fs';
import type { RunPreview, RunStatus } from '../run/runs.ts';
import type { ApiClient } from './api-client.ts';
import { type Io, UsageError } from './io.ts';
import { readVars } from './sop.ts';
import { plural, table, when } from './table.ts';

export interface RunCliOptions {
  groups?: string;
  anchor: string;
  var?: string[];
  tz?: string;
  json?: boolean;
  // lifecycle (issue 9): groups the run creates.
  create?: string;
  channel?: string;
  createLeader?: string;
  createMember?: string[];
}

/** A sheet argument: an existing file is sent as its YAML text; anything else is a stored sheet id. */
export function sheetArgument(arg: string): string {
  if (existsSync(arg) && statSync(arg).isFile()) {
    try {
      return readFileSync(arg, 'utf8');
    } catch (e) {
      throw new UsageError(`${arg}: cannot read the file: ${(e as Error).message}`);
    }
  }
  if (/\.(ya?ml)$/i.test(arg)) throw new UsageError(`${arg}: no such file (and it is not a stored sheet id like camp-7d or camp-7d@3)`);
  return arg;
}

function runBody(sheet: string, o: RunCliOptions) {
  return {
    sheet: sheetArgument(sheet),
    ...(o.groups !== undefined ? { groups: o.groups } : {}),
    anchor: o.anchor,
    ...(o.var?.length ? { vars: readVars(o.var) } : {}),
    ...(o.tz ? { timezone: o.tz } : {}),
    ...createOption(o),
  };
}

/** `--create N --channel C`: the groups a run creates; `--groups` may then be left out. */
function createOption(o: RunCliOptions): { create?: { channel: string; count: number; leader?: string; members?: string[] } } {
  if (o.create === undefined) {
    if (o.groups === undefined) throw new UsageError('give the groups to run on (--groups <selector>), or the groups to create (--create N --channel <name>)');
    if (o.channel || o.createLeader || o.createMember) throw new UsageError('--channel, --create-leader and --create-member go with --create N');
    return {};
  }
  const count = Number(o.create);
  if (!Number.isInteger(count) || count < 1 || count > 100) throw new UsageError(`--create ${o.create}: give a whole number of groups from 1 to 100`);
  if (!o.channel) throw new UsageError('--create needs --channel <name>: the channel the groups are created on');
  return { create: { channel: o.channel, count, ...(o.createLeader ? { leader: o.createLeader } : {}), ...(o.createMember?.length ? { members: o.createMember } : {}) } };
}

export async function runPreview(io: Io, api: ApiClient, sheet: string, o: RunCliOptions): Promise<number> {
  const p = await api.post<RunPreview>('/api/runs/preview', runBody(sheet, o));
  if (o.json) {
    io.out(JSON.stringify(p, null, 2));
    return 0;
  }
  const version = p.sheet.version ? `version ${p.sheet.version}` : 'from the file, not saved yet';
  io.out(`Sheet ${p.sheet.id} (${version}) — ${p.sheet.title}; anchor ${when(p.anchor)}`);
  io.out(`${plural(p.groups, 'group')}, ${plural(p.actions, 'action')}: ${p.byMode.bot} by the bot, ${p.byMode.human} by people`);
  if (p.firstDue) io.out(`The first action is due ${when(p.firstDue)}, the last ${when(p.lastDue)}.`);
  if (p.forecast.finishAt) {
    io.out(`Forecast under pacing: the last message goes out at ${when(p.forecast.finishAt)}, at most ${p.forecast.maxDelaySeconds} s behind schedule.`);
  } else {
    io.out('Forecast: nothing is sent by the bot.');
  }
  io.out('');
  io.out(table(['action', 'total', 'by people'], Object.entries(p.byAction).map(([action, b]) => [action, b.total, b.human])));
  if (p.variants?.length) {
    io.out('\nVariants (each group gets one text of the step; the split stays the same when re-planned):');
    io.out(table(['step', 'variant', 'groups', 'first groups'], p.variants.map((v) => [v.step, v.variant, v.groups, v.names.join(', ')])));
  }
  if (p.sample.length) {
    io.out('\nThe first actions:');
    io.out(table(['due', 'group', 'step', 'action', 'by', 'text'], p.sample.map((a) => [when(a.due), a.group, a.step, a.action, a.mode === 'human' ? (a.assignee ?? 'a person') : 'bot', short(a.variant !== undefined ? `(${a.variant}) ${a.text}` : a.text)])));
  }
  for (const line of warningLines(p)) io.out(line);
  io.out('\nNothing was started. To start it: chorus run start <same arguments>');
  return 0;
}

/** The preview's warnings in words: overlapping runs per group and hour, leaders not in the team. */
export function warningLines(p: Pick<RunPreview, 'warnings'>): string[] {
  const out: string[] = [];
  const { overlaps, leadersNotInTeam: lost } = p.warnings;
  if (overlaps.total) {
    const name = (r: { title: string; kind: string }) => (r.kind === 'broadcast' ? `the broadcast "${r.title}"` : `"${r.title}"`);
    out.push('', `Warning: other runs land in the same groups in the same hours (${plural(overlaps.total, 'group-hour')}):`);
    for (const r of overlaps.runs) out.push(`  ${name(r)}: ${plural(r.theirs, 'action')} in ${plural(r.groups, 'group')}, over ${plural(r.hours, 'hour')}`);
    out.push(
      table(
        ['hour', 'group', 'this run', 'other run', 'its actions'],
        overlaps.items.map((o) => [when(o.hour), o.groupName, o.ours, o.other.kind === 'broadcast' ? `broadcast: ${o.other.title}` : o.other.title, o.theirs]),
      ),
    );
    if (overlaps.total > overlaps.items.length) out.push(`… and ${overlaps.total - overlaps.items.length} more`);
  }
  if (lost.groups.length) {
    const n = lost.groups.length;
    out.push(
      '',
      `Warning: ${n === 1 ? '1 group has a leader' : `${n} groups have a leader`} who is not in the team: their tasks reach nobody (${plural(lost.tasks, 'task')} in this run).`,
      `  ${lost.groups.map((g) => `${g.name} (${g.leader})`).join(', ')}`,
      '  Set a leader from the team: chorus group set <group> --leader <name>',
    );
  }
  return out;
}

export async function runStart(io: Io, api: ApiClient, sheet: string, o: RunCliOptions): Promise<number> {
  const r = await api.post<{ id: string; actions: number; groups: number }>('/api/runs', runBody(sheet, o));
  if (o.json) {
    io.out(JSON.stringify({ id: r.id }));
    return 0;
  }
  io.out(`Started run ${r.id}: ${plural(r.actions, 'action')} in ${plural(r.groups, 'group')}.`);
  io.out(`Follow it: chorus run status ${r.id}`);
  return 0;
}

/** The contract shape of `run status --json` and `broadcast status --json`. */
export function statusJson(s: RunStatus) {
  return {
    id: s.id,
    state: s.state,
    counts: s.counts,
    actions: s.actions.map((a) => ({ step: a.step, group: a.group, due: a.due, state: a.state, executor: a.executor, attempts: a.attempts, error: a.error })),
  };
}

const WAITING = new Set(['planned', 'due', 'retry_wait', 'assigned', 'sending', 'awaiting_confirmation']);
const NEEDS_A_LOOK = new Set(['failed', 'unconfirmed', 'missed']);

export function printStatus(io: Io, s: RunStatus, what: 'run' | 'broadcast'): void {
  const sheet = s.sheet ? ` of ${s.sheet.id}@${s.sheet.version}` : '';
  const total = Object.values(s.counts).reduce((a, b) => a + b, 0);
  io.out(`${what === 'run' ? 'Run' : 'Broadcast'} ${s.id}${sheet}: ${s.state}, ${plural(total, 'action')}`);
  io.out('');
  io.out(table(['state', 'actions'], Object.entries(s.counts).sort((a, b) => b[1] - a[1])));
  const next = s.actions.filter((a) => WAITING.has(a.state)).slice(0, 10);
  if (next.length) {
    io.out('\nNext:');
    io.out(table(['due', 'group', 'step', 'state', 'by'], next.map((a) => [when(a.due), a.groupName, a.step, a.state, a.assignee ?? a.executor])));
  }
  const look = s.actions.filter((a) => NEEDS_A_LOOK.has(a.state)).slice(0, 20);
  if (look.length) {
    io.out('\nNeeds a look:');
    io.out(table(['due', 'group', 'step', 'state', 'why'], look.map((a) => [when(a.due), a.groupName, a.step, a.state, a.error])));
  }
}

export async function runStatusCommand(io: Io, api: ApiClient, id: string, o: { json?: boolean }): Promise<number> {
  const s = await api.get<RunStatus>(`/api/runs/${encodeURIComponent(id)}`);
  if (o.json) io.out(JSON.stringify(statusJson(s), null, 2));
  else printStatus(io, s, s.kind === 'broadcast' ? 'broadcast' : 'run');
  return 0;
}

export async function runChange(io: Io, api: ApiClient, id: string, change: 'pause' | 'resume' | 'cancel', o: { json?: boolean }): Promise<number> {
  const r = await api.post<{ id: string; state: string; cancelled?: number }>(`/api/runs/${encodeURIComponent(id)}/${change}`);
  if (o.json) io.out(JSON.stringify(r));
  else if (change === 'pause') io.out(`Paused ${id}: nothing more is sent until you resume it (chorus run resume ${id}).`);
  else if (change === 'resume') io.out(`Resumed ${id}: what fell due meanwhile goes out now, marked late.`);
  else io.out(`Cancelled ${id}: ${plural(r.cancelled ?? 0, 'action')} will not be executed.`);
  return 0;
}

export async function runReplan(io: Io, api: ApiClient, id: string, sheet: string, o: { json?: boolean }): Promise<number> {
  const r = await api.post<{ id: string; version: number; cancelled: number; created: number }>(`/api/runs/${encodeURIComponent(id)}/replan`, { sheet: sheetArgument(sheet) });
  if (o.json) io.out(JSON.stringify(r));
  else io.out(`Run ${id} now follows version ${r.version}: ${plural(r.cancelled, 'future action')} replaced by ${r.created}; what was done stays.`);
  return 0;
}

function short(text: string, max = 48): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
