// The HTTP API. Fixed order for every route: auth → validate → handler; errors leave as one JSON
// shape (errors.ts). `chorus serve` builds this app; tests build it too and use `inject`.
// `/api/*` needs an API token; `/webhooks/*` is authenticated by each platform's own signature.

import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Ingest } from '../channels/port.ts';
import { ChannelConfigError, type ChannelRow, ConnectorCache } from '../channels/registry.ts';
import { createIngest } from '../community/ingest.ts';
import { SelectorError } from '../community/groups.ts';
import { PacingPolicyError } from '../dispatch/pacing.ts';
import type { Queue } from '../dispatch/queue.ts';
import { RunError } from '../run/runs.ts';
import { SheetError } from '../sop/errors.ts';
import type { Db, Store } from '../store/db.ts';
import { loadSecretKey, type SecretBox, secretBox } from '../store/secrets.ts';
import { ApiError, invalidSheet } from './errors.ts';
import { registerBroadcastRoutes } from './routes/broadcasts.ts';
import { registerChannelRoutes } from './routes/channels.ts';
import { registerGroupRoutes } from './routes/groups.ts';
import { registerRunRoutes } from './routes/runs.ts';
import { registerSheetRoutes } from './routes/sheets.ts';
import { registerSopRoutes } from './routes/sop.ts';
import { registerTaskRoutes } from './routes/tasks.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';
import { checkToken, type TokenOwner } from './tokens.ts';

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
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: TokenOwner;
  }
}

const PUBLIC_ROUTES = new Set(['/api/health']);

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
  };
}

export async function buildApp(ctx: AppContext, opts: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger
      ? { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-telegram-bot-api-secret-token"]'] }
      : false,
    bodyLimit: 10 * 1024 * 1024,
  });

  app.addHook('onRequest', async (req) => {
    const path = req.url.split('?')[0];
    if (!path.startsWith('/api/') || PUBLIC_ROUTES.has(path)) return;
    req.actor = await authenticate(ctx, req);
  });

  app.setErrorHandler((err, _req, reply) => {
    const e = toApiError(err);
    if (e) return reply.status(e.status).send(e.toJSON());
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      // Fastify's own client errors: unparseable JSON, wrong content type, body too large.
      return reply.status(status).send(new ApiError(status, 'bad_request', (err as Error).message).toJSON());
    }
    app.log.error(err);
    return reply.status(500).send(new ApiError(500, 'internal', 'Something went wrong on the server; the details are in its log.').toJSON());
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(new ApiError(404, 'not_found', `No such endpoint: ${req.method} ${req.url.split('?')[0]}`).toJSON());
  });

  const s = services(ctx);
  app.get('/api/health', async () => ({ ok: true, engine: ctx.store.engine }));
  registerSheetRoutes(app, ctx);
  registerSopRoutes(app, ctx);
  registerChannelRoutes(app, s);
  registerGroupRoutes(app, s);
  registerRunRoutes(app, s);
  registerBroadcastRoutes(app, s);
  registerTaskRoutes(app, s);
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
  return undefined;
}

async function authenticate(ctx: AppContext, req: FastifyRequest): Promise<TokenOwner> {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!m) {
    throw new ApiError(401, 'unauthorized', 'Sign in first: send an API token as "Authorization: Bearer <token>".');
  }
  const owner = await checkToken(ctx.store.db, m[1]);
  if (!owner) throw new ApiError(401, 'unauthorized', 'This API token is not valid (it may have been revoked).');
  return owner;
}
