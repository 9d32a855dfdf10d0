// `chorus broadcast --text T --groups S [--by bot|leader] [--deadline …]` and
// `chorus broadcast status <id>` — through the running server's API.

import type { BroadcastPreview } from '../run/broadcasts.ts';
import type { RunStatus } from '../run/runs.ts';
import type { ApiClient } from './api-client.ts';
import { type Io, UsageError } from './io.ts';
import { printStatus, statusJson } from './run.ts';
import { plural, when } from './table.ts';

export interface BroadcastOptions {
  text?: string;
  link?: string;
  groups?: string;
  by?: 'bot' | 'leader';
  deadline?: string;
  preview?: boolean;
  json?: boolean;
}

export async function broadcastSend(io: Io, api: ApiClient, o: BroadcastOptions): Promise<number> {
  if (!o.text?.trim()) throw new UsageError('chorus broadcast needs --text (what every group gets)');
  if (!o.groups?.trim()) throw new UsageError('chorus broadcast needs --groups (all, tag:<t>, community:<type>, leader:<name>, channel:<name>, id:<g1>,<g2>)');
  const body = {
    text: o.text,
    groups: o.groups,
    ...(o.link ? { link: o.link } : {}),
    ...(o.by ? { by: o.by } : {}),
    ...(o.deadline ? { deadline: o.deadline } : {}),
  };
  if (o.preview) {
    const p = await api.post<BroadcastPreview>('/api/broadcasts/preview', body);
    if (o.json) {
      io.out(JSON.stringify(p, null, 2));
      return 0;
    }
    io.out(`${plural(p.groups, 'group')}: ${p.bot} by the bot, ${p.human} by leaders; deadline ${when(p.deadline)}.`);
    if (p.forecast.finishAt) io.out(`Forecast under pacing: the last message goes out at ${when(p.forecast.finishAt)}, at most ${p.forecast.maxDelaySeconds} s behind schedule.`);
    if (p.withoutLeader.length) io.out(`No leader, so nobody would get the task: ${p.withoutLeader.join(', ')} (set one: chorus group set <id> --leader <name>)`);
    io.out('Nothing was sent.');
    return 0;
  }
  const r = await api.post<{ id: string; groups: number; bot: number; human: number }>('/api/broadcasts', body);
  if (o.json) {
    io.out(JSON.stringify({ id: r.id }));
    return 0;
  }
  io.out(`Broadcast ${r.id} started for ${plural(r.groups, 'group')}: ${r.bot} sent by the bot, ${r.human} by leaders. Follow it: chorus broadcast status ${r.id}`);
  return 0;
}

export async function broadcastStatus(io: Io, api: ApiClient, id: string, o: { json?: boolean }): Promise<number> {
  const s = await api.get<RunStatus>(`/api/broadcasts/${encodeURIComponent(id)}`);
  if (o.json) io.out(JSON.stringify(statusJson(s), null, 2));
  else printStatus(io, s, 'broadcast');
  return 0;
}
