// The HTTP API. Every route is declared in the registry (registry.ts) with the permission it needs
// and runs the same steps: rate limit → auth → permission → validate → handler; errors leave as
// one JSON shape (errors.ts). `chorus serve` builds this app; tests build it too and use `inject`.
// `/api/*` needs a session or a token unless the route is public; `/webhooks/*` is authenticated
// by each platform's own signature; everything else is the console (console.ts).

import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { ChannelConfigError } from '../channels/registry.ts';
import { SelectorError } from '../community/groups.ts';
import { PacingPolicyError } from '../dispatch/pacing.ts';
import { demoRoutes } from './routes/demo.ts';
import { RunError } from '../run/runs.ts';
import { SheetError } from '../sop/errors.ts';
import { MAX_IMPORT_FILE_BYTES } from '../sop/import/limits.ts';
import { formatBytes, MAX_SHEET_BYTES } from '../sop/limits.ts';
import { UserError } from './accounts/users.ts';
import { DEFAULT_CONSOLE_DIR, registerConsole } from './console.ts';
import { logRequests, logUrl } from './logger.ts';
import { ApiError, invalidSheet } from './errors.ts';
import { msg } from '../i18n/index.ts';
import { requestLocale } from '../i18n/locale.ts';
import { registerSecurityHeaders } from './headers.ts';
import { fastifyTrustProxy } from './public-address.ts';
import { defineRoute, type Route, registerRoutes, watchApiRoutes } from './registry.ts';
import { accountRoutes } from './routes/account.ts';
import { auditRoutes } from './routes/audit.ts';
import { broadcastRoutes } from './routes/broadcasts.ts';
import { channelRoutes } from './routes/channels.ts';
import { pacingRoutes } from './routes/pacing.ts';
import { docsRoutes } from './routes/docs.ts';
import { groupRoutes } from './routes/groups.ts';
import { ledgerRoutes } from './routes/ledger.ts';
import { overviewRoutes } from './routes/overview.ts';
import { runRoutes } from './routes/runs.ts';
import { sheetRoutes } from './routes/sheets.ts';
import { sopRoutes } from './routes/sop.ts';
import { taskRoutes } from './routes/tasks.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';
import { memberRoutes } from './routes/members.ts';
import { segmentRoutes } from './routes/segments.ts';
import { peopleSettingsRoutes } from './routes/people-settings.ts';
import { checkinRoutes } from './routes/checkins.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { registerSurveyForm } from './survey-form.ts';
import { registerApplyForm } from './apply-form.ts';
import { admissionRoutes } from './routes/admission.ts';
import { candidateRoutes } from './routes/candidates.ts';
import { ordersWebhookRoutes, registerOrdersWebhook } from './routes/orders-webhook.ts';
import { peopleImportRoutes } from './routes/people-import.ts';
import { linkRoutes } from './routes/links.ts';
import { registerLinkRedirect } from './link-redirect.ts';
import { livecodeRoutes } from './routes/livecodes.ts';
import { registerLiveCodePage } from './livecode-page.ts';
// Posters (issue 9)
import { posterRoutes } from './routes/posters.ts';
// Campaigns (issue 9).
import { campaignRoutes } from './routes/campaigns.ts';
import { moderationRoutes } from './routes/moderation.ts';
// Insight (issue 10): group health.
import { insightDigestRoutes } from './routes/insight-digest.ts';
import { insightFunnelRoutes } from './routes/insight-funnel.ts';
import { insightHealthRoutes } from './routes/insight-health.ts';
import { runEffectsRoutes } from './routes/run-effects.ts';

import { type AppContext, type Services, services } from './services.ts';

export type { AppContext, Services } from './services.ts';

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
    ...pacingRoutes(s),
    ...groupRoutes(s),
    ...runRoutes(s),
    ...broadcastRoutes(s),
    ...taskRoutes(s),
    ...ledgerRoutes(s),
    ...overviewRoutes(s),
    ...demoRoutes(s),
    ...memberRoutes(s),
    ...segmentRoutes(s),
    ...peopleSettingsRoutes(s),
    ...checkinRoutes(s),
    // Insight (issue 10): the question inbox.
    ...inboxRoutes(s),
    ...admissionRoutes(s),
    ...peopleImportRoutes(s),
    ...ordersWebhookRoutes(s),
    ...candidateRoutes(s),
    ...linkRoutes(s),
    ...livecodeRoutes(s),
    // Posters (issue 9): the layouts and the campaign dialog's preview
    ...posterRoutes(s),
    // Campaigns (issue 9).
    ...campaignRoutes(s),
    // Insight (issue 10): moderation and keyword alerts.
    ...moderationRoutes(s),
    // Insight (issue 10): group health.
    ...insightHealthRoutes(s),
    ...insightDigestRoutes(s),
    ...insightFunnelRoutes(s),
    ...runEffectsRoutes(s),
  ];
  routes.push(...docsRoutes(s, () => routes));
  return routes;
}

export async function buildApp(ctx: AppContext, opts: { logger?: Logger } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // One line per request at debug (logRequests) instead of Fastify's two at info.
    ...(opts.logger ? { loggerInstance: opts.logger, logController: new LogController({ disableRequestLogging: true }) } : { logger: false }),
    bodyLimit: DEFAULT_BODY_LIMIT,
    ...(ctx.trustProxy !== undefined ? { trustProxy: fastifyTrustProxy(ctx.trustProxy) } : {}),
  }) as unknown as FastifyInstance;
  logRequests(app);

  watchApiRoutes(app);
  await registerSecurityHeaders(app, { https: ctx.publicUrl?.protocol === 'https:' });
  await app.register(fastifyCookie);
  // Answers over 1 KB go brotli- or gzip-compressed to clients that accept it (a leader's task list
  // on a phone: 25 KB → 3 KB); the console's files come compressed from the build already
  // (console.ts). Request bodies are never inflated: a small compressed upload must not become a
  // huge one.
  await app.register(fastifyCompress, { globalDecompression: false, encodings: ['br', 'gzip'], threshold: 1024 });

  app.setErrorHandler((err, req, reply) => {
    const locale = requestLocale(req.headers, req.query);
    const e = toApiError(err);
    if (e) {
      if (e.retryAfterSeconds !== undefined) reply.header('retry-after', String(e.retryAfterSeconds));
      return reply.status(e.status).send(e.toJSON(locale));
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 413) return reply.status(413).send(tooLarge(req.routeOptions.bodyLimit ?? DEFAULT_BODY_LIMIT).toJSON(locale));
    if (status && status >= 400 && status < 500) {
      // Fastify's own client errors: unparseable JSON, wrong content type, body too large.
      return reply.status(status).send(new ApiError(status, 'bad_request', fastifyClientError(err as Error & { code?: string })).toJSON(locale));
    }
    req.log.error({ err, method: req.method, url: logUrl(req.url) }, 'request failed with 500');
    return reply.status(500).send(new ApiError(500, 'internal', msg('error.internal')).toJSON(locale));
  });

  const consoleAnswer = await registerConsole(app, ctx.consoleDir ?? DEFAULT_CONSOLE_DIR);
  app.setNotFoundHandler((req, reply) => {
    if (consoleAnswer(req, reply)) return;
    const path = req.url.split('?')[0];
    reply.status(404).send(new ApiError(404, 'not_found', msg('error.noEndpoint', { method: req.method, path })).toJSON(requestLocale(req.headers, req.query)));
  });

  const s = services(ctx);
  registerRoutes(app, s, apiRoutes(s));
  await registerWebhookRoutes(app, s);
  // The public survey form (/s/<token>), HTML, outside the API.
  await registerSurveyForm(app, s);
  // The public application form (/apply/<code>), outside /api.
  await registerApplyForm(app, s);
  // The orders webhook, signed by the shop (routes/orders-webhook.ts).
  await registerOrdersWebhook(app, s);
  // Tracked links (/l/<slug>): the public redirect, outside /api.
  await registerLinkRedirect(app, s);
  // The public live code (/j/<code>), outside /api.
  await registerLiveCodePage(app, s);
  return app;
}

/**
 * Request bodies: 2 MB, enough for a sheet at its 512 KB cap even with every character escaped in
 * the JSON; the spreadsheet upload sets its own (routes/sop.ts). docs/sop-format.md lists both.
 */
export const DEFAULT_BODY_LIMIT = 2 * 1024 * 1024;

function tooLarge(limit: number): ApiError {
  return new ApiError(
    413,
    'too_large',
    msg('error.tooLarge', { limit: formatBytes(limit), sheet: formatBytes(MAX_SHEET_BYTES), workbook: formatBytes(MAX_IMPORT_FILE_BYTES) }),
  );
}

/** The domain's named errors as API errors; undefined for anything unexpected. */
function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof SheetError) return invalidSheet(err.problems);
  if (err instanceof RunError) {
    const status = err.code === 'not_found' ? 404 : err.code === 'wrong_state' ? 409 : 422;
    return new ApiError(status, err.code, err.text, err.problems ? { problems: err.problems } : {});
  }
  if (err instanceof ChannelConfigError) return new ApiError(err.status, err.code, err.text, { field: err.field, reason: err.text });
  if (err instanceof SelectorError) return new ApiError(400, 'invalid_selector', msg('error.invalidSelector', { reason: err.text }), { field: 'groups', reason: err.text });
  if (err instanceof PacingPolicyError) return new ApiError(422, 'invalid_pacing', err.text);
  if (err instanceof UserError) return new ApiError(409, err.code, err.text, err.field ? { field: err.field } : {});
  return undefined;
}

/** Fastify's own refusals in plain words; its English message when the code is not one we know. */
function fastifyClientError(err: Error & { code?: string }) {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return msg('error.badRequest.bodyTooLarge', { max: DEFAULT_BODY_LIMIT });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return msg('error.badRequest.contentType', { type: err.message.replace(/^Unsupported Media Type:?\s*/i, '') });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return msg('error.badRequest.json', { detail: err.message });
    default:
      return err.message;
  }
}
