// Forgetting a member (a person's request to be erased): their personal data goes — names (the
// member's and every identity's), username, contacts, attributes, tags, the texts and links of
// their messages, their survey answers, personal words in their timeline — and what the community counts stays: the
// counters, points, memberships, events (their kinds and times), roles and the ledger. The member
// is marked forgotten: lists, audiences and references no longer find them.
//
// The platform ids stay on the identities: without them the same person rejoining would become a
// new member, and the erased one would count twice in every figure.

import { type Db, sql } from '../store/db.ts';
import { ERASED_NAME } from './member-summary.ts';

/** Timeline detail fields that can hold a person's own words or contacts. */
const PERSONAL_DETAIL = ['name', 'username', 'text', 'phone', 'email', 'answers', 'answer', 'attrs', 'added', 'removed', 'tags'];

/** Erases the member's personal data; call inside a transaction. False when already forgotten or absent. */
export async function forgetMember(db: Db, id: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('members')
    .set({ name: ERASED_NAME, phone: null, email: null, attrs: JSON.stringify({}), tags: [], forgotten_at: at })
    .where('id', '=', id)
    .where('forgotten_at', 'is', null)
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) return false;
  await db.updateTable('member_identities').set({ name: null, username: null, dm_chat_id: null, dm_ready_at: null }).where('member_id', '=', id).execute();
  await db.updateTable('messages').set({ text: '', links: [] }).where('member_id', '=', id).execute();
  // Their survey answers are their own words: the answer stays counted (who answered), the words go.
  await db.updateTable('survey_answers').set({ answers: JSON.stringify([]) }).where('member_id', '=', id).execute();
  await sql`UPDATE member_events SET detail = detail - ${sql.val(PERSONAL_DETAIL)}::text[] WHERE member_id = ${id}`.execute(db);
  return true;
}
