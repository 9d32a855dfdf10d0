// Growth on Wechaty (wechaty-puppet-mock): a live code whose WeChat group fills makes the bot
// create the next group (Room.create with the group's leader and assistant), adopts the new room
// as its next slot, gets its QR code and routes there; no group is routed past its cap; a join
// keeps the inviter WeChat names (room-join). Both engines.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel, type ConnectorCache } from '../../src/channels/registry.ts';
import { createWechatyConnector, type WechatyConnector } from '../../src/channels/wechaty/index.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import { createIngest } from '../../src/community/ingest.ts';
import { setMemberRole } from '../../src/community/roles.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { scanLiveCode } from '../../src/growth/livecode-scan.ts';
import { createLiveCode } from '../../src/growth/livecodes.ts';
import { growthSweep } from '../../src/growth/sweep.ts';
import { takeLease } from '../../src/server/leases.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine } from '../support/db.ts';
import { addMembers } from '../support/members.ts';
import { createMockWeChat, type MockWeChat } from '../support/wechaty-mock.ts';
import { eventually, sandboxWorld, TEST_KEY, type World } from '../support/world.ts';

describe(`growth on Wechaty (puppet mock, ${engine})`, () => {
  let w: World;
  let world: MockWeChat;
  let connector: WechatyConnector;
  let worker: Worker;
  let channelId: string;
  let camp: string;
  const db = () => w.store.db;

  beforeAll(async () => {
    w = await sandboxWorld(0);
    world = createMockWeChat();
    const channel = await addChannel(db(), secretBox(TEST_KEY), { kind: 'wechaty', name: 'WeChat', config: { puppet: 'wechaty-puppet-mock' }, verify: false });
    channelId = channel.id;
    await db().updateTable('channels').set({ status: 'active', pacing: JSON.stringify({ minIntervalMs: 0, jitterMs: 0 }) }).where('id', '=', channelId).execute();
    // Wechaty reloads a room's members after a join through a "dirty" event that PuppetMock answers
    // with "no payload found" (it looks the room id up as a contact): the only errors, kept out of the log.
    connector = createWechatyConnector({ puppet: world.puppet, channelId, onError: (m, e) => void (/no payload found/.test(String(e)) || console.error(m, e)) });
    await takeLease(db(), channelId, 'srv-1', 60_000);
    const connectors = { get: async () => connector } as unknown as ConnectorCache;
    worker = new Worker({ db: db(), connectors, pollMs: 50, heartbeatMs: 200, sessionHolder: 'srv-1' });
    await connector.start(createIngest({ db: db(), wake: () => worker.wake() }));
    world.login();
    await eventually(async () => (await connector.verify()).ok, 10_000, 'the login');
    camp = await ensureGroup(db(), channelId, world.room.id, 'Camp 1');
    const [alice, bob] = await addMembers(db(), channelId, camp, [
      { externalId: world.alice.id, name: 'Alice' },
      { externalId: world.bob.id, name: 'Bob' },
    ]);
    // The group's staff: the bot creates the next group with them.
    await setMemberRole(db(), alice, camp, 'leader', { at: new Date() });
    await setMemberRole(db(), bob, camp, 'assistant', { at: new Date() });
    await worker.start();
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await connector?.stop();
    await w?.close();
  });

  it('fills, creates the next group with Room.create, adopts it and routes there', async () => {
    // Camp 1 holds the bot, Alice and Bob.
    await db().updateTable('groups').set({ member_count: 3 }).where('id', '=', camp).execute();
    const { id, code } = await createLiveCode(db(), { selector: `id:${camp}`, cap: 5, autoCreate: true, name: 'Camp' });
    await eventually(async () => !!(await db().selectFrom('groups').select('invite_link').where('id', '=', camp).executeTakeFirstOrThrow()).invite_link, 10_000, 'the room QR code');
    const first = await Promise.all([scanLiveCode(db(), code), scanLiveCode(db(), code), scanLiveCode(db(), code)]);
    // Two seats (cap 5, three members): the third concurrent scan finds it full.
    expect(first.filter((r) => r.kind === 'routed')).toHaveLength(2);
    expect(first.filter((r) => r.kind === 'preparing')).toHaveLength(1);

    await eventually(async () => world.puppet.created.length === 1, 10_000, 'Room.create');
    const room = world.puppet.created[0];
    expect(room).toMatchObject({ contactIdList: [world.alice.id, world.bob.id], topic: 'Camp 2' });
    // The room-join WeChat sends the creator, or the sweep from the create_group result: it becomes slot 2.
    await eventually(
      async () => {
        await growthSweep(db());
        return (await db().selectFrom('livecode_groups').select('id').where('livecode_id', '=', id).execute()).length === 2;
      },
      10_000,
      'the adoption',
    );
    const slot = await db()
      .selectFrom('livecode_groups as s')
      .innerJoin('groups as g', 'g.id', 's.group_id')
      .select(['g.external_id', 'g.name', 's.position', 's.cap'])
      .where('s.livecode_id', '=', id)
      .where('s.position', '=', 2)
      .executeTakeFirstOrThrow();
    expect(slot).toEqual({ external_id: room.roomId, name: 'Camp 2', position: 2, cap: 5 });
    await eventually(async () => (await scanLiveCode(db(), code)).kind === 'routed', 10_000, 'the new room’s QR code');
    const routed = await scanLiveCode(db(), code);
    expect(routed).toMatchObject({ kind: 'routed', groupName: 'Camp 2', entry: { kind: 'qr_text' } });
    // Nobody was sent past a cap.
    for (const x of await db().selectFrom('livecode_groups').select(['routed', 'seats']).where('livecode_id', '=', id).execute()) expect(x.routed).toBeLessThanOrEqual(x.seats ?? 0);
    // The bot invited the staff into its new room: their joins (room-join events, which may come
    // after the room was adopted) name it as the inviter.
    const inviters = async () =>
      (
        await db()
          .selectFrom('memberships as m')
          .innerJoin('groups as g', 'g.id', 'm.group_id')
          .innerJoin('member_identities as i', 'i.member_id', 'm.inviter_member_id')
          .select('i.external_id')
          .where('g.external_id', '=', room.roomId)
          .execute()
      ).map((r) => r.external_id);
    await eventually(async () => (await inviters()).length === 2, 10_000, 'the staff’s joins');
    expect(await inviters()).toEqual([world.me.id, world.me.id]);
    expect(await db().selectFrom('ledger').select(['mode', 'state']).where('step_id', '=', 'livecode-new-group').execute()).toEqual([{ mode: 'bot', state: 'sent' }]);
  });
});
