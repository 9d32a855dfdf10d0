// Audiences on WeCom (the local API server) and Wechaty (the puppet mock): WeCom writes to each
// customer with `add_msg_template` `chat_type: single` (a staff member confirms); a move on WeCom
// is a task naming the member and the target group. Wechaty says it to the contact, and a move
// adds the contact to the other room. Both engines.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel, type ConnectorCache } from '../../src/channels/registry.ts';
import { createWechatyConnector, type WechatyConnector } from '../../src/channels/wechaty/index.ts';
import { ensureGroup, updateGroup } from '../../src/community/groups.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { startRun } from '../../src/run/runs.ts';
import { takeLease } from '../../src/server/leases.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine } from '../support/db.ts';
import { addMembers } from '../support/members.ts';
import { createMockWeChat, type MockWeChat } from '../support/wechaty-mock.ts';
import { startWecomApi, type WecomApiServer } from '../support/wecom-api.ts';
import { eventually, sandboxWorld, TEST_KEY, type World } from '../support/world.ts';

const sheet = (steps: string) => `sop: plat
title: Platforms
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
${steps}`;

async function rowOf(w: World, runId: string, memberId: string) {
  const r = await w.store.db.selectFrom('ledger').selectAll().where('run_id', '=', runId).where('member_id', '=', memberId).executeTakeFirst();
  return r ? { ...r, content: (typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as Record<string, string> } : undefined;
}

describe(`audiences on WeCom (local API server, ${engine})`, () => {
  let w: World;
  let s: WecomApiServer;
  let worker: Worker;
  let group: string;
  let ann: string;
  beforeAll(async () => {
    s = await startWecomApi();
    w = await sandboxWorld(0);
    const channel = await addChannel(w.store.db, secretBox(TEST_KEY), {
      kind: 'wecom',
      name: 'wecom',
      config: { corpId: s.corpId, secret: s.secret, token: s.token, aesKey: s.aesKey, apiRoot: s.url },
    });
    await w.store.db.updateTable('channels').set({ pacing: JSON.stringify({ minIntervalMs: 0, jitterMs: 0, perChatDailyCap: null }) }).where('id', '=', channel.id).execute();
    s.addGroup({ chat_id: 'wrCamp1', name: '训练营 1 群', owner: 'zhangsan' });
    s.addGroup({ chat_id: 'wrCamp2', name: '训练营 2 群', owner: 'zhangsan' });
    s.addContact('zhangsan', 'wmAnn');
    group = await ensureGroup(w.store.db, channel.id, 'wrCamp1', '训练营 1 群');
    await ensureGroup(w.store.db, channel.id, 'wrCamp2', '训练营 2 群');
    await updateGroup(w.store.db, group, { leader: 'lin' });
    [ann] = await addMembers(w.store.db, channel.id, group, [{ externalId: 'wmAnn', name: '安妮' }]);
    worker = new Worker({ db: w.store.db, connectors: w.connectors, pollMs: 50, heartbeatMs: 200 });
    w.ctx.wake = () => worker.wake();
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await w.close();
    await s.close();
  });

  it('one add_msg_template with chat_type single per customer, the text filled in; the staff member confirms it', async () => {
    const run = await startRun(w.ctx, {
      sheet: sheet(`  - id: hello
    at: T0
    do: notify
    to: members
    text: "{{ member.name }}你好，今晚八点开课。"
`),
      groups: `id:${group}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await eventually(async () => (await rowOf(w, run.id, ann))?.state === 'awaiting_confirmation', 10_000, 'the WeCom task');
    const templates = [...s.templates.values()];
    expect(templates).toHaveLength(1);
    expect(templates[0]).toMatchObject({ chat_type: 'single', text: { content: '安妮你好，今晚八点开课。' } });
    expect(templates[0].results).toEqual([{ userid: 'zhangsan', external_userid: 'wmAnn', status: 0 }]);
    s.confirmSend(templates[0].msgid);
    expect(s.delivered.get('wmAnn')).toEqual(['安妮你好，今晚八点开课。']);
  });

  it('a move on WeCom is a task naming the member and the target group', async () => {
    const run = await startRun(w.ctx, {
      sheet: sheet(`  - id: regroup
    at: T0
    do: move
    into: "训练营 2 群"
`),
      groups: `id:${group}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await eventually(async () => (await rowOf(w, run.id, ann))?.state === 'assigned', 10_000, 'the task');
    const task = (await rowOf(w, run.id, ann))!;
    expect(task).toMatchObject({ mode: 'human', assignee: 'lin' });
    expect(task.content.instruction).toBe('请邀请「训练营 1 群」的 安妮 (wmAnn) 加入「训练营 2 群」。');
    expect(task.content.text).toBe('安妮你好，邀请你加入「训练营 2 群」。这个链接只给你一个人用：');
  });
});

describe(`audiences on Wechaty (puppet mock, ${engine})`, () => {
  let w: World;
  let world: MockWeChat;
  let connector: WechatyConnector;
  let worker: Worker;
  let group: string;
  let alice: string;
  let bob: string;
  let room2: string;
  beforeAll(async () => {
    w = await sandboxWorld(0);
    world = createMockWeChat();
    const channel = await addChannel(w.store.db, secretBox(TEST_KEY), { kind: 'wechaty', name: 'WeChat', config: { puppet: 'wechaty-puppet-mock' }, verify: false });
    await w.store.db.updateTable('channels').set({ status: 'active', pacing: JSON.stringify({ minIntervalMs: 1000, jitterMs: 0 }) }).where('id', '=', channel.id).execute();
    connector = createWechatyConnector({ puppet: world.puppet, channelId: channel.id });
    await connector.start(async () => undefined);
    world.login();
    await eventually(async () => (await connector.verify()).ok, 10_000, 'the login');
    room2 = world.mocker.createRoom({ topic: 'Camp 2', memberIdList: [world.me.id], adminIdList: [], ownerId: world.me.id }).id;
    group = await ensureGroup(w.store.db, channel.id, world.room.id, 'Camp 1');
    await ensureGroup(w.store.db, channel.id, room2, 'Camp 2');
    await updateGroup(w.store.db, group, { leader: 'lin' });
    [alice, bob] = await addMembers(w.store.db, channel.id, group, [
      { externalId: world.alice.id, name: 'Alice', tags: ['buyer'] },
      { externalId: world.bob.id, name: 'Bob' },
    ]);
    await takeLease(w.store.db, channel.id, 'srv-1', 60_000);
    const connectors = { get: async () => connector } as unknown as ConnectorCache;
    worker = new Worker({ db: w.store.db, connectors, pollMs: 50, heartbeatMs: 200, sessionHolder: 'srv-1' });
    w.ctx.wake = () => worker.wake();
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await connector.stop();
    await w.close();
  });

  it('says each member their own text (contact.say), paced like any send', async () => {
    const run = await startRun(w.ctx, {
      sheet: sheet(`  - id: hello
    at: T0
    do: remind
    to: members
    text: "{{ member.name }}, tonight at 8."
`),
      groups: `id:${group}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await eventually(async () => (await rowOf(w, run.id, alice))?.state === 'sent' && (await rowOf(w, run.id, bob))?.state === 'sent', 15_000, 'two sends');
    const said = world.puppet.sent.filter((x) => x.kind === 'text');
    expect(said.map((x) => [x.conversationId, x.text]).sort()).toEqual(
      [
        [world.alice.id, 'Alice, tonight at 8.'],
        [world.bob.id, 'Bob, tonight at 8.'],
      ].sort(),
    );
    // The WeChat pacing (1 s here) keeps the two messages apart.
    expect(Math.abs(said[1].at - said[0].at)).toBeGreaterThanOrEqual(900);
  });

  it('move adds the audience to the other room (room.add)', async () => {
    const run = await startRun(w.ctx, {
      sheet: sheet(`  - id: regroup
    at: T0
    do: move
    where: "tag:buyer"
    into: "Camp 2"
`),
      groups: `id:${group}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await eventually(async () => (await rowOf(w, run.id, alice))?.state === 'sent', 15_000, 'the move');
    expect(world.isMember(room2, world.alice.id)).toBe(true);
    expect(world.isMember(room2, world.bob.id)).toBe(false);
    expect(await rowOf(w, run.id, bob)).toBeUndefined();
  });
});
