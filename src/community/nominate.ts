// Nominating a candidate (candidates.ts): the member gets the role in the group — one role per
// member and group (member_roles' key) — and a `role` event on their timeline. The members
// engineer's general role change (PUT /api/members/:ref/role) writes the same table.

import type { MemberRole } from '../sop/audience.ts';
import type { Db } from '../store/db.ts';
import { recordMemberEvent } from './events.ts';

export async function nominate(
  db: Db,
  n: { groupId: string; memberId: string; role: MemberRole; by: string; at: Date },
  /** Runs in the same transaction (the audit entry). */
  inTransaction?: (trx: Db, previous: string | null) => Promise<void>,
): Promise<{ previous: string | null }> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('member_roles').select('role').where('group_id', '=', n.groupId).where('member_id', '=', n.memberId).executeTakeFirst();
    await trx
      .insertInto('member_roles')
      .values({ group_id: n.groupId, member_id: n.memberId, role: n.role, set_by: n.by, set_at: n.at })
      .onConflict((oc) => oc.columns(['group_id', 'member_id']).doUpdateSet({ role: n.role, set_by: n.by, set_at: n.at }))
      .execute();
    await recordMemberEvent(trx, { memberId: n.memberId, groupId: n.groupId, kind: 'role', at: n.at, detail: { role: n.role, previous: before?.role ?? null, by: n.by, via: 'candidates' } });
    await inTransaction?.(trx, before?.role ?? null);
    return { previous: before?.role ?? null };
  });
}
