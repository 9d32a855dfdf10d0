// Receiver leases: one holder per channel; renewed by its holder; refused to others until it
// expires or is released; and two Receivers on one database run a polling channel only once,
// the second taking over when the first stops.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/channels/port.ts';
import { ConnectorCache } from '../../src/channels/registry.ts';
import { listLeases, releaseLeases, takeLease } from '../../src/server/leases.ts';
import { Receivers } from '../../src/server/receivers.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { telegramWorld } from '../support/telegram-world.ts';
import { eventually, TEST_KEY } from '../support/world.ts';

describe(`receiver leases on ${engine}`, () => {
  let store: TestStore;
  let api: TelegramBotApi;
  beforeAll(async () => {
    store = await testStore();
    api = await startTelegramBotApi();
  });
  afterAll(async () => {
    await api.close();
    await store.drop();
  });

  it('has one holder per channel until it expires or is released', async () => {
    const db = store.db;
    expect(await takeLease(db, 'ch_a', 'one', 60_000)).toBe(true);
    expect(await takeLease(db, 'ch_a', 'two', 60_000)).toBe(false);
    expect(await takeLease(db, 'ch_a', 'one', 60_000)).toBe(true);
    expect(await takeLease(db, 'ch_b', 'two', 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    // Expired: its holder stopped renewing.
    expect(await takeLease(db, 'ch_b', 'one', 60_000)).toBe(true);
    await releaseLeases(db, 'one', ['ch_a']);
    expect(await takeLease(db, 'ch_a', 'two', 60_000)).toBe(true);
    expect((await listLeases(db)).map((l) => [l.channelId, l.holder])).toEqual([
      ['ch_a', 'two'],
      ['ch_b', 'one'],
    ]);
    await releaseLeases(db, 'one');
    await releaseLeases(db, 'two');
    expect(await listLeases(db)).toEqual([]);
  });

  it('runs a polling channel in one of two servers, and in the other once the first stops', async () => {
    const world = await telegramWorld(store.db, api, 1);
    const got: string[] = [];
    const make = (holder: string) =>
      new Receivers({
        db: store.db,
        box: secretBox(TEST_KEY),
        // Each server builds its own connectors.
        connectors: new ConnectorCache(store.db, secretBox(TEST_KEY)),
        ingest: async (_c: string, e: InboundEvent) => void got.push(`${holder}:${e.type}`),
        log: () => {},
        holder,
        leaseMs: 1_500,
      });
    const a = make('server-a');
    const b = make('server-b');
    await a.startAll();
    await b.startAll();
    expect((await listLeases(store.db)).map((l) => l.holder)).toEqual(['server-a']);
    await api.say(world.chats[0], api.addMember(world.chats[0], { first_name: 'Li' }), 'hello');
    await eventually(async () => got.length > 0, 10_000, 'the join to be received');
    expect(got.every((g) => g.startsWith('server-a:'))).toBe(true);
    // Both servers are running and only one polls: Telegram never had to refuse a second poller.
    expect(api.conflicts()).toBe(0);

    await a.stopAll();
    await eventually(async () => (await listLeases(store.db)).some((l) => l.holder === 'server-b'), 10_000, 'server-b to take the lease');
    got.length = 0;
    await api.say(world.chats[0], api.addMember(world.chats[0], { first_name: 'Wang' }), 'hi again');
    await eventually(async () => got.length > 0, 10_000, 'the second join to be received');
    expect(got.every((g) => g.startsWith('server-b:'))).toBe(true);
    // The hand-over may end server-a's aborted poll with a 409 the server answers to nobody; after
    // it, over two lease periods, no poller competes with server-b.
    const settled = api.conflicts();
    await new Promise((r) => setTimeout(r, 3_000));
    expect(api.conflicts()).toBe(settled);
    // Disabled from another server: the holder stops receiving and gives the lease up.
    const polls = api.calls('getUpdates').length;
    await store.db.updateTable('channels').set({ status: 'disabled' }).where('id', '=', world.channelId).execute();
    await eventually(async () => (await listLeases(store.db)).length === 0, 10_000, 'the lease of the disabled channel to be released');
    await new Promise((r) => setTimeout(r, 1_000));
    const after = api.calls('getUpdates').length;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(api.calls('getUpdates').length).toBe(after);
    expect(after).toBeGreaterThanOrEqual(polls);
    await b.stopAll();
    expect(await listLeases(store.db)).toEqual([]);
  }, 40_000);

  it("rebuilds a cached connector when the channel's settings changed in another process", async () => {
    const box = secretBox(TEST_KEY);
    const world = await telegramWorld(store.db, api, 1, { name: 'Second bot' });
    const here = new ConnectorCache(store.db, box, 0);
    const first = await here.get(world.channelId);
    expect(await here.get(world.channelId)).toBe(first);
    // Another server re-seals the settings (a webhook secret added there).
    const row = await store.db.selectFrom('channels').select('config_sealed').where('id', '=', world.channelId).executeTakeFirstOrThrow();
    const config = { ...(JSON.parse(box.open(row.config_sealed)) as Record<string, unknown>), webhookSecret: 'from-the-other-server' };
    await store.db.updateTable('channels').set({ config_sealed: box.seal(JSON.stringify(config)) }).where('id', '=', world.channelId).execute();
    await eventually(async () => (await here.get(world.channelId)) !== first, 5_000, 'the connector to be rebuilt');
    const second = await here.get(world.channelId);
    expect(await here.get(world.channelId)).toBe(second);
  });
});
