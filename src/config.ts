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
 * The workspace's time zone, for local date-times without an offset in imported files (an order
 * at `2026-12-01 20:00`): `CHORUS_TIMEZONE`, else Asia/Shanghai (Chorus's operators are mostly in
 * China; a sheet and a group carry their own zone for planning).
 */
export const DEFAULT_WORKSPACE_TIMEZONE = 'Asia/Shanghai';
export function workspaceTimezone(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHORUS_TIMEZONE?.trim() || DEFAULT_WORKSPACE_TIMEZONE;
}

/**
 * The address people open (CHORUS_PUBLIC_URL, set by `chorus serve --public-url` too), without a
 * trailing slash: personal survey links start with it. Workers read the same variable.
 */
export function publicBase(): string {
  const url = process.env.CHORUS_PUBLIC_URL?.trim();
  return (url || DEFAULT_URL).replace(/\/+$/, '');
}
