// Telegram start links: a bot may write privately only to a person who pressed Start in its chat.
// `https://t.me/<bot>?start=<token>` opens that chat with a Start button; the `/start <token>`
// the bot then receives names the member the link was made for (table dm_start_tokens, migration
// 014), so the person's Telegram identity is linked to that member and the bot may write to them
// from then on (`member_identities.dm_chat_id`). A token is 16 random URL-safe characters —
// Telegram allows at most 64 of A-Za-z0-9_- — and stays the same for one member and bot.

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import { recordMemberEvent } from './events.ts';

/** The bot's username from the channel's identity (`@chorus_bot` → `chorus_bot`). */
export function botUsername(identity: string | null | undefined): string | undefined {
  const m = /^@?([A-Za-z][A-Za-z0-9_]{3,31})$/.exec(identity?.trim() ?? '');
  return m ? m[1] : undefined;
}

export function startLink(bot: string, token: string): string {
  return `https://t.me/${bot}?start=${token}`;
}

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** The start token of each member for this channel's bot (made on first use, in bulk). */
export async function startTokens(db: Db, channelId: string, memberIds: readonly string[]): Promise<Map<string, string>> {
  if (!memberIds.length) return new Map();
  const ids = [...memberIds];
  const fresh = ids.map(() => randomBytes(12).toString('base64url'));
  await sql`INSERT INTO dm_start_tokens (token, channel_id, member_id)
            SELECT t, ${channelId}, m FROM unnest(${fresh}::text[], ${ids}::text[]) AS x(t, m)
            ON CONFLICT DO NOTHING`.execute(db);
  const rows = await db.selectFrom('dm_start_tokens').select(['member_id', 'token']).where('channel_id', '=', channelId).where('member_id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.member_id, r.token]));
}

export interface PrivateStart {
  /** The person's Telegram user id. */
  userId: string;
  /** The private chat with the bot (on Telegram the same number as the user id). */
  chatId: string;
  token?: string;
  name?: string;
  username?: string;
  at: Date;
}

/**
 * The person started the bot: their identity on this channel may now be written to. A known
 * identity is marked; an unknown person with a valid token becomes an identity of the token's
 * member. Records `dm_linked` on the member's timeline. Returns the member, or undefined when
 * nobody could be linked (no identity and no valid token).
 */
export async function linkPrivateStart(db: Db, channelId: string, s: PrivateStart): Promise<string | undefined> {
  const byToken =
    s.token && TOKEN.test(s.token)
      ? await db.selectFrom('dm_start_tokens').select('member_id').where('token', '=', s.token).where('channel_id', '=', channelId).executeTakeFirst()
      : undefined;
  const known = await db.selectFrom('member_identities').select('member_id').where('channel_id', '=', channelId).where('external_id', '=', s.userId).executeTakeFirst();
  const memberId = known?.member_id ?? byToken?.member_id;
  if (!memberId) return undefined;
  if (known) {
    await db
      .updateTable('member_identities')
      .set({ dm_chat_id: s.chatId, dm_ready_at: s.at, ...(s.username ? { username: s.username } : {}) })
      .where('channel_id', '=', channelId)
      .where('external_id', '=', s.userId)
      .execute();
  } else {
    await db
      .insertInto('member_identities')
      .values({ member_id: memberId, channel_id: channelId, external_id: s.userId, name: s.name ?? null, username: s.username ?? null, dm_chat_id: s.chatId, dm_ready_at: s.at })
      .execute();
  }
  if (byToken && s.token) await db.updateTable('dm_start_tokens').set({ used_at: s.at }).where('token', '=', s.token).where('used_at', 'is', null).execute();
  await recordMemberEvent(db, { memberId, kind: 'dm_linked', at: s.at, detail: { channel: channelId, ...(byToken ? { via: 'start_link' } : {}) } });
  return memberId;
}
