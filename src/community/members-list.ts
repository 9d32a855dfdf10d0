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

/** The ids the filter picks (unsorted). */
export async function memberFilterQuery(db: Db, f: MemberFilter): Promise<MemberIdQuery> {
  let q = await audienceQuery(db, f.where ?? 'all', { visibleGroups: f.visibleGroups, now: f.now });
  const search = f.q?.trim();
  if (search) {
    const like = `%${escapeLike(search.toLowerCase())}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['members.name']), 'like', like),
        eb.exists(
          eb
            .selectFrom('member_identities')
            .select('member_identities.member_id')
            .whereRef('member_identities.member_id', '=', 'members.id')
            .where((e) => e.or([e('member_identities.external_id', '=', search), e(e.fn('lower', ['member_identities.username']), '=', search.replace(/^@/, '').toLowerCase())])),
        ),
      ]),
    );
  }
  if (f.groupId) {
    const groupId = f.groupId;
    q = q.where((eb) => eb.exists(eb.selectFrom('memberships').select('memberships.id').whereRef('memberships.member_id', '=', 'members.id').where('memberships.group_id', '=', groupId)));
  }
  return q;
}

export async function listMembers(
  db: Db,
  f: MemberFilter & { sort?: MemberSort; order?: 'asc' | 'desc'; limit?: number; offset?: number },
): Promise<MemberPage> {
  const base = await memberFilterQuery(db, f);
  const limit = Math.min(Math.max(f.limit ?? 50, 1), MAX_PAGE);
  const offset = Math.max(f.offset ?? 0, 0);
  const desc = (f.order ?? (f.sort === 'name' ? 'asc' : 'desc')) === 'desc';
  let page = base;
  switch (f.sort ?? 'lastActive') {
    case 'lastActive':
      page = page.orderBy(sql`members.last_active_at ${sql.raw(desc ? 'DESC NULLS LAST' : 'ASC NULLS FIRST')}`);
      break;
    case 'name':
      page = page.orderBy(sql`lower(members.name) ${sql.raw(desc ? 'DESC' : 'ASC')}`);
      break;
    case 'points':
      page = page.orderBy('members.points', desc ? 'desc' : 'asc');
      break;
    case 'joined':
      page = page.orderBy('members.created_at', desc ? 'desc' : 'asc');
      break;
    case 'messages':
      page = page.orderBy('members.messages', desc ? 'desc' : 'asc');
      break;
  }
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
