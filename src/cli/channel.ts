// `chorus channel add | list | webhook` — through the running server's API.

import QRCode from 'qrcode';
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
  puppetEndpoint?: string;
  json?: boolean;
  /** Wechaty: how long to wait for the QR code scan, in seconds (commander's --no-wait gives false). */
  wait?: string | boolean;
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
    case 'wechaty': {
      const config: Record<string, unknown> = pick(['puppet', 'puppetToken']);
      // A self-hosted puppet service; an "insecure_" token is the puppet-service convention for no TLS.
      if (o.puppetEndpoint) {
        config.puppetOptions = { endpoint: o.puppetEndpoint, ...(o.puppetToken?.startsWith('insecure_') ? { tls: { disable: true } } : {}) };
      }
      return config;
    }
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
  if (c.status === 'needs_login') {
    const waitS = waitSeconds(o.wait);
    if (waitS === 0) {
      io.out(`It waits for the WeChat account to sign in: scan the QR code in the console (Channels), or run  chorus channel login ${c.id}`);
      return 0;
    }
    const signedIn = await waitForSignIn(io, api, c.id, waitS);
    if (!signedIn) return 0;
  }
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

export interface SignInState {
  id: string;
  status: string;
  statusReason: string | null;
  identity: string | null;
  qr: { value: string; status: string; at: string | null } | null;
}

const DEFAULT_WAIT_S = 300;

function waitSeconds(wait: string | boolean | undefined): number {
  if (wait === false) return 0;
  if (wait === undefined || wait === true) return DEFAULT_WAIT_S;
  const n = Number(wait);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--wait takes a number of seconds (got "${wait}")`);
  return n;
}

/**
 * Prints each new login QR code as text and waits until the account is signed in or `seconds`
 * pass. The QR code comes from the server that runs the puppet, through the API.
 */
export async function waitForSignIn(io: Io, api: ApiClient, id: string, seconds: number, pollMs = 1000): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  let shown: string | undefined;
  let said: string | undefined;
  const say = (line: string) => {
    if (line !== said) io.out(line);
    said = line;
  };
  say('Waiting for the WeChat puppet to show a login QR code…');
  for (;;) {
    const s = await api.get<SignInState>(`/api/channels/${encodeURIComponent(id)}/login`);
    if (s.status === 'active') {
      io.out(`Signed in: the channel acts as ${s.identity ?? 'the WeChat account'}.`);
      return true;
    }
    if (s.qr && s.qr.value !== shown) {
      shown = s.qr.value;
      io.out('Scan this QR code with WeChat on the phone of the account Chorus should use, then confirm on the phone:');
      io.out(await QRCode.toString(s.qr.value, { type: 'utf8', margin: 2 }));
      io.out(s.qr.value);
    }
    if (s.qr?.status === 'scanned') say('Scanned: confirm the sign-in on the phone…');
    else if (s.qr?.status === 'timeout') say('The QR code expired; waiting for a new one…');
    else if (!s.qr && s.statusReason) say(`Not signed in: ${s.statusReason}`);
    if (Date.now() >= deadline) {
      io.out(`Not signed in yet. The QR code stays on the channel's page in the console; wait again with  chorus channel login ${id}`);
      return false;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** `chorus channel login <channel>`: waits for a channel's QR sign-in (exit 0 signed in, 1 not yet). */
export async function channelLogin(io: Io, api: ApiClient, ref: string, o: { wait?: string | boolean; json?: boolean }): Promise<number> {
  if (o.json) {
    const s = await api.get<SignInState>(`/api/channels/${encodeURIComponent(ref)}/login`);
    io.out(JSON.stringify(s, null, 2));
    return s.status === 'active' ? 0 : 1;
  }
  const waitS = waitSeconds(o.wait);
  return (await waitForSignIn(io, api, ref, waitS)) ? 0 : 1;
}
