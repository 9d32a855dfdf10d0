// Members for execution tests: people with identities on a channel, present in a group.

import { ensureMember, openMembership } from '../../src/community/members.ts';
import type { Db } from '../../src/store/db.ts';

export interface TestMember {
  externalId: string;
  name: string;
  attrs?: Record<string, string>;
  username?: string;
  /** Telegram: the person pressed Start (the bot may write to them). */
  dmChatId?: string;
  tags?: string[];
  stage?: string;
}

/** Creates (or finds) each member, opens their stay in the group; returns their ids in order. */
export async function addMembers(db: Db, channelId: string, groupId: string, people: readonly TestMember[], joinedAt = new Date(Date.now() - 86_400_000)): Promise<string[]> {
  const ids: string[] = [];
  for (const p of people) {
    const m = await ensureMember(db, channelId, { externalId: p.externalId, name: p.name });
    await db
      .updateTable('members')
      .set({ attrs: JSON.stringify(p.attrs ?? {}), ...(p.tags ? { tags: p.tags } : {}), ...(p.stage ? { stage: p.stage } : {}) })
      .where('id', '=', m.id)
      .execute();
    if (p.username || p.dmChatId) {
      await db
        .updateTable('member_identities')
        .set({ ...(p.username ? { username: p.username } : {}), ...(p.dmChatId ? { dm_chat_id: p.dmChatId, dm_ready_at: new Date() } : {}) })
        .where('channel_id', '=', channelId)
        .where('external_id', '=', p.externalId)
        .execute();
    }
    await openMembership(db, { groupId, memberId: m.id, joinedAt });
    ids.push(m.id);
  }
  return ids;
}
