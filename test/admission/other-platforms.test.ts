// The blacklist and the rejoin policy where the platform differs: on WeChat (Wechaty) the bot
// removes the person (room.del — WeChat keeps no ban list, so lifting needs nothing); on WeCom no
// API can remove anyone from a customer group, so each removal is a task for the group's leader.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { log } from 'wechaty';
import { ingestEvent } from '../../src/community/ingest.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import { createWechatyConnector, type WechatyConnector } from '../../src/channels/wechaty/index.ts';
import { toOutbound } from '../../src/dispatch/outbound.ts';
import { toLedgerRow } from '../../src/run/ledger.ts';
import { addToBlacklist, removeFromBlacklist } from '../../src/run/admission/blacklist.ts';
import { saveSettings } from '../../src/run/admission/settings-store.ts';
import { DEFAULT_SETTINGS } from '../../src/community/admission/settings.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { createMockWeChat, type MockWeChat } from '../support/wechaty-mock.ts';

log.level('silent');

describe(`blacklist and rejoin on WeChat and WeCom (${engine})`, () => {
  let store: TestStore;
  let wx: MockWeChat;
  let connector: WechatyConnector;
  let wcGroup: string;

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
    await ensureGroup(db, 'ch_wx', wx.room.id, 'Camp 1');
    wcGroup = await ensureGroup(db, 'ch_wc', 'wrOgQhDgAA', 'Camp WeCom');
    await db.updateTable('groups').set({ leader: 'ann' }).where('id', '=', wcGroup).execute();
    const at = new Date(Date.now() - 60_000);
    await ingestEvent({ db }, 'ch_wx', { type: 'member_joined', chatId: wx.room.id, member: { externalId: wx.alice.id, name: 'Alice' }, at });
    await ingestEvent({ db }, 'ch_wc', { type: 'member_joined', chatId: 'wrOgQhDgAA', member: { externalId: 'wmEXT1', name: 'Ext' }, at });
  }, 120_000);
  afterAll(async () => {
    await connector?.stop();
    await store?.drop();
  });

  const rowsOf = (memberId: string) =>
    store.db.selectFrom('ledger').selectAll().where('member_id', '=', memberId).orderBy('id').execute();
  const memberOf = async (channel: string, id: string) =>
    (await store.db.selectFrom('member_identities').select('member_id').where('channel_id', '=', channel).where('external_id', '=', id).executeTakeFirstOrThrow()).member_id;

  it('removes a blacklisted member on WeChat through room.del', async () => {
    const alice = await memberOf('ch_wx', wx.alice.id);
    expect(wx.isMember(wx.room.id, wx.alice.id)).toBe(true);
    const r = await store.db.transaction().execute((trx) => addToBlacklist(trx, alice, 'spam', 'op'));
    expect(r.groups).toBe(1);
    const [row] = await rowsOf(alice);
    expect(row).toMatchObject({ action: 'ban', mode: 'bot', state: 'planned', sender_account: 'ch_wx' });
    // What the dispatcher does with the row: the connector action, performed on the mock WeChat.
    const action = toOutbound(toLedgerRow(row as never), wx.room.id);
    expect(action).toEqual({ type: 'remove_member', chatId: wx.room.id, userId: wx.alice.id, ban: true });
    await connector.perform(action);
    expect(wx.isMember(wx.room.id, wx.alice.id)).toBe(false);
    // Lifting it: WeChat keeps no ban list, so nothing is queued.
    await store.db.updateTable('ledger').set({ state: 'sent' }).where('id', '=', row.id).execute();
    expect(await store.db.transaction().execute((trx) => removeFromBlacklist(trx, alice, 'op'))).toEqual({ unbanned: 0 });
  });

  it('makes the removal a task for the leader on WeCom, and a comeback against the policy another', async () => {
    const ext = await memberOf('ch_wc', 'wmEXT1');
    await store.db.transaction().execute((trx) => addToBlacklist(trx, ext, 'abusive', 'op'));
    const [task] = await rowsOf(ext);
    expect(task).toMatchObject({ action: 'ban', mode: 'human', state: 'assigned', assignee: 'ann' });
    expect((task.content as { text: string }).text).toBe('Remove Ext from Camp WeCom and do not let them back: on the blacklist: abusive');
    await store.db.transaction().execute((trx) => removeFromBlacklist(trx, ext, 'op'));

    // The rejoin policy: `never` after a voluntary leave.
    await saveSettings(store.db, wcGroup, { ...DEFAULT_SETTINGS, rejoinPolicy: 'never' }, 'op');
    const t = Date.now();
    await ingestEvent({ db: store.db }, 'ch_wc', { type: 'member_left', chatId: 'wrOgQhDgAA', member: { externalId: 'wmEXT1' }, reason: 'voluntary', at: new Date(t - 30_000) });
    await ingestEvent({ db: store.db }, 'ch_wc', { type: 'member_joined', chatId: 'wrOgQhDgAA', member: { externalId: 'wmEXT1' }, at: new Date(t - 10_000) });
    const rows = await rowsOf(ext);
    expect(rows.at(-1)).toMatchObject({ action: 'remove', mode: 'human', assignee: 'ann' });
    expect((rows.at(-1)!.content as { text: string }).text).toMatch(/^Remove Ext from Camp WeCom: left the group earlier/);
    const notes = await store.db.selectFrom('notifications').select(['recipient', 'message']).where('kind', '=', 'admission').execute();
    expect(notes.some((n) => n.recipient === 'ann' && n.message.includes('does not take back people who left'))).toBe(true);

    // `review`: the reviewer is told, nothing is undone.
    await saveSettings(store.db, wcGroup, { ...DEFAULT_SETTINGS, rejoinPolicy: 'review' }, 'op');
    await ingestEvent({ db: store.db }, 'ch_wc', { type: 'member_left', chatId: 'wrOgQhDgAA', member: { externalId: 'wmEXT1' }, reason: 'voluntary', at: new Date(t - 5_000) });
    const before = (await rowsOf(ext)).length;
    await ingestEvent({ db: store.db }, 'ch_wc', { type: 'member_joined', chatId: 'wrOgQhDgAA', member: { externalId: 'wmEXT1' }, at: new Date(t - 1_000) });
    expect((await rowsOf(ext)).length).toBe(before);
    const after = await store.db.selectFrom('notifications').select('message').where('recipient', '=', 'ann').execute();
    expect(after.some((n) => n.message.includes('reviews returning members'))).toBe(true);
  });
});
