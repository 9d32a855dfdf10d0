// The Telegram connector: grammY's `Api` for every Bot API call, against api.telegram.org or a
// self-hosted Bot API server (`apiRoot`). It never retries and never waits: the dispatcher paces
// sends (Telegram: about 20 messages a minute per group, 30 a second per bot) and honours
// `retryAfterMs` from a 429.

import { Api } from 'grammy';
import type { Update } from 'grammy/types';
import {
  type CapabilityMatrix,
  ChannelError,
  type Connector,
  type GroupInfo,
  type InboundEvent,
  type Ingest,
  type OutboundAction,
  type PerformResult,
  type WebhookRequest,
  type WebhookResponse,
} from '../port.ts';
import { apiSignal, type Call, performAction } from './actions.ts';
import { redact, toChannelError } from './errors.ts';
import { normalizeUpdate } from './normalize.ts';
import { ALLOWED_UPDATES, LongPolling } from './polling.ts';
import { handleWebhookRequest } from './webhook.ts';

export { ALLOWED_UPDATES } from './polling.ts';
export { normalizeUpdate } from './normalize.ts';

export const TELEGRAM_CAPABILITIES: CapabilityMatrix = {
  post: 'auto',
  direct_message: 'auto', // only to people who pressed Start in the bot's chat
  rename: 'auto',
  announce: 'auto', // a message, pinned
  set_description: 'auto',
  welcome: 'none',
  create_invite_link: 'auto',
  approve_join: 'auto',
  decline_join: 'auto',
  remove_member: 'auto',
  unban_member: 'auto',
  add_member: 'none',
  create_group: 'none',
  disband: 'none',
  // revokeChatInviteLink: only links the bot created itself.
  revoke_invite_link: 'auto',
  // Moderation: the bot must be an admin with "delete messages" / "ban users" rights.
  delete_message: 'auto',
  restrict_member: 'auto',
  unrestrict_member: 'auto',
};

export interface TelegramConfig {
  /** The bot token from @BotFather. */
  token: string;
  /** Bot API root for a self-hosted Bot API server; default https://api.telegram.org. */
  apiRoot?: string;
  /** The secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z 0-9 _ -). */
  webhookSecret?: string;
  /** The channel id handed to `ingest` by long polling; default `telegram:<bot id>`. */
  channelId?: string;
  /** How long a call may take before it counts as lost (seconds, default 30). */
  timeoutSeconds?: number;
  /** How long one getUpdates waits for news (seconds, default 25). */
  pollTimeoutSeconds?: number;
  /** Told about every failed poll; the loop stops by itself on auth and permanent errors. */
  onPollError?: (err: ChannelError) => void;
}

export type TelegramConnector = Connector & {
  handleWebhook(req: WebhookRequest, ingest: Ingest, channelId: string): Promise<WebhookResponse>;
  setWebhook(url: string): Promise<void>;
  deleteWebhook(): Promise<void>;
};

export function createTelegramConnector(config: TelegramConfig): TelegramConnector {
  const apiRoot = (config.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(apiRoot)) throw new Error(`The Telegram Bot API root "${apiRoot}" is not an http(s) address.`);
  const token = config.token;
  const api = new Api(token, { apiRoot });
  const timeoutMs = (config.timeoutSeconds ?? 30) * 1000;
  const channelId = config.channelId ?? `telegram:${token.split(':')[0]}`;
  const onPollError = config.onPollError ?? ((e: ChannelError) => console.error(`Telegram polling: ${e.message}`));

  // Groups already reported with group_seen by this process (bots cannot list their chats).
  const known = new Set<string>();
  const seen = (e: InboundEvent) => {
    if (e.type === 'group_seen') known.add(e.chatId);
    if (e.type === 'access_lost') known.delete(e.chatId);
  };
  const normalize = (u: Update) => normalizeUpdate(u, { knownChats: known });

  const call: Call = async (ctx, fn) => {
    try {
      return await fn(apiSignal(AbortSignal.timeout(timeoutMs)));
    } catch (e) {
      throw toChannelError(e, { ...ctx, apiRoot, token });
    }
  };

  // Updates never carry a group's size, so a group the bot was just added to (my_chat_member), or
  // first heard of, would stay without a member count: it is asked for once here (the bot
  // included, as Telegram counts), so caps (live codes) and the groups list see the people already
  // in it. A refused or failed count leaves it unknown; the update is still ingested.
  const counted =
    (ingest: Ingest): Ingest =>
    async (id, e) => {
      if (e.type !== 'group_seen' || e.memberCount !== undefined) return ingest(id, e);
      const chatId = e.chatId;
      const n = await call({ method: 'getChatMemberCount', chatId, sends: false }, (s) => api.getChatMemberCount(chatId, s)).catch(() => undefined);
      return ingest(id, n === undefined ? e : { ...e, memberCount: n });
    };

  let polling: LongPolling | undefined;

  return {
    kind: 'telegram',
    capabilities: TELEGRAM_CAPABILITIES,
    uploadsImages: true,

    perform(action: OutboundAction): Promise<PerformResult> {
      return performAction(api, call, action);
    },

    async verify() {
      try {
        const me = await call({ method: 'getMe', sends: false }, (s) => api.getMe(s));
        return { ok: true, identity: me.username ? `@${me.username}` : `${me.first_name} (${me.id})` };
      } catch (e) {
        return { ok: false, reason: (e as ChannelError).message, kind: (e as ChannelError).kind };
      }
    },

    // The Bot API has no method to list the chats a bot is in: groups are discovered from the
    // updates the bot receives (my_chat_member, messages) or added by id (getGroup).
    async listGroups(): Promise<GroupInfo[]> {
      return [];
    },

    async getGroup(chatId: string): Promise<GroupInfo> {
      const ctx = { chatId, sends: false };
      const [chat, count] = await Promise.all([
        call({ ...ctx, method: 'getChat' }, (s) => api.getChat(chatId, s)),
        call({ ...ctx, method: 'getChatMemberCount' }, (s) => api.getChatMemberCount(chatId, s)),
      ]);
      known.add(String(chat.id));
      const pinned = chat.pinned_message && chat.pinned_message.date !== 0 ? (chat.pinned_message.text ?? chat.pinned_message.caption) : undefined;
      return { chatId: String(chat.id), title: chat.title ?? '', memberCount: count, ...(pinned ? { notice: pinned } : {}) };
    },

    async start(ingest: Ingest): Promise<void> {
      if (polling?.running) return;
      polling = new LongPolling({
        api,
        ingest: counted(ingest),
        channelId,
        normalize,
        seen,
        onError: onPollError,
        timeoutSeconds: config.pollTimeoutSeconds ?? 25,
        toError: (e, method) =>
          method === 'ingest'
            ? new ChannelError('transient', `Chorus could not store a Telegram update: ${redact(e instanceof Error ? e.message : String(e), token)}`)
            : toChannelError(e, { method, sends: false, apiRoot, token }),
      });
    },

    async stop(): Promise<void> {
      const p = polling;
      polling = undefined;
      await p?.stop();
    },

    handleWebhook(req: WebhookRequest, ingest: Ingest, webhookChannelId: string): Promise<WebhookResponse> {
      return handleWebhookRequest(req, { secret: config.webhookSecret, ingest: counted(ingest), channelId: webhookChannelId, normalize, seen });
    },

    async setWebhook(url: string): Promise<void> {
      if (!config.webhookSecret) {
        throw new ChannelError('permanent', 'Set a webhook secret for this Telegram channel before turning the webhook on; without it anyone could send Chorus fake updates.');
      }
      const secret = config.webhookSecret;
      await call({ method: 'setWebhook', sends: false }, (s) => api.setWebhook(url, { secret_token: secret, allowed_updates: ALLOWED_UPDATES }, s));
    },

    async deleteWebhook(): Promise<void> {
      await call({ method: 'deleteWebhook', sends: false }, (s) => api.deleteWebhook({}, s));
    },
  };
}
