// Two worker processes on one PostgreSQL database share one Telegram bot and its pacing budget: the
// pacing state is a row both lock before taking a send slot, so the bot as a whole keeps the
// interval, however the groups are split between the workers.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcast } from '../../src/run/broadcasts.ts';
import { getLedgerRows, ledgerHistory } from '../../src/run/ledger.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { messagesPerChat, telegramWorld } from '../support/telegram-world.ts';
import { startWorkerProcess, type WorkerChild } from '../support/worker-child.ts';
import { eventually } from '../support/world.ts';

const GROUPS = 40;
const INTERVAL_MS = 200;
/**
 * Slots are decided under the lock on the worker's clock; the server stamps arrivals after the
 * commit and the HTTP hop, which take 1–20 ms on the loopback and can differ between two sends by
 * tens of ms on a loaded machine. Two workers pacing on their own would send 0–5 ms apart, so a
 * 60 ms tolerance still tells a shared budget from none.
 */
const TOLERANCE_MS = 60;

describe.skipIf(engine !== 'postgres')('two workers sharing one pacing budget (PostgreSQL)', () => {
  let store: TestStore;
  let api: TelegramBotApi;
  const children: WorkerChild[] = [];

  beforeAll(async () => {
    store = await testStore();
    api = await startTelegramBotApi({ limits: 'enforce' });
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await api.close();
    await store.drop();
  });

  it('keeps the interval between any two sends of the bot, sends each group once, and both workers send', async () => {
    const world = await telegramWorld(store.db, api, GROUPS, { pacing: { minIntervalMs: INTERVAL_MS, jitterMs: 0 } });
    const database = { databaseUrl: process.env.DATABASE_URL!, schema: store.schema! };
    // Small batches, so neither worker claims the whole broadcast at once.
    for (const id of ['pg-worker-1', 'pg-worker-2']) children.push(await startWorkerProcess(database, { id, batch: 4 }));
    const b = await createBroadcast(world.ctx, { text: 'The quiz opens in ten minutes.', groups: `channel:${world.channelId}` });

    const ids = (await store.db.selectFrom('ledger').select('id').where('run_id', '=', b.id).execute()).map((r) => Number(r.id));
    await eventually(async () => (await getLedgerRows(store.db, ids)).every((r) => r.state === 'sent'), 30_000, 'every group to be sent');

    const arrivals = api.sent().map((m) => m.at).sort((x, y) => x - y);
    expect(arrivals).toHaveLength(GROUPS);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
    expect(Math.min(...gaps), `gaps between sends: ${gaps.join(', ')}`).toBeGreaterThanOrEqual(INTERVAL_MS - TOLERANCE_MS);
    // The whole send is paced, not just each pair: N sends need at least (N − 1) intervals.
    expect(arrivals[arrivals.length - 1] - arrivals[0]).toBeGreaterThanOrEqual((GROUPS - 1) * INTERVAL_MS - TOLERANCE_MS);

    const perChat = messagesPerChat(api);
    for (const chat of world.chats) expect(perChat.get(chat)).toBe(1);

    const bySender = new Map<string, number>();
    for (const id of ids) {
      const sent = (await ledgerHistory(store.db, id)).find((h) => h.to_state === 'sent');
      bySender.set(sent?.actor ?? '?', (bySender.get(sent?.actor ?? '?') ?? 0) + 1);
    }
    expect([...bySender.keys()].sort()).toEqual(['pg-worker-1', 'pg-worker-2']);
    console.info(`[two workers] min gap ${Math.min(...gaps)} ms (policy ${INTERVAL_MS} ms); sent by ${JSON.stringify(Object.fromEntries(bySender))}`);
  }, 60_000);
});

describe.skipIf(engine === 'postgres')('two workers sharing one pacing budget (PGlite)', () => {
  it.skip('needs PostgreSQL: a PGlite database belongs to one process, so two worker processes cannot share it', () => {});
});
