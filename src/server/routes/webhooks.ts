// Platform webhooks: `/webhooks/telegram/:channel` and `/webhooks/wecom/:channel`. No API token
// here: the connector checks the platform's own proof (Telegram's secret-token header, WeCom's
// msg_signature + AES), then hands normalized events to `ingest`, which stores them and returns —
// platforms retry slow webhooks (WeCom waits 5 s), so these answer fast and do no other work.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookRequest, WebhookResponse } from '../../channels/port.ts';
import type { TelegramConnector } from '../../channels/telegram/index.ts';
import type { WecomConnector } from '../../channels/wecom/index.ts';
import type { Services } from '../app.ts';

type Kind = 'telegram' | 'wecom';

function plain(reply: FastifyReply, status: number, body: string) {
  return reply.status(status).type('text/plain; charset=utf-8').send(body);
}

function toWebhookRequest(req: FastifyRequest): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const query: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) query[k] = Array.isArray(v) ? String(v[0]) : v === undefined ? undefined : String(v);
  return { method: req.method, query, headers, body: typeof req.body === 'string' ? req.body : '' };
}

export async function registerWebhookRoutes(app: FastifyInstance, s: Services): Promise<void> {
  await app.register(async (scope) => {
    // The signatures are computed over the exact bytes sent, so the body stays a string here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));

    const handle = (kind: Kind) => async (req: FastifyRequest, reply: FastifyReply) => {
      const channelId = (req.params as { channel: string }).channel;
      const row = await s.db.selectFrom('channels').select(['id', 'kind', 'status']).where('id', '=', channelId).executeTakeFirst();
      if (!row || row.kind !== kind) return plain(reply, 404, `There is no ${kind} channel here with the id "${channelId}".`);
      if (row.status === 'disabled') return plain(reply, 404, 'This channel is disabled.');
      const connector = await s.connectors.get(row.id);
      let answer: WebhookResponse;
      if (kind === 'telegram') answer = await (connector as TelegramConnector).handleWebhook(toWebhookRequest(req), s.ingest, row.id);
      else answer = await (connector as WecomConnector).handleCallback(toWebhookRequest(req), s.ingest, row.id);
      return reply
        .status(answer.status)
        .type(answer.contentType ?? 'text/plain; charset=utf-8')
        .send(answer.body);
    };

    scope.post('/webhooks/telegram/:channel', handle('telegram'));
    scope.get('/webhooks/wecom/:channel', handle('wecom'));
    scope.post('/webhooks/wecom/:channel', handle('wecom'));
  });
}
