// A member's role in a group (leader, assistant, committee, kol — or none): only for a group the
// member is or was in; each change is a `role` event on the timeline.

import { type Msg, msg } from '../i18n/index.ts';
import type { MemberRole } from '../sop/audience.ts';
import type { Db } from '../store/db.ts';
import { recordMemberEvent } from './events.ts';

export type RoleChoice = MemberRole | 'none';

export class RoleError extends Error {
  readonly text: Msg;
  constructor(text: Msg) {
    super(text.key);
    this.name = 'RoleError';
    this.text = text;
  }
}

/** Sets (or with 'none' removes) the member's role in the group; returns the role now held. */
export async function setMemberRole(db: Db, memberId: string, groupId: string, role: RoleChoice, opts: { actor?: string; at: Date }): Promise<RoleChoice> {
  const stay = await db.selectFrom('memberships').select('id').where('member_id', '=', memberId).where('group_id', '=', groupId).executeTakeFirst();
  if (!stay) throw new RoleError(msg('members.notInGroup', { member: memberId, group: groupId }));
  const before = await db.selectFrom('member_roles').select('role').where('member_id', '=', memberId).where('group_id', '=', groupId).executeTakeFirst();
  const previous = before?.role ?? 'none';
  if (previous === role) return role;
  if (role === 'none') {
    await db.deleteFrom('member_roles').where('member_id', '=', memberId).where('group_id', '=', groupId).execute();
  } else {
    await db
      .insertInto('member_roles')
      .values({ member_id: memberId, group_id: groupId, role, set_by: opts.actor ?? null, set_at: opts.at })
      .onConflict((oc) => oc.columns(['group_id', 'member_id']).doUpdateSet({ role, set_by: opts.actor ?? null, set_at: opts.at }))
      .execute();
  }
  await recordMemberEvent(db, { memberId, groupId, kind: 'role', at: opts.at, detail: { role, previous, ...(opts.actor ? { by: opts.actor } : {}) } });
  return role;
}
