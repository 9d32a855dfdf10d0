// Naming a member or a group from outside: a member is its Chorus id (`mem_…`) or
// `<channel>:<platform user id>`; a group is its Chorus id or `<channel>:<platform chat id>`. The
// channel may be named by id or by name. Only the first colon splits: platform ids may hold more.
// Forgotten members are not found (their personal data is gone; nobody addresses them again).

import { findChannel } from '../channels/registry.ts';
import { type Msg, msg } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';

export class MemberRefError extends Error {
  readonly text: Msg;
  readonly what: 'member' | 'group';
  constructor(what: 'member' | 'group', text: Msg) {
    super(text.key);
    this.name = 'MemberRefError';
    this.what = what;
    this.text = text;
  }
}

/** `ch_1:42` → { channel: 'ch_1', external: '42' }; a bare id → undefined. */
export function splitRef(ref: string): { channel: string; external: string } | undefined {
  const i = ref.indexOf(':');
  if (i <= 0 || i === ref.length - 1) return undefined;
  return { channel: ref.slice(0, i), external: ref.slice(i + 1) };
}

async function channelIdOf(db: Db, ref: string): Promise<string | undefined> {
  return (await findChannel(db, ref))?.id;
}

/** The member's id, when the reference names a member that is not forgotten. */
export async function findMemberRef(db: Db, ref: string): Promise<string | undefined> {
  const text = ref.trim();
  if (!text) return undefined;
  const direct = await db.selectFrom('members').select('id').where('id', '=', text).where('forgotten_at', 'is', null).executeTakeFirst();
  if (direct) return direct.id;
  const parts = splitRef(text);
  if (!parts) return undefined;
  const channel = await channelIdOf(db, parts.channel);
  if (!channel) return undefined;
  const row = await db
    .selectFrom('member_identities')
    .innerJoin('members', 'members.id', 'member_identities.member_id')
    .select('members.id')
    .where('member_identities.channel_id', '=', channel)
    .where('member_identities.external_id', '=', parts.external)
    .where('members.forgotten_at', 'is', null)
    .executeTakeFirst();
  return row?.id;
}

/** The member's id, or an error naming the reference. */
export async function resolveMember(db: Db, ref: string): Promise<string> {
  const id = await findMemberRef(db, ref);
  if (!id) throw new MemberRefError('member', msg('members.notFound', { ref }));
  return id;
}

/** The group's id, or an error naming the reference. */
export async function resolveGroup(db: Db, ref: string): Promise<string> {
  const text = ref.trim();
  const direct = text ? await db.selectFrom('groups').select('id').where('id', '=', text).executeTakeFirst() : undefined;
  if (direct) return direct.id;
  const parts = splitRef(text);
  const channel = parts ? await channelIdOf(db, parts.channel) : undefined;
  const row =
    parts && channel
      ? await db.selectFrom('groups').select('id').where('channel_id', '=', channel).where('external_id', '=', parts.external).executeTakeFirst()
      : undefined;
  if (!row) throw new MemberRefError('group', msg('members.groupNotFound', { ref }));
  return row.id;
}
