// Helpers for the account tests: make users straight in the database, sign in through the API,
// and call the API as a signed-in person (cookie + CSRF token) or with a bearer token.

import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Role } from '../../src/access/roles.ts';
import { hashPassword } from '../../src/server/accounts/passwords.ts';
import { createUser, type User } from '../../src/server/accounts/users.ts';
import type { Db } from '../../src/store/db.ts';

export const PASSWORD = 'correct horse battery';

let hash: Promise<string> | undefined;

/** A user with the shared test password (hashed once per file: argon2 is slow on purpose). */
export async function makeUser(db: Db, name: string, role: Role): Promise<User> {
  hash ??= hashPassword(PASSWORD);
  return createUser(db, { name, role, passwordHash: await hash });
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Caller {
  name: string;
  cookie?: string;
  csrf?: string;
  call(method: Method, url: string, payload?: unknown, headers?: Record<string, string>): Promise<Awaited<ReturnType<FastifyInstance['inject']>>>;
}

/** Signs in through POST /api/login; the caller sends the cookie and (on non-GET) the CSRF token. */
export async function signIn(app: FastifyInstance, name: string, password = PASSWORD): Promise<Caller> {
  const r = await app.inject({ method: 'POST', url: '/api/login', payload: { name, password } });
  if (r.statusCode !== 200) throw new Error(`sign-in of ${name} failed: ${r.statusCode} ${r.body}`);
  const cookie = r.cookies.find((c) => c.name === 'chorus_session')!.value;
  const csrf = r.json().csrfToken as string;
  return {
    name,
    cookie,
    csrf,
    call(method, url, payload, headers = {}) {
      const opts: InjectOptions = { method, url, cookies: { chorus_session: cookie }, headers: { ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }), ...headers } };
      if (payload !== undefined) opts.payload = payload as InjectOptions['payload'];
      return app.inject(opts);
    },
  };
}

/** Calls with a bearer token (no cookie, no CSRF token). */
export function withToken(app: FastifyInstance, token: string, name = 'token'): Caller {
  return {
    name,
    call(method, url, payload, headers = {}) {
      const opts: InjectOptions = { method, url, headers: { authorization: `Bearer ${token}`, ...headers } };
      if (payload !== undefined) opts.payload = payload as InjectOptions['payload'];
      return app.inject(opts);
    },
  };
}

export function anonymous(app: FastifyInstance): Caller {
  return {
    name: 'anonymous',
    call(method, url, payload, headers = {}) {
      const opts: InjectOptions = { method, url, headers };
      if (payload !== undefined) opts.payload = payload as InjectOptions['payload'];
      return app.inject(opts);
    },
  };
}
