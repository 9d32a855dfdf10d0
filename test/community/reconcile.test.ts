// WeCom reconciliation: callbacks that never came (a rename, a new group, a dismissal, a new
// notice) are mended by the sweep from groupchat/list (paged with its cursor) and groupchat/get;
// each channel once per interval, by one process even when several sweep at once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorCache } from '../../src/channels/registry.ts';
import { createWecomConnector } from '../../src/channels/wecom/index.ts';
import { ensureGroup, updateGroup } from '../../src/community/groups.ts';
import { reconcilePlan } from '../../src/community/reconcile.ts';
import { insertLedger } from '../../src/run/ledger.ts';
import { sweep } from '../../src/run/sweep.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { startWecomApi, type WecomApiServer } from '../support/wecom-api.ts';
import { TEST_KEY } from '../support/world.ts';

const AT = new Date('2026-12-07T02:00:00Z');
const known = (externalId: string, o: Partial<{ name: string; status: string; memberCount: number | null; announcement: string | null }> = {}) => ({
  id: `grp_${externalId}`,
  externalId,
  name: o.name ?? externalId,
  status: o.status ?? 'active',
  memberCount: o.memberCount ?? null,
  announcement: o.announcement ?? null,
});

describe('reconcilePlan (pure)', () => {
  it('adds, renames, takes notices and counts over, restores, and lists the missing', () => {
    const plan = reconcilePlan(
      [known('a', { name: 'Old A', memberCount: 3 }), known('b', { announcement: 'Rules' }), known('d'), known('e', { status: 'access_lost' }), known('x', { status: 'dismissed' })],
      [
        { chatId: 'a', title: 'New A', memberCount: 4 },
        { chatId: 'b', title: 'b', notice: 'Rules v2' },
        { chatId: 'c', title: '' },
        { chatId: 'e', title: 'e' },
        { chatId: 'x', title: 'back?' },
      ],
      AT,
    );
    expect(plan.events).toEqual([
      { type: 'group_renamed', chatId: 'a', title: 'New A', at: AT },
      { type: 'announcement_changed', chatId: 'b', text: 'Rules v2', at: AT },
      // An unnamed customer group: its chat id is the name until someone names it.
      { type: 'group_renamed', chatId: 'c', title: 'c', at: AT },
    ]);
    expect(plan.counts).toEqual([{ chatId: 'a', memberCount: 4 }]);
    expect(plan.restore).toEqual(['grp_e']);
    expect(plan.missing.map((g) => g.externalId)).toEqual(['d']);
  });
});

describe(`WeCom groups reconciled by the sweep (${engine})`, () => {
  let store: TestStore;
  let s: WecomApiServer;
  let connectors: ConnectorCache;
  const channelId = 'ch_wecom';
  const group = (chatId: string) =>
    store.db.selectFrom('groups').selectAll().where('channel_id', '=', channelId).where('external_id', '=', chatId).executeTakeFirst();

  beforeAll(async () => {
    store = await testStore();
    s = await startWecomApi();
    s.pageCap = 2; // three groups and more: the list comes in pages, followed by its cursor
    for (const [chat, name] of [
      ['wrA', 'Camp A'],
      ['wrB', 'Camp B'],
      ['wrD', 'Camp D'],
    ]) {
      s.addGroup({ chat_id: chat, name, owner: 'zhangsan', members: [{ userid: `wm${chat}`, name: 'Li Lei' }] });
    }
    await store.db.insertInto('channels').values({ id: channelId, kind: 'wecom', name: 'wecom', config_sealed: 'unused' }).execute();
    for (const [chat, name] of [
      ['wrA', 'Camp A'],
      ['wrB', 'Camp B'],
      ['wrD', 'Camp D'],
    ]) {
      await ensureGroup(store.db, channelId, chat, name);
    }
    connectors = new ConnectorCache(store.db, secretBox(TEST_KEY));
    connectors.set(channelId, createWecomConnector({ corpId: s.corpId, secret: s.secret, token: s.token, aesKey: s.aesKey, apiRoot: s.url }));
  });
  afterAll(async () => {
    await s.close();
    await store.drop();
  });

  it('mends a lost rename, a lost new group, a lost dismissal and a lost notice; once per interval, by one sweep', async () => {
    // What happened in WeCom while the callbacks were lost:
    s.renameGroup('wrA', 'Camp A · week 2');
    s.addGroup({ chat_id: 'wrC', name: 'Camp C', owner: 'zhangsan', notice: 'Welcome to C', members: [{ userid: 'wm1' }, { userid: 'wm2' }] });
    s.dismissGroup('wrD');
    s.groups.get('wrB')!.notice = 'Rules: one question per message';
    const d = (await group('wrD'))!;
    await updateGroup(store.db, d.id, { leader: 'lin' });
    await store.db.insertInto('runs').values({ id: 'run_1', kind: 'broadcast', selector: 'all', state: 'running' }).execute();
    await insertLedger(store.db, 'run_1', [
      { groupId: d.id, stepId: 'later', occurrence: 1, action: 'post', mode: 'bot', executor: 'bot', assignee: null, senderAccount: channelId, dueAt: new Date(Date.now() + 3_600_000), windowMinutes: 60, content: { text: 'Day 2' } },
    ]);

    const now = new Date();
    // Two processes sweep at the same moment: one of them reconciles.
    const [r1, r2] = await Promise.all([sweep({ db: store.db, connectors, now }), sweep({ db: store.db, connectors, now })]);
    expect(r1.reconciled + r2.reconciled).toBe(1);

    expect((await group('wrA'))?.name).toBe('Camp A · week 2');
    expect(await group('wrC')).toMatchObject({ name: 'Camp C', member_count: 3, announcement: 'Welcome to C', status: 'active' });
    expect((await group('wrB'))?.announcement).toBe('Rules: one question per message');
    expect((await group('wrD'))?.status).toBe('dismissed');
    expect((await store.db.selectFrom('ledger').select('state').executeTakeFirstOrThrow()).state).toBe('cancelled');
    const events = await store.db.selectFrom('inbound_events').select(['type', 'chat_id']).where('channel_id', '=', channelId).orderBy('id').execute();
    expect(events).toEqual([
      { type: 'group_renamed', chat_id: 'wrA' },
      { type: 'announcement_changed', chat_id: 'wrB' },
      { type: 'group_renamed', chat_id: 'wrC' },
      { type: 'announcement_changed', chat_id: 'wrC' },
      { type: 'group_dismissed', chat_id: 'wrD' },
    ]);
    const listCalls = s.calls.filter((c) => c.path === 'externalcontact/groupchat/list');
    expect(listCalls.length).toBe(2); // three groups in pages of two
    expect((listCalls[1].body as { cursor?: string }).cursor).toBeTruthy();

    // Within the interval nothing is asked again; after it, the channel is compared once more.
    const calls = s.calls.length;
    expect((await sweep({ db: store.db, connectors, now: new Date(now.getTime() + 60_000) })).reconciled).toBe(0);
    expect(s.calls.length).toBe(calls);
    s.renameGroup('wrC', 'Camp C · graduates');
    expect((await sweep({ db: store.db, connectors, now: new Date(now.getTime() + 31 * 60_000) })).reconciled).toBe(1);
    expect((await group('wrC'))?.name).toBe('Camp C · graduates');
  }, 60_000);
});
