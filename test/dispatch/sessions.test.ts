// A Wechaty channel has one login, held by the server that holds the channel's receiver lease: its
// rows are claimed only by the worker in that process. A standalone worker (or a server without the
// lease) leaves them, and is not woken by them either; other channels' rows go to any worker.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel, ConnectorCache } from '../../src/channels/registry.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import { createBroadcast } from '../../src/run/broadcasts.ts';
import { claimDue, nextDueAt, sessionChannelsElsewhere } from '../../src/run/ledger.ts';
import { releaseLeases, takeLease } from '../../src/server/leases.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { TEST_KEY } from '../support/world.ts';

describe(`Wechaty rows go to the worker of the lease holder (${engine})`, () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await testStore();
  });
  afterAll(async () => {
    await store.drop();
  });

  it('claims them only with the lease, and other channels with or without', async () => {
    const db = store.db;
    const box = secretBox(TEST_KEY);
    const ctx = { db, connectors: new ConnectorCache(db, box), actor: 'test' };
    const wechat = await addChannel(db, box, { kind: 'wechaty', name: 'WeChat', config: { puppet: 'wechaty-puppet-mock' }, verify: false });
    // Added waiting for its QR sign-in; signed in now (sign-in.ts would set it).
    await db.updateTable('channels').set({ status: 'active' }).where('id', '=', wechat.id).execute();
    await ensureGroup(db, wechat.id, 'room-1@chatroom', 'Room 1');
    const wb = await createBroadcast(ctx, { text: 'Hello room', groups: `channel:${wechat.id}` });

    const scope = async (holder?: string) => ({ exclude: await sessionChannelsElsewhere(db, holder) });
    expect(await claimDue(db, 'standalone-worker', 10, await scope())).toEqual([]);
    expect(await nextDueAt(db, await scope())).toBeUndefined();
    await takeLease(db, wechat.id, 'server-1', 60_000);
    expect(await claimDue(db, 'worker-of-server-2', 10, await scope('server-2'))).toEqual([]);
    expect(await nextDueAt(db, await scope('server-1'))).toBeInstanceOf(Date);
    const mine = await claimDue(db, 'worker-of-server-1', 10, await scope('server-1'));
    expect(mine.map((r) => r.runId)).toEqual([wb.id]);
    await releaseLeases(db, 'server-1');

    const sandbox = await addChannel(db, box, { kind: 'sandbox', name: 'Sandbox', config: {} });
    await ensureGroup(db, sandbox.id, 'g1', 'Group 1');
    const sb = await createBroadcast(ctx, { text: 'Hello group', groups: `channel:${sandbox.id}` });
    expect((await claimDue(db, 'standalone-worker', 10, await scope())).map((r) => r.runId)).toEqual([sb.id]);
  });
});
