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
  name: string;
  role: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return `chorus_${randomBytes(24).toString('base64url')}`;
}

export async function createToken(db: Db, input: { name: string; role: string }): Promise<{ id: string; token: string }> {
  const token = newToken();
  const id = `tok_${randomBytes(8).toString('hex')}`;
  await db.insertInto('api_tokens').values({ id, name: input.name, role: input.role, token_sha256: hashToken(token) }).execute();
  return { id, token };
}

/** The token's owner, or undefined for an unknown token. */
export async function checkToken(db: Db, token: string): Promise<TokenOwner | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role'])
    .where('token_sha256', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return undefined;
  await db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', row.id).execute();
  return { tokenId: row.id, name: row.name, role: row.role };
}

/**
 * Makes sure `<dataDir>/admin-token` holds a valid admin token: reuses the file when the database
 * knows its token, otherwise creates a new token and (re)writes the file with 0600 permissions.
 */
export async function ensureAdminToken(db: Db, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
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
