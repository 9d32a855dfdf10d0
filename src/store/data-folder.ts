// The data folder holds the embedded database, the secret key that seals channel credentials and
// the admin token: nobody but the account running Chorus may read any of it. On start the folder
// and everything in it are made private (folders 0700, files 0600) — folders made by an older
// version, or copied in, were world-readable — and the process's umask becomes 077, so that what
// PGlite, the key and the token files create later is private from the start.

import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

/** Creates the folder when missing and makes it and its contents private; returns how many modes it changed. */
export function makeDataFolderPrivate(dir: string): number {
  // Applies to every file this process creates from now on (PGlite's WAL segments included).
  // Worker threads may not set it (Node refuses); their process's main thread does.
  if (isMainThread) process.umask(0o077);
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  return restrict(dir);
}

function restrict(path: string): number {
  const st = lstatSync(path);
  // A symlink is followed by chmod: leave it (and what it points at) to whoever made it.
  if (st.isSymbolicLink()) return 0;
  let changed = 0;
  const want = st.isDirectory() ? PRIVATE_DIR : PRIVATE_FILE;
  if ((st.mode & 0o777) !== want) {
    chmodSync(path, want);
    changed++;
  }
  if (st.isDirectory()) for (const name of readdirSync(path)) changed += restrict(join(path, name));
  return changed;
}

/** True when nobody but the owner can read or enter `path` (for tests and `chorus doctor`-like checks). */
export function isPrivate(path: string): boolean {
  return existsSync(path) && (lstatSync(path).mode & 0o077) === 0;
}
