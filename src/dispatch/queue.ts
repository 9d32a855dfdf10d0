// Durable timers and retries: pg-boss (v10) on our Store, on either engine.
//
// PostgreSQL: pg-boss opens its own pool from the connection string (its polling never competes
// with the application's pool), or shares the store's pool when no string is given.
// PGlite: one in-process session, so pg-boss goes through `store.executeSql` — `exec` for its
// parameterless multi-statement plans, `query` otherwise — *under Kysely's connection lock*.
// Without the lock a poll could run inside a Kysely transaction that happens to be open on the
// same session: it would see (and start) a job the transaction later rolls back.
//
// Timeliness: pg-boss workers poll (at least every 0.5 s). A job due between two polls would be
// up to a full interval late, so each queue also keeps a short-horizon wake-up timer: it asks the
// database when the next job of the queue is due and, when that is within the horizon, wakes the
// worker at that moment (pg-boss `notifyWorker`). Sends from this process arm the timer at once.

import { CompiledQuery, type QueryResult } from 'kysely';
import PgBoss from 'pg-boss';
import type { Store } from '../store/db.ts';

export interface QueueOptions {
  /** PostgreSQL: pg-boss opens its own pool with this; without it, it shares the store's pool. */
  databaseUrl?: string;
  /** The schema pg-boss keeps its tables in (one per test on a shared server). */
  schema?: string;
  /**
   * Seconds between a worker's polls when the wake-up timer has nothing due. The timer makes jobs
   * punctual regardless; the poll is the safety net (and pg-boss's minimum is 0.5).
   */
  pollingIntervalSeconds?: number;
  /** How often pg-boss expires stuck jobs (a worker killed mid-job) and archives old ones. */
  maintenanceIntervalSeconds?: number;
  /** Wake workers at each job's due time (default true). Off: plain pg-boss polling. */
  wakeUp?: boolean;
  /** Told about pg-boss's background failures (a poll while the database restarts). */
  log?: (line: string) => void;
}

export interface SendOptions {
  /** Run at (not before) this time. */
  startAfter?: Date;
  /** With a queue policy other than `standard`, at most one queued job per key. */
  singletonKey?: string;
  /** Retries after the first attempt (pg-boss default 2). */
  retryLimit?: number;
  /** Seconds before a retry; with `retryBackoff` the base of an exponential, jittered delay. */
  retryDelay?: number;
  retryBackoff?: boolean;
  /** A job active longer than this is failed (and retried) by maintenance: how fast a crash heals. */
  expireInSeconds?: number;
  /** Our own id for the job (a uuid); sending the same id twice inserts it once. */
  id?: string;
  /**
   * Insert the job in the caller's transaction: it exists only if the transaction commits.
   * On PGlite, sending *without* `tx` from inside an open transaction waits for that transaction
   * (one session) — pass `tx` there.
   */
  tx?: SqlExecutor;
}

export interface CreateQueueOptions {
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
}

export interface Job<T> {
  id: string;
  name: string;
  data: T;
  /** 0 on the first attempt. */
  retryCount: number;
  retryLimit: number;
  startAfter: Date;
}

export interface WorkOptions {
  /** Jobs fetched per poll; each is handled on its own and succeeds or fails on its own. */
  batchSize?: number;
  pollingIntervalSeconds?: number;
}

export interface JobInfo {
  id: string;
  name: string;
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  retryCount: number;
  startAfter: Date;
  completedOn: Date | null;
  output: unknown;
}

export interface Queue {
  /** Creates the queue if it does not exist (send and work do it for you with defaults). */
  createQueue(name: string, opts?: CreateQueueOptions): Promise<void>;
  /** Returns the job id; null when a singleton key already holds a job. */
  send<T extends object>(name: string, data: T, opts?: SendOptions): Promise<string | null>;
  /** Handles jobs one by one; a handler that throws fails that job, which is retried per its policy. */
  work<T extends object>(name: string, handler: (job: Job<T>) => Promise<unknown>, opts?: WorkOptions): Promise<string>;
  offWork(name: string): Promise<void>;
  getJob(name: string, id: string): Promise<JobInfo | null>;
  cancel(name: string, id: string, opts?: { tx?: SqlExecutor }): Promise<void>;
  /** Stops workers (waiting up to `timeoutMs` for running handlers) and timers; the store stays open. */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
  readonly boss: PgBoss;
  readonly schema: string;
}

/** A Kysely instance or transaction (any database type): all the queue needs is to run SQL on it. */
export interface SqlExecutor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

type Db = { executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };

export class QueueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueError';
  }
}

/** A pg-boss `db` that runs inside a Kysely transaction (or on a Kysely instance). */
function kyselyDb(k: SqlExecutor): Db {
  return {
    async executeSql(text, values = []) {
      const r = await k.executeQuery(CompiledQuery.raw(text, values));
      return { rows: r.rows as Record<string, unknown>[] };
    },
  };
}

function storeDb(store: Store): Db {
  if (store.engine === 'postgres') return { executeSql: (text, values) => store.executeSql(text, values) };
  return {
    executeSql: (text, values) => store.db.connection().execute(() => store.executeSql(text, values)),
  };
}

/** Where pg-boss keeps its tables: beside a store that has its own schema, else `chorus_boss`. */
export function queueSchema(store: Pick<Store, 'schema'>): string {
  return store.schema ? `${store.schema}_boss` : 'chorus_boss';
}

export async function startQueue(store: Store, opts: QueueOptions = {}): Promise<Queue> {
  const schema = opts.schema ?? 'pgboss';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,49}$/.test(schema)) {
    throw new QueueError(`The queue schema name "${schema}" must be letters, digits and underscores (at most 50), not starting with a digit.`);
  }
  const pollingIntervalSeconds = opts.pollingIntervalSeconds ?? 2;
  const ownPool = store.engine === 'postgres' && opts.databaseUrl;
  const boss = new PgBoss({
    ...(ownPool
      ? { connectionString: opts.databaseUrl, max: 4, application_name: `${store.applicationName ?? 'chorus'} queue`.slice(0, 63) }
      : { db: storeDb(store) as PgBoss.Db }),
    schema,
    // Cron schedules and the clock-skew monitor they need are not used: timers are jobs with
    // `startAfter`, compared with the database's own clock.
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 60,
    pollingIntervalSeconds,
  });
  const errors: Error[] = [];
  // pg-boss reports background failures (a poll during a restart of the server) as events; an
  // unhandled 'error' event would crash the process. Workers keep polling and recover by themselves.
  // The same failure repeats every poll while the database is away: one line per distinct message
  // and minute is enough to see it in the log.
  const told = new Map<string, number>();
  boss.on('error', (err) => {
    errors.push(err);
    if (errors.length > 20) errors.shift();
    const message = err instanceof Error ? err.message : String(err);
    const last = told.get(message) ?? 0;
    if (opts.log && Date.now() - last > 60_000) {
      told.set(message, Date.now());
      if (told.size > 50) told.delete(told.keys().next().value as string);
      opts.log(`the queue (pg-boss) reported: ${message}; it keeps polling and recovers when the database is back`);
    }
  });
  await boss.start();

  const db = storeDb(store);
  const created = new Set<string>();
  const workers = new Map<string, Set<string>>();
  const wake = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  const lookers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  const wakeUp = opts.wakeUp ?? true;
  // Anything due within the next poll (plus slack) gets its own timer.
  const horizonMs = pollingIntervalSeconds * 1000 + 500;

  async function createQueue(name: string, o: CreateQueueOptions = {}) {
    if (created.has(name)) return;
    await boss.createQueue(name, { name, ...o });
    created.add(name);
  }

  function notify(name: string) {
    for (const id of workers.get(name) ?? []) boss.notifyWorker(id);
  }

  /** Arms the wake-up for `name` at `dueInMs` from now, unless an earlier one is armed. */
  function arm(name: string, dueInMs: number) {
    if (stopped || !workers.get(name)?.size || dueInMs > horizonMs) return;
    const at = Date.now() + Math.max(0, dueInMs);
    const current = wake.get(name);
    if (current && current.at <= at) return;
    if (current) clearTimeout(current.timer);
    // pg-boss picks jobs with start_after < now(): 2 ms after the due time it is strictly past.
    const timer = setTimeout(
      () => {
        wake.delete(name);
        notify(name);
        void look(name);
      },
      Math.max(0, dueInMs) + 2,
    );
    wake.set(name, { at, timer });
  }

  /** Asks the database when the next job of `name` is due, in the database's own clock. */
  async function look(name: string) {
    if (stopped || !wakeUp) return;
    try {
      const { rows } = await db.executeSql(
        `SELECT (extract(epoch from min(start_after)) * 1000)::float8 AS next_at,
                (extract(epoch from now()) * 1000)::float8 AS db_now
           FROM ${schema}.job WHERE name = $1 AND state < 'active'`,
        [name],
      );
      const nextAt = rows[0]?.next_at;
      if (typeof nextAt === 'number') arm(name, nextAt - Number(rows[0].db_now));
    } catch (err) {
      boss.emit('error', err);
    }
  }

  function lookEvery(name: string) {
    if (lookers.has(name) || !wakeUp) return;
    const tick = async () => {
      await look(name);
      if (!stopped && lookers.has(name)) lookers.set(name, setTimeout(tick, pollingIntervalSeconds * 1000));
    };
    lookers.set(name, setTimeout(tick, 0));
  }

  const queue: Queue = {
    boss,
    schema,
    createQueue,

    async send(name, data, o = {}) {
      await createQueue(name);
      const { tx, ...rest } = o;
      const options: PgBoss.SendOptions = { ...rest };
      if (tx) options.db = kyselyDb(tx) as PgBoss.Db;
      const id = await boss.send(name, data, options);
      if (id === null && !o.singletonKey && !o.id) {
        throw new QueueError(`The job for queue "${name}" was not stored. Check that the queue exists.`);
      }
      // A job inside an uncommitted transaction is invisible to workers until commit; arming the
      // timer early is harmless (the worker finds nothing and the look re-arms).
      if (wakeUp) arm(name, o.startAfter ? o.startAfter.getTime() - Date.now() : 0);
      return id;
    },

    async work<T extends object>(name: string, handler: (job: Job<T>) => Promise<unknown>, o: WorkOptions = {}) {
      await createQueue(name);
      const batchSize = o.batchSize ?? 1;
      let workerId = '';
      workerId = await boss.work<T>(
        name,
        { batchSize, includeMetadata: true, pollingIntervalSeconds: o.pollingIntervalSeconds ?? pollingIntervalSeconds },
        async (jobs) => {
          await Promise.all(
            jobs.map(async (j) => {
              try {
                const output = await handler({
                  id: j.id,
                  name: j.name,
                  data: j.data,
                  retryCount: j.retryCount,
                  retryLimit: j.retryLimit,
                  startAfter: j.startAfter,
                });
                await boss.complete(name, j.id, output && typeof output === 'object' ? output : {});
              } catch (err) {
                await boss.fail(name, j.id, errorOutput(err));
              }
            }),
          );
          // pg-boss waits a full polling interval after a fetch even when more jobs are due; a
          // full batch means there may be more, so fetch again at once.
          if (jobs.length >= batchSize && workerId) boss.notifyWorker(workerId);
        },
      );
      const set = workers.get(name) ?? new Set<string>();
      set.add(workerId);
      workers.set(name, set);
      lookEvery(name);
      return workerId;
    },

    async offWork(name) {
      workers.delete(name);
      const looker = lookers.get(name);
      if (looker) clearTimeout(looker);
      lookers.delete(name);
      await boss.offWork(name);
    },

    async getJob(name, id) {
      const j = await boss.getJobById<unknown>(name, id, { includeArchive: true });
      if (!j) return null;
      return {
        id: j.id,
        name: j.name,
        state: j.state,
        retryCount: j.retryCount,
        startAfter: new Date(j.startAfter),
        completedOn: j.completedOn ? new Date(j.completedOn) : null,
        output: j.output,
      };
    },

    async cancel(name, id, o = {}) {
      await boss.cancel(name, id, o.tx ? { db: kyselyDb(o.tx) as PgBoss.Db } : undefined);
    },

    async stop(o = {}) {
      stopped = true;
      for (const t of lookers.values()) clearTimeout(t);
      for (const w of wake.values()) clearTimeout(w.timer);
      lookers.clear();
      wake.clear();
      await boss.stop({ graceful: true, timeout: o.timeoutMs ?? 10_000, close: true });
    },
  };
  return queue;
}

/** What a failed job keeps as its output: the message, for the ledger and the operator. */
function errorOutput(err: unknown): object {
  if (err instanceof Error) return { message: err.message, name: err.name };
  return { message: String(err) };
}
