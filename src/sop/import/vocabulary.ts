// The words operators write in the Action, Owner, Kind and To columns, in English and Chinese,
// and the sheet-format ids they stand for. A word that is not here is reported, never guessed.

import { ACTIONS, type Action, COMMUNITIES, type Community, CONTENT_KINDS, type ContentKind } from '../types.ts';

/** Case, width, spaces, dashes and underscores do not matter: `Create group` = `create_group`. */
export function wordKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s_\-·.]+/g, '');
}

function table<T extends string>(ids: readonly T[], extra: Record<string, T>): Map<string, T> {
  const map = new Map<string, T>();
  for (const id of ids) map.set(wordKey(id), id);
  for (const [word, id] of Object.entries(extra)) map.set(wordKey(word), id);
  return map;
}

export const ACTION_WORDS: Record<string, Action> = {
  建群: 'create_group',
  创建群: 'create_group',
  创建群聊: 'create_group',
  新建群: 'create_group',
  改群名: 'rename',
  修改群名: 'rename',
  群公告: 'announce',
  公告: 'announce',
  发公告: 'announce',
  发群公告: 'announce',
  announcement: 'announce',
  欢迎语: 'welcome',
  入群欢迎语: 'welcome',
  设置欢迎语: 'welcome',
  邀请: 'invite',
  拉群: 'invite',
  邀请入群: 'invite',
  群发: 'post',
  发消息: 'post',
  发群消息: 'post',
  群消息: 'post',
  通知: 'notify',
  私聊: 'notify',
  私信: 'notify',
  dm: 'direct_message',
  任务: 'task',
  打卡: 'checkin',
  'check-in': 'checkin',
  提醒: 'remind',
  问卷: 'survey',
  问卷调查: 'survey',
  打标签: 'tag',
  分群: 'move',
  解散: 'disband',
  解散群: 'disband',
};

export const OWNER_WORDS: Record<string, string> = {
  机器人: 'bot',
  robot: 'bot',
  群主: 'owner',
  群管: 'leader',
  群管理: 'leader',
  班主任: 'leader',
  group_leader: 'leader',
  助教: 'assistant',
  ta: 'assistant',
};
const OWNER_IDS = ['bot', 'owner', 'leader', 'assistant'] as const;

export const KIND_WORDS: Record<string, ContentKind> = {
  通知: 'info',
  信息: 'info',
  群规: 'rules',
  规则: 'rules',
  rule: 'rules',
  促活: 'activation',
  活跃: 'activation',
  预热: 'warmup',
  转化: 'conversion',
  成交: 'conversion',
  任务: 'task',
  反馈: 'feedback',
};

export const COMMUNITY_WORDS: Record<string, Community> = {
  引流群: 'lead',
  引流: 'lead',
  新人群: 'newcomer',
  新用户群: 'newcomer',
  训练营: 'training_camp',
  交付群: 'delivery',
  交付: 'delivery',
  粉丝群: 'fans',
  铁粉群: 'fans',
  地方群: 'local',
  同城群: 'local',
  camp: 'training_camp',
};

/** Audience words for the To column; `tag:`, `stage:`, `level:`, `role:` forms pass through. */
export const AUDIENCE_WORDS: Record<string, string> = {
  全员: 'members',
  全体成员: 'members',
  所有人: 'members',
  群成员: 'members',
  all: 'members',
  报名用户: 'enrolled',
  已报名: 'enrolled',
};

const actions = table(ACTIONS, ACTION_WORDS);
const owners = table(OWNER_IDS, OWNER_WORDS);
const kinds = table(CONTENT_KINDS, KIND_WORDS);
const communities = table(COMMUNITIES, COMMUNITY_WORDS);
const audiences = table(['members', 'enrolled'], AUDIENCE_WORDS);

export type Lookup<T> = { ok: true; value: T } | { ok: false; reason: string };

function lookup<T extends string>(map: Map<string, T>, words: Record<string, T>, text: string, what: string): Lookup<T> {
  const hit = map.get(wordKey(text));
  if (hit) return { ok: true, value: hit };
  return { ok: false, reason: `"${text.trim()}" is not ${what} I know; use one of ${choices(map, words)}` };
}

/** `post (群发, 发消息)`, … — every id with the Chinese words that mean it. */
function choices<T extends string>(map: Map<string, T>, words: Record<string, T>): string {
  const ids = [...new Set(map.values())];
  return ids
    .map((id) => {
      const zh = Object.entries(words)
        .filter(([w, v]) => v === id && /\P{ASCII}/u.test(w))
        .map(([w]) => w);
      return zh.length ? `${id} (${zh.join(', ')})` : id;
    })
    .join('; ');
}

export function readAction(text: string): Lookup<Action> {
  return lookup(actions, ACTION_WORDS, text, 'an action');
}

export function readOwner(text: string): Lookup<string> {
  return lookup(owners, OWNER_WORDS, text, 'an owner');
}

export function readKind(text: string): Lookup<ContentKind> {
  return lookup(kinds, KIND_WORDS, text, 'a kind of content');
}

export function readCommunity(text: string): Lookup<Community> {
  return lookup(communities, COMMUNITY_WORDS, text, 'a community type');
}

export function readAudience(text: string): Lookup<string> {
  const t = text.normalize('NFKC').trim();
  const prefixed = /^(tag|stage|level|role|标签)\s*:\s*(\S.*)$/i.exec(t);
  if (prefixed) {
    const prefix = prefixed[1] === '标签' ? 'tag' : prefixed[1].toLowerCase();
    return { ok: true, value: `${prefix}:${prefixed[2].trim()}` };
  }
  const hit = audiences.get(wordKey(t));
  if (hit) return { ok: true, value: hit };
  return {
    ok: false,
    reason: `"${t}" is not an audience I know; use members (全员, 所有人), enrolled (已报名), or tag:<name> (标签:<name>), stage:<name>, level:<name>, role:<name>`,
  };
}
