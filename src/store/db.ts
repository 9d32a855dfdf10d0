// One SQL dialect, two engines: PGlite in-process (the default, data in a local folder) or a
// PostgreSQL server when DATABASE_URL is set. Everything above this file sees a Kysely instance.

import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { migrate } from './migrate.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  engine: 'pglite' | 'postgres';
  /** The PostgreSQL schema the store lives in, when it is not the default (tests). */
  schema?: string;
  /** PostgreSQL: the application_name of this store's connections (pg-boss derives its own). */
  applicationName?: string;
  /** Runs parameterless SQL or one parameterised statement; pg-boss and raw tools use it. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  close(): Promise<void>;
  /** PGlite: the whole data folder as a tarball (see `pgliteTemplate`). */
  dumpDataDir?(): Promise<Blob>;
}

export interface OpenOptions {
  /** PostgreSQL connection string; when absent, PGlite is used. */
  databaseUrl?: string;
  /** PGlite data folder; `memory://` keeps everything in memory (tests). */
  dataDir?: string;
  /** PostgreSQL schema to use (tests run one schema each); created when missing. */
  schema?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /**
   * How the connections show in pg_stat_activity (default `chorus`, or `chorus <schema>`); an
   * `application_name` in DATABASE_URL wins.
   */
  applicationName?: string;
  /** Told when the database drops a connection (restart, failover, idle timeout, a terminate). */
  onConnectionError?: (err: Error) => void;
  /**
   * PGlite in memory: start from this data folder (a `dumpDataDir` tarball) instead of an empty
   * one. The tests load one migrated database this way rather than migrating for each test.
   */
  pgliteTemplate?: Blob;
}

export async function openStore(opts: OpenOptions = {}): Promise<Store> {
  const store = opts.databaseUrl ? await openPostgres(opts.databaseUrl, opts) : await openPglite(opts.dataDir, opts.pgliteTemplate);
  await migrate(store);
  return store;
}

async function openPglite(dataDir = 'memory://', template?: Blob): Promise<Store> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const client = await PGlite.create(dataDir, template ? { loadDataDir: template } : {});
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  return {
    db,
    engine: 'pglite',
    async executeSql(text, values) {
      // PGlite's `query` takes one statement; `exec` runs several but takes no parameters.
      if (!values?.length) {
        const results = await client.exec(text);
        const last = results[results.length - 1];
        return { rows: (last?.rows ?? []) as Record<string, unknown>[] };
      }
      const r = await client.query(text, values);
      return { rows: r.rows as Record<string, unknown>[] };
    },
    async close() {
      await db.destroy();
      if (!client.closed) await client.close();
    },
    dumpDataDir: () => client.dumpDataDir('none'),
  };
}

async function openPostgres(url: string, opts: OpenOptions): Promise<Store> {
  const schema = opts.schema;
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    } finally {
      await admin.end();
    }
  }
  const applicationName = opts.applicationName ?? (schema ? `chorus ${schema}` : 'chorus');
  const pool = new pg.Pool({
    connectionString: url,
    types: { getTypeParser: typeParser },
    max: opts.poolSize ?? 10,
    application_name: applicationName,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  watchConnections(pool, opts.onConnectionError ?? defaultConnectionError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: 'postgres',
    applicationName,
    ...(schema ? { schema } : {}),
    async executeSql(text, values) {
      const r = await pool.query(text, values);
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      return { rows: (last?.rows ?? []) as Record<string, unknown>[] };
    },
    async close() {
      await db.destroy();
    },
  };
}

/**
 * A connection the server drops (a restart, a failover, an idle timeout, pg_terminate_backend)
 * makes its client emit 'error': an idle one through the pool, one checked out by Kysely (between
 * two statements of a transaction) on the client itself. Unheard, either event ends the process.
 * Heard, the query in flight fails (its caller retries or records the failure), pg-pool throws the
 * broken client away and the next query opens a fresh connection.
 */
export function watchConnections(pool: pg.Pool, onError: (err: Error) => void): void {
  pool.on('error', (err) => onError(err));
  pool.on('connect', (client) => {
    client.on('error', (err) => onError(err));
  });
}

function defaultConnectionError(err: Error): void {
  process.stderr.write(`the database dropped a connection (${err.message}); the next query opens a new one\n`);
}

// bigint (int8) comes back as a number, as PGlite returns it: our identity columns and counts
// stay far below 2^53, and both engines then give the same shapes.
const INT8 = 20;
const typeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export { sql };
