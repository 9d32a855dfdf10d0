// The weekly digest as an image card (docs/insight.md, "The weekly digest"): a PNG drawn on a
// Skia canvas (@napi-rs/canvas) with the posters' fonts (Noto Sans SC and Noto Emoji, bundled
// through npm: src/growth/posters/fonts.ts), encoded by sharp as the posters are. The week, the
// five figures, the most-replied messages and the most active members, in the group's language.

import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import sharp from 'sharp';
import { fontOf, registerPosterFonts } from '../growth/posters/fonts.ts';
import { translate } from '../i18n/index.ts';
import type { Digest } from './digest.ts';
import { weekDates, weekRange } from './rules/digest.ts';

export const CARD_WIDTH = 750;
export const CARD_HEIGHT = 1000;

const INK = '#1f2a37';
const MUTED = '#5b6675';
const ACCENT = '#d9480f';
const PAPER = '#fff8f0';
const PANEL = '#ffffff';
const PAD = 48;

export type CardInput = Omit<Digest, 'group' | 'from' | 'to' | 'text'>;

let fontsReady = false;

/** The card as PNG bytes, CARD_WIDTH × CARD_HEIGHT. */
export async function renderDigestCard(d: CardInput): Promise<Buffer> {
  if (!fontsReady) {
    registerPosterFonts();
    fontsReady = true;
  }
  const t = (key: string, vars?: Record<string, string | number>) => translate(d.language, `digest.card.${key}`, vars);
  const range = weekRange(d.week, d.zone);
  const dates = range ? weekDates(range, d.zone, d.language) : d.week;
  const canvas = createCanvas(CARD_WIDTH, CARD_HEIGHT);
  const ctx = canvas.getContext('2d');
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = PAPER;
  ctx.fillRect(0, 0, CARD_WIDTH, CARD_HEIGHT);
  ctx.fillStyle = ACCENT;
  ctx.fillRect(0, 0, CARD_WIDTH, 12);

  const inner = CARD_WIDTH - 2 * PAD;
  write(ctx, `📰 ${t('title')}`, PAD, 96, inner, 44, 700, INK);
  write(ctx, d.name, PAD, 148, inner, 30, 700, ACCENT);
  write(ctx, `${dates} · ${d.week}`, PAD, 188, inner, 24, 400, MUTED);

  // The figures: three on the first row, two on the second.
  const figures: [string, number][] = [
    [t('newMembers'), d.newMembers],
    [t('activeMembers'), d.activeMembers],
    [t('messages'), d.messages],
    [t('checkins'), d.checkins],
    [t('questionsAnswered'), d.questionsAnswered],
  ];
  const gap = 16;
  figures.forEach(([label, value], i) => {
    const perRow = i < 3 ? 3 : 2;
    const w = (inner - gap * (perRow - 1)) / perRow;
    const x = PAD + (i < 3 ? i : i - 3) * (w + gap);
    const y = 220 + (i < 3 ? 0 : 1) * 116;
    panel(ctx, x, y, w, 104);
    write(ctx, String(value), x + 20, y + 58, w - 40, 44, 700, INK);
    write(ctx, label, x + 20, y + 88, w - 40, 22, 400, MUTED);
  });

  let y = 500;
  write(ctx, `🔥 ${t('topMessages')}`, PAD, y, inner, 30, 700, INK);
  y += 20;
  if (!d.topMessages.length) {
    write(ctx, t('none'), PAD, y + 40, inner, 24, 400, MUTED);
    y += 64;
  }
  for (const m of d.topMessages) {
    panel(ctx, PAD, y, inner, 76);
    write(ctx, `“${m.text}”`, PAD + 20, y + 33, inner - 40, 24, 400, INK);
    write(ctx, `${m.name} · ${t('replies', { count: m.replies })}`, PAD + 20, y + 62, inner - 40, 20, 400, MUTED);
    y += 86;
  }

  y += 44;
  write(ctx, `🏅 ${t('contributors')}`, PAD, y, inner, 30, 700, INK);
  y += 40;
  if (!d.topContributors.length) write(ctx, t('none'), PAD, y, inner, 24, 400, MUTED);
  d.topContributors.forEach((c, i) => {
    write(ctx, `${i + 1}. ${c.name} · ${t('messagesOf', { count: c.messages })}`, PAD, y + i * 34, inner, 24, i === 0 ? 700 : 400, INK);
  });

  const rgba = ctx.getImageData(0, 0, CARD_WIDTH, CARD_HEIGHT).data;
  return sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width: CARD_WIDTH, height: CARD_HEIGHT, channels: 4 } })
    .removeAlpha()
    .png({ compressionLevel: 3, adaptiveFiltering: false })
    .toBuffer();
}

function panel(ctx: SKRSContext2D, x: number, y: number, w: number, h: number): void {
  ctx.fillStyle = PANEL;
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, 14);
  ctx.fill();
}

/** One line of text, cut with an ellipsis where it would run past `max` pixels. */
function write(ctx: SKRSContext2D, text: string, x: number, y: number, max: number, size: number, weight: 400 | 700, color: string): void {
  ctx.font = fontOf(size, weight);
  ctx.fillStyle = color;
  let chars = [...text];
  let line = text;
  while (chars.length > 1 && ctx.measureText(line).width > max) {
    chars = chars.slice(0, -1);
    line = `${chars.join('').trimEnd()}…`;
  }
  ctx.fillText(line, x, y);
}
