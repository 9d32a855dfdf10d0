// Signing in: first start (create the owner), sign in and out with a session cookie, the
// session's state for the console, and changing one's own profile and password.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { checkPassword, hashPassword, PASSWORD_MAX, PASSWORD_MIN } from '../accounts/passwords.ts';
import { createSession, deleteSession, SESSION_COOKIE } from '../accounts/sessions.ts';
import { clearFailures, loginVerdict, recordFailure } from '../accounts/throttle.ts';
import { anyUser, createOwner, type EndedAccess, LOCALES, passwordHashOf, sessionUser, type User, UserError, updateUser, userForLogin } from '../accounts/users.ts';
import type { Services } from '../services.ts';
import { audit } from '../audit.ts';
import { sessionCookieOptions } from '../auth.ts';
import { msg } from '../../i18n/index.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';

/** Sign-in names: letters (any script), digits, dot, dash, underscore; what groups.leader holds. */
export const UserName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}._-]+$/u, 'validate.userName');
export const Password = z.string().min(PASSWORD_MIN).max(PASSWORD_MAX);
export const DisplayName = z.string().trim().max(100);

const SetupBody = z.strictObject({ name: UserName, password: Password, displayName: DisplayName.optional(), locale: z.enum(LOCALES).optional() });
const LoginBody = z.strictObject({ name: z.string().trim().min(1).max(64), password: z.string().min(1).max(PASSWORD_MAX) });
const MeBody = z
  .strictObject({
    locale: z.enum(LOCALES).optional(),
    displayName: DisplayName.optional(),
    password: Password.optional(),
    currentPassword: z.string().max(PASSWORD_MAX).optional(),
  })
  .refine((b) => b.password === undefined || b.currentPassword !== undefined, { message: 'validate.currentPasswordNeeded', path: ['currentPassword'] });
const tag = 'account';

async function signIn(s: Services, req: FastifyRequest, reply: FastifyReply, user: User) {
  const { cookie, session } = await createSession(s.db, user.id, s.now());
  reply.setCookie(SESSION_COOKIE, cookie, sessionCookieOptions(req, session.expiresAt, s.secureCookies));
  return { user: sessionUser(user), csrfToken: session.csrfToken };
}

/** The name typed in a sign-in body, for throttling before the body is validated. */
function typedName(req: FastifyRequest): string | undefined {
  const name = (req.body as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name.trim() ? name : undefined;
}

export function accountRoutes(s: Services): Route[] {
  /** Refuses (429) an address or a name-and-address that failed too often; slows down a much-failed name. */
  const guard = async (name: string | undefined, ip: string) => {
    const v = await loginVerdict(s.db, { name, ip }, s.now(), s.loginLimits);
    if (v.waitSeconds > 0) {
      const minutes = Math.ceil(v.waitSeconds / 60);
      throw new ApiError(429, 'too_many_attempts', msg('error.tooManySignIns', { count: minutes }), { retryAfterSeconds: v.waitSeconds });
    }
    if (v.delayMs > 0) await s.sleep(v.delayMs);
  };
  const throttle = (req: FastifyRequest) => guard(typedName(req), req.ip);
  return [
    defineRoute({
      method: 'GET',
      path: '/api/session',
      tag,
      summary: 'Who is signed in, the CSRF token for this session, and whether the owner must still be created',
      returns: '{user: null | {id, name, displayName, role, locale}, setupNeeded, csrfToken: string | null}',
      permission: 'public',
      async handler({ actor }) {
        const setupNeeded = !(await anyUser(s.db));
        if (actor?.via === 'session' && actor.user) return { user: sessionUser(actor.user), setupNeeded, csrfToken: actor.csrfToken ?? null };
        return { user: null, setupNeeded, csrfToken: null };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/setup',
      tag,
      summary: 'First start: create the owner account (only while there is no user) and sign in',
      returns: '201 {user, csrfToken} and the session cookie; 409 setup_done afterwards',
      permission: 'public',
      rateLimit: throttle,
      body: SetupBody,
      status: 201,
      async handler({ req, reply, body }) {
        let owner: User;
        try {
          owner = await createOwner(s.db, body, (trx, o) => audit(trx, { actor: o.name, action: 'user.create', target: `user:${o.name}`, detail: { role: 'owner', setup: true } }));
        } catch (e) {
          if (e instanceof UserError && e.code === 'setup_done') throw new ApiError(409, 'setup_done', e.text);
          throw e;
        }
        return reply.status(201).send(await signIn(s, req, reply, owner));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/login',
      tag,
      summary: 'Sign in with name and password: sets the chorus_session cookie',
      returns: '{user, csrfToken}; 401 bad_credentials; 429 too_many_attempts with retryAfterSeconds',
      permission: 'public',
      rateLimit: throttle,
      body: LoginBody,
      async handler({ req, reply, body }) {
        const found = await userForLogin(s.db, body.name);
        // Unknown names are checked against a dummy hash: the answer takes as long either way.
        const ok = await checkPassword(found?.hash, body.password);
        const now = s.now();
        if (!found || !ok) {
          await recordFailure(s.db, { name: body.name, ip: req.ip }, now);
          throw new ApiError(401, 'bad_credentials', msg('error.badCredentials'));
        }
        if (found.user.disabled) throw new ApiError(403, 'account_disabled', msg('error.accountDisabled'));
        await clearFailures(s.db, { name: body.name, ip: req.ip }, now, s.loginLimits);
        return signIn(s, req, reply, found.user);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/logout',
      tag,
      summary: 'Sign out: the session ends on the server and the cookie is cleared',
      returns: '{ok: true}',
      permission: 'account',
      async handler({ reply, actor }) {
        if (actor?.sessionId) await deleteSession(s.db, actor.sessionId);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { ok: true };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/me',
      tag,
      summary: 'Change your language, display name or password (with the current one); a new password ends your other sessions and your API tokens',
      returns: '{user, ended?: {sessions, tokens}}; 403 wrong_password; 429 too_many_attempts',
      permission: 'account',
      body: MeBody,
      async handler({ req, actor, body }) {
        if (!actor?.userId) throw new ApiError(422, 'no_account', msg('error.noAccount.profile'));
        const userId = actor.userId;
        if (body.password !== undefined) {
          // The current-password check is a sign-in in disguise: a stolen session must not guess at it freely.
          await guard(actor.name, req.ip);
          const ok = await checkPassword(await passwordHashOf(s.db, userId), body.currentPassword ?? '');
          if (!ok) {
            await recordFailure(s.db, { name: actor.name, ip: req.ip }, s.now());
            throw new ApiError(403, 'wrong_password', msg('error.wrongPassword'), { field: 'currentPassword', reason: msg('error.wrongPassword.reason') });
          }
          await clearFailures(s.db, { name: actor.name, ip: req.ip }, s.now(), s.loginLimits);
        }
        const passwordHash = body.password !== undefined ? await hashPassword(body.password) : undefined;
        let ended: EndedAccess | undefined;
        const keep = { ...(actor.sessionId ? { keepSession: actor.sessionId } : {}), ...(actor.tokenId ? { keepToken: actor.tokenId } : {}) };
        const user = await s.db.transaction().execute(async (trx) => {
          const u = await updateUser(trx, userId, { locale: body.locale, displayName: body.displayName, passwordHash }, { ...keep, onEnded: (e) => (ended = e) });
          if (body.password !== undefined) await audit(trx, { actor: actor.name, action: 'user.password', target: `user:${actor.name}`, detail: { ...ended } });
          return u;
        });
        return { user: sessionUser(user), ...(ended ? { ended } : {}) };
      },
    }),
  ];
}
