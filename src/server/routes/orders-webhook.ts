// The orders webhook, POST /webhooks/orders, beside the platforms' webhooks (routes/webhooks.ts):
// no session or token — the signature is the proof — and the body kept as the exact bytes sent,
// since the HMAC is over them. Checked in this order, so that a stranger gets nothing stored and
// learns nothing: rate limit (per address) → body limit → signature (401) → JSON and storable
// text (400) → the order's fields (422, naming the field) → store (idempotent by order id).
// The secret is shown and rotated by owners and admins: GET / POST /api/settings/orders-webhook.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { workspaceTimezone } from '../../config.ts';
import { readOrderJson } from '../../community/imports/people-csv.ts';
import { checkOrderSignature, ordersWebhookSecret, rotateOrdersWebhookSecret } from '../../community/orders-webhook.ts';
import { importOrders } from '../../community/orders.ts';
import { msg, render } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/locale.ts';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';
import { findUnstorableText } from '../text-check.ts';

export const ORDERS_WEBHOOK_PATH = '/webhooks/orders';
/** One order is a few hundred bytes; 64 KB leaves room for a shop's extra fields. */
export const ORDERS_WEBHOOK_BODY_LIMIT = 64 * 1024;
/** Deliveries per minute from one address (a shop's burst after an outage stays well under). */
export const ORDERS_WEBHOOK_RATE = 120;

/** A fixed one-minute window per address, in this process. */
export function rateWindow(limit: number, windowMs = 60_000, now = () => Date.now()) {
  const seen = new Map<string, { start: number; n: number }>();
  return (key: string): number | undefined => {
    const t = now();
    if (seen.size > 10_000) for (const [k, v] of seen) if (t - v.start >= windowMs) seen.delete(k);
    const w = seen.get(key);
    if (!w || t - w.start >= windowMs) {
      seen.set(key, { start: t, n: 1 });
      return undefined;
    }
    w.n++;
    return w.n > limit ? Math.ceil((w.start + windowMs - t) / 1000) : undefined;
  };
}

function webhookUrl(s: Services, req: FastifyRequest): string {
  if (s.publicUrl) return new URL(ORDERS_WEBHOOK_PATH, s.publicUrl).toString();
  return `${req.protocol}://${req.host}${ORDERS_WEBHOOK_PATH}`;
}

export async function registerOrdersWebhook(app: FastifyInstance, s: Services): Promise<void> {
  const limited = rateWindow(ORDERS_WEBHOOK_RATE);
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ORDERS_WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));
    scope.post(ORDERS_WEBHOOK_PATH, async (req: FastifyRequest, reply: FastifyReply) => {
      const locale = requestLocale(req.headers, req.query);
      const fail = (e: ApiError) => {
        if (e.retryAfterSeconds !== undefined) reply.header('retry-after', String(e.retryAfterSeconds));
        return reply.status(e.status).send(e.toJSON(locale));
      };
      const wait = limited(req.ip);
      if (wait !== undefined) return fail(new ApiError(429, 'too_many_requests', msg('ordersWebhook.tooMany'), { retryAfterSeconds: wait }));
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = req.headers['x-chorus-signature'];
      const signature = Array.isArray(header) ? header[0] : header;
      if (!checkOrderSignature(await ordersWebhookSecret(s.db), raw, signature)) {
        return fail(new ApiError(401, 'bad_signature', msg(signature ? 'ordersWebhook.badSignature' : 'ordersWebhook.noSignature')));
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (e) {
        return fail(new ApiError(400, 'bad_request', msg('error.badRequest.json', { detail: (e as Error).message })));
      }
      const bad = findUnstorableText(body);
      if (bad !== undefined) return fail(new ApiError(400, 'invalid_text', msg('webhook.invalidText', { field: bad || 'body' })));
      const result = await importOrders(s.db, readOrderJson(body, workspaceTimezone()), 'webhook');
      if (result.errors.length) {
        const first = result.errors[0];
        return fail(
          new ApiError(422, 'invalid_order', first.message, {
            ...(first.field ? { field: first.field } : {}),
            problems: result.errors.map((e) => ({ field: e.field, message: render(locale, e.message) })),
          }),
        );
      }
      const order = (body as { order: unknown }).order;
      return reply.status(200).send({ order: String(order).trim(), created: result.imported === 1 });
    });
  });
}

export function ordersWebhookRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/settings/orders-webhook',
      tag: 'members',
      summary: 'Where shops send orders, and the secret they sign them with (owners and admins)',
      returns: '{url, secret}',
      permission: 'channels.write',
      async handler({ req }) {
        return { url: webhookUrl(s, req), secret: await ordersWebhookSecret(s.db) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/settings/orders-webhook',
      tag: 'members',
      summary: 'A new orders webhook secret: the old one stops working at once',
      returns: '{url, secret}',
      permission: 'channels.write',
      async handler({ req, actor }) {
        const secret = await s.db.transaction().execute(async (trx) => {
          const key = await rotateOrdersWebhookSecret(trx);
          await audit(trx, { actor: actor?.name ?? 'unknown', action: 'orders.webhook_rotate' });
          return key;
        });
        return { url: webhookUrl(s, req), secret };
      },
    }),
  ];
}
