// A member selector (src/sop/audience.ts) as a query over members: the ids of the members it
// picks. Lists, segments, bulk changes and the per-member expansion of sheet steps all go through
// `audienceQuery`, so "who is tag:vip+active<7d" has one answer everywhere.
//
// Scope: with `groupId` (a step in one group) presence, roles and `joined` are about that group;
// without it, about any group. `visibleGroups` (a leader) keeps only members who are or were in
// one of those groups. Forgotten members are never picked; `sending` also leaves out blacklisted
// members and bots, who are never written to.

import { type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { msg } from '../i18n/index.ts';
import { type AudienceClause, AudienceError, type AudienceTerm, parseAudience } from '../sop/audience.ts';
import type { Db } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import { selectGroups } from './groups.ts';

export interface AudienceScope {
  /** The group a step runs in: presence, roles and joins refer to it. */
  groupId?: string;
  /** Only members who are or were in one of these groups (a leader's view). */
  visibleGroups?: readonly string[];
  /** Leave out blacklisted members and bots (the audience of a send). */
  sending?: boolean;
  now: Date;
}

type Eb = ExpressionBuilder<Database, 'members'>;
export type MemberIdQuery = SelectQueryBuilder<Database, 'members', { id: string }>;

/** The query for the ids of the members a selector picks (text or already-read clauses). */
export async function audienceQuery(db: Db, selector: string | readonly AudienceClause[], scope: AudienceScope): Promise<MemberIdQuery> {
  const clauses = typeof selector === 'string' ? parseAudience(selector) : selector;
  // Saved segments are read, and group selector terms resolved to ids, first (they may name
  // channels by name).
  const refs: Refs = { groups: new Map(), segments: new Map() };
  await resolveTerms(db, clauses, refs, []);
  let q = db.selectFrom('members').select('members.id').where('members.forgotten_at', 'is', null);
  if (scope.visibleGroups) q = await withinGroups(db, q, [...scope.visibleGroups]);
  if (scope.sending) {
    q = q
      .where('members.blacklisted_at', 'is', null)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('member_identities').select('member_identities.member_id').whereRef('member_identities.member_id', '=', 'members.id').where('member_identities.is_bot', '=', true))));
  }
  if (scope.groupId) q = q.where((eb) => present(eb, [scope.groupId as string]));
  for (const c of clauses) {
    q = q.where((eb) => {
      const e = termExpression(eb, c.term, scope, refs);
      return c.negated ? eb.not(e) : e;
    });
  }
  return q;
}

/** Up to this many stays in a leader's groups, their members are looked up by id (see below). */
const FEW_STAYS = 10_000;

/**
 * Members who are or were in one of `groups` (a leader's view). When the groups hold few stays
 * (a leader's usually do), the members' ids are read from memberships_group and the members
 * looked up by primary key: as EXISTS (a semi-join) the planner hashes the stays and scans every
 * member instead — a leader of 20 groups (2,580 members of 200,000) counted 3–4 times slower that
 * way (bench/people.ts, docs/benchmarks-people.md). With many stays the scan wins (1,000 groups,
 * 115,000 members: 3.5 times faster than the lookups), so EXISTS stays for those.
 */
async function withinGroups(db: Db, q: MemberIdQuery, groups: string[]): Promise<MemberIdQuery> {
  if (!groups.length) return q.where((eb) => eb.val(false));
  const stays = db.selectFrom('memberships').select('memberships.member_id').where('memberships.group_id', 'in', groups);
  const counted = await db
    .selectFrom(stays.limit(FEW_STAYS + 1).as('s'))
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(counted.n) <= FEW_STAYS) return q.where(sql<boolean>`members.id = ANY(ARRAY(${stays}))`);
  return q.where((eb) =>
    eb.exists(eb.selectFrom('memberships').select('memberships.id').whereRef('memberships.member_id', '=', 'members.id').where('memberships.group_id', 'in', groups)),
  );
}

interface Refs {
  groups: Map<string, string[]>;
  segments: Map<string, readonly AudienceClause[]>;
}

/** A segment may use other segments, up to this depth; a segment that uses itself is an error. */
const MAX_SEGMENT_DEPTH = 5;

async function resolveTerms(db: Db, clauses: readonly AudienceClause[], refs: Refs, path: readonly string[]): Promise<void> {
  for (const c of clauses) {
    if (c.term.kind === 'group' && !refs.groups.has(c.term.value)) {
      refs.groups.set(c.term.value, (await selectGroups(db, c.term.value)).map((g) => g.id));
    }
    if (c.term.kind === 'segment' && !refs.segments.has(c.term.value)) {
      const name = c.term.value;
      if (path.includes(name) || path.length >= MAX_SEGMENT_DEPTH) throw new AudienceError(msg('audience.segmentLoop', { name, path: [...path, name].join(' → ') }));
      const row = await db.selectFrom('segments').select('selector').where('name', '=', name).executeTakeFirst();
      if (!row) throw new AudienceError(msg('audience.noSegment', { name }));
      const inner = parseAudience(row.selector);
      await resolveTerms(db, inner, refs, [...path, name]);
      refs.segments.set(name, inner);
    }
  }
}

function termExpression(eb: Eb, t: AudienceTerm, scope: AudienceScope, refs: Refs): Expression<SqlBool> {
  const since = (minutes: number) => new Date(scope.now.getTime() - minutes * 60_000);
  const inScope = scope.groupId ? [scope.groupId] : undefined;
  switch (t.kind) {
    case 'all':
      return eb.val(true);
    // With a group in scope, presence in it is already required (audienceQuery): said again, it
    // would only make the database check every member twice.
    case 'members':
      return scope.groupId ? eb.val(true) : present(eb, inScope);
    case 'enrolled':
      return eb.and([
        scope.groupId ? eb.val(true) : present(eb, inScope),
        eb.not(eb.exists(eb.selectFrom('member_identities').select('member_identities.member_id').whereRef('member_identities.member_id', '=', 'members.id').where('member_identities.is_bot', '=', true))),
        eb.not(roleIn(eb, ['leader', 'assistant'], inScope)),
      ]);
    case 'tag':
      // Containment, not `= ANY(tags)`: only this form can use the GIN index on tags (a rare tag's
      // count at 200,000 members: a scan of every member before, the index after).
      return eb('members.tags', '@>', sql<string[]>`ARRAY[${t.value}]::text[]`);
    case 'stage':
      return eb('members.stage', '=', t.value);
    case 'level':
      return eb('members.level', '=', t.value);
    case 'role':
      return roleIn(eb, [t.value], inScope);
    case 'group':
      return present(eb, refs.groups.get(t.value) ?? []);
    case 'segment':
      return eb.and(
        (refs.segments.get(t.value) ?? []).map((c) => {
          const e = termExpression(eb, c.term, scope, refs);
          return c.negated ? eb.not(e) : e;
        }),
      );
    case 'joined': {
      let sub = eb.selectFrom('memberships').select('memberships.id').whereRef('memberships.member_id', '=', 'members.id').where('memberships.joined_at', '>', since(t.minutes));
      if (inScope) sub = sub.where('memberships.group_id', 'in', inScope);
      return eb.exists(sub);
    }
    case 'active':
      return eb('members.last_active_at', '>', since(t.minutes));
    case 'inactive':
      return eb.or([eb('members.last_active_at', 'is', null), eb('members.last_active_at', '<=', since(t.minutes))]);
    case 'points':
    case 'checkins':
      return eb(t.kind === 'points' ? 'members.points' : 'members.checkins', t.op, t.value);
  }
}

/** Present now (an open stay) in one of `groups`, or in any group when `groups` is undefined. */
function present(eb: Eb, groups: readonly string[] | undefined) {
  if (groups && !groups.length) return eb.val(false);
  let sub = eb.selectFrom('memberships').select('memberships.id').whereRef('memberships.member_id', '=', 'members.id').where('memberships.left_at', 'is', null);
  if (groups) sub = sub.where('memberships.group_id', 'in', [...groups]);
  return eb.exists(sub);
}

function roleIn(eb: Eb, roles: string[], groups: readonly string[] | undefined) {
  let sub = eb.selectFrom('member_roles').select('member_roles.member_id').whereRef('member_roles.member_id', '=', 'members.id').where('member_roles.role', 'in', roles);
  if (groups) sub = sub.where('member_roles.group_id', 'in', [...groups]);
  return eb.exists(sub);
}
