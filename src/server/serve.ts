// `chorus serve`: open the database (PGlite in the data folder, or DATABASE_URL), make sure the
// admin token exists, serve the HTTP API, run a dispatch worker in-process (unless told not to)
// and receive inbound events from channels that poll, until asked to stop.

import { join } from 'node:path';
import { ConnectorCache } from '../channels/registry.ts';
import { createIngest } from '../community/ingest.ts';
import { databaseUrl } from '../config.ts';
import { queueSchema, startQueue } from '../dispatch/queue.ts';
import { Worker } from '../dispatch/worker.ts';
import { sweep } from '../run/sweep.ts';
import { makeDataFolderPrivate } from '../store/data-folder.ts';
import { openStore, type Store } from '../store/db.ts';
import { loadSecretKey, secretBox } from '../store/secrets.ts';
import { buildApp } from './app.ts';
import type { TrustProxy } from './public-address.ts';
import { Receivers } from './receivers.ts';
import { sheetPool } from './sheet-work/pool.ts';
import { ADMIN_TOKEN_FILE, ensureAdminToken } from './tokens.ts';

export interface ServeOptions {
  port: number;
  host: string;
  dataDir: string;
  logger?: boolean;
  /** Run a dispatch worker in this process (default true). */
  worker?: boolean;
  /** An open store to use instead of opening one (tests); it is left open on close. */
  store?: Store;
  /** Worker options for tests: how often it looks at the ledger. */
  pollMs?: number;
  log?: (line: string) => void;
  /** Which reverse proxies to believe (--trust-proxy). */
  trustProxy?: TrustProxy;
  /** The address people open (--public-url). */
  publicUrl?: URL;
}

export interface Server {
  url: string;
  store: Store;
  worker?: Worker;
  close(): Promise<void>;
}

export async function serve(opts: ServeOptions): Promise<Server> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const url = databaseUrl();
  makeDataFolderPrivate(opts.dataDir);
  const store = opts.store ?? (await openStore(url ? { databaseUrl: url } : { dataDir: join(opts.dataDir, 'db') }));
  const db = store.db;
  await ensureAdminToken(db, opts.dataDir);
  const box = secretBox(loadSecretKey(opts.dataDir));
  const connectors = new ConnectorCache(db, box);
  // pg-boss carries the durable wake-ups and the sweep; an API-only server still schedules them.
  const queue = await startQueue(store, { databaseUrl: url, schema: queueSchema(store) });
  const worker =
    opts.worker === false
      ? undefined
      : new Worker({ db, connectors, log, queue, ...(opts.pollMs ? { pollMs: opts.pollMs } : {}), sweep: async () => void (await sweep({ db, connectors, log })) });
  const wake = worker ? () => worker.wake() : undefined;
  const ingest = createIngest({ db, wake, log });
  const receivers = new Receivers({ db, box, connectors, ingest, log });
  const app = await buildApp(
    {
      store,
      dataDir: opts.dataDir,
      box,
      connectors,
      wake,
      queue,
      ingest,
      onChannelAdded: (c) => void receivers.start(c),
      ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
      ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
    },
    { logger: opts.logger },
  );
  await worker?.start();
  await receivers.startAll();
  const address = await app.listen({ port: opts.port, host: opts.host });
  // The sheet checks' worker threads load the TypeScript sources once: do it before the first lint.
  sheetPool().warm();
  return {
    url: address,
    store,
    worker,
    async close() {
      // The worker first: rows it claimed but did not start go back for the next start.
      await worker?.stop();
      await receivers.stopAll();
      await app.close();
      await queue.stop();
      if (!opts.store) await store.close();
    },
  };
}

export function describeStart(url: string, dataDir: string, engine: string, worker = true): string {
  return [
    `Chorus is running at ${url}`,
    `  console: open ${url} in a browser (on the first visit it asks you to create the owner account); API docs at ${url}/api/docs`,
    `  database: ${engine}`,
    `  admin token for scripts and the CLI: ${join(dataDir, ADMIN_TOKEN_FILE)}`,
    worker ? '  sending: a worker runs in this process' : '  sending: no worker in this process (--no-worker); run `chorus worker` elsewhere',
    '  stop with Ctrl+C',
  ].join('\n');
}
