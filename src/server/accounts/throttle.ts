// Sign-in throttling, built so that nobody elsewhere can lock an account's owner out:
// - per address: after `perIp` failures (any names) within the window, that address is refused
//   (429) until the oldest failure ages out — one machine cannot guess at every name;
// - per (name, address) pair: after `perPair` failures for one name from one address, that pair
//   is refused — the guesser is stopped, the owner signing in from elsewhere is not;
// - per name, from everywhere: after `slowAfter` failures each further attempt at the name is
//   answered only after a delay that doubles with every failure (up to `maxDelayMs`) — slowed,
//   never refused, so guessing from many addresses gets slow while the owner still gets in.
// The failures live in the database (login_attempts), so every API server in front of one
// PostgreSQL counts the same. A successful sign-in clears the failures of its name from its
// address only: the failures others made at the name keep counting. The same throttle guards
// the current-password check of a password change (PATCH /api/me). docs/security.md says why.

import type { Db } from '../../store/db.ts';

export interface LoginLimits {
  /** Failures allowed for one name from one address within the window. */
  perPair: number;
  /** Failures allowed from one address (offices share one), whatever the names, within the window. */
  perIp: number;
  /** Failures of one name (from any address) after which attempts at it are slowed down. */
  slowAfter: number;
  /** The delay of the first slowed attempt; it doubles with each further failure. */
  firstDelayMs: number;
  /** The longest delay. */
  maxDelayMs: number;
  windowMinutes: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perPair: 5, perIp: 20, slowAfter: 5, firstDelayMs: 500, maxDelayMs: 8_000, windowMinutes: 15 };

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

/** How long to hold an attempt at a name that failed `failures` times in the window. Pure. */
export function slowDownMs(failures: number, limits: Pick<LoginLimits, 'slowAfter' | 'firstDelayMs' | 'maxDelayMs'>): number {
  if (failures < limits.slowAfter) return 0;
  const doublings = Math.min(failures - limits.slowAfter, 30);
  return Math.min(limits.maxDelayMs, limits.firstDelayMs * 2 ** doublings);
}

export function normalName(name: string): string {
  return name.trim().toLowerCase();
}

export interface LoginVerdict {
  /** Seconds before this address (or this name from this address) may try again; 0: go ahead. */
  waitSeconds: number;
  /** Hold the answer this long first (a much-failed name). */
  delayMs: number;
}

/** What this attempt at `name` from `ip` must do: wait (refused), be slowed down, or go ahead. */
export async function loginVerdict(db: Db, input: { name?: string; ip: string }, now: Date, limits: LoginLimits): Promise<LoginVerdict> {
  const since = new Date(now.getTime() - limits.windowMinutes * 60_000);
  const byIp = await db.selectFrom('login_attempts').select(['at', 'name']).where('ip', '=', input.ip).where('at', '>', since).execute();
  let wait = waitSeconds(byIp.map((r) => new Date(r.at)), now, limits.perIp, limits.windowMinutes);
  let delayMs = 0;
  if (input.name) {
    const name = normalName(input.name);
    const pair = byIp.filter((r) => r.name === name).map((r) => new Date(r.at));
    wait = Math.max(wait, waitSeconds(pair, now, limits.perPair, limits.windowMinutes));
    const byName = await db
      .selectFrom('login_attempts')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('name', '=', name)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    delayMs = slowDownMs(Number(byName.n), limits);
  }
  return { waitSeconds: wait, delayMs };
}

export async function recordFailure(db: Db, input: { name: string; ip: string }, now: Date): Promise<void> {
  await db.insertInto('login_attempts').values({ name: normalName(input.name), ip: input.ip, at: now }).execute();
}

/** After a success: this name's failures from this address go; old rows of every name too. */
export async function clearFailures(db: Db, input: { name: string; ip: string }, now: Date, limits: LoginLimits): Promise<void> {
  await db.deleteFrom('login_attempts').where('name', '=', normalName(input.name)).where('ip', '=', input.ip).execute();
  // Old rows of every name are of no use any more; keep the table small.
  await db.deleteFrom('login_attempts').where('at', '<', new Date(now.getTime() - limits.windowMinutes * 60_000)).execute();
}
