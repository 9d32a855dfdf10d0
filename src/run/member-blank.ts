// What a person sees for a member-addressed step that is not yet one member's (the group's row of
// an audience step before it is expanded into members, a broadcast's private message, a welcome a
// leader sets up): never template syntax. Once expanded, each member's row has its text filled in
// for that member (src/run/expand.ts, src/run/member-task.ts) and needs no blanks. `{{ member.name }}` becomes a blank the leader
// fills in — "____" in English, 【成员昵称】 in Chinese, the way Chinese SOP scripts mark the
// nickname to replace — and the task says plainly whom to write to. Pure.
//
// The language is the text's own: a Chinese text gets the Chinese blank and instruction, so a
// Chinese sheet reads right whatever language the console is in.

import { compileTemplate } from '../sop/render.ts';

export type TextLanguage = 'en' | 'zh';

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

export function languageOfText(text: string): TextLanguage {
  return CJK.test(text) ? 'zh' : 'en';
}

/** The blank for one member value: the name, or another attribute (`{{ member.city }}`). */
function blank(key: string, language: TextLanguage): string {
  if (language === 'zh') return key === 'name' ? '【成员昵称】' : `【成员的${key}】`;
  return key === 'name' ? '____' : `____ (${key})`;
}

/** Replaces every `{{ member.* }}` with a blank to fill in; other text is left as it is. */
export function blankMemberValues(text: string, language: TextLanguage = languageOfText(text)): string {
  if (!text.includes('{{')) return text;
  let out = '';
  for (const seg of compileTemplate(text).segments) {
    if (typeof seg === 'string') out += seg;
    else if (seg.ref.kind === 'member') out += blank(seg.ref.key, language);
    else out += seg.raw;
  }
  return out;
}

export function hasMemberValues(text: string): boolean {
  return text.includes('{{') && compileTemplate(text).segments.some((s) => typeof s !== 'string' && s.ref.kind === 'member');
}

const PRIVATE = new Set(['notify', 'direct_message', 'remind']);

function audience(to: string | undefined, language: TextLanguage): string {
  const [kind, ...rest] = (to ?? 'members').split(':');
  const value = rest.join(':');
  if (language === 'zh') {
    switch (kind) {
      case 'enrolled':
        return '每位已报名的成员';
      case 'tag':
        return `每位带「${value}」标签的成员`;
      case 'stage':
        return `每位处于「${value}」阶段的成员`;
      case 'level':
        return `每位等级为「${value}」的成员`;
      case 'role':
        return `每位角色为「${value}」的成员`;
      default:
        return '每位群成员';
    }
  }
  switch (kind) {
    case 'enrolled':
      return 'each enrolled member';
    case 'tag':
      return `each member tagged “${value}”`;
    case 'stage':
      return `each member at the stage “${value}”`;
    case 'level':
      return `each member at the level “${value}”`;
    case 'role':
      return `each member with the role “${value}”`;
    default:
      return 'each member';
  }
}

// The words of src/sop/unless.ts.
const UNLESS: Record<string, Record<TextLanguage, string>> = {
  checked_in_today: { en: 'who has not checked in today', zh: '今天还没打卡' },
  checked_in: { en: 'who has not checked in this time', zh: '这次还没打卡' },
  answered_survey: { en: 'who has not answered the survey', zh: '还没填问卷' },
  spoke_today: { en: 'who has not spoken today', zh: '今天还没发言' },
  invited: { en: 'who has not invited anyone yet', zh: '还没邀请过人' },
  clicked: { en: 'who has not opened the link', zh: '还没点开链接' },
  customer: { en: 'who has not bought yet', zh: '还没购买' },
};

function unlessWords(unless: string | undefined, language: TextLanguage): string | undefined {
  if (!unless) return undefined;
  return UNLESS[unless]?.[language] ?? (language === 'zh' ? `不满足「${unless}」` : `for whom “${unless}” is not true`);
}

/**
 * The sentence that tells a person whom to write to, for a private message to an audience;
 * undefined for other actions.
 */
export function privateMessageInstruction(step: { do: string; to?: string; unless?: string }, groupName: string, text: string): string | undefined {
  if (!PRIVATE.has(step.do)) return undefined;
  const language = languageOfText(text);
  const who = audience(step.to, language);
  const unless = unlessWords(step.unless, language);
  const named = hasMemberValues(text);
  if (language === 'zh') {
    const whom = `「${groupName}」里${unless ? `${unless}的` : '的'}${who}`;
    return `请逐一私聊${whom}，一人发一条${named ? '，把【成员昵称】换成对方的昵称' : ''}。`;
  }
  return `Write privately to ${who} of “${groupName}”${unless ? ` ${unless}` : ''}, one message each${named ? ", with the person's name where the blank (____) is" : ''}.`;
}
