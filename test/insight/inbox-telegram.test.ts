// The question inbox on the local Telegram Bot API server: a member's question arrives by long
// polling, an operator answers it on the API, and the worker sends the answer as a reply to that
// very message (reply_parameters); the question is answered by the operator.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../src/channels/port.ts';
import { createIngest } from '../../src/community/ingest.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { type Caller, withToken } from '../server/accounts-world.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { type TelegramWorld, telegramWorld } from '../support/telegram-world.ts';
import { eventually, TEST_KEY } from '../support/world.ts';

describe(`inbox replies on Telegram (${engine})`, () => {
  let store: TestStore;
  let api: TelegramBotApi;
  let world: TelegramWorld;
  let app: FastifyInstance;
  let worker: Worker;
  let connector: Connector;
  let admin: Caller;

  beforeAll(async () => {
    store = await testStore();
    api = await startTelegramBotApi();
    world = await telegramWorld(store.db, api, 1);
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-inbox-tg-'));
    app = await buildApp({ store, dataDir, consoleDir: false, box: secretBox(TEST_KEY), connectors: world.connectors });
    admin = withToken(app, await ensureAdminToken(store.db, dataDir));
    worker = new Worker({ db: store.db, connectors: world.connectors, pollMs: 50, heartbeatMs: 200 });
    await worker.start();
    connector = await world.connectors.get(world.channelId);
    await connector.start!(createIngest({ db: store.db }));
    await eventually(async () => api.calls('getUpdates').length > 0, 10_000, 'the first poll');
  }, 60_000);
  afterAll(async () => {
    await connector?.stop?.();
    await worker?.stop();
    await app?.close();
    await api?.close();
    await store?.drop();
  });

  it('sends the answer as a reply to the question', async () => {
    const chat = world.chats[0]!;
    await api.say(chat, 21, 'Hi, is the live session recorded?');
    await api.say(chat, 22, 'thanks everyone');
    let open: { id: number; text: string }[] = [];
    await eventually(async () => {
      open = (await admin.call('GET', '/api/inbox')).json().questions;
      return open.length === 1;
    }, 15_000, 'the question kept');
    expect(open[0]).toMatchObject({ text: 'Hi, is the live session recorded?', channelKind: 'telegram' });
    const asked = await store.db.selectFrom('questions').innerJoin('messages', 'messages.id', 'questions.message_id').select('messages.external_id').executeTakeFirstOrThrow();

    const r = await admin.call('POST', `/api/inbox/${open[0]!.id}/reply`, { text: 'Yes, the replay is in the pinned message.' });
    expect(r.statusCode).toBe(202);
    worker.wake();
    await eventually(async () => api.sent(chat).some((m) => m.text === 'Yes, the replay is in the pinned message.'), 15_000, 'the reply sent');
    const sent = api.sent(chat).find((m) => m.text === 'Yes, the replay is in the pinned message.')!;
    expect(sent.reply_to_message_id).toBe(Number(asked.external_id));
    await eventually(async () => (await store.db.selectFrom('ledger').select('state').where('id', '=', r.json().ledgerId).executeTakeFirstOrThrow()).state === 'sent', 10_000, 'the row sent');
    expect((await admin.call('GET', '/api/inbox?state=answered')).json().questions[0]).toMatchObject({ id: open[0]!.id, answeredVia: 'inbox', answeredBy: expect.stringMatching(/^admin/) });
  });
});
