// At most once under a crash. A worker process broadcasts to 300 Telegram groups on the local Bot
// API server (Telegram's limits enforced, so pacing is at work) and is killed with SIGKILL after
// about 100 messages went out — with one send held inside the server at that moment, so the
// platform accepts it after the worker is gone ("accepted but not recorded"), and just before,
// two sends the server carries out and then cuts the connection on (answer lost). A second worker
// process starts, recovers, and finishes. Then: no group got two messages, every row is `sent`
// or `unconfirmed`, every `sent` group got exactly one, nothing was lost, and the `unconfirmed`
// rows are exactly the sends that were interrupted.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLedgerRows, type LedgerRow, ledgerHistory } from '../../src/run/ledger.ts';
import { createBroadcast } from '../../src/run/broadcasts.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { engine, testStore } from '../support/db.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { messagesPerChat, telegramWorld, type TelegramWorld } from '../support/telegram-world.ts';
import { startWorkerProcess, type WorkerChild, type WorkerDatabase } from '../support/worker-child.ts';

const GROUPS = 300;
const KILL_AFTER = 100;
const STALE_MS = 1_500;
/** How long the server holds the send that is in flight when the worker dies. */
const HOLD_MS = 1_500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, log = () => ''): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${log()}`);
    await sleep(10);
  }
}

describe(`a worker killed in the middle of a 300-group Telegram broadcast (${engine})`, () => {
  let api: TelegramBotApi;
  let database: WorkerDatabase;
  let keep: (Store & { drop?: () => Promise<void> }) | undefined;
  let dataDir: string | undefined;
  const children: WorkerChild[] = [];

  /** The database, for the test process. PGlite has one owner: open it only while no worker runs. */
  async function withDb<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    if (keep) return fn(keep);
    const store = await openStore({ dataDir });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  beforeAll(async () => {
    api = await startTelegramBotApi({ limits: 'enforce' });
    if (engine === 'postgres') {
      const store = await testStore();
      keep = store;
      database = { databaseUrl: process.env.DATABASE_URL!, schema: store.schema! };
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'chorus-crash-'));
      database = { dataDir };
    }
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await keep?.drop?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await api.close();
  });

  it('sends every group at most once, all but the interrupted ones exactly once, and loses nothing', async () => {
    const setup = await withDb(async (store) => {
      const world: TelegramWorld = await telegramWorld(store.db, api, GROUPS);
      const b = await createBroadcast(world.ctx, { text: 'Tonight at 20:00 the live class starts in the main room.', groups: `channel:${world.channelId}` });
      expect(b).toMatchObject({ groups: GROUPS, bot: GROUPS, human: 0 });
      return { world, runId: b.id };
    });
    const { world, runId } = setup;
    const started = Date.now();

    // First worker: let about 100 messages out.
    const first = await startWorkerProcess(database, { staleAfterMs: STALE_MS });
    children.push(first);
    await until(() => api.sent().length >= KILL_AFTER - 10, 30_000, 'the first ~90 messages', first.log);

    // The server carries out the next two sends and then cuts the connection: the answer is lost.
    const beforeDrop = api.sent().length;
    api.dropAfterAccept(2, 'sendMessage');
    await until(() => api.sent().length >= beforeDrop + 2, 10_000, 'the two dropped sends', first.log);
    const dropped = api.sent().slice(beforeDrop, beforeDrop + 2).map((m) => m.chat_id);

    // The next send stays inside the server for HOLD_MS; the worker dies while waiting for it.
    await until(() => api.sent().length >= KILL_AFTER, 10_000, 'the first 100 messages', first.log);
    api.setLatency(HOLD_MS);
    const callsBefore = api.calls('sendMessage').length;
    await until(() => api.calls('sendMessage').length > callsBefore, 10_000, 'a send in flight', first.log);
    first.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const sentAtKill = api.sent().length;
    await sleep(HOLD_MS + 200);
    api.setLatency(0);
    const heldThrough = api.sent().slice(sentAtKill).map((m) => m.chat_id);
    expect(heldThrough.length, 'the send held in the server was carried out after the kill').toBeGreaterThanOrEqual(1);

    // What the ledger says right after the crash: the sends the dead worker started and never finished.
    const atKill = await withDb(async (store) => {
      const rows = await store.db.selectFrom('ledger').select(['id', 'group_id', 'state']).where('run_id', '=', runId).execute();
      return rows.map((r) => ({ id: Number(r.id), groupId: r.group_id, state: r.state }));
    });
    expect(atKill).toHaveLength(GROUPS);
    const interrupted = atKill.filter((r) => r.state === 'sending' || r.state === 'unconfirmed');
    const stillSending = atKill.filter((r) => r.state === 'sending').map((r) => world.chatOf.get(r.groupId)!);
    // The dropped answers were judged by the living worker; the held send was still `sending`.
    for (const chat of dropped) expect(interrupted.map((r) => world.chatOf.get(r.groupId))).toContain(chat);
    for (const chat of heldThrough) expect(stillSending).toContain(chat);

    // Second worker: recovers the dead worker's rows and finishes the broadcast.
    const reached = new Set(api.sent().map((m) => m.chat_id));
    const expectedChats = new Set([...reached, ...atKill.filter((r) => !interrupted.includes(r)).map((r) => world.chatOf.get(r.groupId)!)]);
    const second = await startWorkerProcess(database, { staleAfterMs: STALE_MS });
    children.push(second);
    await until(() => messagesPerChat(api).size >= expectedChats.size, 45_000, `messages in ${expectedChats.size} groups`, second.log);
    // Let the last answers be recorded, and a recovery pass run, before stopping it cleanly.
    await sleep(STALE_MS * 2);
    await second.stop();

    const rows: LedgerRow[] = await withDb(async (store) => {
      const ids = await store.db.selectFrom('ledger').select('id').where('run_id', '=', runId).execute();
      return getLedgerRows(store.db, ids.map((r) => Number(r.id)));
    });
    const perChat = messagesPerChat(api);
    const messages = api.sent();

    // At most once, everywhere.
    for (const chat of world.chats) expect(perChat.get(chat) ?? 0, `messages in chat ${chat}`).toBeLessThanOrEqual(1);
    // Nothing lost: every row finished as sent or flagged.
    expect(rows).toHaveLength(GROUPS);
    expect(rows.filter((r) => r.state !== 'sent' && r.state !== 'unconfirmed'), 'rows neither sent nor unconfirmed').toEqual([]);
    // Every sent row's group got exactly one message, the one the ledger names.
    for (const r of rows.filter((x) => x.state === 'sent')) {
      const chat = world.chatOf.get(r.groupId)!;
      const got = messages.filter((m) => m.chat_id === chat);
      expect(got, `messages in the sent group ${chat}`).toHaveLength(1);
      expect(r.platformMessageId).toBe(String(got[0].message_id));
    }
    // The unconfirmed rows are exactly the interrupted sends, and each of their groups got 0 or 1.
    const unconfirmed = rows.filter((r) => r.state === 'unconfirmed');
    expect(unconfirmed.map((r) => r.id).sort((a, b) => a - b)).toEqual(interrupted.map((r) => r.id).sort((a, b) => a - b));
    expect(unconfirmed.length).toBeGreaterThanOrEqual(dropped.length + heldThrough.length);
    for (const r of unconfirmed) expect(perChat.get(world.chatOf.get(r.groupId)!) ?? 0).toBeLessThanOrEqual(1);
    for (const chat of [...dropped, ...heldThrough]) expect(perChat.get(chat)).toBe(1);

    // Why each one is flagged, in words, and who decided.
    await withDb(async (store) => {
      for (const r of unconfirmed) {
        const chat = world.chatOf.get(r.groupId)!;
        const history = await ledgerHistory(store.db, r.id);
        expect(history.map((h) => h.to_state).slice(-2)).toEqual(['sending', 'unconfirmed']);
        if (dropped.includes(chat)) {
          expect(r.lastError).toMatch(/no answer came back/);
          expect(history.at(-1)?.actor).toBe(first.id);
        } else {
          expect(r.lastError).toMatch(/worker stopped while this was being sent/);
          expect(history.at(-1)?.actor).toBe(second.id);
        }
      }
      // Every send recovered from the dead worker is put in front of the operators.
      const notices = await store.db.selectFrom('notifications').select('ledger_id').where('kind', '=', 'unconfirmed').execute();
      const noticed = new Set(notices.map((n) => Number(n.ledger_id)));
      for (const r of unconfirmed.filter((x) => !dropped.includes(world.chatOf.get(x.groupId)!))) expect(noticed.has(r.id)).toBe(true);
    });

    // The server never had to refuse for going too fast in one group; the 30-per-second account
    // limit is paced to the edge, so a rare 429 from timing jitter is retried, never sent twice.
    expect(api.violations().filter((v) => v.kind === 'per_chat_per_minute')).toEqual([]);
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    console.info(
      `[crash ${engine}] ${GROUPS} groups: ${rows.filter((r) => r.state === 'sent').length} sent, ${unconfirmed.length} unconfirmed ` +
        `(${dropped.length} answers lost, ${heldThrough.length} accepted after the kill), ${api.violations().length} limit hits, ${seconds} s`,
    );
  }, 90_000);
});
