// A dispatcher worker in its own process, for tests that kill it (crash tests) or run several
// (shared pacing). Run as `node --import tsx test/support/worker-process.ts` with:
//   CHORUS_WORKER_DATABASE_URL + CHORUS_WORKER_SCHEMA  a PostgreSQL schema, or
//   CHORUS_WORKER_DATA_DIR                             a PGlite data folder (PGlite is one process:
//                                                      the parent opens it only after this exits)
//   CHORUS_WORKER_ID                                   optional; default w_<host>_<pid>_<random>
//   CHORUS_WORKER_HEARTBEAT_MS, CHORUS_WORKER_STALE_MS short, so recovery happens within seconds
//   CHORUS_WORKER_RETRY_BASE_MS                        optional; the first retry's wait
//   CHORUS_WORKER_BATCH                                optional; most rows held at once (default 500)
// It prints one JSON line `{"started": "<worker id>", "pid": …}` once the worker runs, logs to
// stderr, and stops cleanly (rows it holds go back, the database is closed) on SIGTERM or SIGINT.

import { ConnectorCache, listChannels } from '../../src/channels/registry.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { openStore } from '../../src/store/db.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { TEST_KEY } from './world.ts';

const env = process.env;
const num = (name: string, fallback: number): number => {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a number above 0 (it is "${v}")`);
  return n;
};

const databaseUrl = env.CHORUS_WORKER_DATABASE_URL || undefined;
const dataDir = env.CHORUS_WORKER_DATA_DIR || undefined;
if (!databaseUrl && !dataDir) throw new Error('Set CHORUS_WORKER_DATABASE_URL (with CHORUS_WORKER_SCHEMA) or CHORUS_WORKER_DATA_DIR.');

const store = await openStore(databaseUrl ? { databaseUrl, schema: env.CHORUS_WORKER_SCHEMA, poolSize: 4 } : { dataDir });
const connectors = new ConnectorCache(store.db, secretBox(TEST_KEY));
// The Worker builds a connector on its first send, after that send's pacing slot was taken; loading
// grammY then delays the first arrival by ~100 ms and squeezes it against the next one. Built here,
// the tests see the pacing itself.
for (const channel of await listChannels(store.db)) await connectors.get(channel.id);
const worker = new Worker({
  db: store.db,
  connectors,
  ...(env.CHORUS_WORKER_ID ? { id: env.CHORUS_WORKER_ID } : {}),
  batch: num('CHORUS_WORKER_BATCH', 500),
  pollMs: 100,
  heartbeatMs: num('CHORUS_WORKER_HEARTBEAT_MS', 200),
  staleAfterMs: num('CHORUS_WORKER_STALE_MS', 1_500),
  retry: { maxAttempts: 5, baseMs: num('CHORUS_WORKER_RETRY_BASE_MS', 2_000), maxMs: 60_000 },
  log: (line) => process.stderr.write(`${line}\n`),
});
await worker.start();
process.stdout.write(`${JSON.stringify({ started: worker.id, pid: process.pid })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  try {
    await worker.stop();
    await store.close();
  } finally {
    process.exit(0);
  }
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
