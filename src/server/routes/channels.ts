// Channels over HTTP: add one (the platform checks the credentials first; they are stored
// sealed), list them (never with secrets), and point a Telegram bot's webhook at this server.

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ChannelError } from '../../channels/port.ts';
import { addChannel, CHANNEL_CONFIG, type ChannelRow, findChannel, listChannels } from '../../channels/registry.ts';
import { qrImage } from '../../channels/sign-in.ts';
import type { TelegramConnector } from '../../channels/telegram/index.ts';
import type { Services } from '../services.ts';
import { audit } from '../audit.ts';
import { msg } from '../../i18n/index.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';

const KINDS = Object.keys(CHANNEL_CONFIG) as [keyof typeof CHANNEL_CONFIG, ...(keyof typeof CHANNEL_CONFIG)[]];

const AddBody = z.strictObject({
  kind: z.enum(KINDS),
  name: z.string().trim().min(1).max(100).optional(),
  config: z.record(z.string(), z.unknown()).default({}),
});

const WebhookBody = z.strictObject({ url: z.url() });
const IdParams = z.object({ id: z.string().min(1) });
const tag = 'channels';

/** Where the platform calls this server for a channel; null when the channel has no webhook. */
export function webhookPath(c: Pick<ChannelRow, 'id' | 'kind'>): string | null {
  if (c.kind === 'telegram') return `/webhooks/telegram/${c.id}`;
  if (c.kind === 'wecom') return `/webhooks/wecom/${c.id}`;
  return null;
}

/** The public view of a channel: no credentials, ever. */
export function publicChannel(c: ChannelRow) {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    status: c.status,
    statusReason: c.statusReason,
    identity: c.identity,
    webhook: webhookPath(c),
    createdAt: c.createdAt.toISOString(),
  };
}

export function channelRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/channels',
      tag,
      summary: 'The channels (never their credentials)',
      returns: '{channels: [{id, kind, name, status, statusReason, identity, webhook, createdAt}]}',
      permission: 'channels.read',
      async handler() {
        return { channels: (await listChannels(s.db)).map(publicChannel) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/channels',
      tag,
      summary: 'Add a channel: the platform checks the credentials first, then they are stored encrypted',
      returns: '201 the channel; 422 with field when the platform refuses',
      permission: 'channels.write',
      body: AddBody,
      status: 201,
      async handler({ body, actor, reply }) {
        const channel = await addChannel(s.db, s.box, { kind: body.kind, name: body.name, config: body.config }, (trx, c) =>
          audit(trx, { actor: actor!.name, action: 'channel.add', target: `channel:${c.id}`, detail: { kind: c.kind, name: c.name } }),
        );
        s.onChannelAdded?.(channel);
        return reply.status(201).send(publicChannel(channel));
      },
    }),
    // A WeChat channel's sign-in, as the process running its puppet last wrote it: the console
    // polls this to show the QR code live, the CLI to print it.
    defineRoute({
      method: 'GET',
      path: '/api/channels/:id/login',
      tag,
      summary: "A channel's sign-in: the QR code to scan while it waits for one, the account once signed in",
      returns: '{id, kind, status, statusReason, identity, qr: {value, status, at, image} | null}',
      permission: 'channels.write',
      params: IdParams,
      async handler({ params }) {
        const channel = await findChannel(s.db, params.id);
        if (!channel) throw notFound(msg('thing.channel', { id: params.id }));
        const row = await s.db
          .selectFrom('channels')
          .select(['login_qr', 'login_qr_status', 'login_qr_at'])
          .where('id', '=', channel.id)
          .executeTakeFirstOrThrow();
        const qr = row.login_qr
          ? { value: row.login_qr, status: row.login_qr_status ?? 'waiting', at: row.login_qr_at ? new Date(row.login_qr_at).toISOString() : null, image: await qrImage(row.login_qr) }
          : null;
        return { id: channel.id, kind: channel.kind, status: channel.status, statusReason: channel.statusReason, identity: channel.identity, qr };
      },
    }),
    // Telegram's setWebhook: the bot's updates are POSTed to <public url>/webhooks/telegram/<id>
    // with a secret token in a header. A channel added without a secret gets one now.
    defineRoute({
      method: 'POST',
      path: '/api/channels/:id/webhook',
      tag,
      summary: "Point a Telegram bot's webhook at this server (with a secret token)",
      returns: '{id, webhook}',
      permission: 'channels.write',
      params: IdParams,
      body: WebhookBody,
      async handler({ params, body, actor }) {
        const channel = await findChannel(s.db, params.id);
        if (!channel) throw notFound(msg('thing.channel', { id: params.id }));
        if (channel.kind !== 'telegram') {
          throw new ApiError(422, 'no_webhook', msg('error.noWebhook', { kind: channel.kind }), { field: 'id' });
        }
        const path = webhookPath(channel)!;
        const base = body.url.replace(/\/+$/, '');
        const url = base.endsWith(path) ? base : `${base}${path}`;
        await ensureWebhookSecret(s, channel.id);
        const connector = (await s.connectors.get(channel.id)) as TelegramConnector;
        try {
          await connector.setWebhook(url);
        } catch (e) {
          if (e instanceof ChannelError) throw new ApiError(422, 'platform_refused', msg('error.webhookRefused', { detail: e.message }), { field: 'url' });
          throw e;
        }
        await audit(s.db, { actor: actor!.name, action: 'channel.webhook', target: `channel:${channel.id}`, detail: { url } });
        return { id: channel.id, webhook: url };
      },
    }),
  ];
}

/** Adds a webhook secret to a Telegram channel's sealed settings (once) and rebuilds its connector. */
async function ensureWebhookSecret(s: Services, channelId: string): Promise<void> {
  const row = await s.db.selectFrom('channels').select('config_sealed').where('id', '=', channelId).executeTakeFirstOrThrow();
  const config = JSON.parse(s.box.open(row.config_sealed)) as Record<string, unknown>;
  if (typeof config.webhookSecret === 'string' && config.webhookSecret) return;
  const next = CHANNEL_CONFIG.telegram.parse({ ...config, webhookSecret: randomBytes(24).toString('base64url') });
  await s.db.updateTable('channels').set({ config_sealed: s.box.seal(JSON.stringify(next)) }).where('id', '=', channelId).execute();
  const { createTelegramConnector } = await import('../../channels/telegram/index.ts');
  const old = await s.connectors.get(channelId).catch(() => undefined);
  // The long-polling loop of the old connector ends: Telegram refuses getUpdates once a webhook is set.
  await old?.stop?.();
  s.connectors.set(channelId, createTelegramConnector({ ...next, channelId }));
}
