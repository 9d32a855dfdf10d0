// `chorus worker`: a standalone dispatch worker against PostgreSQL (DATABASE_URL). Any number of
// them, on any machine, share the ledger and the pacing state safely (rows are claimed with
// SKIP LOCKED; pacing slots are taken under a row lock). Channel credentials are opened with the
// data folder's secret key, so the key must be the server's.

import { digestWorkerHooks } from '../insight/digest-post.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectorCache } from '../channels/registry.ts';
import { databaseUrl, dataDir } from '../config.ts';
import { queueSchema, startQueue } from '../dispatch/queue.ts';
import { Worker } from '../dispatch/worker.ts';
import { sweep } from '../run/sweep.ts';
import { campaignRegroupLink } from '../growth/campaign-regroup-link.ts';
import { growthSweep } from '../growth/sweep.ts';
import { healthSweep } from '../insight/health-alerts.ts';
import { openStore } from '../store/db.ts';
import { loadSecretKey, SECRET_KEY_FILE, secretBox } from '../store/secrets.ts';
import { createLogger, exitSoon, lineLog, onStopSignal } from '../server/logger.ts';
import type { Io } from './io.ts';
import { cliLogLevel } from './log-level.ts';

export interface WorkerCliOptions {
  data?: string;
  /** Stops the worker when aborted (tests); otherwise SIGTERM / SIGINT. */
  signal?: AbortSignal;
  pollMs?: number;
  logLevel?: string;
}

export async function workerCommand(io: Io, o: WorkerCliOptions): Promise<number> {
  const url = databaseUrl();
  if (!url) {
    io.err(
      'chorus worker needs a PostgreSQL server: set DATABASE_URL. With the embedded database (PGlite) the data belongs to the one `chorus serve` process, which already runs its own worker.',
    );
    return 2;
  }
  const dir = dataDir(o.data);
  if (!process.env.CHORUS_SECRET_KEY?.trim() && !existsSync(join(dir, SECRET_KEY_FILE))) {
    io.err(
      `chorus worker needs the server's secret key to open channel credentials: copy ${SECRET_KEY_FILE} from the server's data folder into ${dir} (or point --data at it), or set CHORUS_SECRET_KEY as on the server.`,
    );
    return 2;
  }
  const logger = createLogger({ level: cliLogLevel(o.logLevel), name: 'chorus-worker' });
  const log = lineLog(logger, 'worker');
  const store = await openStore({
    databaseUrl: url,
    onConnectionError: (err) => logger.warn({ err }, 'the database dropped a connection; the next query opens a new one'),
  });
  const connectors = new ConnectorCache(store.db, secretBox(loadSecretKey(dir)));
  const queue = await startQueue(store, { databaseUrl: url, schema: queueSchema(store), log: lineLog(logger, 'queue') });
  const worker = new Worker({ db: store.db, connectors, log, queue, ...(o.pollMs ? { pollMs: o.pollMs } : {}), regroupLink: (d, row) => campaignRegroupLink(d, row), digest: digestWorkerHooks, sweep: async () => {
      await sweep({ db: store.db, connectors, log: lineLog(logger, 'sweep') });
      await growthSweep(store.db);
      await healthSweep(store.db);
    },
  });
  await worker.start();
  io.out(`Worker ${worker.id} is sending for the Chorus database on ${redactUrl(url)}; stop with Ctrl+C.`);
  await onStopSignal(
    logger,
    async () => {
      io.out('stopping: sends in progress are recorded, rows this worker claimed but did not start go back to the others…');
      await worker.stop();
      await queue.stop({ timeoutMs: 2_000 }).catch((e) => log(`stopping the queue failed: ${(e as Error).message}`));
      await store.close();
    },
    o.signal,
  );
  if (!o.signal) exitSoon();
  return 0;
}

/** Where the database is, without the user, password or options, for the console. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}
