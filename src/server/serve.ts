// `chorus serve`: open the database (PGlite in the data folder, or DATABASE_URL), make sure the
// admin token exists, serve the HTTP API, run a dispatch worker in-process (unless told not to)
// and receive inbound events from channels that poll, until asked to stop.

import { digestWorkerHooks } from '../insight/digest-post.ts';
import { join } from 'node:path';
import { ConnectorCache } from '../channels/registry.ts';
import { createQueuedIngest } from '../community/ingest-queue.ts';
import { databaseUrl } from '../config.ts';
import { queueSchema, startQueue } from '../dispatch/queue.ts';
import { Worker } from '../dispatch/worker.ts';
import { sweep } from '../run/sweep.ts';
import { campaignRegroupLink } from '../growth/campaign-regroup-link.ts';
import { growthSweep } from '../growth/sweep.ts';
import { healthSweep } from '../insight/health-alerts.ts';
import { makeDataFolderPrivate } from '../store/data-folder.ts';
import { openStore, type Store } from '../store/db.ts';
import { loadSecretKey, secretBox } from '../store/secrets.ts';
import type { Logger } from 'pino';
import { buildApp } from './app.ts';
import type { TrustProxy } from './public-address.ts';
import { createLogger, lineLog, type LogLevel } from './logger.ts';
import { leaseHolderId } from './leases.ts';
import { Receivers } from './receivers.ts';
import { sheetPool } from './sheet-work/pool.ts';
import { ADMIN_TOKEN_FILE, ensureAdminToken } from './tokens.ts';

export interface ServeOptions {
  port: number;
  host: string;
  dataDir: string;
  /** The process log; by default a pino logger on stderr at `logLevel`. */
  logger?: Logger;
  logLevel?: LogLevel;
  /** Run a dispatch worker in this process (default true). */
  worker?: boolean;
  /** An open store to use instead of opening one (tests); it is left open on close. */
  store?: Store;
  /** Worker options for tests: how often it looks at the ledger. */
  pollMs?: number;
  /** Where the worker, receivers and sweep report; by default the logger. */
  log?: (line: string) => void;
  /** Which reverse proxies to believe (--trust-proxy). */
  trustProxy?: TrustProxy;
  /** The address people open (--public-url). */
  publicUrl?: URL;
  /** How long a receiver lease lasts without renewal (default 30 s): how soon another server takes over. */
  receiverLeaseMs?: number;
  /** This process's name in the receiver leases (tests); by default host, pid and a random part. */
  holder?: string;
}

/** How long a stop lets requests in progress finish before their connections are cut. */
const REQUESTS_GRACE_MS = 3_000;

export interface Server {
  url: string;
  store: Store;
  worker?: Worker;
  receivers: Receivers;
  close(): Promise<void>;
}

export async function serve(opts: ServeOptions): Promise<Server> {
  const logger = opts.logger ?? createLogger({ level: opts.logLevel ?? 'info' });
  // One component name per part, so a line says who wrote it.
  const logFor = (component: string) => opts.log ?? lineLog(logger, component);
  const log = logFor('server');
  const url = databaseUrl();
  makeDataFolderPrivate(opts.dataDir);
  const onConnectionError = (err: Error) => logger.warn({ err }, 'the database dropped a connection; the next query opens a new one');
  const store = opts.store ?? (await openStore(url ? { databaseUrl: url, onConnectionError } : { dataDir: join(opts.dataDir, 'db') }));
  const db = store.db;
  await ensureAdminToken(db, opts.dataDir);
  const box = secretBox(loadSecretKey(opts.dataDir));
  const connectors = new ConnectorCache(db, box);
  // pg-boss carries the durable wake-ups and the sweep; an API-only server still schedules them.
  const queue = await startQueue(store, { databaseUrl: url, schema: queueSchema(store), log: logFor('queue') });
  // The receivers' lease name, shared with the worker: Wechaty rows are sent by the lease holder.
  const holder = opts.holder ?? leaseHolderId();
  const worker =
    opts.worker === false
      ? undefined
      : new Worker({
          db,
          connectors,
          log: logFor('worker'),
          queue,
          sessionHolder: holder,
          // A lead group's goodbye shows the way into its campaign's regroup group.
          regroupLink: (d, row) => campaignRegroupLink(d, row),
          // A sheet's `do: digest`: the weekly digest written when claimed, its card where images upload.
          digest: digestWorkerHooks,
          ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
          // people/audiences: personal survey links start with the address people open.
          ...(opts.publicUrl ? { publicBase: opts.publicUrl.href.replace(/\/+$/, '') } : {}),
          sweep: async () => {
            await sweep({ db, connectors, log: logFor('sweep') });
            await growthSweep(db);
            await healthSweep(db);
          },
        });
  const wake = worker ? () => worker.wake() : undefined;
  // Webhooks and long polling store their events and return; they are applied in the background.
  const ingest = createQueuedIngest({ db, wake, log: logFor('ingest') });
  const receivers = new Receivers({
    db,
    box,
    connectors,
    ingest,
    log: logFor('receivers'),
    ...(opts.receiverLeaseMs ? { leaseMs: opts.receiverLeaseMs } : {}),
    holder,
  });
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
    { logger },
  );
  await worker?.start();
  // What a stop or a crash left waiting is applied first.
  await ingest.drainAll();
  ingest.start();
  await receivers.startAll();
  const address = await app.listen({ port: opts.port, host: opts.host });
  // The sheet checks' worker threads load the TypeScript sources once: do it before the first lint.
  sheetPool().warm();
  return {
    url: address,
    store,
    worker,
    receivers,
    async close() {
      // No new requests and no new events; the worker finishes the sends it handed to a platform
      // and records them, and gives back the rows it claimed but did not start. Connections that
      // hold no request (keep-alive, a browser's preconnect) would keep the HTTP server open until
      // the client leaves — minutes: they are closed at once, and any request still running after
      // the grace period is cut.
      const http = app.close();
      app.server.closeIdleConnections();
      const cut = setTimeout(() => app.server.closeAllConnections(), REQUESTS_GRACE_MS);
      await Promise.allSettled([worker?.stop(), receivers.stopAll(), http]);
      clearTimeout(cut);
      // The burst being applied finishes; what still waits is applied at the next start.
      await ingest.stop();
      await queue.stop({ timeoutMs: 2_000 }).catch((e) => log(`stopping the queue failed: ${(e as Error).message}`));
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
