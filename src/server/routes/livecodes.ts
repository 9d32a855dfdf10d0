// Live codes (docs/growth-livecodes.md): create one from a group selector, list them, one's status
// (groups with their fill, scans and joins by hour) and its QR code as a PNG. A leader sees only
// the live codes that hold one of their groups, and in them only their groups.

import QRCode from 'qrcode';
import { z } from 'zod';
import { createLiveCode, LiveCodeError, listLiveCodes, liveCodeStatus, livecodeUrl } from '../../growth/livecodes.ts';
import { msg } from '../../i18n/index.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';
import { audit } from '../audit.ts';

const tag = 'live codes';
const Params = z.object({ id: z.string().min(1).max(100) });
const Create = z.object({
  groups: z.string().min(1).max(2000),
  cap: z.number().int().min(1, { message: 'must be a whole number from 1 to 100000' }).max(100_000, { message: 'must be a whole number from 1 to 100000' }).optional(),
  autoCreate: z.boolean().optional(),
  name: z.string().max(100).optional(),
});

function asApi(err: unknown): never {
  if (err instanceof LiveCodeError) {
    const status = err.code === 'not_found' ? 404 : err.code === 'forbidden' ? 403 : 422;
    throw new ApiError(status, err.code === 'invalid' ? 'invalid_livecode' : err.code, err.text, err.field ? { field: err.field } : {});
  }
  throw err;
}

export function livecodeRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/livecodes',
      tag,
      summary: 'Create a live code: one stable address /j/<code> for the selected groups, each with a cap (default: WeChat 200, WeCom 500, Telegram none)',
      returns: '{id, url}',
      status: 201,
      permission: 'groups.write',
      body: Create,
      async handler({ body, actor, reply }) {
        try {
          const made = await createLiveCode(s.db, { selector: body.groups, ...(body.cap !== undefined ? { cap: body.cap } : {}), ...(body.autoCreate ? { autoCreate: true } : {}), ...(body.name ? { name: body.name } : {}), actor: actor?.name ?? null }, s.now());
          await audit(s.db, { actor: actor?.name ?? 'admin', action: 'livecode.create', target: `livecode:${made.id}`, detail: { groups: body.groups } });
          s.wake?.();
          reply.status(201);
          return { id: made.id, url: livecodeUrl(s.publicUrl, made.code) };
        } catch (e) {
          return asApi(e);
        }
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/livecodes',
      tag,
      summary: 'The live codes, newest first (a leader: those holding one of their groups)',
      returns: '{livecodes: [{id, name, path, url, state, groups, full, scans, createdAt}]}',
      permission: 'groups.read',
      scoped: true,
      async handler({ leader }) {
        return { livecodes: await listLiveCodes(s.db, { ...(s.publicUrl ? { publicUrl: s.publicUrl } : {}), ...(leader !== undefined ? { leader } : {}) }) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/livecodes/:id',
      tag,
      summary: "A live code's status: the current group, each group's members, cap and fill, scans and joins (in all and per hour over 48 hours)",
      returns: '{id, name, url, path, state, current, groups: [{group, name, channelKind, members, cap, routed, full, ready, linkExpiresAt, joins}], scans, joins, hourly: [{hour, scans, joins}]}',
      permission: 'groups.read',
      scoped: true,
      params: Params,
      async handler({ params, leader }) {
        try {
          return await liveCodeStatus(s.db, params.id, { ...(s.publicUrl ? { publicUrl: s.publicUrl } : {}), ...(leader !== undefined ? { leader } : {}), now: s.now() });
        } catch (e) {
          return asApi(e);
        }
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/livecodes/:id/qr.png',
      tag,
      summary: "The live code's QR code as a PNG to download and print (it encodes the public address)",
      returns: 'image/png',
      permission: 'groups.read',
      scoped: true,
      params: Params,
      async handler({ params, leader, reply }) {
        let url: string;
        try {
          url = (await liveCodeStatus(s.db, params.id, { ...(s.publicUrl ? { publicUrl: s.publicUrl } : {}), ...(leader !== undefined ? { leader } : {}) })).url;
        } catch (e) {
          return asApi(e);
        }
        if (!/^https?:\/\//.test(url)) throw new ApiError(409, 'no_public_url', msg('livecode.noPublicUrl'));
        const png = await QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 1024 });
        return reply.header('content-type', 'image/png').header('content-disposition', `attachment; filename="livecode-${params.id}.png"`).header('cache-control', 'no-store').send(png);
      },
    }),
  ];
}
