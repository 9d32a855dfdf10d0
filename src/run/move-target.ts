// Where a `move` invites people (and where a lead group's goodbye sends them next): a group id, a
// group's exact name, or a group selector term.

import { selectGroups, toGroup, type GroupRow } from '../community/groups.ts';
import type { Db } from '../store/db.ts';

export async function targetOf(db: Db, into: string | undefined): Promise<GroupRow | undefined> {
  const ref = into?.trim();
  if (!ref) return undefined;
  const byId = await db.selectFrom('groups').selectAll().where('id', '=', ref).executeTakeFirst();
  if (byId) return toGroup(byId);
  const byName = await db.selectFrom('groups').selectAll().where('name', '=', ref).where('status', '=', 'active').orderBy('created_at').executeTakeFirst();
  if (byName) return toGroup(byName);
  try {
    return (await selectGroups(db, ref))[0];
  } catch {
    return undefined;
  }
}
