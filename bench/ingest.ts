// Ingest (issue 10): Telegram webhook → stored → applied. CHORUS_BENCH_INGEST_UPDATES (default
// 20,000) updates — group messages from 2,000 people in 200 groups, one join in ten — POSTed to
// /webhooks/telegram/<channel> with the secret token by CHORUS_BENCH_INGEST_CONCURRENCY (64)
// clients over keep-alive, as Telegram's webhook delivery does, from a worker thread (the clients
// are the platform's side: they do not share the server's event loop). The server answers once the update
// is stored (src/community/ingest-queue.ts) and applies it in the background. Measured: the
// answered updates per second, the applied ones per second (from the first request to the last
// event applied), and a no-op Fastify endpoint under the same load in the same run.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Fastify from 'fastify';
import { createQueuedIngest } from '../src/community/ingest-queue.ts';
import { buildApp } from '../src/server/app.ts';
import { ensureAdminToken } from '../src/server/tokens.ts';
import { secretBox } from '../src/store/secrets.ts';
import { engine } from '../test/support/db.ts';
import { startTelegramBotApi } from '../test/support/telegram-bot-api.ts';
import { openBenchStore } from './store.ts';

const UPDATES = Number(process.env.CHORUS_BENCH_INGEST_UPDATES ?? 20_000);
const CONCURRENCY = Number(process.env.CHORUS_BENCH_INGEST_CONCURRENCY ?? 64);
const SECRET = 'bench_S3cret-token';

/**
 * `count` POSTs by CONCURRENCY clients in a worker thread of their own (bench/ingest-load.mjs);
 * resolves to the seconds taken.
 */
function load(port: number, path: string, headers: Record<string, string>, count: number, from = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./ingest-load.mjs', import.meta.url), { workerData: { port, path, headers, count, from, concurrency: CONCURRENCY } });
    worker.once('message', (m: { seconds?: number; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.seconds as number)));
    worker.once('error', reject);
  });
}

export async function benchIngest(): Promise<Record<string, unknown>> {
  const { store, done } = await openBenchStore('ingest');
  const tg = await startTelegramBotApi();
  const noop = Fastify();
  noop.post('/noop', async () => ({ ok: true }));
  try {
    const db = store.db;
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-bench-ingest-'));
    const box = secretBox(Buffer.alloc(32, 5));
    const token = await ensureAdminToken(db, dataDir);
    const ingest = createQueuedIngest({ db });
    const app = await buildApp({ store, dataDir, box, consoleDir: false, ingest });
    const added = await app.inject({ method: 'POST', url: '/api/channels', headers: { authorization: `Bearer ${token}` }, payload: { kind: 'telegram', config: { token: tg.token, apiRoot: tg.url, webhookSecret: SECRET } } });
    if (added.statusCode !== 201) throw new Error(`the channel was refused: ${added.body}`);
    const channel = added.json().id as string;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    await noop.listen({ port: 0, host: '127.0.0.1' });
    const noopPort = (noop.server.address() as { port: number }).port;
    const hook = { 'x-telegram-bot-api-secret-token': SECRET };

    // Warm-up: the groups and people seen once, and the code paths warm.
    await load(port, `/webhooks/telegram/${channel}`, hook, 2_000, 1_000_000);
    await ingest.idle();
    await load(noopPort, '/noop', {}, 2_000);

    // First the answers alone (the background work paused: what a webhook itself costs), then the
    // stored updates applied, then the same number answered and applied at once.
    await ingest.stop();
    const answered = await load(port, `/webhooks/telegram/${channel}`, hook, UPDATES);
    let started = performance.now();
    ingest.start();
    await ingest.drainAll();
    const drained = (performance.now() - started) / 1000;
    started = performance.now();
    const answeredWhileApplying = await load(port, `/webhooks/telegram/${channel}`, hook, UPDATES, UPDATES);
    await ingest.idle();
    const applied = (performance.now() - started) / 1000;
    const noopSeconds = await load(noopPort, '/noop', {}, UPDATES);
    const waiting = Number((await db.selectFrom('inbound_events').select((eb) => eb.fn.countAll<number>().as('n')).where('applied_at', 'is', null).executeTakeFirstOrThrow()).n);
    const failed = Number((await db.selectFrom('inbound_events').select((eb) => eb.fn.countAll<number>().as('n')).where('failure', 'is not', null).executeTakeFirstOrThrow()).n);
    await ingest.stop();
    await app.close();
    const perS = (s: number) => Math.round(UPDATES / s);
    return {
      ingest: {
        engine,
        updates: UPDATES,
        concurrency: CONCURRENCY,
        answeredPerSecond: perS(answered),
        drainedPerSecond: perS(drained),
        answeredWhileApplyingPerSecond: perS(answeredWhileApplying),
        appliedPerSecond: perS(applied),
        noopPerSecond: perS(noopSeconds),
        answeredShareOfNoop: Math.round((noopSeconds / answered) * 100) / 100,
        waitingAfter: waiting,
        failed,
        appliedTarget: 5_000,
        ok: perS(applied) >= 5_000 && noopSeconds / answered >= 0.5 && waiting === 0 && failed === 0,
      },
    };
  } finally {
    await noop.close();
    await tg.close();
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchIngest().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
