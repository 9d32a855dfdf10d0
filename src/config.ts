// Where Chorus keeps its things. The data folder holds the embedded database (PGlite), the admin
// token the CLI reads, and (later) the secret key; with DATABASE_URL the database is elsewhere
// but the token and key files still live here.

import { resolve } from 'node:path';

export const DEFAULT_PORT = 8787;
export const DEFAULT_URL = `http://127.0.0.1:${DEFAULT_PORT}`;

export function dataDir(flag?: string): string {
  return resolve(flag ?? process.env.CHORUS_DATA ?? '.chorus');
}

export function databaseUrl(): string | undefined {
  const url = process.env.DATABASE_URL?.trim();
  return url ? url : undefined;
}

/**
 * The address people open (CHORUS_PUBLIC_URL, set by `chorus serve --public-url` too), without a
 * trailing slash: personal survey links start with it. Workers read the same variable.
 */
export function publicBase(): string {
  const url = process.env.CHORUS_PUBLIC_URL?.trim();
  return (url || DEFAULT_URL).replace(/\/+$/, '');
}
