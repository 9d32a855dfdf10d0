// Console sessions. The cookie holds a random value; the database keeps only its SHA-256 (the
// session id), so a copy of the database cannot be replayed as a cookie. Sessions last 30 days
// from the last use (sliding); each has its own CSRF token, which cookie-authenticated requests
// that change something must echo in the x-csrf-token header.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../store/db.ts';
import { toUser, type User } from './users.ts';

export const SESSION_COOKIE = 'chorus_session';
export const SESSION_DAYS = 30;
const DAY_MS = 86_400_000;
/** A session in use is extended at most this often, so that reads do not each write a row. */
const REFRESH_MS = 60 * 60_000;

export interface Session {
  id: string;
  userId: string;
  csrfToken: string;
  expiresAt: Date;
}

export function sessionIdOf(cookieValue: string): string {
  return createHash('sha256').update(cookieValue).digest('hex');
}

export function expiryFrom(now: Date): Date {
  return new Date(now.getTime() + SESSION_DAYS * DAY_MS);
}

export async function createSession(db: Db, userId: string, now: Date): Promise<{ cookie: string; session: Session }> {
  const cookie = randomBytes(32).toString('base64url');
  const session: Session = { id: sessionIdOf(cookie), userId, csrfToken: randomBytes(24).toString('base64url'), expiresAt: expiryFrom(now) };
  await db
    .insertInto('sessions')
    .values({ id: session.id, user_id: userId, csrf_token: session.csrfToken, created_at: now, expires_at: session.expiresAt, last_seen_at: now })
    .execute();
  // Expired sessions of this user are of no use; drop them while we are here.
  await db.deleteFrom('sessions').where('user_id', '=', userId).where('expires_at', '<=', now).execute();
  return { cookie, session };
}

/**
 * The live session and its (enabled) user for a cookie value, extended to 30 days from now when it
 * was last extended over an hour ago (`refreshed` says so: the cookie is then sent again).
 */
export async function findSession(db: Db, cookieValue: string, now: Date): Promise<{ session: Session; user: User; refreshed: boolean } | undefined> {
  const id = sessionIdOf(cookieValue);
  const r = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.csrf_token',
      'sessions.expires_at',
      'users.id',
      'users.name',
      'users.display_name',
      'users.role',
      'users.locale',
      'users.disabled',
      'users.created_at',
    ])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  if (!r || r.disabled) return undefined;
  let expiresAt = new Date(r.expires_at);
  if (expiresAt <= now) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return undefined;
  }
  const refreshed = expiryFrom(now).getTime() - expiresAt.getTime() > REFRESH_MS;
  if (refreshed) {
    expiresAt = expiryFrom(now);
    await db.updateTable('sessions').set({ expires_at: expiresAt, last_seen_at: now }).where('id', '=', id).execute();
  }
  return { session: { id, userId: r.id, csrfToken: r.csrf_token, expiresAt }, user: toUser(r), refreshed };
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Compares a CSRF token sent by the browser with the session's, in constant time. */
export function csrfMatches(sent: string | undefined, expected: string): boolean {
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
