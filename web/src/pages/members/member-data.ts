// The members API's shapes (GET /api/members, /api/members/:ref, /api/segments) and the pure
// helpers the pages share: the list's query string, a member's display name, reading a filter
// with the shared selector grammar (src/sop/audience.ts) and saying its problem in the console's
// words (the `members.audience.*` keys).

import { AudienceError, LEVELS, MEMBER_ROLES, parseAudience, STAGES } from '../../../../src/sop/audience.ts';

export { LEVELS, MEMBER_ROLES, STAGES };

export interface Identity {
  channel: string;
  externalId: string;
  username: string | null;
}

/** How a member came into a group: a label, or the pieces the server keeps. */
export type Via = string | { link?: string | null; inviter?: string | null; inviterName?: string | null; scene?: string | null } | null;

/** What the server stores as a forgotten member's name (src/community/member-summary.ts ERASED_NAME). */
export const ERASED_NAME = '(erased)';

export interface MemberGroup {
  group: string;
  groupName?: string | null;
  role: string | null;
  joinedAt: string | null;
  leftAt: string | null;
  via?: Via;
}

export interface MemberSummary {
  id: string;
  name: string | null;
  identities: Identity[];
  groups: MemberGroup[];
  stage: string;
  level: string;
  points: number;
  tags: string[];
  messages: number;
  checkins: number;
  lastActiveAt: string | null;
  blacklisted?: boolean;
}

export interface MemberList {
  members: MemberSummary[];
  total: number;
  totalCapped?: boolean;
}

export interface MemberEvent {
  at: string;
  kind: string;
  group: string | null;
  groupName?: string | null;
  detail: Record<string, unknown> | null;
}

export interface PointsLine {
  at: string;
  delta: number;
  balance: number;
  reason: string;
  rule: string | null;
  actor: string | null;
}

/** The profile: the summary and the rest. `points` may be the balance or (as the contract reads) the history. */
export interface MemberDetail extends Omit<MemberSummary, 'points'> {
  points: number | PointsLine[];
  balance?: number;
  pointsHistory?: PointsLine[];
  /** The points ledger, newest first (the server's name for the history). */
  pointsLedger?: PointsLine[];
  phone: string | null;
  email: string | null;
  attrs: Record<string, unknown> | null;
  orders: number | unknown[] | null;
  score: number | null;
  replies?: number;
  invites?: number;
  clicks?: number;
  events: MemberEvent[];
  forgotten?: boolean;
  forgottenAt?: string | null;
}

/** The balance and the history of a profile, whichever way the server spelled them. */
export function pointsOf(d: MemberDetail): { balance: number; history: PointsLine[] } {
  const history = Array.isArray(d.points) ? d.points : (d.pointsLedger ?? d.pointsHistory ?? []);
  const balance = typeof d.points === 'number' ? d.points : (d.balance ?? history[0]?.balance ?? 0);
  return { balance, history };
}

export interface Segment {
  name: string;
  selector: string;
  members: number | null;
  createdBy: string | null;
  createdAt: string;
}

/** One side of a merge suggestion: an id, or the member with their accounts. */
export type MergeSide = { id: string; name?: string | null; identities?: Identity[] };

export interface MergeSuggestion {
  a: string | MergeSide;
  b: string | MergeSide;
  reason: string;
}

export const SORTS = ['lastActive', 'name', 'points', 'joined', 'messages'] as const;
export type Sort = (typeof SORTS)[number];
export type Order = 'asc' | 'desc';

export const PAGE_SIZE = 50;

export interface ListQuery {
  where: string;
  q: string;
  group: string;
  sort: Sort;
  order: Order;
  offset: number;
}

export const DEFAULT_QUERY: ListQuery = { where: '', q: '', group: '', sort: 'lastActive', order: 'desc', offset: 0 };

/** The page's state from its address (`/members?where=…&q=…`), so a segment or a group can link to it. */
export function readQuery(params: URLSearchParams): ListQuery {
  const sort = params.get('sort');
  const offset = Number(params.get('offset') ?? 0);
  return {
    where: params.get('where') ?? '',
    q: params.get('q') ?? '',
    group: params.get('group') ?? '',
    sort: (SORTS as readonly string[]).includes(sort ?? '') ? (sort as Sort) : DEFAULT_QUERY.sort,
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

/** The address's search part: only what differs from the defaults. */
export function writeQuery(q: ListQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.where.trim()) p.set('where', q.where.trim());
  if (q.q.trim()) p.set('q', q.q.trim());
  if (q.group) p.set('group', q.group);
  if (q.sort !== DEFAULT_QUERY.sort) p.set('sort', q.sort);
  if (q.order !== DEFAULT_QUERY.order) p.set('order', q.order);
  if (q.offset) p.set('offset', String(q.offset));
  return p;
}

/** GET /api/members with the page's filter; a filter that does not read is left out (the page shows its problem). */
export function listPath(q: ListQuery, whereOk: boolean): string {
  const p = new URLSearchParams();
  if (q.where.trim() && whereOk) p.set('where', q.where.trim());
  if (q.q.trim()) p.set('q', q.q.trim());
  if (q.group) p.set('group', q.group);
  p.set('sort', q.sort);
  p.set('order', q.order);
  p.set('limit', String(PAGE_SIZE));
  p.set('offset', String(q.offset));
  return `/api/members?${p}`;
}

/** The CSV of what the list shows (every page of it): the same filter, search and group. */
export function exportPath(q: Pick<ListQuery, 'where' | 'q' | 'group'>, whereOk: boolean): string {
  const p = new URLSearchParams();
  if (q.where.trim() && whereOk) p.set('where', q.where.trim());
  if (q.q.trim()) p.set('q', q.q.trim());
  if (q.group) p.set('group', q.group);
  const s = p.toString();
  return s ? `/api/members/export?${s}` : '/api/members/export';
}

export const memberPath = (id: string) => `/members/${encodeURIComponent(id)}`;

/** The name to show: the member's, else a platform handle, else a placeholder (never the internal id). */
export function displayName(m: Pick<MemberSummary, 'name' | 'identities'>, t: Translate): string {
  if (m.name === ERASED_NAME) return t('members.erased');
  if (m.name?.trim()) return m.name.trim();
  const handle = m.identities.find((i) => i.username)?.username;
  return handle ? `@${handle}` : t('members.noName');
}

/** Words for how someone came into a group (a scene the connectors record, a link, an inviter); unknown scenes say nothing. */
export function viaParts(via: Via | undefined, t: Translate): string[] {
  if (!via) return [];
  if (typeof via === 'string') return known(t, `members.scene_${via}`);
  const parts = via.scene ? known(t, `members.scene_${via.scene}`) : [];
  if (via.link && !parts.length) parts.push(t('members.viaLink'));
  if (via.inviterName) parts.push(t('members.viaInviter', { name: via.inviterName }));
  else if (via.inviter && !parts.length) parts.push(t('members.via_invite'));
  return parts;
}

function known(t: Translate, key: string): string[] {
  const w = t(key);
  return w === key ? [] : [w];
}

/** A member named with where their accounts are: `林俊杰（微信 @linjj）`, so two people of one name stay apart. */
export function nameWithAccounts(name: string, identities: Identity[] | undefined, channelName: (id: string) => string | undefined, t: Translate): string {
  const where = [...new Set((identities ?? []).map((i) => [channelName(i.channel), i.username ? `@${i.username}` : undefined].filter(Boolean).join(' ')).filter(Boolean))];
  return where.length ? t('members.nameOn', { name, where: where.join(', ') }) : name;
}

/** The first platform handle, as `@name`. */
export function handleOf(m: Pick<MemberSummary, 'identities'>): string | undefined {
  const u = m.identities.find((i) => i.username)?.username;
  return u ? `@${u}` : undefined;
}

type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** A term's name with its words: `customer（买过你）`. */
function listed(t: Translate, prefix: 'stage' | 'level' | 'role', values: readonly string[], locale: 'en' | 'zh'): string {
  const words = values.map((v) => (locale === 'zh' ? `${v}（${t(`members.${prefix}.${v}`)}）` : `${v} (${t(`members.${prefix}.${v}`)})`));
  return words.join(locale === 'zh' ? '、' : ', ');
}

/** The filter's problem in the console's words, or undefined when it reads (an empty filter reads: no filter). */
export function selectorProblem(text: string, t: Translate, locale: 'en' | 'zh'): string | undefined {
  if (!text.trim()) return undefined;
  try {
    parseAudience(text);
    return undefined;
  } catch (e) {
    if (!(e instanceof AudienceError)) return t('members.audience.other');
    const vars: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(e.text.vars ?? {})) if (typeof v === 'string' || typeof v === 'number') vars[k] = v;
    if (e.text.key === 'audience.badStage') vars.list = listed(t, 'stage', STAGES, locale);
    if (e.text.key === 'audience.badLevel') vars.list = listed(t, 'level', LEVELS, locale);
    if (e.text.key === 'audience.badRole') vars.list = listed(t, 'role', MEMBER_ROLES, locale);
    const key = `members.${e.text.key}`;
    const text = t(key, vars);
    return text === key ? t('members.audience.other') : text;
  }
}

/** Adds a term to a filter, or takes it away when it is there; a term of the same kind (`stage:`) is replaced. */
export function toggleTerm(where: string, term: string, sameKind?: string): string {
  const terms = where
    .split('+')
    .map((x) => x.trim())
    .filter(Boolean);
  if (terms.includes(term)) return terms.filter((x) => x !== term).join('+');
  const kept = sameKind ? terms.filter((x) => !x.startsWith(sameKind)) : terms;
  return [...kept, term].join('+');
}

export function hasTerm(where: string, term: string): boolean {
  return where
    .split('+')
    .map((x) => x.trim())
    .includes(term);
}

/** The value of the first `prefix…` term (`stage:` → `engaged`), or ''. */
export function termValue(where: string, prefix: string): string {
  const term = where
    .split('+')
    .map((x) => x.trim())
    .find((x) => x.startsWith(prefix));
  return term ? term.slice(prefix.length) : '';
}

/** Tags typed in a box: spaces, commas (also Chinese ones) separate. */
export function readTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,，、]+/)
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  ];
}

/** The other member of a suggestion that names this one, or undefined when it does not. */
export function otherOf(s: MergeSuggestion, id: string): MergeSide | undefined {
  const a = typeof s.a === 'string' ? { id: s.a } : s.a;
  const b = typeof s.b === 'string' ? { id: s.b } : s.b;
  if (a.id === id) return b;
  if (b.id === id) return a;
  return undefined;
}
