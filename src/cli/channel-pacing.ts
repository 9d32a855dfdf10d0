// `chorus channel pacing <channel> [--interval 3s] [--jitter 2s] [--daily-cap N] [--per-chat-daily N]`
// — without a flag, prints the channel's pacing; with flags, changes it (through the server's API).

import { formatDuration, type PacingPatch, type PacingView, parseDuration } from '../dispatch/pacing-settings.ts';
import type { ApiClient } from './api-client.ts';
import { type Io, UsageError } from './io.ts';

export interface PacingOptions {
  interval?: string;
  jitter?: string;
  dailyCap?: string;
  perChatDaily?: string;
  json?: boolean;
}

type Answer = PacingView & { channel: string; name: string };

function duration(flag: string, text: string): number | 'default' {
  if (text === 'default') return 'default';
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`${flag} takes a duration such as 3s, 500ms or 2m, or "default"; "${text}" is not one.`);
  return ms;
}

function count(flag: string, text: string): number | 'default' | 'none' {
  if (text === 'default' || text === 'none') return text;
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${flag} takes a whole number, "none" (no cap) or "default"; "${text}" is not one.`);
  return Number(text);
}

/** The flags given, as an API patch (empty: only show). */
export function pacingPatchOf(o: PacingOptions): PacingPatch {
  const patch: PacingPatch = {};
  if (o.interval !== undefined) patch.intervalMs = duration('--interval', o.interval);
  if (o.jitter !== undefined) patch.jitterMs = duration('--jitter', o.jitter);
  if (o.dailyCap !== undefined) patch.dailyCap = count('--daily-cap', o.dailyCap);
  if (o.perChatDaily !== undefined) patch.perChatDailyCap = count('--per-chat-daily', o.perChatDaily);
  return patch;
}

function describe(a: Answer): string[] {
  const mark = (f: keyof Answer['pacing']) => (a.changed.includes(f) ? '' : '  (platform default)');
  const cap = (n: number | null) => (n === null ? 'no cap' : `${n} a day`);
  return [
    `Pacing of ${a.name} (${a.kind}, ${a.channel}):`,
    `  interval        ${formatDuration(a.pacing.intervalMs)} between two sends${mark('intervalMs')}`,
    `  jitter          up to ${formatDuration(a.pacing.jitterMs)} more, at random${mark('jitterMs')}`,
    `  daily cap       ${cap(a.pacing.dailyCap)} for the account${mark('dailyCap')}`,
    `  per chat daily  ${cap(a.pacing.perChatDailyCap)} into one group or person${mark('perChatDailyCap')}`,
  ];
}

export async function channelPacing(io: Io, api: ApiClient, channel: string, o: PacingOptions): Promise<number> {
  const patch = pacingPatchOf(o);
  const path = `/api/channels/${encodeURIComponent(channel)}/pacing`;
  const answer = Object.keys(patch).length ? await api.patch<Answer>(path, patch) : await api.get<Answer>(path);
  if (o.json) {
    io.out(JSON.stringify(answer, null, 2));
    return 0;
  }
  for (const line of describe(answer)) io.out(line);
  if (Object.keys(patch).length) io.out('Saved. Run and broadcast previews forecast with it from now on.');
  return 0;
}
