// A channel's pacing over HTTP: what it sends with (the platform's defaults and the channel's
// changes), and changing it within the platform's bounds. The run and broadcast forecasts read
// the same settings (src/dispatch/policies.ts), so a change shows in the next preview.

import { z } from 'zod';
import { findChannel } from '../../channels/registry.ts';
import type { ChannelKind } from '../../channels/port.ts';
import type { PacingOverrides } from '../../dispatch/pacing.ts';
import { PacingPolicyError } from '../../dispatch/pacing.ts';
import { applyPacingPatch, PacingSettingError, pacingView } from '../../dispatch/pacing-settings.ts';
import { msg } from '../../i18n/index.ts';
import type { Db } from '../../store/db.ts';
import { audit } from '../audit.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';

const IdParams = z.object({ id: z.string().min(1) });
const Duration = z.union([z.number(), z.literal('default')]);
const Cap = z.union([z.number(), z.literal('default'), z.literal('none')]);
const PacingBody = z.strictObject({ intervalMs: Duration.optional(), jitterMs: Duration.optional(), dailyCap: Cap.optional(), perChatDailyCap: Cap.optional() });
const tag = 'channels';
const RETURNS = '{channel, name, kind, pacing: {intervalMs, jitterMs, dailyCap, perChatDailyCap}, defaults, changed, bounds}';

async function channelOf(db: Db, ref: string) {
  const channel = await findChannel(db, ref);
  if (!channel) throw notFound(msg('thing.channel', { id: ref }));
  const row = await db.selectFrom('channels').select('pacing').where('id', '=', channel.id).executeTakeFirstOrThrow();
  const raw = row.pacing as unknown;
  const overrides = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {})) as PacingOverrides;
  return { channel, overrides };
}

export function pacingRoutes(s: { db: Db }): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/channels/:id/pacing',
      tag,
      summary: "A channel's pacing: what it sends with, the platform's defaults and the bounds",
      returns: RETURNS,
      permission: 'channels.read',
      params: IdParams,
      async handler({ params }) {
        const { channel, overrides } = await channelOf(s.db, params.id);
        return { channel: channel.id, name: channel.name, ...pacingView(channel.kind as ChannelKind, overrides) };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/channels/:id/pacing',
      tag,
      summary: "Change a channel's pacing (ms and counts; \"default\" goes back to the platform's, \"none\" removes a cap)",
      returns: `${RETURNS}; 400 pacing_invalid with field`,
      permission: 'channels.write',
      params: IdParams,
      body: PacingBody,
      async handler({ params, body, actor }) {
        const { channel, overrides } = await channelOf(s.db, params.id);
        let next: PacingOverrides;
        try {
          next = applyPacingPatch(channel.kind as ChannelKind, overrides, body);
        } catch (e) {
          if (e instanceof PacingSettingError) throw new ApiError(400, 'pacing_invalid', e.text, { field: e.field });
          if (e instanceof PacingPolicyError) throw new ApiError(400, 'pacing_invalid', e.text);
          throw e;
        }
        await s.db.transaction().execute(async (trx) => {
          await trx.updateTable('channels').set({ pacing: JSON.stringify(next) }).where('id', '=', channel.id).execute();
          await audit(trx, { actor: actor!.name, action: 'channel.pacing', target: `channel:${channel.id}`, detail: { ...body } });
        });
        return { channel: channel.id, name: channel.name, ...pacingView(channel.kind as ChannelKind, next) };
      },
    }),
  ];
}
