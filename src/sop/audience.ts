// The member selector: who a step, a list or a segment is about. One grammar shared by the CLI
// (`--where`), the API (`?where=`), the console's filter and sheets (`to:`). Pure: text in,
// clauses out; src/community/audience.ts turns clauses into a query.
//
//   all | members | enrolled
//   tag:<t> | stage:<s> | level:<l> | role:<r> | group:<a group selector term> | segment:<name>
//   joined<7d | active<7d | inactive>14d          (units m, h, d, w)
//   points>=N | checkins>=N                       (>=, <=, >, <, =)
// Terms joined with `+` must all hold; a term starting with `!` is negated.

import { type Msg, msg } from '../i18n/msg.ts';

/** The seven relationship stages, in order (不认识你 → 复购你). */
export const STAGES = ['stranger', 'curious', 'acquainted', 'engaged', 'familiar', 'customer', 'repeat'] as const;
export type Stage = (typeof STAGES)[number];

/** The activity pyramid, bottom up (普通 → 专业). */
export const LEVELS = ['ordinary', 'active', 'contributing', 'professional'] as const;
export type Level = (typeof LEVELS)[number];

/** A member's role in a group. */
export const MEMBER_ROLES = ['leader', 'assistant', 'committee', 'kol'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** What can happen to or by a member: the kinds of their timeline (src/community/events.ts records them). */
export const MEMBER_EVENT_KINDS = [
  'join_request',
  'join',
  'leave',
  'message',
  'reply',
  'checkin',
  'invite',
  'click',
  'order',
  'answer',
  'points',
  'tag',
  'role',
  'stage',
  'level',
  'admission',
  'blacklist',
  'merge',
  'dm_linked',
  'import',
] as const;
export type MemberEventKind = (typeof MEMBER_EVENT_KINDS)[number];

export type Comparison = '>=' | '<=' | '>' | '<' | '=';

export type AudienceTerm =
  /** Everyone Chorus knows (in a step: everyone in the group, like `members`). */
  | { kind: 'all' }
  /** Present in the group now (in a list: present in at least one group). */
  | { kind: 'members' }
  /** Present, and a participant: not a bot, not the group's leader or assistant. */
  | { kind: 'enrolled' }
  | { kind: 'tag'; value: string }
  | { kind: 'stage'; value: Stage }
  | { kind: 'level'; value: Level }
  | { kind: 'role'; value: MemberRole }
  /** Present in a group the group selector term picks (`group:tag:camp`, `group:id:g1`). */
  | { kind: 'group'; value: string }
  /** The members a saved segment picks (its selector, read when the query is built). */
  | { kind: 'segment'; value: string }
  /** Joined a group (the step's group, or any) less than `minutes` ago. */
  | { kind: 'joined'; minutes: number }
  /** Last active less than `minutes` ago. */
  | { kind: 'active'; minutes: number }
  /** Not active for more than `minutes` (never active counts as inactive). */
  | { kind: 'inactive'; minutes: number }
  | { kind: 'points' | 'checkins'; op: Comparison; value: number };

export interface AudienceClause {
  negated: boolean;
  term: AudienceTerm;
}

export class AudienceError extends Error {
  readonly text: Msg;
  constructor(text: Msg) {
    super(text.key);
    this.name = 'AudienceError';
    this.text = text;
  }
}

const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440, w: 10080 };
const DURATION = /^(joined|active|inactive)\s*([<>])\s*(\d{1,5})\s*([mhdw])$/;
const COUNT = /^(points|checkins)\s*(>=|<=|>|<|=)\s*(\d{1,9})$/;
const MAX_TERMS = 20;

/** Reads a member selector; a wrong term is an error naming it and the accepted forms. */
export function parseAudience(text: string): AudienceClause[] {
  const raw = text
    .split('+')
    .map((t) => t.trim())
    .filter(Boolean);
  if (!raw.length) throw new AudienceError(msg('audience.empty'));
  if (raw.length > MAX_TERMS) throw new AudienceError(msg('audience.tooMany', { max: MAX_TERMS }));
  return raw.map((t) => {
    const negated = t.startsWith('!');
    const body = negated ? t.slice(1).trim() : t;
    if (!body) throw new AudienceError(msg('audience.bareNot', { term: t }));
    return { negated, term: readTerm(body, t) };
  });
}

function readTerm(body: string, raw: string): AudienceTerm {
  if (body === 'all' || body === 'members' || body === 'enrolled') return { kind: body };
  const d = DURATION.exec(body);
  if (d) {
    const [, kind, sign, n, unit] = d as unknown as [string, 'joined' | 'active' | 'inactive', string, string, string];
    const expected = kind === 'inactive' ? '>' : '<';
    if (sign !== expected) throw new AudienceError(msg('audience.durationSign', { term: raw, form: `${kind}${expected}${n}${unit}` }));
    const minutes = Number(n) * (UNIT_MINUTES[unit] ?? 1);
    if (minutes <= 0) throw new AudienceError(msg('audience.badNumber', { term: raw }));
    return { kind, minutes };
  }
  const c = COUNT.exec(body);
  if (c) return { kind: c[1] as 'points' | 'checkins', op: c[2] as Comparison, value: Number(c[3]) };
  if (/^(joined|active|inactive|points|checkins)\b/.test(body)) throw new AudienceError(msg('audience.badComparison', { term: raw }));
  const colon = body.indexOf(':');
  if (colon < 0) throw new AudienceError(msg('audience.unknown', { term: raw }));
  const key = body.slice(0, colon).trim();
  const value = body.slice(colon + 1).trim();
  if (!value) throw new AudienceError(msg('audience.needsValue', { term: raw }));
  switch (key) {
    case 'tag':
      return { kind: 'tag', value };
    case 'group':
      return { kind: 'group', value };
    case 'segment':
      return { kind: 'segment', value };
    case 'stage':
      if (!(STAGES as readonly string[]).includes(value)) throw new AudienceError(msg('audience.badStage', { value, list: STAGES.join(', ') }));
      return { kind: 'stage', value: value as Stage };
    case 'level':
      if (!(LEVELS as readonly string[]).includes(value)) throw new AudienceError(msg('audience.badLevel', { value, list: LEVELS.join(', ') }));
      return { kind: 'level', value: value as Level };
    case 'role':
      if (!(MEMBER_ROLES as readonly string[]).includes(value)) throw new AudienceError(msg('audience.badRole', { value, list: MEMBER_ROLES.join(', ') }));
      return { kind: 'role', value: value as MemberRole };
    default:
      throw new AudienceError(msg('audience.unknown', { term: raw }));
  }
}

/** The selector written back in its canonical form. */
export function formatAudience(clauses: readonly AudienceClause[]): string {
  return clauses.map((c) => (c.negated ? '!' : '') + formatTerm(c.term)).join('+');
}

function formatTerm(t: AudienceTerm): string {
  switch (t.kind) {
    case 'all':
    case 'members':
    case 'enrolled':
      return t.kind;
    case 'tag':
    case 'stage':
    case 'level':
    case 'role':
    case 'group':
    case 'segment':
      return `${t.kind}:${t.value}`;
    case 'joined':
    case 'active':
      return `${t.kind}<${durationText(t.minutes)}`;
    case 'inactive':
      return `inactive>${durationText(t.minutes)}`;
    case 'points':
    case 'checkins':
      return `${t.kind}${t.op}${t.value}`;
  }
}

function durationText(minutes: number): string {
  for (const [unit, size] of [['w', 10080], ['d', 1440], ['h', 60]] as const) if (minutes % size === 0) return `${minutes / size}${unit}`;
  return `${minutes}m`;
}

/** The error's words, for callers that only want to know whether a selector reads. */
export function audienceProblem(text: string): Msg | undefined {
  try {
    parseAudience(text);
    return undefined;
  } catch (e) {
    if (e instanceof AudienceError) return e.text;
    throw e;
  }
}
