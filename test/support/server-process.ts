// A `chorus serve` on a test's PostgreSQL schema in its own process (what `chorus serve
// --no-worker` runs, on a schema of its own so tests can share one server): for tests that run
// several servers against one database and SIGKILL one. Run as
// `node --import tsx test/support/server-process.ts` with:
//   CHORUS_SERVER_DATABASE_URL + CHORUS_SERVER_SCHEMA  the test's PostgreSQL schema
//   CHORUS_SERVER_DATA_DIR                             its data folder (the secret key is written there)
//   CHORUS_SERVER_HOLDER                               its name in the receiver leases
//   CHORUS_SERVER_LEASE_MS                             short, so a takeover happens within seconds
//   CHORUS_SERVER_WORKER=1                             also run a sending worker in-process
// It prints one JSON line `{"started": "<holder>", "url": …}` once it listens, logs to stderr, and
// stops cleanly (receivers stopped, leases released) on SIGTERM.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../../src/server/serve.ts';
import { openStore } from '../../src/store/db.ts';
import { SECRET_KEY_FILE } from '../../src/store/secrets.ts';
import { TEST_KEY } from './world.ts';

const env = process.env;
const databaseUrl = env.CHORUS_SERVER_DATABASE_URL;
const dataDir = env.CHORUS_SERVER_DATA_DIR;
if (!databaseUrl || !env.CHORUS_SERVER_SCHEMA || !dataDir) throw new Error('Set CHORUS_SERVER_DATABASE_URL, CHORUS_SERVER_SCHEMA and CHORUS_SERVER_DATA_DIR.');
// The queue's own pool reads DATABASE_URL, as `chorus serve` does.
process.env.DATABASE_URL = databaseUrl;
writeFileSync(join(dataDir, SECRET_KEY_FILE), `${TEST_KEY.toString('base64')}\n`);

const store = await openStore({ databaseUrl, schema: env.CHORUS_SERVER_SCHEMA, poolSize: 4 });
const server = await serve({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  store,
  worker: env.CHORUS_SERVER_WORKER === '1',
  pollMs: 100,
  ...(env.CHORUS_SERVER_HOLDER ? { holder: env.CHORUS_SERVER_HOLDER } : {}),
  ...(env.CHORUS_SERVER_LEASE_MS ? { receiverLeaseMs: Number(env.CHORUS_SERVER_LEASE_MS) } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${JSON.stringify({ started: server.receivers.holder, url: server.url, pid: process.pid })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  try {
    await server.close();
    await store.close();
  } finally {
    process.exit(0);
  }
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
