// Numbered SQL migrations (src/store/migrations/NNN_name.sql), applied in order at start-up,
// each in its own transaction, under an advisory lock so that several processes can start at once.

import { readdirSync, readFileSync } from 'node:fs';

const DIR = new URL('./migrations/', import.meta.url);
const LOCK_KEY = 727_001; // any constant; shared by every Chorus process on the database

/** What migrating needs of a store (db.ts's Store has it); named here so db.ts can import this file. */
export interface SqlRunner {
  engine: 'pglite' | 'postgres';
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(): Migration[] {
  return readdirSync(DIR)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync(new URL(f, DIR), 'utf8') }));
}

export async function migrate(store: SqlRunner): Promise<number[]> {
  const applied: number[] = [];
  await store.executeSql(
    'CREATE TABLE IF NOT EXISTS chorus_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const useLock = store.engine === 'postgres';
  if (useLock) await store.executeSql('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    const done = new Set(
      (await store.executeSql('SELECT version FROM chorus_migrations')).rows.map((r) => Number(r.version)),
    );
    for (const m of loadMigrations()) {
      if (done.has(m.version)) continue;
      await store.executeSql(
        `BEGIN;\n${m.sql}\nINSERT INTO chorus_migrations (version, name) VALUES (${m.version}, '${m.name}');\nCOMMIT;`,
      );
      applied.push(m.version);
    }
  } catch (e) {
    await store.executeSql('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    if (useLock) await store.executeSql('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
  }
  return applied;
}
