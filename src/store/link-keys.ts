// Signed public links: a personal survey link, a Telegram start link, a member's application
// form. A token is `<payload>.<signature>`: the payload (base64url JSON) says what the link is
// for and for whom; the signature (HMAC-SHA256 with a workspace key, 128 bits) proves Chorus
// made it, so no table of issued links is needed and a forged or altered token is refused. The
// key lives in the database (`workspace_keys`), created on first use, so every server and worker
// signs and checks with the same one.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from './db.ts';

const keys = new WeakMap<Db, Map<string, Buffer>>();

/** The workspace key called `name` (created on first use; concurrent first uses agree). */
export async function workspaceKey(db: Db, name = 'links'): Promise<Buffer> {
  const cached = keys.get(db)?.get(name);
  if (cached) return cached;
  await db
    .insertInto('workspace_keys')
    .values({ name, key: randomBytes(32).toString('base64') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('workspace_keys').select('key').where('name', '=', name).executeTakeFirstOrThrow();
  const key = Buffer.from(row.key, 'base64');
  if (!keys.has(db)) keys.set(db, new Map());
  keys.get(db)?.set(name, key);
  return key;
}

/** A token carrying `payload` (keep it small: it is part of a URL). */
export function signToken(key: Buffer, payload: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(key, body)}`;
}

/** The payload of a token Chorus signed, or undefined for anything else. */
export function verifyToken(key: Buffer, token: string): Record<string, unknown> | undefined {
  if (token.length > 2048) return undefined;
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = Buffer.from(mac(key, body), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest().subarray(0, 16).toString('base64url');
}
