// The API routes of the local WeCom server (test/support/wecom-api.ts): one function per
// official endpoint, with the request checks, response shapes and errcodes of the docs.

import { randomBytes } from 'node:crypto';
import type { JoinWay, Template, WecomApiServer } from './wecom-api.ts';

const ERRMSG: Record<number, string> = {
  [-1]: 'system busy',
  40001: 'invalid secret',
  40003: 'invalid userid',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40006: 'invalid file size',
  40007: 'invalid media_id',
  40009: 'invalid image size',
  41005: 'media data missing',
  44001: 'empty media data',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40050: 'chatid not found',
  40058: 'invalid parameter',
  41001: 'access_token missing',
  42001: 'access_token expired',
  45009: 'api freq out of limit',
  45033: 'api concurrent out of limit',
};

export function reply(code: number, msg?: string): { errcode: number; errmsg: string } {
  const text = msg ?? ERRMSG[code] ?? 'error';
  const hint = randomBytes(8).toString('hex');
  return { errcode: code, errmsg: `${text}, hint: [${hint}], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=${code}` };
}

export const OK = { errcode: 0, errmsg: 'ok' };

type Route = (s: WecomApiServer, b: Record<string, unknown>) => unknown;

const utf8Chars = (v: unknown) => [...String(v)].length;

function joinWayProblem(s: WecomApiServer, b: Record<string, unknown>, adding: boolean): unknown {
  if ((adding || b.scene !== undefined) && b.scene !== 1 && b.scene !== 2) return reply(40058, 'invalid scene');
  const ids = b.chat_id_list as string[] | undefined;
  if (adding || ids !== undefined) {
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 5) return reply(40058, 'chat_id_list must hold 1 to 5 groups');
    if (ids.some((id) => !s.groups.has(id))) return reply(40050);
  }
  if (b.auto_create_room !== undefined && b.auto_create_room !== 0 && b.auto_create_room !== 1) return reply(40058, 'invalid auto_create_room');
  if (b.room_base_name !== undefined && utf8Chars(b.room_base_name) > 40) return reply(40058, 'room_base_name exceeds 40 characters');
  if (b.room_base_id !== undefined && (!Number.isInteger(b.room_base_id) || Number(b.room_base_id) < 0)) return reply(40058, 'invalid room_base_id');
  if (b.state !== undefined && utf8Chars(b.state) > 30) return reply(40058, 'state exceeds 30 characters');
  return undefined;
}

function joinWayOf(config_id: string, b: Record<string, unknown>): JoinWay {
  return {
    config_id,
    scene: Number(b.scene) as 1 | 2,
    remark: typeof b.remark === 'string' ? [...b.remark].slice(0, 30).join('') : '',
    auto_create_room: b.auto_create_room === 0 ? 0 : 1,
    room_base_name: typeof b.room_base_name === 'string' ? b.room_base_name : '',
    room_base_id: Number.isInteger(b.room_base_id) ? Number(b.room_base_id) : 1,
    chat_id_list: [...(b.chat_id_list as string[])],
    state: typeof b.state === 'string' ? b.state : '',
    created: [],
  };
}

function page<T>(s: WecomApiServer, items: T[], b: Record<string, unknown>, max: number): { items: T[]; next_cursor: string } | undefined {
  const limit = b.limit === undefined ? max : Number(b.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) return undefined;
  const start = b.cursor ? Number(Buffer.from(String(b.cursor), 'base64url').toString()) : 0;
  const end = start + Math.min(limit, s.pageCap);
  return { items: items.slice(start, end), next_cursor: end < items.length ? Buffer.from(String(end)).toString('base64url') : '' };
}

export const ROUTES: Record<string, Route> = {
  'externalcontact/groupchat/list': (s, b) => {
    const owners = (b.owner_filter as { userid_list?: string[] } | undefined)?.userid_list;
    const status = Number(b.status_filter ?? 0);
    const all = [...s.groups.values()].filter((g) => (!owners || owners.includes(g.owner)) && (status === 0 || g.status === status));
    const p = page(s, all, b, 1000);
    if (!p) return reply(40058, 'invalid limit');
    return { ...OK, group_chat_list: p.items.map((g) => ({ chat_id: g.chat_id, status: g.status })), next_cursor: p.next_cursor };
  },
  'externalcontact/groupchat/get': (s, b) => {
    const g = s.groups.get(String(b.chat_id ?? ''));
    if (!g) return reply(40050);
    const { status: _status, ...chat } = g;
    const needName = Number(b.need_name ?? 0) === 1;
    return { ...OK, group_chat: { ...chat, member_list: chat.member_list.map((m) => (needName ? m : { ...m, name: undefined })) } };
  },
  'externalcontact/add_msg_template': (s, b) => {
    const chatType = (b.chat_type ?? 'single') as string;
    if (chatType !== 'single' && chatType !== 'group') return reply(40058, 'invalid chat_type');
    const text = b.text as { content?: string } | undefined;
    if (!text?.content && !Array.isArray(b.attachments)) return reply(40058, 'text or attachments required');
    if (text?.content && Buffer.byteLength(text.content) > 4000) return reply(40058, 'text content too long');
    // attachments: up to 9, each {msgtype: image|link|miniprogram|video|file, <msgtype>: {…}}; images,
    // videos and files by the media_id of a temporary material, valid three days.
    if (b.attachments !== undefined) {
      if (!Array.isArray(b.attachments) || b.attachments.length > 9) return reply(40058, 'attachments: at most 9');
      for (const a of b.attachments as Record<string, Record<string, unknown> | string>[]) {
        const type = a.msgtype as string;
        if (type === 'link' || type === 'miniprogram') continue;
        if (!['image', 'video', 'file'].includes(type)) return reply(40058, `invalid attachment msgtype ${type}`);
        const ref = a[type] as { media_id?: string } | undefined;
        const m = s.media.get(String(ref?.media_id ?? ''));
        if (!m || m.created_at * 1000 + 3 * 24 * 3600 * 1000 <= s.now()) return reply(40007);
        if (m.type !== type) return reply(40007, 'media type does not match msgtype');
      }
    }
    const sender = b.sender as string | undefined;
    const staff = new Set([...s.groups.values()].map((g) => g.owner).concat([...s.contacts.keys()]));
    if (sender !== undefined && !staff.has(sender)) return reply(40003);
    const msgid = `msg${randomBytes(12).toString('base64url')}`;
    const t: Template = {
      msgid,
      chat_type: chatType,
      text: text?.content ? { content: text.content } : undefined,
      attachments: b.attachments as unknown[] | undefined,
      create_time: Math.floor(Date.now() / 1000),
      tasks: new Map(),
      results: [],
      reminders: 0,
      cancelled: false,
    };
    if (sender) t.sender = sender;
    const fail_list: string[] = [];
    if (chatType === 'group') {
      // "sender: 发送企业群发消息的成员userid，当类型为发送给客户群时必填"
      if (!sender) return reply(40058, 'sender required for chat_type group');
      const ids = (b.chat_id_list as string[] | undefined) ?? [...s.groups.values()].filter((g) => g.owner === sender).map((g) => g.chat_id);
      for (const id of ids) {
        if (s.groups.get(id)?.owner === sender) t.results.push({ userid: sender, chat_id: id, status: 0 });
        else fail_list.push(id);
      }
      if (t.results.length > 0) t.tasks.set(sender, { status: 0 });
    } else {
      // "external_userid: 客户的外部联系人id列表，仅在chat_type为single时有效，最多可一次指定1万个客户";
      // "当只提供sender参数时，相当于选取了这个成员所有的客户".
      const given = b.external_userid as string[] | undefined;
      if (given !== undefined && (!Array.isArray(given) || given.length > 10_000)) return reply(40058, 'external_userid: at most 10000');
      if (!given?.length && !sender) return reply(40058, 'external_userid or sender required');
      const targets = given?.length ? given : [...(s.contacts.get(sender as string) ?? [])];
      for (const ext of targets) {
        const who = sender ? (s.contacts.get(sender)?.has(ext) ? sender : undefined) : [...s.contacts].find(([, set]) => set.has(ext))?.[0];
        if (!who) {
          fail_list.push(ext);
          continue;
        }
        t.results.push({ userid: who, external_userid: ext, status: 0 });
        t.tasks.set(who, { status: 0 });
      }
    }
    s.templates.set(msgid, t);
    return { ...OK, fail_list, msgid };
  },
  'externalcontact/get_groupmsg_list_v2': (s, b) => {
    const from = Number(b.start_time);
    const to = Number(b.end_time);
    if (!Number.isFinite(from) || !Number.isFinite(to)) return reply(40058, 'start_time and end_time required');
    const list = [...s.templates.values()].filter((t) => t.chat_type === (b.chat_type ?? 'single') && t.create_time >= from && t.create_time <= to);
    const p = page(s, list, b, 100);
    if (!p) return reply(40058, 'invalid limit');
    return {
      ...OK,
      next_cursor: p.next_cursor,
      group_msg_list: p.items.map((t) => ({ msgid: t.msgid, creator: t.sender, create_time: String(t.create_time), create_type: 0, text: t.text, attachments: t.attachments ?? [] })),
    };
  },
  'externalcontact/get_groupmsg_task': (s, b) => {
    const t = s.templates.get(String(b.msgid ?? ''));
    if (!t) return reply(40058, 'invalid msgid');
    const p = page(s, [...t.tasks].map(([userid, task]) => ({ userid, ...task })), b, 1000);
    if (!p) return reply(40058, 'invalid limit');
    return { ...OK, next_cursor: p.next_cursor, task_list: p.items };
  },
  'externalcontact/get_groupmsg_send_result': (s, b) => {
    const t = s.templates.get(String(b.msgid ?? ''));
    if (!t) return reply(40058, 'invalid msgid');
    if (!b.userid) return reply(40058, 'userid required');
    const p = page(
      s,
      t.results.filter((r) => r.userid === b.userid),
      b,
      1000,
    );
    if (!p) return reply(40058, 'invalid limit');
    return { ...OK, next_cursor: p.next_cursor, send_list: p.items };
  },
  'externalcontact/remind_groupmsg_send': (s, b) => {
    const t = s.templates.get(String(b.msgid ?? ''));
    if (!t) return reply(40058, 'invalid msgid');
    t.reminders++;
    return OK;
  },
  'externalcontact/cancel_groupmsg_send': (s, b) => {
    const t = s.templates.get(String(b.msgid ?? ''));
    if (!t) return reply(40058, 'invalid msgid');
    t.cancelled = true;
    return OK;
  },
  // 客户群「加入群聊」管理 (developer.work.weixin.qq.com/document/path/92229): scene 1 mini program
  // button / 2 QR code; chat_id_list "支持5个"; auto_create_room "默认为1"; room_base_name "最长40个
  // utf8字符"; state "不超过30个UTF-8字符"; remark "超过30个字符将被截断". add answers config_id only.
  'externalcontact/groupchat/add_join_way': (s, b) => {
    const bad = joinWayProblem(s, b, true);
    if (bad) return bad;
    const config_id = randomBytes(16).toString('hex');
    s.joinWays.set(config_id, joinWayOf(config_id, b));
    return { ...OK, config_id };
  },
  'externalcontact/groupchat/get_join_way': (s, b) => {
    const w = s.joinWays.get(String(b.config_id ?? ''));
    if (!w) return reply(40058, 'invalid config_id');
    const { created: _created, ...way } = w;
    return { ...OK, join_way: { ...way, ...(way.scene === 2 ? { qr_code: `http://p.qpic.cn/wwhead/${w.config_id}/0` } : {}) } };
  },
  // "更新" keeps what is not given; scene and chat_id_list, when given, replace the old ones.
  'externalcontact/groupchat/update_join_way': (s, b) => {
    const w = s.joinWays.get(String(b.config_id ?? ''));
    if (!w) return reply(40058, 'invalid config_id');
    const bad = joinWayProblem(s, b, false);
    if (bad) return bad;
    const next = joinWayOf(w.config_id, { ...w, ...b });
    s.joinWays.set(w.config_id, { ...next, created: w.created });
    return OK;
  },
  'externalcontact/groupchat/del_join_way': (s, b) => {
    if (!s.joinWays.delete(String(b.config_id ?? ''))) return reply(40058, 'invalid config_id');
    return OK;
  },
};

