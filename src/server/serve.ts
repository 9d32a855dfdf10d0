// `chorus serve`: open the database (PGlite in the data folder, or DATABASE_URL), make sure the
// admin token exists, and serve the HTTP API until asked to stop.

import { join } from 'node:path';
import { databaseUrl } from '../config.ts';
import { openStore } from '../store/db.ts';
import { buildApp } from './app.ts';
import { ADMIN_TOKEN_FILE, ensureAdminToken } from './tokens.ts';

export interface ServeOptions {
  port: number;
  host: string;
  dataDir: string;
  logger?: boolean;
}

export async function serve(opts: ServeOptions): Promise<{ url: string; close(): Promise<void> }> {
  const url = databaseUrl();
  const store = await openStore(url ? { databaseUrl: url } : { dataDir: join(opts.dataDir, 'db') });
  await ensureAdminToken(store.db, opts.dataDir);
  const app = await buildApp({ store, dataDir: opts.dataDir }, { logger: opts.logger });
  const address = await app.listen({ port: opts.port, host: opts.host });
  return {
    url: address,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export function describeStart(url: string, dataDir: string, engine: string): string {
  return [
    `Chorus is running at ${url}`,
    `  database: ${engine}`,
    `  admin token for scripts and the CLI: ${join(dataDir, ADMIN_TOKEN_FILE)}`,
    '  stop with Ctrl+C',
  ].join('\n');
}
