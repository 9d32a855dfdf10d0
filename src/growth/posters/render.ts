// A poster as a PNG: the thin drawing adapter. It checks the input, gets the QR code's modules
// from the `qrcode` package, lets plan.ts decide every position (with widths measured by the real
// font), carries the plan out on a Skia canvas (@napi-rs/canvas) and has libvips (sharp) encode
// the pixels as PNG. docs/growth-posters.md.

import { createHash } from 'node:crypto';
import { type Canvas, createCanvas, type SKRSContext2D, loadImage } from '@napi-rs/canvas';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { isLocale, type Locale, msg, translate } from '../../i18n/index.ts';
import { isWebLink } from '../../sop/links.ts';
import { checkBackground } from './background.ts';
import { PosterError } from './errors.ts';
import { fontOf, registerPosterFonts } from './fonts.ts';
import { LAYOUTS, type Paint, POSTER_HEIGHT, POSTER_WIDTH } from './layouts.ts';
import { type Modules, type Op, planPoster } from './plan.ts';

export const MAX_TITLE = 60;
export const MAX_SUBTITLE = 140;
export const MAX_NAME = 60;
/** A personal link is short (`/l/<slug>`, a Telegram invite link); a long one makes a dense code. */
export const MAX_URL = 500;

export interface PosterSpec {
  layout: string;
  title: string;
  subtitle?: string;
  /** The participant's name, shown above or beside their QR code. */
  name: string;
  /** The participant's link, encoded in the QR code. */
  url: string;
  /** A campaign's own background image: PNG or JPEG bytes (background.ts has the limits). */
  background?: Uint8Array;
  /** The language of the poster's own words ("Scan to join"); English unless told. */
  locale?: Locale;
}

/** The poster as PNG bytes, 750×1334. Throws a PosterError for input it cannot use. */
export async function renderPoster(spec: PosterSpec): Promise<Buffer> {
  const layout = LAYOUTS[spec.layout];
  if (!layout) throw new PosterError('invalid_layout', 'layout', msg('posters.layout.unknown', { layout: spec.layout, layouts: Object.keys(LAYOUTS).join(', ') }));
  const title = checkText('title', spec.title, MAX_TITLE, true);
  const subtitle = checkText('subtitle', spec.subtitle ?? '', MAX_SUBTITLE, false);
  const name = checkText('name', spec.name, MAX_NAME, true);
  const url = spec.url.trim();
  if (url.length > MAX_URL || !isWebLink(url)) throw new PosterError('invalid_link', 'url', msg('posters.url', { max: MAX_URL }));
  const locale: Locale = spec.locale && isLocale(spec.locale) ? spec.locale : 'en';
  const backdrop = spec.background ? await coverImage(spec.background) : undefined;

  prepare();
  const canvas = createCanvas(POSTER_WIDTH, POSTER_HEIGHT);
  const ctx = canvas.getContext('2d');
  let font = '';
  const setFont = (size: number, weight: 400 | 700) => {
    const f = fontOf(size, weight);
    if (f !== font) ctx.font = font = f;
  };
  const measure = (text: string, size: number, weight: 400 | 700) => {
    setFont(size, weight);
    return ctx.measureText(text).width;
  };
  const ops = planPoster(
    layout,
    { title, ...(subtitle ? { subtitle } : {}), name, invite: translate(locale, 'posters.invite'), caption: translate(locale, 'posters.caption') },
    qrModules(url),
    { image: backdrop !== undefined, measure },
  );
  ctx.textBaseline = 'middle';
  for (const op of ops) draw(ctx, op, backdrop, setFont);
  return encodePng(ctx.getImageData(0, 0, POSTER_WIDTH, POSTER_HEIGHT).data, backdrop ? 1 : 3);
}

let prepared = false;
/** Once per process: the fonts, and one libvips thread per encoding (a poster is small). */
function prepare(): void {
  if (prepared) return;
  registerPosterFonts();
  sharp.concurrency(1);
  prepared = true;
}

// Skia's own PNG encoder tries every row filter at zlib level 6: about 30 ms for a poster and
// 270 ms for one on a photo. libvips with no row filter at level 3 takes about 7 and 25 ms, for
// files about 10% larger; that is what makes well over 20 posters a second on one core
// (bench/posters.ts). On a photo background zlib works hardest for least (a photo hardly
// compresses): level 1 there takes 38 ms of CPU a poster instead of 53, for files about 30% larger
// (1.3 MB instead of 1.0). The poster is opaque, so its PNG is RGB.
function encodePng(rgba: Uint8ClampedArray, level: 1 | 3): Promise<Buffer> {
  return sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width: POSTER_WIDTH, height: POSTER_HEIGHT, channels: 4 } })
    .removeAlpha()
    .png({ compressionLevel: level, adaptiveFiltering: false })
    .toBuffer();
}

function checkText(field: string, value: string, max: number, required: boolean): string {
  const text = (value ?? '').trim();
  if ((required && !text) || [...text].length > max) {
    throw new PosterError('invalid_text', field, msg(required && !text ? 'posters.text.required' : 'posters.text.long', { field: msg(`posters.field.${field}`), max }));
  }
  return text;
}

/** The modules of the link's QR code; level M survives a smudge or a compressed screenshot. */
export function qrModules(text: string): Modules {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return { size: modules.size, dark: (r, c) => Boolean(modules.get(r, c)) };
}

function draw(ctx: SKRSContext2D, op: Op, backdrop: Canvas | undefined, setFont: (size: number, weight: 400 | 700) => void): void {
  switch (op.op) {
    case 'fill': {
      const { x, y, w, h } = op.rect;
      ctx.fillStyle = paintOf(ctx, op.paint);
      if (op.shadow) {
        ctx.save();
        ctx.shadowColor = op.shadow.color;
        ctx.shadowBlur = op.shadow.blur;
        ctx.shadowOffsetY = op.shadow.dy;
      }
      if (op.radius > 0) {
        ctx.beginPath();
        ctx.roundRect(x, y, w, h, op.radius);
        ctx.fill();
      } else {
        ctx.fillRect(x, y, w, h);
      }
      if (op.shadow) ctx.restore();
      return;
    }
    case 'image':
      if (backdrop) ctx.drawImage(backdrop, op.rect.x, op.rect.y, op.rect.w, op.rect.h);
      return;
    case 'text':
      setFont(op.size, op.weight);
      ctx.fillStyle = op.color;
      ctx.textAlign = op.align;
      ctx.fillText(op.text, op.x, op.y);
      return;
    case 'modules':
      ctx.fillStyle = op.color;
      for (const r of op.rects) ctx.fillRect(r.x, r.y, r.w, r.h);
      return;
  }
}

function paintOf(ctx: SKRSContext2D, paint: Paint) {
  if (typeof paint === 'string') return paint;
  const g = ctx.createLinearGradient(paint.x0, paint.y0, paint.x1, paint.y1);
  for (const [at, color] of paint.stops) g.addColorStop(at, color);
  return g;
}

// A campaign renders one poster per participant on the same background: the image is decoded and
// scaled to the poster once, and the last few are kept (a scaled one is 4 MB; a decoded 4000×4000
// original would be 64 MB, so that is not kept).
const COVERS_KEPT = 4;
const covers = new Map<string, Canvas>();
// A campaign passes the same bytes for each participant: hashing 5 MB each time would cost more
// than drawing the poster, so the hash is kept per buffer (a caller does not change a background's
// bytes after handing them over).
const keys = new WeakMap<Uint8Array, string>();

async function coverImage(bytes: Uint8Array): Promise<Canvas> {
  checkBackground(bytes);
  let key = keys.get(bytes);
  if (!key) {
    key = createHash('sha256').update(bytes).digest('hex');
    keys.set(bytes, key);
  }
  const kept = covers.get(key);
  if (kept) {
    covers.delete(key);
    covers.set(key, kept);
    return kept;
  }
  const image = await loadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).catch(() => {
    throw new PosterError('invalid_background', 'background', msg('posters.background.format'));
  });
  if (!image.naturalWidth || !image.naturalHeight) throw new PosterError('invalid_background', 'background', msg('posters.background.format'));
  const canvas = createCanvas(POSTER_WIDTH, POSTER_HEIGHT);
  // "Cover": scaled to fill the poster, centred, the overflow cut off.
  const scale = Math.max(POSTER_WIDTH / image.naturalWidth, POSTER_HEIGHT / image.naturalHeight);
  const w = image.naturalWidth * scale;
  const h = image.naturalHeight * scale;
  canvas.getContext('2d').drawImage(image, (POSTER_WIDTH - w) / 2, (POSTER_HEIGHT - h) / 2, w, h);
  covers.set(key, canvas);
  if (covers.size > COVERS_KEPT) covers.delete(covers.keys().next().value as string);
  return canvas;
}
