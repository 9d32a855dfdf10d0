// The route registry: every API route is declared once — method, path, summary, the permission it
// needs (and whether a leader sees it for their own groups only), schemas for params, query and
// body — and registered with one fixed order of steps:
//   storable text → rate limit (where the route has one) → auth → permission → validate → handler.
// The OpenAPI document (openapi.ts) and the access test read the same table, so a route cannot
// exist without a declared permission.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { decide, PERMISSIONS, type Permission, refusalText } from '../access/roles.ts';
import { type Actor, type AuthDeps, authenticate } from './auth.ts';
import { ApiError, validate } from './errors.ts';
import { refuseUnstorableText } from './text-check.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Call<P, Q, B> {
  req: FastifyRequest;
  reply: FastifyReply;
  /** The caller; undefined only on public routes called without credentials. */
  actor: Actor | undefined;
  /** Set when the caller sees only their own groups: the leader's name (groups.leader). */
  leader: string | undefined;
  params: P;
  query: Q;
  body: B;
}

export interface RouteDef<P, Q, B> {
  method: Method;
  /** Fastify's form: `/api/runs/:id`. */
  path: string;
  summary: string;
  /** The group in the documentation. */
  tag: string;
  permission: Permission;
  /** The handler narrows what a leader sees and does to their own groups (required where the permission is scoped). */
  scoped?: boolean;
  /** Runs before anything else; throws (429) to refuse. */
  rateLimit?: (req: FastifyRequest) => Promise<void>;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Bytes of request body this route accepts, when not the server's default (app.ts). */
  bodyLimit?: number;
  /** The success status, for the documentation (default 200); the handler sets it on the reply. */
  status?: number;
  /** Documentation of the answer (shape in words); the schemas above document the input. */
  returns?: string;
  handler(call: Call<P, Q, B>): Promise<unknown>;
}

/** A registered route, its input types forgotten. */
export type Route = RouteDef<unknown, unknown, unknown>;

/** Declares a route; the schemas give the handler its types. */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(def: RouteDef<P, Q, B>): Route {
  return def as Route;
}

const tables = new WeakMap<FastifyInstance, Route[]>();
const mounted = new WeakMap<FastifyInstance, string[]>();

/**
 * Records every `/api` route Fastify mounts, however it was added, so that the access test can
 * prove each one went through the registry. Call before any route is added.
 */
export function watchApiRoutes(app: FastifyInstance): void {
  mounted.set(app, []);
  app.addHook('onRoute', (opts) => {
    if (!opts.url.startsWith('/api')) return;
    for (const m of [opts.method].flat()) if (m !== 'HEAD') mounted.get(app)!.push(`${m} ${opts.url}`);
  });
}

/** `METHOD /path` of every `/api` route mounted on the app (see watchApiRoutes). */
export function mountedApiRoutes(app: FastifyInstance): readonly string[] {
  return mounted.get(app) ?? [];
}

/** The routes registered on an app (the access test and the OpenAPI document read it). */
export function routeTable(app: FastifyInstance): readonly Route[] {
  return tables.get(app) ?? [];
}

/** Refuses a table in which a route lacks a known permission, or a scoped permission is not handled. */
export function checkTable(routes: readonly Route[]): void {
  const seen = new Set<string>();
  for (const r of routes) {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) throw new Error(`route ${key} is declared twice`);
    seen.add(key);
    if (!r.permission || !(PERMISSIONS as readonly string[]).includes(r.permission)) {
      throw new Error(`route ${key} declares no known permission (got ${String(r.permission)})`);
    }
    if (decide('leader', r.permission) === 'scoped' && !r.scoped) {
      throw new Error(`route ${key} needs "${r.permission}", which leaders have for their own groups only, but does not narrow to them (scoped: true)`);
    }
  }
}

/** `?lang=` picks the answer's language (src/i18n/locale.ts); it is no route's own parameter. */
function withoutLang(query: unknown): unknown {
  if (typeof query !== 'object' || query === null || !('lang' in query)) return query;
  const { lang: _lang, ...rest } = query as Record<string, unknown>;
  return rest;
}

export function registerRoutes(app: FastifyInstance, deps: AuthDeps, routes: readonly Route[]): void {
  checkTable(routes);
  tables.set(app, [...(tables.get(app) ?? []), ...routes]);
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.path,
      ...(r.bodyLimit ? { bodyLimit: r.bodyLimit } : {}),
      handler: async (req, reply) => {
        // Before anything reads the input (the sign-in throttle records the typed name).
        refuseUnstorableText(req.params, 'params');
        refuseUnstorableText(req.query, 'query');
        refuseUnstorableText(req.body, 'body');
        refuseUnstorableText(req.headers, 'headers');
        if (r.rateLimit) await r.rateLimit(req);
        const isPublic = r.permission === 'public';
        // A public route needs nobody; stale credentials (an ended session, a missing CSRF token on
        // a sign-in form) must not stand in the way of signing in again.
        const actor = isPublic ? await authenticate(deps, req, reply, false).catch(() => undefined) : await authenticate(deps, req, reply, true);
        let leader: string | undefined;
        if (!isPublic && actor) {
          const access = decide(actor.role, r.permission);
          if (access === 'deny') throw new ApiError(403, 'forbidden', refusalText(actor.role, r.permission));
          if (access === 'scoped') leader = actor.name;
        }
        req.actor = actor;
        const params = r.params ? validate(r.params, req.params, 'params') : {};
        const query = r.query ? validate(r.query, withoutLang(req.query), 'query') : {};
        const body = r.body ? validate(r.body, req.body, 'body') : undefined;
        const result = await r.handler({ req, reply, actor, leader, params, query, body });
        return reply.sent ? reply : result;
      },
    });
  }
}
