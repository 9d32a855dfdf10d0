// Every test gets its own database: a fresh in-memory PGlite (a copy of one migrated once, see
// pglite-template.ts), or — when DATABASE_URL is set —
// a fresh schema on that PostgreSQL server, dropped afterwards (as pg-boss's own tests do).

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { openStore, quoteIdent, type Store } from '../../src/store/db.ts';

export const engine: 'pglite' | 'postgres' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

export interface TestStore extends Store {
  schema?: string;
  drop(): Promise<void>;
}

let template: Blob | undefined;
/** The migrated data folder the global set-up left (test/support/pglite-template.ts), if any. */
function pgliteTemplate(): Blob | undefined {
  const file = process.env.CHORUS_PGLITE_TEMPLATE;
  if (!template && file && existsSync(file)) template = new Blob([readFileSync(file)]);
  return template;
}

export async function testStore(): Promise<TestStore> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const store = await openStore({ dataDir: 'memory://', pgliteTemplate: pgliteTemplate() });
    return { ...store, drop: () => store.close() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ databaseUrl: url, schema, poolSize: 4 });
  return {
    ...store,
    schema,
    async drop() {
      await store.close();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        // pg-boss keeps its tables beside ours (`<schema>_boss`, see queueSchema).
        await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
        await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(`${schema}_boss`)} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
