// A poster as a list of drawing operations (pure): the layout's geometry, the texts fitted into
// their boxes (text-fit.ts, with the widths the adapter measured) and the QR code's modules as
// rectangles on whole pixels. render.ts only carries the list out on a canvas.

import type { LayoutSpec, Paint, Rect, TextBlock } from './layouts.ts';
import { POSTER_HEIGHT, POSTER_WIDTH } from './layouts.ts';
import { fitText } from './text-fit.ts';

export type Op =
  | { op: 'fill'; rect: Rect; paint: Paint; radius: number; shadow?: { color: string; blur: number; dy: number } }
  | { op: 'image'; rect: Rect }
  | { op: 'text'; text: string; x: number; y: number; size: number; weight: 400 | 700; color: string; align: 'left' | 'center' }
  | { op: 'modules'; rects: Rect[]; color: string };

/** Widths in pixels at a size and weight, from the real font. */
export type MeasureFont = (text: string, size: number, weight: 400 | 700) => number;

/** The QR code's module matrix: `size` × `size`, `dark(row, col)`. */
export interface Modules {
  size: number;
  dark(row: number, col: number): boolean;
}

export interface PosterTexts {
  title: string;
  subtitle?: string;
  name: string;
  /** "invites you to join", in the poster's language. */
  invite: string;
  /** "Scan to join", in the poster's language. */
  caption: string;
}

/** Light modules kept around the code (the standard asks for 4; the plate or the panel adds more). */
export const QUIET_MODULES = 2;

export function planPoster(layout: LayoutSpec, texts: PosterTexts, modules: Modules, o: { image: boolean; measure: MeasureFont }): Op[] {
  const ops: Op[] = [];
  const full = { x: 0, y: 0, w: POSTER_WIDTH, h: POSTER_HEIGHT };
  if (o.image) {
    ops.push({ op: 'image', rect: full });
    if (layout.scrim) ops.push({ op: 'fill', rect: full, paint: layout.scrim, radius: 0 });
  } else {
    ops.push({ op: 'fill', rect: full, paint: layout.background, radius: 0 });
  }
  for (const p of layout.panels) ops.push({ op: 'fill', rect: p.rect, paint: p.paint, radius: p.radius, ...(p.shadow ? { shadow: p.shadow } : {}) });

  const title = block(layout.title, texts.title, layout.top, Number.POSITIVE_INFINITY, o.measure);
  ops.push(...title.ops);
  if (texts.subtitle?.trim()) {
    const top = title.bottom + layout.gap;
    ops.push(...block(layout.subtitle, texts.subtitle, top, layout.textBottom - top, o.measure).ops);
  }
  ops.push(...block(layout.person, texts.name, layout.person.y, Number.POSITIVE_INFINITY, o.measure).ops);
  ops.push(...block(layout.invite, texts.invite, layout.invite.y, Number.POSITIVE_INFINITY, o.measure).ops);

  const q = layout.qr;
  ops.push({ op: 'fill', rect: { x: q.x - q.pad, y: q.y - q.pad, w: q.size + 2 * q.pad, h: q.size + 2 * q.pad }, paint: q.plate, radius: q.radius });
  ops.push({ op: 'modules', rects: moduleRects(modules, { x: q.x, y: q.y, w: q.size, h: q.size }), color: q.dark });

  ops.push(...block(layout.caption, texts.caption, layout.caption.y, Number.POSITIVE_INFINITY, o.measure).ops);
  return ops;
}

/**
 * A text block from `top`: the largest size at which it fits its lines, and no more lines than
 * `room` pixels of height hold (a long subtitle stops above the QR code).
 */
function block(b: TextBlock, text: string, top: number, room: number, measure: MeasureFont): { ops: Op[]; bottom: number } {
  // Each size holds its own number of lines in the room; the largest size at which the text fits
  // wins, else the smallest, cut.
  const linesAt = (size: number) => (Number.isFinite(room) ? Math.max(1, Math.min(b.maxLines, Math.floor(room / (size * b.leading)))) : b.maxLines);
  let fitted = fitText(text, { width: b.width, sizes: [b.sizes[0]], maxLines: linesAt(b.sizes[0]) }, (s, size) => measure(s, size, b.weight));
  for (const size of b.sizes.slice(1)) {
    if (!fitted.cut) break;
    fitted = fitText(text, { width: b.width, sizes: [size], maxLines: linesAt(size) }, (s, sz) => measure(s, sz, b.weight));
  }
  const lineHeight = fitted.size * b.leading;
  const ops: Op[] = fitted.lines.map((line, i) => ({
    op: 'text',
    text: line,
    x: b.x,
    // The middle of each line box; the adapter draws with textBaseline "middle".
    y: Math.round(top + i * lineHeight + lineHeight / 2),
    size: fitted.size,
    weight: b.weight,
    color: b.color,
    align: b.align,
  }));
  return { ops, bottom: top + fitted.lines.length * lineHeight };
}

/**
 * The dark modules as rectangles on whole pixels (a blurred edge makes a code harder to scan),
 * one per run of dark modules in a row, the code centred in `box` with its quiet zone.
 */
export function moduleRects(m: Modules, box: Rect): Rect[] {
  const side = Math.min(box.w, box.h);
  const px = Math.floor(side / (m.size + 2 * QUIET_MODULES));
  if (px < 1) throw new Error(`a QR code of ${m.size} modules does not fit in ${side} pixels`);
  const x0 = box.x + Math.floor((box.w - px * m.size) / 2);
  const y0 = box.y + Math.floor((box.h - px * m.size) / 2);
  const rects: Rect[] = [];
  for (let r = 0; r < m.size; r++) {
    let c = 0;
    while (c < m.size) {
      if (!m.dark(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < m.size && m.dark(r, c)) c++;
      rects.push({ x: x0 + start * px, y: y0 + r * px, w: (c - start) * px, h: px });
    }
  }
  return rects;
}
