// `chorus channel add | list | webhook` — through the running server's API.

import type { ApiClient } from './api-client.ts';
import { type Io, UsageError } from './io.ts';
import { table } from './table.ts';

export interface PublicChannel {
  id: string;
  kind: string;
  name: string;
  status: string;
  statusReason: string | null;
  identity: string | null;
  webhook: string | null;
}

export interface ChannelAddOptions {
  name?: string;
  token?: string;
  apiRoot?: string;
  webhookSecret?: string;
  corpId?: string;
  secret?: string;
  aesKey?: string;
  sender?: string;
  puppet?: string;
  puppetToken?: string;
  json?: boolean;
}

const NEEDS: Record<string, [keyof ChannelAddOptions, string, string][]> = {
  telegram: [['token', '--token', 'the bot token from @BotFather']],
  wecom: [
    ['corpId', '--corp-id', 'the corp ID (我的企业 → 企业ID)'],
    ['secret', '--secret', 'the app secret that may call Customer Contact'],
    ['token', '--token', 'the Token of the callback settings'],
    ['aesKey', '--aes-key', 'the EncodingAESKey of the callback settings'],
  ],
  wechaty: [['puppet', '--puppet', 'the puppet name, e.g. wechaty-puppet-service']],
  sandbox: [],
  manual: [],
};

/** The channel configuration a kind needs, from the command's options; a missing one is a usage error. */
export function channelConfig(kind: string, o: ChannelAddOptions): Record<string, unknown> {
  const needs = NEEDS[kind];
  if (!needs) throw new UsageError(`"${kind}" is not a channel type; use ${Object.keys(NEEDS).join(', ')}`);
  const missing = needs.filter(([key]) => !o[key]);
  if (missing.length) {
    throw new UsageError(`chorus channel add ${kind} needs ${missing.map(([, flag, what]) => `${flag} (${what})`).join(', ')}`);
  }
  const pick = (keys: (keyof ChannelAddOptions)[]) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
  switch (kind) {
    case 'telegram':
      return pick(['token', 'apiRoot', 'webhookSecret']);
    case 'wecom':
      return pick(['corpId', 'secret', 'token', 'aesKey', 'apiRoot', 'sender']);
    case 'wechaty':
      return pick(['puppet', 'puppetToken']);
    default:
      return {};
  }
}

export async function channelAdd(io: Io, api: ApiClient, kind: string, o: ChannelAddOptions): Promise<number> {
  const config = channelConfig(kind, o);
  const c = await api.post<PublicChannel>('/api/channels', { kind, ...(o.name ? { name: o.name } : {}), config });
  if (o.json) {
    io.out(JSON.stringify(c, null, 2));
    return 0;
  }
  io.out(`Added ${c.kind} channel "${c.name}" (${c.id})${c.identity ? `, acting as ${c.identity}` : ''}.`);
  if (c.kind === 'telegram') {
    io.out('Without a webhook the server fetches its updates itself (long polling). For a webhook: chorus channel webhook <id> <public url>');
  }
  if (c.webhook && c.kind === 'wecom') io.out(`Enter ${api.url}${c.webhook} (on your public address) as the callback URL in the WeCom admin console.`);
  io.out(`Next: add its groups with  chorus group add ${c.id} <group id on the platform>`);
  return 0;
}

export async function channelList(io: Io, api: ApiClient, o: { json?: boolean }): Promise<number> {
  const { channels } = await api.get<{ channels: PublicChannel[] }>('/api/channels');
  if (o.json) {
    io.out(JSON.stringify(channels, null, 2));
    return 0;
  }
  if (!channels.length) {
    io.out('No channels yet. Add one: chorus channel add sandbox | telegram --token T | wecom … | wechaty --puppet P');
    return 0;
  }
  io.out(
    table(
      ['id', 'kind', 'name', 'status', 'acts as', 'webhook'],
      channels.map((c) => [c.id, c.kind, c.name, c.statusReason ? `${c.status} (${c.statusReason})` : c.status, c.identity, c.webhook]),
    ),
  );
  return 0;
}

export async function channelWebhook(io: Io, api: ApiClient, id: string, url: string, o: { json?: boolean }): Promise<number> {
  const r = await api.post<{ id: string; webhook: string }>(`/api/channels/${encodeURIComponent(id)}/webhook`, { url });
  io.out(o.json ? JSON.stringify(r, null, 2) : `Telegram now sends this bot's updates to ${r.webhook} (with a secret token only Chorus knows).`);
  return 0;
}
