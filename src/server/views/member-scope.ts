// What the members routes share: a leader's reach over members (the members who are or were in
// one of their groups — anyone else is "not found", never "forbidden", so a leader cannot learn
// who is in someone else's group), and the people errors as API errors.

import { SelectorError } from '../../community/groups.ts';
import { MemberRefError, resolveGroup, resolveMember } from '../../community/member-ref.ts';
import { MemberLinkError } from '../../community/members.ts';
import { PointsError } from '../../community/points.ts';
import { RoleError } from '../../community/roles.ts';
import { SegmentError } from '../../community/segments.ts';
import { msg } from '../../i18n/index.ts';
import { AudienceError } from '../../sop/audience.ts';
import type { Db } from '../../store/db.ts';
import { ApiError } from '../errors.ts';
import { leaderGroupIds } from './scope.ts';

/** The groups a caller sees members through: undefined for everyone, a leader's group ids otherwise. */
export async function memberScope(db: Db, leader: string | undefined): Promise<string[] | undefined> {
  return leader === undefined ? undefined : leaderGroupIds(db, leader);
}

/** The member a reference names, when the caller may see them; 404 naming the reference otherwise. */
export async function visibleMember(db: Db, ref: string, visibleGroups: readonly string[] | undefined): Promise<string> {
  const id = await resolveMember(db, ref);
  if (visibleGroups) {
    const seen = visibleGroups.length
      ? await db.selectFrom('memberships').select('id').where('member_id', '=', id).where('group_id', 'in', [...visibleGroups]).executeTakeFirst()
      : undefined;
    if (!seen) throw new MemberRefError('member', msg('members.notFound', { ref }));
  }
  return id;
}

/** The group a reference names, when the caller may see it (a leader: one of theirs); 404 otherwise. */
export async function visibleGroup(db: Db, ref: string, visibleGroups: readonly string[] | undefined): Promise<string> {
  const id = await resolveGroup(db, ref);
  if (visibleGroups && !visibleGroups.includes(id)) throw new MemberRefError('group', msg('members.groupNotFound', { ref }));
  return id;
}

/** A people error as the API answers it (`field`: the one an unknown member was named in); undefined for anything else. */
export function peopleApiError(e: unknown, field?: string): ApiError | undefined {
  if (e instanceof MemberRefError) return new ApiError(404, 'not_found', e.text, { field: field ?? e.what });
  if (e instanceof AudienceError) return new ApiError(400, 'invalid_selector', msg('members.invalidSelector', { reason: e.text }), { field: 'where', reason: e.text });
  // A group:<term> that is not a group selector.
  if (e instanceof SelectorError) return new ApiError(400, 'invalid_selector', msg('members.invalidSelector', { reason: e.text }), { field: 'where', reason: e.text });
  if (e instanceof PointsError) {
    return e.text.key === 'points.notEnough' ? new ApiError(409, 'not_enough_points', e.text) : new ApiError(400, 'invalid_points', e.text);
  }
  if (e instanceof RoleError) return new ApiError(422, 'not_in_group', e.text, { field: 'group' });
  if (e instanceof SegmentError) return e.code === 'not_found' ? new ApiError(404, 'not_found', e.text) : new ApiError(400, 'invalid_name', e.text, { field: 'name' });
  if (e instanceof MemberLinkError) {
    if (e.code === 'not_found') return new ApiError(404, 'not_found', msg('members.notFound', { ref: '' }));
    return new ApiError(409, e.code, msg(e.code === 'same_member' ? 'members.mergeSame' : 'members.mergeSameChannel'));
  }
  return undefined;
}

/** Runs a handler's work, answering people errors in the API's shape. */
export async function answering<T>(work: () => Promise<T>, field?: string): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw peopleApiError(e, field) ?? e;
  }
}
