// Passwords: argon2id with OWASP's minimum settings (19 MiB, 2 passes, 1 lane — "Password Storage
// Cheat Sheet"), about 30 ms here, so that sign-in stays quick on a small server and a stolen
// database is still slow to attack. An unknown name is checked against a dummy hash, so that the
// answer takes as long as for a real account and does not tell which names exist.

import { argon2id, hash, verify } from 'argon2';

const OPTIONS = { type: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** NIST SP 800-63B and OWASP ASVS 2.1.1 ask for at least 12 characters; any characters count, spaces too. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummy: Promise<string> | undefined;

/** True when `password` matches `hash`; with no hash (unknown name) it spends the same time and says false. */
export async function checkPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (stored === undefined) {
    dummy ??= hashPassword('chorus: a password nobody has');
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    // A malformed stored hash: nobody can sign in with it.
    return false;
  }
}
