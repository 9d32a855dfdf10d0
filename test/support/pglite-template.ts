// Vitest's global set-up: on PGlite, migrate one database once and keep its data folder in a
// file; every test's store then starts from a copy of it (test/support/db.ts) instead of running
// the migrations again, which costs about 2.5 s a store in WebAssembly.

import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.ts';

export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.DATABASE_URL) return undefined;
  const store = await openStore({ dataDir: 'memory://' });
  const file = join(tmpdir(), `chorus-pglite-template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await (await store.dumpDataDir!()).arrayBuffer()));
  await store.close();
  // The test processes are started after this and inherit it.
  process.env.CHORUS_PGLITE_TEMPLATE = file;
  return () => rmSync(file, { force: true });
}
