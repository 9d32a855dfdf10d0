// A Telegram world for dispatcher tests: a channel on the local Bot API server and `n`
// supergroups, each created on the server (the bot an administrator) and known to Chorus.

import { addChannel, ConnectorCache } from '../../src/channels/registry.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import type { RunContext } from '../../src/run/runs.ts';
import type { Db } from '../../src/store/db.ts';
import { secretBox } from '../../src/store/secrets.ts';
import type { TelegramBotApi } from './telegram-bot-api.ts';
import { TEST_KEY } from './world.ts';

export interface TelegramWorld {
  channelId: string;
  /** Chorus group ids, in the same order as `chats`. */
  groups: string[];
  /** Telegram chat ids on the local server. */
  chats: number[];
  /** Chorus group id → Telegram chat id. */
  chatOf: Map<string, number>;
  connectors: ConnectorCache;
  ctx: RunContext;
}

export async function telegramWorld(
  db: Db,
  api: TelegramBotApi,
  n: number,
  opts: { name?: string; pacing?: Record<string, unknown> } = {},
): Promise<TelegramWorld> {
  const box = secretBox(TEST_KEY);
  const channel = await addChannel(db, box, { kind: 'telegram', name: opts.name ?? 'Camp bot', config: { token: api.token, apiRoot: api.url } });
  if (opts.pacing) await db.updateTable('channels').set({ pacing: JSON.stringify(opts.pacing) }).where('id', '=', channel.id).execute();
  const groups: string[] = [];
  const chats: number[] = [];
  const chatOf = new Map<string, number>();
  for (let i = 1; i <= n; i++) {
    const chat = api.addChat({ title: `Camp ${i}` });
    const id = await ensureGroup(db, channel.id, String(chat), `Camp ${i}`);
    groups.push(id);
    chats.push(chat);
    chatOf.set(id, chat);
  }
  const connectors = new ConnectorCache(db, box);
  return { channelId: channel.id, groups, chats, chatOf, connectors, ctx: { db, connectors, actor: 'test' } };
}

/** How many messages each chat received, by chat id. */
export function messagesPerChat(api: TelegramBotApi): Map<number, number> {
  const counts = new Map<number, number>();
  for (const m of api.sent()) counts.set(m.chat_id, (counts.get(m.chat_id) ?? 0) + 1);
  return counts;
}
