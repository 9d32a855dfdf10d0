// The HTTP API. Fixed order for every route: auth → validate → handler; errors leave as one JSON
// shape (errors.ts). `chorus serve` builds this app; tests build it too and use `inject`.

import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { SheetError } from '../sop/errors.ts';
import type { Store } from '../store/db.ts';
import { ApiError, invalidSheet } from './errors.ts';
import { registerSheetRoutes } from './routes/sheets.ts';
import { registerSopRoutes } from './routes/sop.ts';
import { checkToken, type TokenOwner } from './tokens.ts';

export interface AppContext {
  store: Store;
  dataDir: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: TokenOwner;
  }
}

const PUBLIC_ROUTES = new Set(['/api/health']);

export async function buildApp(ctx: AppContext, opts: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger
      ? { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] }
      : false,
    bodyLimit: 10 * 1024 * 1024,
  });

  app.addHook('onRequest', async (req) => {
    const path = req.url.split('?')[0];
    if (!path.startsWith('/api/') || PUBLIC_ROUTES.has(path)) return;
    req.actor = await authenticate(ctx, req);
  });

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ApiError) return reply.status(err.status).send(err.toJSON());
    if (err instanceof SheetError) {
      const e = invalidSheet(err.problems);
      return reply.status(e.status).send(e.toJSON());
    }
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

  app.get('/api/health', async () => ({ ok: true, engine: ctx.store.engine }));
  registerSheetRoutes(app, ctx);
  registerSopRoutes(app, ctx);
  return app;
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
