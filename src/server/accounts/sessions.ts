// Console sessions. The cookie holds a random value; the database keeps only its SHA-256 (the
// session id), so a copy of the database cannot be replayed as a cookie. A session ends after 3
// days unused (sliding: each use extends it) and in any case 7 days after sign-in (absolute), so a
// stolen cookie is not good for ever (docs/security.md). Each has its own CSRF token, which
// cookie-authenticated requests that change something must echo in the x-csrf-token header.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../store/db.ts';
import { toUser, type User } from './users.ts';

export const SESSION_COOKIE = 'chorus_session';
/** Unused this long, a session ends. */
export const SESSION_IDLE_DAYS = 3;
/** However much it is used, a session ends this long after sign-in. */
export const SESSION_MAX_DAYS = 7;
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

/** When a session signed in at `createdAt` and used at `now` ends: idle limit, capped by the absolute one. Pure. */
export function expiryFrom(now: Date, createdAt: Date = now): Date {
  return new Date(Math.min(now.getTime() + SESSION_IDLE_DAYS * DAY_MS, createdAt.getTime() + SESSION_MAX_DAYS * DAY_MS));
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
 * The live session and its (enabled) user for a cookie value, extended (see expiryFrom) when that
 * gains over an hour (`refreshed` says so: the cookie is then sent again).
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
      'sessions.created_at as session_created_at',
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
  const createdAt = new Date(r.session_created_at);
  // The absolute limit counts too for sessions stored before it existed (with 30 days to run).
  if (expiresAt <= now || createdAt.getTime() + SESSION_MAX_DAYS * DAY_MS <= now.getTime()) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return undefined;
  }
  const next = expiryFrom(now, createdAt);
  const refreshed = next.getTime() - expiresAt.getTime() > REFRESH_MS;
  if (refreshed) {
    expiresAt = next;
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
