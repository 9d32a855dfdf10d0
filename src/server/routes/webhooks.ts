// Platform webhooks: `/webhooks/telegram/:channel` and `/webhooks/wecom/:channel`. No API token
// here: the connector checks the platform's own proof (Telegram's secret-token header, WeCom's
// msg_signature + AES), then hands normalized events to `ingest`, which stores them and returns —
// platforms retry slow webhooks (WeCom waits 5 s), so these answer fast and do no other work.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookRequest, WebhookResponse } from '../../channels/port.ts';
import type { TelegramConnector } from '../../channels/telegram/index.ts';
import type { WecomConnector } from '../../channels/wecom/index.ts';
import { type Msg, msg, render } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/locale.ts';
import type { Services } from '../services.ts';
import { findUnstorableText, isStorableText } from '../text-check.ts';

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

/**
 * Where a webhook holds text that cannot be stored (see text-check.ts): the raw body, and for a
 * JSON body (Telegram) what its escapes decode to — `"\udfff"` is harmless bytes until parsed.
 */
function unstorableField(req: FastifyRequest): string | undefined {
  const body = typeof req.body === 'string' ? req.body : '';
  for (const [part, value] of [['params', req.params], ['query', req.query]] as const) {
    const found = findUnstorableText(value);
    if (found !== undefined) return found || part;
  }
  if (!isStorableText(body)) return 'body';
  // Only an escape (`\u…`) can make a storable JSON text decode to something unstorable.
  if (body.includes('\\u') && /json/i.test(String(req.headers['content-type'] ?? ''))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined; // the connector answers a broken body itself
    }
    const found = findUnstorableText(parsed);
    if (found !== undefined) return found || 'body';
  }
  return undefined;
}

/** How long a channel's kind and status are taken as read: a disabled channel stops answering within it. */
const CHANNEL_TTL_MS = 2_000;
type ChannelRow = { id: string; kind: string; status: string } | undefined;

export async function registerWebhookRoutes(app: FastifyInstance, s: Services): Promise<void> {
  // A busy channel's webhooks would read the same row thousands of times a second.
  const channels = new Map<string, { row: ChannelRow; until: number }>();
  const channelOf = async (id: string): Promise<ChannelRow> => {
    const now = Date.now();
    const hit = channels.get(id);
    if (hit && hit.until > now) return hit.row;
    const row = await s.db.selectFrom('channels').select(['id', 'kind', 'status']).where('id', '=', id).executeTakeFirst();
    if (channels.size > 1000) channels.clear();
    channels.set(id, { row, until: now + CHANNEL_TTL_MS });
    return row;
  };
  await app.register(async (scope) => {
    // The signatures are computed over the exact bytes sent, so the body stays a string here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));

    const handle = (kind: Kind) => async (req: FastifyRequest, reply: FastifyReply) => {
      // A platform sends no language, so it reads English; a person trying the address, their own.
      const words = (text: Msg) => render(requestLocale(req.headers, req.query), text);
      const bad = unstorableField(req);
      if (bad !== undefined) return plain(reply, 400, words(msg('webhook.invalidText', { field: bad })));
      const channelId = (req.params as { channel: string }).channel;
      const row = await channelOf(channelId);
      if (!row || row.kind !== kind) return plain(reply, 404, words(msg('webhook.noChannel', { kind, id: channelId })));
      if (row.status === 'disabled') return plain(reply, 404, words(msg('webhook.disabled')));
      const connector = await s.connectors.get(row.id);
      let answer: WebhookResponse;
      if (kind === 'telegram') answer = await (connector as TelegramConnector).handleWebhook(toWebhookRequest(req), s.ingest, row.id);
      else answer = await (connector as WecomConnector).handleCallback(toWebhookRequest(req), s.ingest, row.id);
      return reply
        .status(answer.status)
        .type(answer.contentType ?? 'text/plain; charset=utf-8')
        .send(answer.body);
    };

    // The answers are a few bytes: nothing to compress, and the check costs a busy webhook.
    const small = { compress: false } as const;
    scope.post('/webhooks/telegram/:channel', small, handle('telegram'));
    scope.get('/webhooks/wecom/:channel', small, handle('wecom'));
    scope.post('/webhooks/wecom/:channel', small, handle('wecom'));
  });
}
