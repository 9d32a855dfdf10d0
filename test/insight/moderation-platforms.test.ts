// Moderation where the platform differs (docs/insight.md, the table under "Moderation in your
// groups"): on WeChat (Wechaty, the mock WeChat) a bot can recall only its own messages, so the
// deletion and a mute are tasks for the group's leader, the warning is posted and a removal is
// room.del; on WeCom customer groups no API deletes, mutes or removes, so all three are the
// leader's tasks and the warning a post staff confirm. The rows are what the dispatcher would
// perform: the connector action on the mock WeChat.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { log } from 'wechaty';
import { createWechatyConnector, type WechatyConnector } from '../../src/channels/wechaty/index.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import { ingestEvent } from '../../src/community/ingest.ts';
import { toOutbound } from '../../src/dispatch/outbound.ts';
import { forgetStoredScopes, setModeration } from '../../src/insight/moderation.ts';
import { toLedgerRow } from '../../src/run/ledger.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { createMockWeChat, type MockWeChat } from '../support/wechaty-mock.ts';

log.level('silent');

describe(`moderation on WeChat and WeCom (${engine})`, () => {
  let store: TestStore;
  let wx: MockWeChat;
  let connector: WechatyConnector;
  let wxGroup: string;
  let wcGroup: string;
  let n = 0;

  const rowsOf = (groupId: string) => store.db.selectFrom('ledger').selectAll().where('group_id', '=', groupId).orderBy('id').execute();
  const say = (channel: string, chatId: string, from: { externalId: string; name: string }, text: string) =>
    ingestEvent({ db: store.db }, channel, { type: 'message', chatId, messageId: `m${++n}`, from, text, links: [], mentions: [], at: new Date() });

  beforeAll(async () => {
    store = await testStore();
    const db = store.db;
    await db.insertInto('channels').values({ id: 'ch_wx', kind: 'wechaty', name: 'wx', config_sealed: 'unused' }).execute();
    await db.insertInto('channels').values({ id: 'ch_wc', kind: 'wecom', name: 'wc', config_sealed: 'unused' }).execute();
    wx = createMockWeChat();
    connector = createWechatyConnector({ puppet: wx.puppet, channelId: 'ch_wx', onError: () => {} });
    await connector.start(async () => {});
    wx.login();
    for (let i = 0; i < 100 && !(await connector.verify()).ok; i++) await new Promise((r) => setTimeout(r, 20));
    wxGroup = await ensureGroup(db, 'ch_wx', wx.room.id, 'Camp 1');
    wcGroup = await ensureGroup(db, 'ch_wc', 'wrOgQhDgAA', 'Camp WeCom');
    await db.updateTable('groups').set({ leader: 'ann' }).where('id', 'in', [wxGroup, wcGroup]).execute();
    const at = new Date(Date.now() - 60_000);
    await ingestEvent({ db }, 'ch_wx', { type: 'member_joined', chatId: wx.room.id, member: { externalId: wx.alice.id, name: 'Alice' }, at });
    await ingestEvent({ db }, 'ch_wc', { type: 'member_joined', chatId: 'wrOgQhDgAA', member: { externalId: 'wmEXT1', name: 'Ext' }, at });
    await setModeration(db, `id:${wxGroup},${wcGroup}`, { warn: 1, after: 'remove', newMemberHours: 0 }, { actor: 'op' });
    forgetStoredScopes();
  }, 120_000);
  afterAll(async () => {
    await connector?.stop();
    await store?.drop();
  });

  it('on WeChat: the deletion is the leader’s task, the warning posted, the removal room.del', async () => {
    const alice = { externalId: wx.alice.id, name: 'Alice' };
    await say('ch_wx', wx.room.id, alice, '加我微信 abc_12345 领资料');
    const first = await rowsOf(wxGroup);
    expect(first.map((r) => [r.action, r.mode, r.state])).toEqual([
      ['delete_message', 'human', 'assigned'],
      ['post', 'bot', 'planned'],
    ]);
    expect(first[0]).toMatchObject({ assignee: 'ann' });
    expect((first[0]!.content as { text: string }).text).toContain('Alice');

    await say('ch_wx', wx.room.id, alice, 'wx: abc_12345');
    const ban = (await rowsOf(wxGroup)).find((r) => r.action === 'ban')!;
    expect(ban).toMatchObject({ mode: 'bot', state: 'planned' });
    const action = toOutbound(toLedgerRow(ban as never), wx.room.id);
    expect(action).toEqual({ type: 'remove_member', chatId: wx.room.id, userId: wx.alice.id, ban: true });
    expect(wx.isMember(wx.room.id, wx.alice.id)).toBe(true);
    await connector.perform(action);
    expect(wx.isMember(wx.room.id, wx.alice.id)).toBe(false);
  });

  it('on WeCom: deletion and removal are the leader’s tasks, the warning a post staff confirm', async () => {
    const ext = { externalId: 'wmEXT1', name: 'Ext' };
    await say('ch_wc', 'wrOgQhDgAA', ext, '有需要的加V：abc_12345');
    await say('ch_wc', 'wrOgQhDgAA', ext, '电话 138 0013 8000');
    const rows = await rowsOf(wcGroup);
    const byStep = rows.map((r) => [r.action, r.mode, r.state, r.assignee]);
    expect(byStep).toEqual([
      ['delete_message', 'human', 'assigned', 'ann'],
      ['post', 'bot', 'planned', null],
      ['delete_message', 'human', 'assigned', 'ann'],
      ['ban', 'human', 'assigned', 'ann'],
      ['post', 'bot', 'planned', null],
    ]);
    expect((rows[3]!.content as { text: string }).text).toContain('Ext');
  });
});
