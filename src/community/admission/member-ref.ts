// `<member>` on the command line and in the API: a Chorus member id (mem_…), or
// `<channel id>:<platform user id>`. (The members area has the general resolver; this small one
// serves admission and the blacklist until the two are merged.)

import { msg } from '../../i18n/index.ts';
import type { Db } from '../../store/db.ts';

export class MemberRefError extends Error {
  readonly text;
  constructor(ref: string) {
    super(`no member "${ref}"`);
    this.name = 'MemberRefError';
    this.text = msg('admission.noMember', { ref });
  }
}

/** The member id a reference names; throws MemberRefError when none. */
export async function resolveMemberRef(db: Db, ref: string): Promise<string> {
  const r = ref.trim();
  const byId = await db.selectFrom('members').select('id').where('id', '=', r).executeTakeFirst();
  if (byId) return byId.id;
  const colon = r.indexOf(':');
  if (colon > 0) {
    const identity = await db
      .selectFrom('member_identities')
      .select('member_id')
      .where('channel_id', '=', r.slice(0, colon))
      .where('external_id', '=', r.slice(colon + 1))
      .executeTakeFirst();
    if (identity) return identity.member_id;
  }
  throw new MemberRefError(r);
}
