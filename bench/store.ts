// The database a bench works in: a throw-away PostgreSQL schema when DATABASE_URL is set, else a
// PGlite in a temporary folder (`chorus-bench-<name>-…`), removed when the bench is done.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../src/store/db.ts';
import { testStore } from '../test/support/db.ts';

export async function openBenchStore(name: string): Promise<{ store: Store; done: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const store = await testStore();
    return { store, done: () => store.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), `chorus-bench-${name}-`));
  const store = await openStore({ dataDir: dir });
  return {
    store,
    done: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
