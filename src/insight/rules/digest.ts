// The weekly digest (docs/insight.md, "The weekly digest"): a group's ISO week — new members,
// active members, members' messages, the most-replied messages, the top contributors, check-ins
// and questions answered — and its text post, the "group magazine" (群周报) a bot or the leader
// posts. Pure: the week's facts in, the figures and the words out.

import { DateTime } from 'luxon';
import { type Locale, translate } from '../../i18n/index.ts';

/** How many messages and contributors the digest names. */
export const DIGEST_TOP = 3;
/** A top message's text is clipped to this many characters (a post stays short; Telegram's caption is 1,024). */
export const DIGEST_CLIP = 40;
/** A member's name is clipped to this many characters. */
export const NAME_CLIP = 16;

const WEEK = /^(\d{4})-W(\d{2})$/;

export interface WeekRange {
  /** `2026-W48` */
  week: string;
  /** Monday 00:00 local, included. */
  start: Date;
  /** The next Monday 00:00 local, excluded. */
  end: Date;
}

/** A `YYYY-Www` ISO week in a zone; undefined when it is not one (`2026-W54`, `2026-48`). */
export function weekRange(week: string, zone: string): WeekRange | undefined {
  const m = WEEK.exec(week.trim());
  if (!m) return undefined;
  const start = DateTime.fromObject({ weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: 1 }, { zone });
  if (!start.isValid || start.weekYear !== Number(m[1]) || start.weekNumber !== Number(m[2])) return undefined;
  return { week: start.toFormat("kkkk-'W'WW"), start: start.toJSDate(), end: start.plus({ weeks: 1 }).toJSDate() };
}

/** The last ISO week that is over at `now` in the zone (on a Monday: the week that just ended). */
export function lastCompleteWeek(now: Date, zone: string): WeekRange {
  const monday = DateTime.fromJSDate(now, { zone }).startOf('week').minus({ weeks: 1 });
  return weekRange(monday.toFormat("kkkk-'W'WW"), zone) as WeekRange;
}

/** A member's message of the week with the replies it got. */
export interface DigestMessage {
  member: string;
  name: string;
  text: string;
  at: Date;
  replies: number;
}

/** What the adapter reads for one group and week: members only (not staff, not bots). */
export interface DigestFacts {
  /** Members who joined during the week. */
  joined: readonly string[];
  /** Members' messages sent during the week (each with its replies). */
  messages: readonly DigestMessage[];
  /** Members who checked in, one entry per check-in. */
  checkins: readonly string[];
  /** Questions of the group answered during the week. */
  questionsAnswered: number;
}

export interface TopMessage {
  member: string;
  name: string;
  text: string;
  replies: number;
}

export interface TopContributor {
  member: string;
  name: string;
  messages: number;
}

export interface DigestFigures {
  newMembers: number;
  activeMembers: number;
  messages: number;
  topMessages: TopMessage[];
  topContributors: TopContributor[];
  checkins: number;
  questionsAnswered: number;
}

/** Clips to `max` characters (whole code points), on one line, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  const chars = [...one];
  return chars.length <= max ? one : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** The week's figures. Ties: the earlier message, the member who wrote first. */
export function digestFigures(f: DigestFacts): DigestFigures {
  const byTime = [...f.messages].sort((a, b) => a.at.getTime() - b.at.getTime());
  const topMessages = byTime
    .filter((m) => m.replies > 0)
    .map((m, i) => ({ m, i }))
    .sort((a, b) => b.m.replies - a.m.replies || a.i - b.i)
    .slice(0, DIGEST_TOP)
    .map(({ m }) => ({ member: m.member, name: clip(m.name, NAME_CLIP), text: clip(m.text, DIGEST_CLIP), replies: m.replies }));
  const counts = new Map<string, { name: string; messages: number; first: number }>();
  byTime.forEach((m, i) => {
    const c = counts.get(m.member);
    if (c) c.messages++;
    else counts.set(m.member, { name: m.name, messages: 1, first: i });
  });
  const topContributors = [...counts.entries()]
    .sort(([, a], [, b]) => b.messages - a.messages || a.first - b.first)
    .slice(0, DIGEST_TOP)
    .map(([member, c]) => ({ member, name: clip(c.name, NAME_CLIP), messages: c.messages }));
  return {
    newMembers: new Set(f.joined).size,
    activeMembers: new Set([...f.messages.map((m) => m.member), ...f.checkins]).size,
    messages: f.messages.length,
    topMessages,
    topContributors,
    checkins: f.checkins.length,
    questionsAnswered: f.questionsAnswered,
  };
}

/** The week's dates as a reader says them: 12月1日–12月7日 · 1–7 Dec. */
export function weekDates(range: WeekRange, zone: string, locale: Locale): string {
  const a = DateTime.fromJSDate(range.start, { zone });
  const b = DateTime.fromJSDate(range.end, { zone }).minus({ days: 1 });
  if (locale === 'zh') return `${a.month}月${a.day}日–${b.month}月${b.day}日`;
  return a.month === b.month ? `${a.day}–${b.day} ${b.toFormat('LLL', { locale: 'en' })}` : `${a.toFormat('d LLL', { locale: 'en' })} – ${b.toFormat('d LLL', { locale: 'en' })}`;
}

/**
 * The text post, short and warm, in the group's language: the title with the week, the welcome,
 * the week's talk, check-ins and answers, the most-replied messages, the most active members and
 * a thank-you. A line whose figure is 0 is left out; members are named, never by id.
 */
export function digestText(d: DigestFigures, o: { groupName: string; dates: string; locale: Locale }): string {
  const t = (key: string, vars?: Record<string, string | number>) => translate(o.locale, `digest.post.${key}`, vars);
  const lines = [t('title', { group: o.groupName, dates: o.dates })];
  if (d.newMembers) lines.push(t('welcome', { count: d.newMembers }));
  if (d.messages) lines.push(t(d.activeMembers === 1 ? 'talkOne' : 'talk', { active: d.activeMembers, count: d.messages }));
  else if (d.activeMembers) lines.push(t('active', { count: d.activeMembers }));
  else lines.push(t('quiet'));
  const extra = [d.checkins ? t('checkins', { count: d.checkins }) : '', d.questionsAnswered ? t('answered', { count: d.questionsAnswered }) : ''].filter(Boolean);
  if (extra.length) lines.push(extra.join(t('sep')));
  if (d.topMessages.length) {
    lines.push('', t('topMessages'));
    lines.push(...d.topMessages.map((m, i) => t('topMessage', { n: i + 1, name: m.name, text: m.text, count: m.replies })));
  }
  if (d.topContributors.length) {
    lines.push('', t('contributors', { names: d.topContributors.map((c) => t('contributor', { name: c.name, count: c.messages })).join(t('list')) }));
  }
  lines.push('', t('thanks'));
  return lines.join('\n');
}
