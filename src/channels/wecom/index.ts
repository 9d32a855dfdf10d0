// The WeCom (企业微信) connector: customer groups (客户群) through the official server API.
// WeCom lets an app *propose* a message to customer groups (add_msg_template); the group owner
// confirms it in the WeCom client, so posts end as `awaiting_confirmation` and `confirmation()`
// reconciles them. Callbacks (change_external_chat) arrive at the channel's webhook URL and go
// through `handleCallback`; `listGroups()` and `confirmGone()` serve the periodic reconciliation
// they need (src/community/reconcile.ts, run by the sweep).

import {
  type CapabilityMatrix,
  ChannelError,
  type Connector,
  type GroupInfo,
  type Ingest,
  type InboundEvent,
  NO_CAPABILITIES,
  type OutboundAction,
  type PerformResult,
  type WebhookRequest,
  type WebhookResponse,
} from '../port.ts';
import { WecomApi } from './api.ts';
import { CallbackGate, isValidAesKey, type NonceStore } from './callback.ts';
import { type Confirmation, confirmationState, type GroupMsgSendResult, type GroupMsgTask } from './confirmation.ts';
import { type GroupChatDetail, toGroupInfo } from './groupchat.ts';
import { type MediaCache, type MediaType, mediaIdFor, memoryMediaCache } from './media.ts';
import { groupChatEvents, readGroupChatEvent } from './normalize.ts';
import { XmlError } from './xml.ts';

export { normalize } from './normalize.ts';

/**
 * What the customer-group API can do. `confirm`: WeCom creates a mass-message task the staff
 * member confirms in the client. create_invite_link: groupchat/add_join_way (a "join group" QR
 * code), one group per link, with the `state` that comes back in groupchat/get for each join
 * through it (a campaign's personal link); revoke_invite_link: groupchat/del_join_way by the join
 * way's config_id that Chorus kept when it made the QR code. create_group: WeCom has no API that creates a customer
 * group, but a join way with `auto_create_room: 1` over up to 5 groups makes WeCom create the
 * next group itself when those are full and someone scans — so it is `auto` when the action names
 * those groups (`fromChatIds`), and a task for a person otherwise. Everything else has no API for
 * customer groups — renaming, the group notice, removing or adding members, dismissing groups
 * happen only in the client — and becomes a human task. welcome: group_welcome_template/add only
 * adds a material to the company library; choosing it for a group is done by hand in the client
 * and no API reports whether it was, so a human task is the honest answer.
 */
export const WECOM_CAPABILITIES: CapabilityMatrix = {
  ...NO_CAPABILITIES,
  post: 'confirm',
  direct_message: 'confirm',
  create_invite_link: 'auto',
  revoke_invite_link: 'auto',
  create_group: 'auto',
};

export interface WecomConfig {
  corpId: string;
  /** The secret of a self-built app added to Customer Contact's callable apps, or the Customer Contact secret. */
  secret: string;
  /** Token of the callback settings (接收事件服务器). */
  token: string;
  /** EncodingAESKey of the callback settings: 43 characters. */
  aesKey: string;
  apiRoot?: string;
  /** One staff member (userid) who sends every post; by default each group's owner is looked up. */
  sender?: string;
  timeoutMs?: number;
  /** The clock, for tests. */
  now?: () => number;
  /** Where uploaded media ids are kept (the database for a channel; memory by default). */
  mediaCache?: MediaCache;
  /** Where callback nonces are kept (the database in Chorus); in memory when absent. */
  nonces?: NonceStore;
}

export type WecomConnector = Connector & {
  handleCallback(req: WebhookRequest, ingest: Ingest, channelId: string): Promise<WebhookResponse>;
  confirmation(externalId: string, chatId: string): Promise<Confirmation>;
  remind(externalId: string): Promise<void>;
  cancel(externalId: string): Promise<void>;
};

// add_msg_template: "消息文本内容，最多4000个字节".
const MAX_TEXT_BYTES = 4000;
// add_join_way (客户群「加入群聊」管理): "chat_id_list … 支持5个", "state … 不超过30个UTF-8字符",
// "room_base_name … 最长40个utf8字符", "remark … 超过30个字符将被截断".
const JOIN_WAY_GROUPS = 5;
const STATE_CHARS = 30;
const ROOM_BASE_NAME_CHARS = 40;
const REMARK_CHARS = 30;

const chars = (s: string) => [...s].length;
const PAGE = 1000;
const DETAIL_CONCURRENCY = 4;

const NO_API: Partial<Record<OutboundAction['type'], string>> = {
  rename: 'WeCom has no API to rename a customer group: the group owner renames it in the WeCom client.',
  announce: 'WeCom has no API to publish a customer group notice: the group owner posts it in the WeCom client.',
  set_description: 'WeCom customer groups have no description that an API can set.',
  welcome: 'WeCom cannot set a welcome message for one group through the API: the group owner chooses it in the WeCom client.',
  approve_join: 'WeCom customer groups have no join requests that an API can approve.',
  decline_join: 'WeCom customer groups have no join requests that an API can decline.',
  remove_member: 'WeCom has no API to remove someone from a customer group: the group owner removes them in the WeCom client.',
  unban_member: 'WeCom customer groups have no ban list that an API can change.',
  add_member: 'WeCom has no API to add someone to a customer group: send them the group QR code or invite them in the client.',
  disband: 'WeCom has no API to dismiss a customer group: the group owner dismisses it in the WeCom client.',
  delete_message: "WeCom has no API to recall a customer's message in a customer group: the group owner or an admin recalls it in the WeCom client.",
  restrict_member: 'WeCom customer groups have no mute that an API can set: the group owner warns or removes the member in the WeCom client.',
  unrestrict_member: 'WeCom customer groups have no mute that an API can lift.',
};

function checkConfig(c: WecomConfig): void {
  const missing = (['corpId', 'secret', 'token', 'aesKey'] as const).filter((k) => !c[k]);
  if (missing.length > 0) throw new Error(`The WeCom channel needs ${missing.join(', ')}: copy them from the WeCom admin console.`);
  if (!isValidAesKey(c.aesKey)) {
    throw new Error('The WeCom EncodingAESKey must be the 43 letters and digits shown in the callback settings (接收事件服务器).');
  }
}

export function createWecomConnector(config: WecomConfig): WecomConnector {
  checkConfig(config);
  const now = config.now ?? Date.now;
  const api = new WecomApi({ corpId: config.corpId, secret: config.secret, apiRoot: config.apiRoot, timeoutMs: config.timeoutMs, now });
  const gate = new CallbackGate({ corpId: config.corpId, token: config.token, aesKey: config.aesKey, now, nonces: config.nonces });
  const mediaCache = config.mediaCache ?? memoryMediaCache();

  const detail = async (chatId: string): Promise<GroupChatDetail> => {
    const r = await api.call<{ group_chat: GroupChatDetail }>('externalcontact/groupchat/get', { chat_id: chatId, need_name: 1 });
    return r.group_chat;
  };

  const senderFor = async (chatId: string): Promise<string> => config.sender ?? (await detail(chatId)).owner;

  const massMessage = async (body: Record<string, unknown>, target: string, where: string): Promise<PerformResult> => {
    const r = await api.call<{ msgid?: string; fail_list?: string[] }>('externalcontact/add_msg_template', body, { sends: true });
    if (r.fail_list?.includes(target)) {
      throw new ChannelError('permanent', `WeCom would not send to ${where} ${target}: the sender cannot reach it (not its owner, or not a contact).`);
    }
    if (!r.msgid) throw new ChannelError('ambiguous', 'WeCom accepted the mass message but gave no msgid, so Chorus cannot follow it up.');
    return { status: 'awaiting_confirmation', externalId: r.msgid, at: new Date(now()) };
  };

  const textContent = (text: string, link?: string): { content: string } => {
    const content = link && !text.includes(link) ? `${text}\n${link}` : text;
    if (content.trim() === '') throw new ChannelError('permanent', 'The message is empty: WeCom needs some text to send.');
    if (Buffer.byteLength(content, 'utf8') > MAX_TEXT_BYTES) {
      throw new ChannelError('permanent', `The message is longer than WeCom allows (${MAX_TEXT_BYTES} bytes, about 1300 Chinese characters): shorten it or split it.`);
    }
    return { content };
  };

  const checkState = (state: string): string => {
    if (!state || chars(state) > STATE_CHARS) {
      throw new ChannelError('permanent', `The state of a WeCom join QR code must be 1 to ${STATE_CHARS} characters: "${state}".`);
    }
    return state;
  };

  // add_join_way answers with the config_id only; the QR code's address comes from get_join_way.
  const joinWay = async (body: Record<string, unknown>): Promise<Extract<PerformResult, { status: 'done' }>> => {
    const added = await api.call<{ config_id: string }>('externalcontact/groupchat/add_join_way', body);
    const got = await api.call<{ join_way: { qr_code: string; state?: string } }>('externalcontact/groupchat/get_join_way', { config_id: added.config_id });
    const data: Record<string, unknown> = { inviteLink: got.join_way.qr_code, configId: added.config_id };
    if (got.join_way.state) data.state = got.join_way.state;
    return { status: 'done', at: new Date(now()), data };
  };

  const perform = async (action: OutboundAction): Promise<PerformResult> => {
    switch (action.type) {
      case 'post': {
        const media: { source: string; type: MediaType }[] = [
          ...(action.image ? [{ source: action.image, type: 'image' as const }] : []),
          ...(action.file ? [{ source: action.file, type: 'file' as const }] : []),
        ];
        // "text和attachments不能同时为空": a post of only an image needs no text.
        const text = media.length && !action.text.trim() && !action.link ? undefined : textContent(action.text, action.link);
        const sender = await senderFor(action.chatId);
        const send = async () => {
          const attachments = [];
          for (const m of media) {
            const media_id = await mediaIdFor(api, mediaCache, m.source, m.type, now);
            attachments.push(m.type === 'image' ? { msgtype: 'image', image: { media_id } } : { msgtype: 'file', file: { media_id } });
          }
          const body: Record<string, unknown> = { chat_type: 'group', sender, chat_id_list: [action.chatId] };
          if (text) body.text = text;
          if (attachments.length) body.attachments = attachments;
          return massMessage(body, action.chatId, 'the group');
        };
        try {
          return await send();
        } catch (err) {
          // 40007 invalid media_id: a cached id WeCom no longer knows. Upload again, once.
          if (!(err instanceof ChannelError) || err.platformCode !== 40007 || !media.length) throw err;
          for (const m of media) await mediaCache.drop(m.source, m.type);
          return send();
        }
      }
      case 'direct_message': {
        const text = textContent(action.text);
        const body: Record<string, unknown> = { chat_type: 'single', external_userid: [action.userId], text };
        // Without a sender WeCom asks the staff member who last talked with the customer.
        const sender = action.chatId ? await senderFor(action.chatId) : config.sender;
        if (sender) body.sender = sender;
        return massMessage(body, action.userId, 'the customer');
      }
      case 'create_invite_link': {
        if (action.expiresAt || action.joinRequest || action.memberLimit !== undefined) {
          throw new ChannelError('permanent', 'WeCom group QR codes cannot expire, limit members or ask for approval: create the link without those options.');
        }
        // scene 2 = QR code; auto_create_room 0 (WeCom's default is 1): joiners go to this group, no new groups appear.
        const body: Record<string, unknown> = { scene: 2, auto_create_room: 0, chat_id_list: [action.chatId] };
        if (action.name) body.remark = [...action.name].slice(0, REMARK_CHARS).join('');
        if (action.state !== undefined) body.state = checkState(action.state);
        return joinWay(body);
      }
      case 'revoke_invite_link': {
        if (!action.ref) {
          throw new ChannelError('permanent', 'Chorus did not make this WeCom join QR code, so it cannot withdraw it: the group owner deletes the join way in the WeCom admin console.');
        }
        try {
          await api.call('externalcontact/groupchat/del_join_way', { config_id: action.ref });
        } catch (err) {
          // 40058 invalid config_id: the join way is gone already (deleted in the admin console, or by an earlier try).
          if (!(err instanceof ChannelError) || err.platformCode !== 40058) throw err;
        }
        return { status: 'done', at: new Date(now()), data: { revoked: action.link } };
      }
      case 'create_group': {
        const from = action.fromChatIds ?? [];
        if (from.length === 0) {
          throw new ChannelError(
            'permanent',
            'WeCom has no API to create a customer group: a staff member creates it in the WeCom client (WeCom creates groups by itself only through a join QR code over full groups).',
            { forPerson: true },
          );
        }
        if (from.length > JOIN_WAY_GROUPS) throw new ChannelError('permanent', `A WeCom join QR code holds at most ${JOIN_WAY_GROUPS} groups; ${from.length} were given.`);
        const base = action.name.trim();
        if (!base || chars(base) > ROOM_BASE_NAME_CHARS) {
          throw new ChannelError('permanent', `The name of the groups WeCom creates must be 1 to ${ROOM_BASE_NAME_CHARS} characters: "${action.name}".`);
        }
        const first = action.firstIndex ?? 1;
        if (!Number.isInteger(first) || first < 1) throw new ChannelError('permanent', `The first number of the groups WeCom creates must be a whole number from 1: ${first}.`);
        const body: Record<string, unknown> = { scene: 2, auto_create_room: 1, room_base_name: base, room_base_id: first, chat_id_list: from, remark: [...base].slice(0, REMARK_CHARS).join('') };
        if (action.state !== undefined) body.state = checkState(action.state);
        // Nothing exists yet: WeCom creates the group when the next person scans; it arrives as a
        // change_external_chat create callback (and in groupchat/list).
        const made = await joinWay(body);
        return { ...made, data: { ...made.data, pending: true, baseName: base, firstIndex: first } };
      }
      default:
        throw new ChannelError('permanent', NO_API[action.type] ?? `WeCom cannot do "${action.type}" through its API.`);
    }
  };

  const listGroups = async (): Promise<GroupInfo[]> => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const body: Record<string, unknown> = { status_filter: 0, limit: PAGE };
      if (cursor) body.cursor = cursor;
      const r = await api.call<{ group_chat_list?: { chat_id: string }[]; next_cursor?: string }>('externalcontact/groupchat/list', body);
      for (const g of r.group_chat_list ?? []) ids.push(g.chat_id);
      cursor = r.next_cursor || undefined;
    } while (cursor);
    // A few lookups at a time: fast enough for thousands of groups, well under WeCom's
    // concurrency limit (45033).
    const groups: GroupInfo[] = new Array(ids.length);
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const i = next++;
        groups[i] = toGroupInfo(await detail(ids[i]!));
      }
    };
    await Promise.all(Array.from({ length: Math.min(DETAIL_CONCURRENCY, ids.length) }, worker));
    return groups;
  };

  const pages = async <T>(path: string, body: Record<string, unknown>, key: string): Promise<T[]> => {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
      const r = await api.call<Record<string, unknown>>(path, cursor ? { ...body, cursor } : body);
      out.push(...((r[key] as T[] | undefined) ?? []));
      cursor = (r.next_cursor as string | undefined) || undefined;
    } while (cursor);
    return out;
  };

  const confirmation = async (externalId: string, chatId: string): Promise<Confirmation> => {
    const tasks = await pages<GroupMsgTask>('externalcontact/get_groupmsg_task', { msgid: externalId, limit: PAGE }, 'task_list');
    const results: GroupMsgSendResult[] = [];
    for (const t of tasks) {
      results.push(
        ...(await pages<GroupMsgSendResult>('externalcontact/get_groupmsg_send_result', { msgid: externalId, userid: t.userid, limit: PAGE }, 'send_list')),
      );
    }
    return confirmationState(tasks, results, chatId);
  };

  const handleCallback = async (req: WebhookRequest, ingest: Ingest, channelId: string): Promise<WebhookResponse> => {
    const plain = (status: number, body: string): WebhookResponse => ({ status, body, contentType: 'text/plain; charset=utf-8' });
    const method = req.method.toUpperCase();
    if (method === 'GET') {
      const v = await gate.verifyUrl(req.query);
      // WeCom wants the bare echostr back: no quotes, no newline.
      return v.ok ? plain(200, v.plaintext) : plain(v.status, v.reason);
    }
    if (method !== 'POST') return plain(405, 'This address only accepts WeCom callbacks (GET to verify, POST for events).');
    const opened = await gate.openEvent(req.query, req.body);
    if (!opened.ok) return plain(opened.status, opened.reason);
    let events: InboundEvent[];
    try {
      const e = readGroupChatEvent(opened.plaintext);
      if (!e) return plain(200, 'success');
      // The callback does not carry new names, notices or who joined how; the group detail does.
      const wantsDetail = e.changeType === 'create' || (e.changeType === 'update' && e.updateDetail !== 'del_member');
      const d = wantsDetail ? await detail(e.chatId).catch(() => undefined) : undefined;
      events = groupChatEvents(e, d);
    } catch (err) {
      if (!(err instanceof XmlError)) throw err;
      return plain(400, `The decrypted message is not readable XML: ${err.message}.`);
    }
    try {
      for (const ev of events) await ingest(channelId, ev);
    } catch {
      // Not stored: let WeCom's retry (it retries unanswered callbacks) get through the nonce check.
      await opened.release();
      return plain(500, 'The event could not be stored right now; WeCom will send it again.');
    }
    return plain(200, 'success');
  };

  return {
    kind: 'wecom',
    capabilities: WECOM_CAPABILITIES,
    perform,
    async verify() {
      try {
        await api.call('externalcontact/groupchat/list', { status_filter: 0, limit: 1 });
        return { ok: true, identity: `WeCom corp ${config.corpId}` };
      } catch (err) {
        if (err instanceof ChannelError) return { ok: false, reason: err.message, kind: err.kind };
        throw err;
      }
    },
    listGroups,
    async getGroup(chatId) {
      return toGroupInfo(await detail(chatId));
    },
    async confirmGone(chatId) {
      try {
        await detail(chatId);
        return false;
      } catch (err) {
        // 40050: "chatid不存在" — the group was dismissed (or never belonged to this corp).
        if (err instanceof ChannelError && err.platformCode === 40050) return true;
        throw err;
      }
    },
    handleCallback,
    confirmation,
    async remind(externalId) {
      // WeCom allows three reminders per mass message within 24 hours.
      await api.call('externalcontact/remind_groupmsg_send', { msgid: externalId });
    },
    async cancel(externalId) {
      await api.call('externalcontact/cancel_groupmsg_send', { msgid: externalId });
    },
  };
}
