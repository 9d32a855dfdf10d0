// API tokens. Only a SHA-256 of each token is stored. On first start the server creates an admin
// token and writes it to `<data>/admin-token` (mode 0600) so that the CLI on the same machine can
// use the API without anyone copying secrets around.

import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../store/db.ts';

export const ADMIN_TOKEN_FILE = 'admin-token';

export interface TokenOwner {
  tokenId: string;
  /** The token's name, or for a personal token its user's name. */
  name: string;
  role: string;
  /** A personal token's user; null for the admin token and other workspace tokens. */
  userId: string | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return `chorus_${randomBytes(24).toString('base64url')}`;
}

/** A personal token (`userId`) acts with its user's role at the time of use, whatever `role` says. */
export async function createToken(db: Db, input: { name: string; role: string; userId?: string }): Promise<{ id: string; token: string }> {
  const token = newToken();
  const id = `tok_${randomBytes(8).toString('hex')}`;
  await db
    .insertInto('api_tokens')
    .values({ id, name: input.name, role: input.role, token_sha256: hashToken(token), user_id: input.userId ?? null })
    .execute();
  return { id, token };
}

/** The token's owner, or undefined for an unknown token or one whose user is disabled. */
export async function checkToken(db: Db, token: string): Promise<TokenOwner | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .leftJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['api_tokens.id', 'api_tokens.name', 'api_tokens.role', 'api_tokens.user_id', 'users.name as user_name', 'users.role as user_role', 'users.disabled'])
    .where('api_tokens.token_sha256', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.user_id && (row.disabled !== false || !row.user_name || !row.user_role)) return undefined;
  await db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', row.id).execute();
  if (row.user_id) return { tokenId: row.id, name: row.user_name!, role: row.user_role!, userId: row.user_id };
  return { tokenId: row.id, name: row.name, role: row.role, userId: null };
}

export interface PersonalToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export async function listPersonalTokens(db: Db, userId: string): Promise<PersonalToken[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: new Date(r.created_at).toISOString(),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
  }));
}

/** Deletes one of the user's own tokens; false when they have no token with that id. */
export async function revokePersonalToken(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('api_tokens').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Makes sure `<dataDir>/admin-token` holds a valid admin token: reuses the file when the database
 * knows its token, otherwise creates a new token and (re)writes the file with 0600 permissions.
 */
export async function ensureAdminToken(db: Db, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, ADMIN_TOKEN_FILE);
  if (existsSync(file)) {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing && (await checkToken(db, existing))) return existing;
  }
  const { token } = await createToken(db, { name: 'admin (created on first start)', role: 'admin' });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

export function readAdminToken(dir: string): string | undefined {
  const file = join(dir, ADMIN_TOKEN_FILE);
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').trim() || undefined;
}
