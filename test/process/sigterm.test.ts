// SIGTERM on a busy `chorus serve` (a real child process): a broadcast in flight on a slow Telegram,
// a Telegram channel long-polling, a keep-alive client and a connection that never sent a request
// (as browsers keep). It must exit with 0 within 10 s, with every send it handed to the platform
// recorded — none left `sending` — and the rest back to `planned` for the next start.
// The child runs on its own PGlite data folder on both passes of the suite.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.ts';
import { SECRET_KEY_FILE } from '../../src/store/secrets.ts';
import { startServe } from '../support/serve-child.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { telegramWorld } from '../support/telegram-world.ts';
import { eventually, TEST_KEY } from '../support/world.ts';

const GROUPS = 24;

describe('SIGTERM on a busy chorus serve', () => {
  let api: TelegramBotApi | undefined;
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await api?.close();
  });

  it('finishes and records the sends in flight and exits 0 within 10 s', async () => {
    api = await startTelegramBotApi();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-sigterm-'));
    writeFileSync(join(dataDir, SECRET_KEY_FILE), `${TEST_KEY.toString('base64')}\n`);
    // The groups are made before the server starts: a PGlite folder belongs to one process at a time.
    const seed = await openStore({ dataDir: join(dataDir, 'db') });
    const world = await telegramWorld(seed.db, api, GROUPS, { pacing: { minIntervalMs: 50, jitterMs: 0 } });
    await seed.close();

    const env: NodeJS.ProcessEnv = { ...process.env, CHORUS_DATA: dataDir, CHORUS_LOG_LEVEL: 'info' };
    delete env.DATABASE_URL;
    delete env.CHORUS_SECRET_KEY;
    const server = await startServe(['--data', dataDir], env);
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const call = (path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });

    // The bot's long poll is open, a keep-alive client and a silent connection hold the port.
    await eventually(async () => api!.calls('getUpdates').length > 0, 20_000, 'the Telegram receiver to poll');
    expect((await call('/api/channels')).status).toBe(200);
    const port = Number(new URL(server.url).port);
    sockets.push(connect(port, '127.0.0.1'));
    // Every send takes 1.5 s to be answered: several are in flight when the signal comes.
    api.setLatency(1_500);
    const b = (await (await call('/api/broadcasts', { text: 'Doors open at eight.', groups: `channel:${world.channelId}` })).json()) as { id: string };
    expect(b.id).toMatch(/^bc_/);
    await eventually(async () => api!.calls('sendMessage').length >= 3, 20_000, 'sends to be in flight');

    const signalledAt = Date.now();
    server.kill('SIGTERM');
    const how = await server.exited;
    const tookMs = Date.now() - signalledAt;
    expect(how, server.output()).toEqual({ code: 0, signal: null });
    expect(tookMs, server.output()).toBeLessThan(10_000);

    const after = await openStore({ dataDir: join(dataDir, 'db') });
    try {
      const rows = await after.db.selectFrom('ledger').select(['state', 'group_id']).where('run_id', '=', b.id).execute();
      const states = rows.map((r) => r.state);
      expect(states.filter((s) => s === 'sending' || s === 'due'), JSON.stringify(states)).toEqual([]);
      // What the platform received is exactly what the ledger records as sent; the rest waits.
      const sentChats = new Set(api.sent().map((m) => String(m.chat_id)));
      const sentGroups = new Set(rows.filter((r) => r.state === 'sent').map((r) => String(world.chatOf.get(r.group_id))));
      expect([...sentGroups].sort()).toEqual([...sentChats].sort());
      expect(sentGroups.size).toBeGreaterThan(0);
      expect(states.filter((s) => s !== 'sent').every((s) => s === 'planned')).toBe(true);
      console.info(`[sigterm] exited 0 after ${tookMs} ms; ${sentGroups.size} sends recorded sent, ${GROUPS - sentGroups.size} back to planned`);
    } finally {
      await after.close();
    }
  }, 150_000);
});
