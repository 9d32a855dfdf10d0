// normalizeUpdate() on updates shaped as the Bot API documents them
// (https://core.telegram.org/bots/api#update, #chatmemberupdated, #message, #chatjoinrequest).

import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { normalizeUpdate } from '../../src/channels/telegram/normalize.ts';

const GROUP = { id: -1001234567890, type: 'supergroup', title: 'Camp 7 · Group 1' } as const;
const ALICE = { id: 111, is_bot: false, first_name: 'Alice', last_name: 'Ng', username: 'alice' };
const BOB = { id: 222, is_bot: false, first_name: 'Bob' };
const BOT = { id: 7000000001, is_bot: true, first_name: 'Chorus', username: 'chorus_bot' };
const DATE = 1767225600; // 2026-01-01T00:00:00Z
const LINK = { invite_link: 'https://t.me/+AbCdEfGhIjKl', creator: BOT, creates_join_request: false, is_primary: false, is_revoked: false, name: 'campaign-a' };

const u = (body: Record<string, unknown>): Update => ({ update_id: 1, ...body }) as unknown as Update;

describe('telegram normalizeUpdate', () => {
  it('chat_member left → member: member_joined with the invite link used', () => {
    const events = normalizeUpdate(
      u({
        chat_member: {
          chat: GROUP,
          from: ALICE,
          date: DATE,
          old_chat_member: { user: ALICE, status: 'left' },
          new_chat_member: { user: ALICE, status: 'member' },
          invite_link: LINK,
        },
      }),
    );
    expect(events).toEqual([
      {
        type: 'member_joined',
        chatId: '-1001234567890',
        member: { externalId: '111', name: 'Alice Ng' },
        via: { inviteLink: 'https://t.me/+AbCdEfGhIjKl', scene: 'invite_link' },
        at: new Date(DATE * 1000),
      },
    ]);
  });

  it('chat_member added by someone else names the inviter', () => {
    const [e] = normalizeUpdate(
      u({ chat_member: { chat: GROUP, from: BOB, date: DATE, old_chat_member: { user: ALICE, status: 'left' }, new_chat_member: { user: ALICE, status: 'member' } } }),
    );
    expect(e).toMatchObject({ type: 'member_joined', via: { inviter: { externalId: '222', name: 'Bob' }, scene: 'added' } });
  });

  it('chat_member member → left by themselves is voluntary; → kicked by an admin is removed', () => {
    const left = normalizeUpdate(
      u({ chat_member: { chat: GROUP, from: ALICE, date: DATE, old_chat_member: { user: ALICE, status: 'member' }, new_chat_member: { user: ALICE, status: 'left' } } }),
    );
    expect(left).toEqual([{ type: 'member_left', chatId: '-1001234567890', member: { externalId: '111', name: 'Alice Ng' }, reason: 'voluntary', at: new Date(DATE * 1000) }]);
    const kicked = normalizeUpdate(
      u({
        chat_member: { chat: GROUP, from: BOB, date: DATE, old_chat_member: { user: ALICE, status: 'member' }, new_chat_member: { user: ALICE, status: 'kicked', until_date: 0 } },
      }),
    );
    expect(kicked).toMatchObject([{ type: 'member_left', reason: 'removed', by: { externalId: '222' } }]);
  });

  it('chat_member promotion is not a membership change', () => {
    const events = normalizeUpdate(
      u({ chat_member: { chat: GROUP, from: BOB, date: DATE, old_chat_member: { user: ALICE, status: 'member' }, new_chat_member: { user: ALICE, status: 'administrator', can_be_edited: false } } }),
    );
    expect(events).toEqual([]);
  });

  it('my_chat_member: bot added → group_seen; bot kicked → access_lost', () => {
    const added = normalizeUpdate(
      u({ my_chat_member: { chat: GROUP, from: ALICE, date: DATE, old_chat_member: { user: BOT, status: 'left' }, new_chat_member: { user: BOT, status: 'administrator' } } }),
    );
    expect(added).toMatchObject([{ type: 'group_seen', chatId: '-1001234567890', title: 'Camp 7 · Group 1', at: new Date(DATE * 1000) }]);
    const kicked = normalizeUpdate(
      u({ my_chat_member: { chat: GROUP, from: ALICE, date: DATE, old_chat_member: { user: BOT, status: 'administrator' }, new_chat_member: { user: BOT, status: 'kicked', until_date: 0 } } }),
    );
    expect(kicked).toHaveLength(1);
    expect(kicked[0]).toMatchObject({ type: 'access_lost', chatId: '-1001234567890' });
    expect((kicked[0] as { reason: string }).reason).toMatch(/removed by Alice Ng/);
  });

  it('a private chat blocking the bot is not a group event', () => {
    const priv = { id: 111, type: 'private', first_name: 'Alice' };
    expect(normalizeUpdate(u({ my_chat_member: { chat: priv, from: ALICE, date: DATE, old_chat_member: { user: BOT, status: 'member' }, new_chat_member: { user: BOT, status: 'kicked', until_date: 0 } } }))).toEqual([]);
  });

  it('message with url, text_link, mention and text_mention entities and a reply', () => {
    const text = '见 https://shop.example/camp 和 the guide, ask @bob or Carol 🙂';
    const events = normalizeUpdate(
      u({
        message: {
          message_id: 42,
          from: ALICE,
          chat: GROUP,
          date: DATE,
          text,
          entities: [
            { type: 'url', offset: 2, length: 25 },
            { type: 'text_link', offset: 30, length: 9, url: 'https://docs.example/guide' },
            { type: 'mention', offset: 45, length: 4 },
            { type: 'text_mention', offset: 53, length: 5, user: { id: 333, is_bot: false, first_name: 'Carol' } },
          ],
          reply_to_message: { message_id: 40, from: BOB, chat: GROUP, date: DATE - 60, text: 'where is the link?' },
        },
      }),
      { knownChats: new Set(['-1001234567890']) },
    );
    expect(events).toEqual([
      {
        type: 'message',
        chatId: '-1001234567890',
        messageId: '42',
        from: { externalId: '111', name: 'Alice Ng' },
        text,
        links: ['https://shop.example/camp', 'https://docs.example/guide'],
        mentions: ['@bob', '333'],
        replyTo: '40',
        at: new Date(DATE * 1000),
      },
    ]);
  });

  it('a message from a group not seen before yields group_seen first', () => {
    const events = normalizeUpdate(u({ message: { message_id: 1, from: BOB, chat: GROUP, date: DATE, text: 'hi' } }));
    expect(events.map((e) => e.type)).toEqual(['group_seen', 'message']);
    expect(events[0]).toMatchObject({ chatId: '-1001234567890', title: 'Camp 7 · Group 1' });
  });

  it('photo caption with caption_entities is read like text', () => {
    const [e] = normalizeUpdate(
      u({ message: { message_id: 5, from: BOB, chat: GROUP, date: DATE, photo: [{ file_id: 'x', file_unique_id: 'y', width: 1, height: 1 }], caption: 'see t.me/x', caption_entities: [{ type: 'url', offset: 4, length: 6 }] } }),
      { knownChats: new Set([String(GROUP.id)]) },
    );
    expect(e).toMatchObject({ type: 'message', text: 'see t.me/x', links: ['t.me/x'] });
  });

  it('new_chat_title → group_renamed; pinned_message → announcement_changed', () => {
    const known = { knownChats: new Set([String(GROUP.id)]) };
    expect(normalizeUpdate(u({ message: { message_id: 7, from: ALICE, chat: GROUP, date: DATE, new_chat_title: 'Camp 7 · Final week' } }), known)).toEqual([
      { type: 'group_renamed', chatId: '-1001234567890', title: 'Camp 7 · Final week', by: { externalId: '111', name: 'Alice Ng' }, at: new Date(DATE * 1000) },
    ]);
    const pinned = normalizeUpdate(
      u({ message: { message_id: 8, from: ALICE, chat: GROUP, date: DATE, pinned_message: { message_id: 6, from: BOT, chat: GROUP, date: DATE - 5, text: 'Rules: be kind.' } } }),
      known,
    );
    expect(pinned).toEqual([{ type: 'announcement_changed', chatId: '-1001234567890', text: 'Rules: be kind.', by: { externalId: '111', name: 'Alice Ng' }, at: new Date(DATE * 1000) }]);
    const inaccessible = normalizeUpdate(u({ message: { message_id: 9, from: ALICE, chat: GROUP, date: DATE, pinned_message: { message_id: 1, chat: GROUP, date: 0 } } }), known);
    expect(inaccessible).toEqual([{ type: 'announcement_changed', chatId: '-1001234567890', by: { externalId: '111', name: 'Alice Ng' }, at: new Date(DATE * 1000) }]);
  });

  it('migrate_to_chat_id: the old id is lost, the new supergroup id is seen', () => {
    const basic = { id: -4001, type: 'group', title: 'Old group' };
    const events = normalizeUpdate(u({ message: { message_id: 3, from: ALICE, chat: basic, date: DATE, migrate_to_chat_id: -1009999 } }), { knownChats: new Set(['-4001']) });
    expect(events).toMatchObject([
      { type: 'access_lost', chatId: '-4001' },
      { type: 'group_seen', chatId: '-1009999', title: 'Old group' },
    ]);
  });

  it('chat_join_request → join_request with the link and bio', () => {
    expect(
      normalizeUpdate(u({ chat_join_request: { chat: GROUP, from: ALICE, user_chat_id: 111, date: DATE, bio: 'learning Go', invite_link: { ...LINK, creates_join_request: true } } })),
    ).toEqual([
      { type: 'join_request', chatId: '-1001234567890', member: { externalId: '111', name: 'Alice Ng' }, inviteLink: 'https://t.me/+AbCdEfGhIjKl', bio: 'learning Go', userChatId: '111', at: new Date(DATE * 1000) },
    ]);
  });

  it('updates it does not read (edited messages, polls) give nothing', () => {
    expect(normalizeUpdate(u({ edited_message: { message_id: 1, chat: GROUP, date: DATE, edit_date: DATE, text: 'x' } }))).toEqual([]);
    expect(normalizeUpdate(u({ message: { message_id: 2, from: ALICE, chat: GROUP, date: DATE, sticker: {} } }), { knownChats: new Set([String(GROUP.id)]) })).toEqual([]);
  });
});
