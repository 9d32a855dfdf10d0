// Telegram webhook requests. Telegram sends the `secret_token` given to setWebhook in the
// X-Telegram-Bot-Api-Secret-Token header of every request
// (https://core.telegram.org/bots/api#setwebhook); a request without the right one is not from
// Telegram and nothing of it is ingested. Any non-2xx answer makes Telegram retry later.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Update } from 'grammy/types';
import type { InboundEvent, Ingest, WebhookRequest, WebhookResponse } from '../port.ts';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

function header(req: WebhookRequest, name: string): string | undefined {
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** Constant-time comparison; hashing first makes the lengths equal, so length leaks nothing either. */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined || expected === '') return false;
  const a = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, digestOf(expected));
}

// The expected secret's digest, once per secret rather than once per update.
const digests = new Map<string, Buffer>();
function digestOf(secret: string): Buffer {
  let d = digests.get(secret);
  if (!d) {
    if (digests.size >= 1000) digests.clear();
    d = createHash('sha256').update(secret).digest();
    digests.set(secret, d);
  }
  return d;
}

const text = (status: number, body: string): WebhookResponse => ({ status, body, contentType: 'text/plain; charset=utf-8' });

export async function handleWebhookRequest(
  req: WebhookRequest,
  opts: { secret: string | undefined; ingest: Ingest; channelId: string; normalize: (u: Update) => InboundEvent[]; seen: (e: InboundEvent) => void },
): Promise<WebhookResponse> {
  if (!opts.secret) return text(401, 'This Telegram channel has no webhook secret configured, so webhook requests are refused.');
  if (!secretMatches(header(req, SECRET_HEADER), opts.secret)) return text(401, 'Wrong or missing secret token.');
  if (req.method.toUpperCase() !== 'POST') return text(405, 'Telegram webhooks use POST.');
  let update: Update;
  try {
    update = JSON.parse(req.body) as Update;
  } catch {
    return text(400, 'The request body is not JSON.');
  }
  if (!update || typeof update !== 'object' || typeof update.update_id !== 'number') return text(400, 'The request body is not a Telegram update.');
  try {
    for (const event of opts.normalize(update)) {
      await opts.ingest(opts.channelId, event);
      opts.seen(event);
    }
  } catch {
    // A non-2xx answer makes Telegram deliver the update again later.
    return text(500, 'Chorus could not store this update; Telegram will send it again.');
  }
  return text(200, 'ok');
}
