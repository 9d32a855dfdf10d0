// The HTTP API. Every route is declared in the registry (registry.ts) with the permission it needs
// and runs the same steps: rate limit → auth → permission → validate → handler; errors leave as
// one JSON shape (errors.ts). `chorus serve` builds this app; tests build it too and use `inject`.
// `/api/*` needs a session or a token unless the route is public; `/webhooks/*` is authenticated
// by each platform's own signature; everything else is the console (console.ts).

import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Ingest } from '../channels/port.ts';
import { ChannelConfigError, type ChannelRow, ConnectorCache } from '../channels/registry.ts';
import { createIngest } from '../community/ingest.ts';
import { SelectorError } from '../community/groups.ts';
import { PacingPolicyError } from '../dispatch/pacing.ts';
import type { Queue } from '../dispatch/queue.ts';
import { demoRoutes } from '../demo/route.ts';
import { RunError } from '../run/runs.ts';
import { SheetError } from '../sop/errors.ts';
import type { Db, Store } from '../store/db.ts';
import { loadSecretKey, type SecretBox, secretBox } from '../store/secrets.ts';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './accounts/throttle.ts';
import { UserError } from './accounts/users.ts';
import type { Actor } from './auth.ts';
import { DEFAULT_CONSOLE_DIR, registerConsole } from './console.ts';
import { logRequests, logUrl } from './logger.ts';
import { ApiError, invalidSheet } from './errors.ts';
import { defineRoute, type Route, registerRoutes, watchApiRoutes } from './registry.ts';
import { accountRoutes } from './routes/account.ts';
import { auditRoutes } from './routes/audit.ts';
import { broadcastRoutes } from './routes/broadcasts.ts';
import { channelRoutes } from './routes/channels.ts';
import { docsRoutes } from './routes/docs.ts';
import { groupRoutes } from './routes/groups.ts';
import { ledgerRoutes } from './routes/ledger.ts';
import { runRoutes } from './routes/runs.ts';
import { sheetRoutes } from './routes/sheets.ts';
import { sopRoutes } from './routes/sop.ts';
import { taskRoutes } from './routes/tasks.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';

export interface AppContext {
  store: Store;
  dataDir: string;
  /** Seals channel credentials; by default from the data folder's secret key. */
  box?: SecretBox;
  /** One connector per channel for this process; built from `box` when not given. */
  connectors?: ConnectorCache;
  /** Tells the in-process worker that rows became due. */
  wake?: () => void;
  /** pg-boss: durable wake-ups for workers in any process. */
  queue?: Queue;
  /** Where webhooks hand normalized events; by default `createIngest({ db, wake })`. */
  ingest?: Ingest;
  /** Told after a channel is added (serve starts polling / puppet receivers for it). */
  onChannelAdded?: (channel: ChannelRow) => void;
  /** The clock for sessions and sign-in throttling (tests move it). */
  now?: () => Date;
  /** Sign-in throttling; default 5 failures per name, 20 per address, in 15 minutes. */
  loginLimits?: LoginLimits;
  /** The built console (web/dist); false serves none. */
  consoleDir?: string | false;
}

/** What the routes use: the app context with every default filled in. */
export interface Services {
  store: Store;
  db: Db;
  dataDir: string;
  box: SecretBox;
  connectors: ConnectorCache;
  wake?: () => void;
  queue?: Queue;
  ingest: Ingest;
  onChannelAdded?: (channel: ChannelRow) => void;
  now: () => Date;
  loginLimits: LoginLimits;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, set by the registry's auth step. */
    actor?: Actor;
  }
}

export function services(ctx: AppContext): Services {
  const db = ctx.store.db;
  const box = ctx.box ?? secretBox(loadSecretKey(ctx.dataDir));
  return {
    store: ctx.store,
    db,
    dataDir: ctx.dataDir,
    box,
    connectors: ctx.connectors ?? new ConnectorCache(db, box),
    wake: ctx.wake,
    queue: ctx.queue,
    ingest: ctx.ingest ?? createIngest({ db, wake: ctx.wake }),
    onChannelAdded: ctx.onChannelAdded,
    now: ctx.now ?? (() => new Date()),
    loginLimits: ctx.loginLimits ?? DEFAULT_LOGIN_LIMITS,
  };
}

/** Every API route, in registration order. */
export function apiRoutes(s: Services): Route[] {
  const routes: Route[] = [
    defineRoute({
      method: 'GET',
      path: '/api/health',
      tag: 'documentation',
      summary: 'Liveness and the database engine',
      returns: '{ok: true, engine}',
      permission: 'public',
      async handler() {
        return { ok: true, engine: s.store.engine };
      },
    }),
    ...accountRoutes(s),
    ...userRoutes(s),
    ...tokenRoutes(s),
    ...auditRoutes(s),
    ...sheetRoutes(s),
    ...sopRoutes(s),
    ...channelRoutes(s),
    ...groupRoutes(s),
    ...runRoutes(s),
    ...broadcastRoutes(s),
    ...taskRoutes(s),
    ...ledgerRoutes(s),
    ...demoRoutes(s),
  ];
  routes.push(...docsRoutes(s, () => routes));
  return routes;
}

export async function buildApp(ctx: AppContext, opts: { logger?: Logger } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // One line per request at debug (logRequests) instead of Fastify's two at info.
    ...(opts.logger ? { loggerInstance: opts.logger, logController: new LogController({ disableRequestLogging: true }) } : { logger: false }),
    bodyLimit: 10 * 1024 * 1024,
  }) as unknown as FastifyInstance;
  logRequests(app);

  watchApiRoutes(app);
  await app.register(fastifyCookie);

  app.setErrorHandler((err, req, reply) => {
    const e = toApiError(err);
    if (e) {
      if (e.retryAfterSeconds !== undefined) reply.header('retry-after', String(e.retryAfterSeconds));
      return reply.status(e.status).send(e.toJSON());
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      // Fastify's own client errors: unparseable JSON, wrong content type, body too large.
      return reply.status(status).send(new ApiError(status, 'bad_request', (err as Error).message).toJSON());
    }
    req.log.error({ err, method: req.method, url: logUrl(req.url) }, 'request failed with 500');
    return reply.status(500).send(new ApiError(500, 'internal', 'Something went wrong on the server; the details are in its log.').toJSON());
  });

  const consoleAnswer = await registerConsole(app, ctx.consoleDir ?? DEFAULT_CONSOLE_DIR);
  app.setNotFoundHandler((req, reply) => {
    if (consoleAnswer(req, reply)) return;
    reply.status(404).send(new ApiError(404, 'not_found', `No such endpoint: ${req.method} ${req.url.split('?')[0]}`).toJSON());
  });

  const s = services(ctx);
  registerRoutes(app, s, apiRoutes(s));
  await registerWebhookRoutes(app, s);
  return app;
}

/** The domain's named errors as API errors; undefined for anything unexpected. */
function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof SheetError) return invalidSheet(err.problems);
  if (err instanceof RunError) {
    const status = err.code === 'not_found' ? 404 : err.code === 'wrong_state' ? 409 : 422;
    return new ApiError(status, err.code, err.message, err.problems ? { problems: err.problems } : {});
  }
  if (err instanceof ChannelConfigError) return new ApiError(422, 'invalid_channel', err.message, { field: err.field, reason: err.message });
  if (err instanceof SelectorError) return new ApiError(400, 'invalid_selector', `The group selector is not valid: ${err.message}`, { field: 'groups', reason: err.message });
  if (err instanceof PacingPolicyError) return new ApiError(422, 'invalid_pacing', err.message);
  if (err instanceof UserError) return new ApiError(409, err.code, err.message, err.field ? { field: err.field } : {});
  return undefined;
}
