// User accounts: the people who sign in to the console. Names are what groups.leader holds, so a
// leader's groups are the groups that name them.

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Role } from '../../access/roles.ts';
import { english, msg, type Text } from '../../i18n/index.ts';
import type { Db } from '../../store/db.ts';
import { hashPassword } from './passwords.ts';

export const LOCALES = ['en', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];

export interface User {
  id: string;
  name: string;
  displayName: string;
  role: Role;
  locale: Locale;
  disabled: boolean;
  createdAt: string;
}

/** What the session endpoint and the console show about the signed-in person. */
export function sessionUser(u: User) {
  return { id: u.id, name: u.name, displayName: u.displayName, role: u.role, locale: u.locale };
}

interface UserRaw {
  id: string;
  name: string;
  display_name: string;
  role: string;
  locale: string;
  disabled: boolean;
  created_at: Date | string;
}

export function toUser(r: UserRaw): User {
  return {
    id: r.id,
    name: r.name,
    displayName: r.display_name,
    role: r.role as Role,
    locale: (r.locale === 'en' ? 'en' : 'zh') as Locale,
    disabled: r.disabled,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

const COLUMNS = ['id', 'name', 'display_name', 'role', 'locale', 'disabled', 'created_at'] as const;

export async function anyUser(db: Db): Promise<boolean> {
  return !!(await db.selectFrom('users').select('id').limit(1).executeTakeFirst());
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.selectFrom('users').select(COLUMNS).orderBy('created_at').orderBy('name').execute()).map(toUser);
}

export async function userById(db: Db, id: string): Promise<User | undefined> {
  const r = await db.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return r ? toUser(r) : undefined;
}

/** The user and their password hash, for signing in. */
export async function userForLogin(db: Db, name: string): Promise<{ user: User; hash: string } | undefined> {
  const r = await db.selectFrom('users').select([...COLUMNS, 'password_hash']).where('name', '=', name.trim()).executeTakeFirst();
  return r ? { user: toUser(r), hash: r.password_hash } : undefined;
}

export async function passwordHashOf(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirst())?.password_hash;
}

export class UserError extends Error {
  readonly code: 'name_taken' | 'last_owner' | 'setup_done';
  readonly field?: string;
  /** The message as a catalogue text, rendered in the reader's language by the API. */
  readonly text: Text;
  constructor(code: UserError['code'], message: Text, field?: string) {
    super(english(message));
    this.text = message;
    this.name = 'UserError';
    this.code = code;
    if (field) this.field = field;
  }
}

export type NewUser = {
  name: string;
  role: Role;
  displayName?: string;
  locale?: Locale;
} & (
  | { password: string }
  /** From hashPassword, computed before a transaction: hashing takes tens of milliseconds, and on PGlite an open transaction holds the one connection. */
  | { passwordHash: string }
);

/** Creates a user; a name already taken (in any letter case) is a UserError. */
export async function createUser(db: Db, input: NewUser): Promise<User> {
  const name = input.name.trim();
  const taken = await db
    .selectFrom('users')
    .select('id')
    .where(sql`lower(name)`, '=', name.toLowerCase())
    .executeTakeFirst();
  if (taken) throw new UserError('name_taken', msg('user.nameTaken', { name }), 'name');
  const id = `usr_${randomBytes(8).toString('hex')}`;
  const passwordHash = 'passwordHash' in input ? input.passwordHash : await hashPassword(input.password);
  const row = await db
    .insertInto('users')
    .values({
      id,
      name,
      display_name: input.displayName?.trim() || name,
      password_hash: passwordHash,
      role: input.role,
      ...(input.locale ? { locale: input.locale } : {}),
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return toUser(row);
}

/**
 * Creates the owner, only while there is no user at all. The table is locked for the check, so two
 * servers answering two first-start forms at once make one owner, not two.
 */
export async function createOwner(
  db: Db,
  input: { name: string; password: string; displayName?: string; locale?: Locale },
  /** Runs in the creating transaction (the audit entry). */
  onCreated?: (trx: Db, owner: User) => Promise<void>,
): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    if (await anyUser(trx)) throw new UserError('setup_done', msg('user.setupDone'));
    const name = input.name.trim();
    const row = await trx
      .insertInto('users')
      .values({
        id: `usr_${randomBytes(8).toString('hex')}`,
        name,
        display_name: input.displayName?.trim() || name,
        password_hash: passwordHash,
        role: 'owner',
        ...(input.locale ? { locale: input.locale } : {}),
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    const owner = toUser(row);
    await onCreated?.(trx, owner);
    return owner;
  });
}

/** What a password change, reset or disabling ended: the person's other sessions and their API tokens. */
export interface EndedAccess {
  sessions: number;
  tokens: number;
}

export interface UserPatch {
  role?: Role;
  displayName?: string;
  /** From hashPassword, computed before any transaction. */
  passwordHash?: string;
  disabled?: boolean;
  locale?: Locale;
}

/**
 * Changes a user. Taking the owner role away from, or disabling, the last active owner is refused:
 * someone must always be able to manage the workspace. A new password (changed or reset) ends the
 * user's sessions and personal API tokens, disabling their sessions (`keepSession`, `keepToken`:
 * except the one making the change); `onEnded` is told how many ended.
 */
export async function updateUser(
  db: Db,
  id: string,
  patch: UserPatch,
  opts: { keepSession?: string; keepToken?: string; onEnded?: (ended: EndedAccess) => void } = {},
): Promise<User> {
  const before = await userById(db, id);
  if (!before) throw new Error(`no user ${id}`);
  const losesOwner = before.role === 'owner' && !before.disabled && ((patch.role && patch.role !== 'owner') || patch.disabled === true);
  if (losesOwner) {
    const owners = await db.selectFrom('users').select('id').where('role', '=', 'owner').where('disabled', '=', false).where('id', '<>', id).execute();
    if (!owners.length) {
      throw new UserError('last_owner', msg('user.lastOwner', { name: before.name }), patch.role ? 'role' : 'disabled');
    }
  }
  const set: Record<string, unknown> = {};
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.displayName !== undefined) set.display_name = patch.displayName.trim() || before.name;
  if (patch.disabled !== undefined) set.disabled = patch.disabled;
  if (patch.locale !== undefined) set.locale = patch.locale;
  if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
  if (Object.keys(set).length) await db.updateTable('users').set(set).where('id', '=', id).execute();
  if (patch.passwordHash !== undefined || patch.disabled === true) {
    let sessions = db.deleteFrom('sessions').where('user_id', '=', id);
    if (opts.keepSession) sessions = sessions.where('id', '<>', opts.keepSession);
    const s = await sessions.executeTakeFirst();
    let ended = 0;
    // Disabling only suspends the tokens (checkToken refuses them; enabling again restores them);
    // a new password means the old one may be known, so every token made with it ends.
    if (patch.passwordHash !== undefined) {
      let tokens = db.deleteFrom('api_tokens').where('user_id', '=', id);
      if (opts.keepToken) tokens = tokens.where('id', '<>', opts.keepToken);
      ended = Number((await tokens.executeTakeFirst()).numDeletedRows);
    }
    opts.onEnded?.({ sessions: Number(s.numDeletedRows), tokens: ended });
  }
  return (await userById(db, id))!;
}
