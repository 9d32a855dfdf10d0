// More than one machine: two servers (`chorus serve --no-worker`) and two workers as real processes
// on one PostgreSQL database, one Telegram channel that long-polls and one broadcast. The channel is
// received by exactly one server at a time (the lease; the local Bot API answers 409 to a second
// concurrent getUpdates, as Telegram does, and must never have to); SIGKILL on the holder, and the
// other takes over within the lease time; the workers reach every group exactly once meanwhile.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcast } from '../../src/run/broadcasts.ts';
import { listLeases } from '../../src/server/leases.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { type ServerChild, startServerProcess } from '../support/server-child.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { messagesPerChat, telegramWorld } from '../support/telegram-world.ts';
import { startWorkerProcess, type WorkerChild } from '../support/worker-child.ts';
import { eventually } from '../support/world.ts';

const GROUPS = 30;
const LEASE_MS = 2_000;

describe.skipIf(engine !== 'postgres')('two servers and two workers on one database (PostgreSQL)', () => {
  let store: TestStore;
  let api: TelegramBotApi;
  const servers: ServerChild[] = [];
  const workers: WorkerChild[] = [];

  beforeAll(async () => {
    store = await testStore();
    api = await startTelegramBotApi();
  });
  afterAll(async () => {
    await Promise.all([...servers, ...workers].map((c) => c.stop()));
    await api?.close();
    await store?.drop();
  });

  /** A member of `chat` says something; resolves once a server has stored it. */
  async function received(chat: number, name: string): Promise<void> {
    const user = api.addMember(chat, { first_name: name });
    await api.say(chat, user, `hello from ${name}`);
    await eventually(
      async () => Boolean(await store.db.selectFrom('member_identities').select('external_id').where('external_id', '=', String(user)).executeTakeFirst()),
      15_000,
      `${name}'s message to be received`,
    );
  }

  it('receives the channel on one server at a time, takes over from a killed one, and sends every group once', async () => {
    const world = await telegramWorld(store.db, api, GROUPS, { pacing: { minIntervalMs: 150, jitterMs: 0 } });
    const database = { databaseUrl: process.env.DATABASE_URL!, schema: store.schema! };
    const started = await Promise.all([
      startServerProcess(database, { holder: 'server-1', leaseMs: LEASE_MS }),
      startServerProcess(database, { holder: 'server-2', leaseMs: LEASE_MS }),
      startWorkerProcess(database, { id: 'worker-1', batch: 4 }),
      startWorkerProcess(database, { id: 'worker-2', batch: 4 }),
    ]);
    servers.push(started[0] as ServerChild, started[1] as ServerChild);
    workers.push(started[2] as WorkerChild, started[3] as WorkerChild);

    await eventually(async () => (await listLeases(store.db)).length === 1, 15_000, 'one server to take the lease');
    const [lease] = await listLeases(store.db);
    const holder = servers.find((s) => s.holder === lease.holder)!;
    const other = servers.find((s) => s !== holder)!;
    await received(world.chats[0], 'Li');

    const b = await createBroadcast(world.ctx, { text: 'The workshop starts at eight.', groups: `channel:${world.channelId}` });
    await eventually(async () => api.sent().length >= 5, 20_000, 'the broadcast to start');
    holder.kill('SIGKILL');
    await holder.exited;
    const killedAt = Date.now();

    await eventually(async () => (await listLeases(store.db)).some((l) => l.holder === other.holder), LEASE_MS * 6, 'the other server to take the lease over');
    const tookOverMs = Date.now() - killedAt;
    await received(world.chats[1], 'Wang');

    await eventually(
      async () => {
        const rows = await store.db.selectFrom('ledger').select('state').where('run_id', '=', b.id).execute();
        return rows.length === GROUPS && rows.every((r) => r.state === 'sent');
      },
      30_000,
      'every group to be sent',
    );
    const perChat = messagesPerChat(api);
    for (const chat of world.chats) expect(perChat.get(chat), `chat ${chat}`).toBe(1);
    expect(api.sent()).toHaveLength(GROUPS);
    // Never two pollers on the bot at once.
    expect(api.conflicts(), `${servers[0].log()}\n${servers[1].log()}`).toBe(0);
    console.info(`[two servers] ${holder.holder} killed; ${other.holder} took the lease over after ${tookOverMs} ms (lease ${LEASE_MS} ms); ${GROUPS} groups, one message each`);
  }, 90_000);
});

describe.skipIf(engine === 'postgres')('two servers and two workers on one database (PGlite)', () => {
  it.skip('needs PostgreSQL: a PGlite database belongs to one process, so two servers cannot share it', () => {});
});
