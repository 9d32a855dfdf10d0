// Posters over HTTP (docs/growth-posters.md): the layouts, and a preview PNG for the console's
// campaign dialog — the title, subtitle and background being chosen, a sample name and link
// unless given. A campaign's participants' posters are rendered by the campaign (renderPoster).

import { z } from 'zod';
import { publicBase } from '../../config.ts';
import { MAX_BACKGROUND_BYTES, MAX_NAME, MAX_SUBTITLE, MAX_TITLE, MAX_URL, POSTER_LAYOUTS, PosterError, renderPoster } from '../../growth/posters/index.ts';
import { msg, translate } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/locale.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';

const tag = 'posters';
const LAYOUT_IDS = POSTER_LAYOUTS.map((l) => l.id) as [string, ...string[]];

// The image travels as base64 (4 characters for 3 bytes), maybe as a data: URL. Up to a little
// over the 5 MB image the body is taken, so a too-large image gets its own words
// (posters.background.tooLarge) rather than the server's generic "request too large".
export const MAX_BACKGROUND_CHARS = Math.ceil((MAX_BACKGROUND_BYTES * 1.25) / 3) * 4;
export const PREVIEW_BODY_LIMIT = MAX_BACKGROUND_CHARS + 64 * 1024;

const PreviewBody = z.strictObject({
  layout: z.enum(LAYOUT_IDS),
  title: z.string().trim().min(1).max(MAX_TITLE),
  subtitle: z.string().trim().max(MAX_SUBTITLE).optional(),
  name: z.string().trim().min(1).max(MAX_NAME).optional(),
  url: z.url({ protocol: /^https?$/, error: 'validate.httpLink' }).max(MAX_URL).optional(),
  background: z.string().max(MAX_BACKGROUND_CHARS).optional(),
});

const DATA_URL = /^data:image\/(?:png|jpe?g);base64,/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The image bytes of a base64 text or a PNG/JPEG data: URL. */
function backgroundBytes(text: string): Buffer {
  const b64 = text.replace(DATA_URL, '').replace(/\s+/g, '');
  if (!b64 || b64.length % 4 === 1 || !BASE64.test(b64)) {
    throw new ApiError(400, 'invalid_background', msg('posters.background.base64'), { field: 'background', reason: msg('posters.background.base64') });
  }
  return Buffer.from(b64, 'base64');
}

function posterError(err: unknown): never {
  if (err instanceof PosterError) {
    throw new ApiError(err.code === 'background_too_large' ? 413 : 400, err.code, err.text, { field: err.field, reason: err.text });
  }
  throw err;
}

export function posterRoutes(s: Services): Route[] {
  const sampleUrl = () => `${(s.publicUrl ? s.publicUrl.href : publicBase()).replace(/\/+$/, '')}/`;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/posters/layouts',
      tag,
      summary: "The poster layouts, each with its name in the request's language (the same for everyone: a layout belongs to no group)",
      returns: '{layouts: [{id, name}]}',
      permission: 'runs.read',
      scoped: true,
      async handler({ req }) {
        const locale = requestLocale(req.headers, req.query);
        return { layouts: POSTER_LAYOUTS.map((l) => ({ id: l.id, name: l.name[locale] })) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/posters/preview',
      tag,
      summary:
        "A poster's preview as a PNG (750×1334): the layout, title, subtitle and a background image (base64 or a data: URL, PNG or JPEG, at most 5 MB and 4000 pixels a side), with a sample name and link unless `name` and `url` are given",
      returns: 'image/png',
      permission: 'runs.write',
      body: PreviewBody,
      bodyLimit: PREVIEW_BODY_LIMIT,
      async handler({ req, reply, body }) {
        const locale = requestLocale(req.headers, req.query);
        const background = body.background ? backgroundBytes(body.background) : undefined;
        const png = await renderPoster({
          layout: body.layout,
          title: body.title,
          ...(body.subtitle ? { subtitle: body.subtitle } : {}),
          name: body.name ?? translate(locale, 'posters.sampleName'),
          url: body.url ?? sampleUrl(),
          ...(background ? { background } : {}),
          locale,
        }).catch(posterError);
        return reply.header('content-type', 'image/png').header('cache-control', 'no-store').send(png);
      },
    }),
  ];
}
