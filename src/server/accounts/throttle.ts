// Sign-in throttling: after too many failed attempts for one name, or from one address, within a
// window, sign-in is refused until the oldest failure in the window ages out. The failures live in
// the database (login_attempts), so every API server in front of one PostgreSQL counts the same.
// A successful sign-in clears the failures of its name (not of its address: one valid account
// must not let an address guess at every other name).

import type { Db } from '../../store/db.ts';

export interface LoginLimits {
  /** Failures allowed for one name within the window. */
  perName: number;
  /** Failures allowed from one address (offices share one) within the window. */
  perIp: number;
  windowMinutes: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perName: 5, perIp: 20, windowMinutes: 15 };

/**
 * Seconds to wait before another attempt, or 0 when one is allowed now. Pure: `failures` are the
 * instants of failed attempts (any order), `limit` how many the window tolerates.
 */
export function waitSeconds(failures: readonly Date[], now: Date, limit: number, windowMinutes: number): number {
  const windowMs = windowMinutes * 60_000;
  const recent = failures.map((d) => d.getTime()).filter((t) => t > now.getTime() - windowMs && t <= now.getTime());
  if (recent.length < limit) return 0;
  // The attempt that must age out for the count to drop below the limit.
  recent.sort((a, b) => b - a);
  const blocking = recent[limit - 1];
  return Math.max(1, Math.ceil((blocking + windowMs - now.getTime()) / 1000));
}

export function normalName(name: string): string {
  return name.trim().toLowerCase();
}

/** How long this name and this address must wait (0: go ahead). */
export async function loginWait(db: Db, input: { name?: string; ip: string }, now: Date, limits: LoginLimits): Promise<number> {
  const since = new Date(now.getTime() - limits.windowMinutes * 60_000);
  const byIp = await db.selectFrom('login_attempts').select('at').where('ip', '=', input.ip).where('at', '>', since).execute();
  let wait = waitSeconds(byIp.map((r) => new Date(r.at)), now, limits.perIp, limits.windowMinutes);
  if (input.name) {
    const byName = await db.selectFrom('login_attempts').select('at').where('name', '=', normalName(input.name)).where('at', '>', since).execute();
    wait = Math.max(wait, waitSeconds(byName.map((r) => new Date(r.at)), now, limits.perName, limits.windowMinutes));
  }
  return wait;
}

export async function recordFailure(db: Db, input: { name: string; ip: string }, now: Date): Promise<void> {
  await db.insertInto('login_attempts').values({ name: normalName(input.name), ip: input.ip, at: now }).execute();
}

export async function clearFailures(db: Db, name: string, now: Date, limits: LoginLimits): Promise<void> {
  await db.deleteFrom('login_attempts').where('name', '=', normalName(name)).execute();
  // Old rows of every name are of no use any more; keep the table small.
  await db.deleteFrom('login_attempts').where('at', '<', new Date(now.getTime() - limits.windowMinutes * 60_000)).execute();
}
