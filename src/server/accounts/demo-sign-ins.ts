// The demo leaders' sign-ins. Each demo workspace gets random leader passwords (a fixed one would
// be known to everybody who read the code). They are kept sealed with the secret box, so that the
// console's demo banner can go on showing them to owners and admins — they are not lost on
// reload — until the leader sets a password of their own (the sealed one no longer verifies and
// is dropped), the account is removed (the row cascades), or the demo channel is gone. Never
// written to a log or the audit log.

import { randomInt } from 'node:crypto';
import { checkPassword } from './passwords.ts';
import type { Db } from '../../store/db.ts';
import type { SecretBox } from '../../store/secrets.ts';

/** No 0/O, 1/l/I: read off a screen and typed on a phone. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A random password of four groups of four (`k7pd-…`): 80 bits, 19 characters. */
export function demoPassword(): string {
  const group = () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return [group(), group(), group(), group()].join('-');
}

export async function keepSignIn(db: Db, box: SecretBox, userId: string, password: string): Promise<void> {
  await db
    .insertInto('demo_sign_ins')
    .values({ user_id: userId, password_sealed: box.seal(password) })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ password_sealed: box.seal(password) }))
    .execute();
}

export interface DemoSignIn {
  name: string;
  displayName: string;
  password: string;
}

/** The sign-ins still good: a leader who changed their password, or was disabled, drops out (for good). */
export async function currentSignIns(db: Db, box: SecretBox, demoExists: boolean): Promise<DemoSignIn[]> {
  if (!demoExists) {
    await db.deleteFrom('demo_sign_ins').execute();
    return [];
  }
  const rows = await db
    .selectFrom('demo_sign_ins')
    .innerJoin('users', 'users.id', 'demo_sign_ins.user_id')
    .select(['users.id', 'users.name', 'users.display_name', 'users.password_hash', 'users.disabled', 'demo_sign_ins.password_sealed'])
    .orderBy('users.name')
    .execute();
  const out: DemoSignIn[] = [];
  for (const r of rows) {
    let password: string | undefined;
    try {
      password = box.open(r.password_sealed);
    } catch {
      password = undefined; // sealed with another key: of no use
    }
    if (password !== undefined && !r.disabled && (await checkPassword(r.password_hash, password))) {
      out.push({ name: r.name, displayName: r.display_name, password });
    } else {
      await db.deleteFrom('demo_sign_ins').where('user_id', '=', r.id).execute();
    }
  }
  return out;
}
