// Moderation, pure: one message judged against a group's settings — links outside the allowlist,
// contact-hunting, banned words, floods; stricter in a member's first hours — and the action
// decided: delete and warn, or after `warn` warnings within the window mute or remove (and
// blacklist). Staff, leaders and exempt roles are never judged. The settings document is checked
// by a zod schema with problems that name the field. docs/insight.md#moderation.

import { z } from 'zod';
import { type Msg, msg } from '../../i18n/index.ts';
import { overDefaults, problemOf, type RulesProblem } from '../../community/standing/rules.ts';
import { bannedWordIn, contactIn, linksIn } from './moderation-text.ts';

/** The hostname of a domain or a URL as the URL parser writes it (lower case, IDN as punycode, no trailing dot); null when it is none. */
export function hostOf(domainOrUrl: string): string | null {
  const t = domainOrUrl.trim();
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `http://${t}`);
    return u.hostname.replace(/\.$/, '') || null;
  } catch {
    return null;
  }
}

const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;
// `example.com`, `*.example.com`, `https://example.com/` all read as example.com.
const Domain = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .transform((d, ctx) => {
    const host = hostOf(d.replace(/^\*\./, ''));
    if (host && HOST.test(host)) return host;
    ctx.addIssue({ code: 'custom', message: 'moderation.settings.badDomain', params: { text: msg('moderation.settings.badDomain', { domain: d }) } });
    return z.NEVER;
  });

export const ModerationSettingsSchema = z.strictObject({
  /** Links outside `allowDomains`: blocked or allowed. */
  links: z.enum(['block', 'allow']),
  /** Domains whose links (and their subdomains' links) are allowed; `*.example.com` is read as example.com. */
  allowDomains: z.array(Domain).max(200),
  /** Banned words: case, width and filler characters between letters ignored. */
  words: z.array(z.string().trim().min(1).max(100)).max(500),
  /** Contact-hunting: phone numbers, "加V", WeChat and QQ ids, e-mail addresses. */
  contacts: z.enum(['block', 'allow']),
  /** More than `messages` messages from one member within `seconds` seconds is a flood. */
  flood: z.strictObject({ messages: z.number().int().min(2).max(100), seconds: z.number().int().min(1).max(3600) }),
  /** In a member's first hours any link counts (even allowlisted) and contacts are always blocked; 0: off. */
  newMemberHours: z.number().int().min(0).max(720),
  /** Warnings within the window before the next violation mutes or removes. */
  warn: z.number().int().min(1).max(20),
  warnWindowHours: z.number().int().min(1).max(720),
  /**
   * What the next violation after `warn` warnings does. Named `after` ("warn 3, after: mute"), not
   * `then` as the CLI's `--then` flag: an object with a `then` key passes for a promise.
   */
  after: z.enum(['mute', 'remove']),
  /** With `after: remove`, the removed member is also blacklisted. */
  blacklist: z.boolean(),
});

export type ModerationSettings = z.infer<typeof ModerationSettingsSchema>;

export const DEFAULT_MODERATION: ModerationSettings = {
  links: 'block',
  allowDomains: [],
  words: [],
  contacts: 'block',
  flood: { messages: 6, seconds: 10 },
  newMemberHours: 24,
  warn: 3,
  warnWindowHours: 24,
  after: 'mute',
  blacklist: false,
};

export class ModerationSettingsError extends Error {
  readonly problems: RulesProblem[];
  constructor(problems: RulesProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message.key}`).join('; '));
    this.name = 'ModerationSettingsError';
    this.problems = problems;
  }
}

/** Reads a group's moderation settings (partial: the rest from `base`, the defaults unless given). Throws ModerationSettingsError. */
export function readModerationSettings(input: unknown, base: ModerationSettings = DEFAULT_MODERATION): ModerationSettings {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) {
    throw new ModerationSettingsError([{ field: '(document)', message: msg('moderation.settings.notObject') }]);
  }
  const r = ModerationSettingsSchema.safeParse(overDefaults(input ?? {}, base));
  if (r.success) return r.data;
  throw new ModerationSettingsError(r.error.issues.map(problemOf));
}

export const MODERATION_RULES = ['link', 'new_member_link', 'contact', 'word', 'flood'] as const;
export type ModerationRule = (typeof MODERATION_RULES)[number];

/** One broken rule and what in the message broke it (for a flood: how many messages in the window). */
export interface Violation {
  rule: ModerationRule;
  match: string;
}

export interface ModeratedMessage {
  text: string;
  /** The links the platform found in the message (entities); links written in the text are found too. */
  links: readonly string[];
  at: Date;
}

export interface ModeratedMember {
  joinedAt: Date | null;
  isStaff: boolean;
  isLeader: boolean;
  /** The member has a role the settings exempt. */
  exemptRole: boolean;
  /** When the member's previous messages in the group were sent (this one not included). */
  recentMessageTimes: readonly Date[];
  /** Warnings the member was given within the window, before this message. */
  warningsInWindow: number;
}

export interface Judgement {
  exempt: boolean;
  violations: Violation[];
  action: 'none' | 'warn' | 'mute' | 'remove';
  /** Whether the message is deleted (every violation deletes it). */
  delete: boolean;
  /** For `warn`: this warning's number within the window (1 to `of`). */
  warning: number | null;
  of: number;
  blacklist: boolean;
}

const HOUR = 3_600_000;

function allowed(host: string, domains: readonly string[]): boolean {
  return domains.some((d) => host === d || host.endsWith(`.${d}`));
}

/** The violations of one message, in the order link, contact, word, flood. */
export function violationsOf(s: ModerationSettings, m: ModeratedMessage, member: ModeratedMember): Violation[] {
  const out: Violation[] = [];
  const isNew = member.joinedAt !== null && s.newMemberHours > 0 && m.at.getTime() - member.joinedAt.getTime() < s.newMemberHours * HOUR;
  const links = [...new Set([...m.links, ...linksIn(m.text)])];
  if (isNew && links.length) out.push({ rule: 'new_member_link', match: links[0] });
  else if (s.links === 'block') {
    const bad = links.find((l) => {
      const host = hostOf(l);
      return !host || !allowed(host, s.allowDomains);
    });
    if (bad) out.push({ rule: 'link', match: bad });
  }
  if (s.contacts === 'block' || isNew) {
    const contact = contactIn(m.text);
    if (contact) out.push({ rule: 'contact', match: contact });
  }
  const word = bannedWordIn(m.text, s.words);
  if (word) out.push({ rule: 'word', match: word });
  const at = m.at.getTime();
  const inWindow = 1 + member.recentMessageTimes.filter((t) => t.getTime() <= at && at - t.getTime() < s.flood.seconds * 1000).length;
  if (inWindow > s.flood.messages) out.push({ rule: 'flood', match: String(inWindow) });
  return out;
}

/** One message judged: its violations and the action decided. */
export function judgeMessage(s: ModerationSettings, m: ModeratedMessage, member: ModeratedMember): Judgement {
  const none: Judgement = { exempt: false, violations: [], action: 'none', delete: false, warning: null, of: s.warn, blacklist: false };
  if (member.isStaff || member.isLeader || member.exemptRole) return { ...none, exempt: true };
  const violations = violationsOf(s, m, member);
  if (!violations.length) return none;
  if (member.warningsInWindow >= s.warn) return { ...none, violations, action: s.after, delete: true, blacklist: s.after === 'remove' && s.blacklist };
  return { ...none, violations, action: 'warn', delete: true, warning: member.warningsInWindow + 1 };
}

/** The rule in words, as the warning names it. */
export function ruleText(v: Violation, s: ModerationSettings): Msg {
  return v.rule === 'new_member_link' ? msg('moderation.rule.new_member_link', { hours: s.newMemberHours }) : msg(`moderation.rule.${v.rule}`);
}

/** The bot's reply to a warned member, naming the first rule broken; null when the judgement is not a warning. */
export function warningText(j: Judgement, s: ModerationSettings): Msg | null {
  if (j.action !== 'warn' || j.warning === null) return null;
  const rule = ruleText(j.violations[0], s);
  const key = j.warning < j.of ? 'moderation.warn' : s.after === 'mute' ? 'moderation.warn.lastMute' : 'moderation.warn.lastRemove';
  return msg(key, { rule, n: j.warning, of: j.of });
}

/** What the group is told when a member is muted or removed; null for other actions. */
export function actionText(j: Judgement, member: string): Msg | null {
  if (j.action !== 'mute' && j.action !== 'remove') return null;
  return msg(j.action === 'mute' ? 'moderation.muted' : 'moderation.removed', { member, of: j.of, rule: msg(`moderation.ruleName.${j.violations[0].rule}`) });
}
