// Who is calling: a bearer token (the CLI's admin token, a person's own token) or the console's
// session cookie. Bearer first: a browser never adds an Authorization header by itself, so a
// request that carries one cannot be a cross-site forgery and needs no CSRF token. A request
// signed in by cookie that changes something (anything but GET/HEAD) must echo the session's
// CSRF token in `x-csrf-token`.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../access/roles.ts';
import type { Db } from '../store/db.ts';
import { csrfMatches, findSession, SESSION_COOKIE } from './accounts/sessions.ts';
import type { User } from './accounts/users.ts';
import { msg } from '../i18n/index.ts';
import { ApiError } from './errors.ts';
import { checkToken } from './tokens.ts';

export interface Actor {
  /** The user's name (what groups.leader holds), or a workspace token's name. */
  name: string;
  role: Role | string;
  /** Null for the data folder's admin token. */
  userId: string | null;
  via: 'session' | 'token';
  user?: User;
  sessionId?: string;
  csrfToken?: string;
  tokenId?: string;
}

export interface AuthDeps {
  db: Db;
  now: () => Date;
  /** Session cookies are always Secure (the public URL is https). */
  secureCookies?: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionCookieOptions(req: FastifyRequest, expiresAt?: Date, alwaysSecure = false) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    // Secure when the public URL is https (--public-url), or over HTTPS (a TLS connection, or a
    // trusted proxy's x-forwarded-proto with --trust-proxy).
    secure: alwaysSecure || req.protocol === 'https',
    ...(expiresAt ? { expires: expiresAt } : {}),
  };
}

/**
 * The caller, or undefined when the request carries no credentials (`required`: 401 instead).
 * A wrong token, an ended session or a missing CSRF token are always refused.
 */
export async function authenticate(deps: AuthDeps, req: FastifyRequest, reply: FastifyReply, required: boolean): Promise<Actor | undefined> {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new ApiError(401, 'unauthorized', msg('auth.badHeader'));
    const owner = await checkToken(deps.db, m[1]);
    if (!owner) throw new ApiError(401, 'unauthorized', msg('auth.badToken'));
    return { name: owner.name, role: owner.role, userId: owner.userId, via: 'token', tokenId: owner.tokenId };
  }
  const cookie = req.cookies?.[SESSION_COOKIE];
  if (cookie) {
    const now = deps.now();
    const found = await findSession(deps.db, cookie, now);
    if (found) {
      if (found.refreshed) reply.setCookie(SESSION_COOKIE, cookie, sessionCookieOptions(req, found.session.expiresAt, deps.secureCookies));
      if (!SAFE_METHODS.has(req.method)) {
        const sent = req.headers['x-csrf-token'];
        if (!csrfMatches(Array.isArray(sent) ? sent[0] : sent, found.session.csrfToken)) {
          throw new ApiError(403, 'csrf', msg('auth.csrf'));
        }
      }
      return {
        name: found.user.name,
        role: found.user.role,
        userId: found.user.id,
        via: 'session',
        user: found.user,
        sessionId: found.session.id,
        csrfToken: found.session.csrfToken,
      };
    }
    if (required) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      throw new ApiError(401, 'unauthorized', msg('auth.sessionEnded'));
    }
    return undefined;
  }
  if (required) throw new ApiError(401, 'unauthorized', msg('auth.signInFirst'));
  return undefined;
}
