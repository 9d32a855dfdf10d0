// The members list: a selector, a search, a group, a sort and a page. The page's ids come from one
// query (the selector's, narrowed and sorted, LIMIT/OFFSET); the rest of each row is loaded for
// those ids only (member-summary.ts). The total counts the same filter up to COUNT_CAP rows, so a
// workspace of 200,000 members answers "10,000+" instead of counting them all on every page.

import type { AudienceClause } from '../sop/audience.ts';
import { type Db, sql } from '../store/db.ts';
import { audienceQuery, type MemberIdQuery } from './audience.ts';
import { type MemberSummary, memberSummaries } from './member-summary.ts';

export const MEMBER_SORTS = ['lastActive', 'name', 'points', 'joined', 'messages'] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];
export const COUNT_CAP = 10_000;
export const MAX_PAGE = 1000;

export interface MemberFilter {
  where?: string | readonly AudienceClause[];
  /** A name (part of it, any case), a platform user id or a username. */
  q?: string;
  /** Only members who are or were in this group. */
  groupId?: string;
  /** A leader's groups. */
  visibleGroups?: readonly string[];
  now: Date;
}

export interface MemberPage {
  members: MemberSummary[];
  total: number;
  /** True when there are more than `total` (= COUNT_CAP) members matching. */
  totalCapped: boolean;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Up to this many ids, a leader's members or a search's matches are found first (see below). */
const NARROW = 50_000;
const NARROW_SEARCH = 10_000;

/**
 * The ids the filter picks (unsorted). A leader's members (found through their groups' stays) and
 * a search's matches (one pass over the names) are usually few: they are found first and the page
 * is sorted among them, instead of walking the whole list in order and testing each member — which
 * costs a lookup per member skipped, and is slow when most are skipped.
 */
export async function memberFilterQuery(db: Db, f: MemberFilter): Promise<MemberIdQuery> {
  const search = f.q?.trim() || undefined;
  let narrowed: string[] | undefined;
  let visibleByIds = false;
  if (f.visibleGroups) {
    const visible = [...f.visibleGroups];
    const ids = visible.length
      ? (await db.selectFrom('memberships').select('member_id').distinct().where('group_id', 'in', visible).limit(NARROW + 1).execute()).map((r) => r.member_id)
      : [];
    if (ids.length <= NARROW) {
      narrowed = ids;
      visibleByIds = true;
    }
  }
  if (search && !narrowed) {
    const ids = (await searchFilter(db.selectFrom('members').select('members.id').where('members.forgotten_at', 'is', null), search).limit(NARROW_SEARCH + 1).execute()).map((r) => r.id);
    if (ids.length <= NARROW_SEARCH) narrowed = ids;
  }
  let q = await audienceQuery(db, f.where ?? 'all', { visibleGroups: visibleByIds ? undefined : f.visibleGroups, now: f.now });
  if (narrowed) {
    const ids = narrowed;
    // A set to join (looked up by primary key), not a filter tested on every member.
    q = q.where('members.id', 'in', sql<string>`(SELECT unnest(${sql.val(ids)}::text[]))`);
  }
  if (search) q = searchFilter(q, search);
  if (f.groupId) {
    const groupId = f.groupId;
    q = q.where((eb) => eb.exists(eb.selectFrom('memberships').select('memberships.id').whereRef('memberships.member_id', '=', 'members.id').where('memberships.group_id', '=', groupId)));
  }
  return q;
}

/** A name containing the words (any case), or an identity with that platform id or username. */
function searchFilter(q: MemberIdQuery, search: string): MemberIdQuery {
  const like = `%${escapeLike(search.toLowerCase())}%`;
  const username = search.replace(/^@/, '').toLowerCase();
  // The identity part is one indexed lookup (IN, not a per-row EXISTS).
  return q.where((eb) =>
    eb.or([
      eb(eb.fn('lower', ['members.name']), 'like', like),
      eb(
        'members.id',
        'in',
        eb
          .selectFrom('member_identities')
          .select('member_identities.member_id')
          .where((e) => e.or([e('member_identities.external_id', '=', search), e(e.fn('lower', ['member_identities.username']), '=', username)])),
      ),
    ]),
  );
}

export async function listMembers(
  db: Db,
  f: MemberFilter & { sort?: MemberSort; order?: 'asc' | 'desc'; limit?: number; offset?: number },
): Promise<MemberPage> {
  const base = await memberFilterQuery(db, f);
  const limit = Math.min(Math.max(f.limit ?? 50, 1), MAX_PAGE);
  const offset = Math.max(f.offset ?? 0, 0);
  const desc = (f.order ?? (f.sort === 'name' ? 'asc' : 'desc')) === 'desc';
  // Each order matches an index of migration 012 (read backwards for the other direction).
  const dir = sql.raw(desc ? 'DESC' : 'ASC');
  const by = {
    lastActive: sql`members.last_active_at ${sql.raw(desc ? 'DESC NULLS LAST' : 'ASC NULLS FIRST')}`,
    name: sql`lower(members.name) ${dir}`,
    points: sql`members.points ${dir}`,
    joined: sql`members.created_at ${dir}`,
    messages: sql`members.messages ${dir}`,
  }[f.sort ?? 'lastActive'];
  const page = base.orderBy(by);
  const [rows, counted] = await Promise.all([
    page.orderBy('members.id', desc ? 'desc' : 'asc').limit(limit).offset(offset).execute(),
    db
      .selectFrom(base.limit(COUNT_CAP + 1).as('picked'))
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  const n = Number(counted.n);
  return {
    members: await memberSummaries(db, rows.map((r) => r.id), f.visibleGroups),
    total: Math.min(n, COUNT_CAP),
    totalCapped: n > COUNT_CAP,
  };
}

/** Every id the filter picks, in pages (export, bulk changes). */
export async function allMemberIds(db: Db, f: MemberFilter): Promise<string[]> {
  const q = await memberFilterQuery(db, f);
  return (await q.orderBy('members.id').execute()).map((r) => r.id);
}
