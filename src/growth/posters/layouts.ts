// The poster layouts that ship (pure data): where each text block, the QR code and the panels
// sit on a 750×1334 portrait canvas (a phone screen at 2×, what WeChat Moments shows full width),
// the sizes each text may take and the colours. docs/growth-posters.md shows them.

export const POSTER_WIDTH = 750;
export const POSTER_HEIGHT = 1334;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A colour, or a linear gradient from (x0, y0) to (x1, y1) with stops at 0…1. */
export type Paint = string | { x0: number; y0: number; x1: number; y1: number; stops: readonly (readonly [number, string])[] };

export interface Panel {
  rect: Rect;
  paint: Paint;
  radius: number;
  /** A soft shadow under the panel. */
  shadow?: { color: string; blur: number; dy: number };
}

export interface TextBlock {
  /** Left edge, or the centre when `align` is `center`. */
  x: number;
  width: number;
  align: 'left' | 'center';
  sizes: readonly number[];
  maxLines: number;
  /** Line height as a multiple of the font size. */
  leading: number;
  weight: 400 | 700;
  color: string;
}

export interface LayoutSpec {
  id: string;
  name: { en: string; zh: string };
  background: Paint;
  /** Laid over a campaign's own background image, so the texts stay readable on any photo. */
  scrim?: Paint;
  panels: readonly Panel[];
  /** Title and subtitle flow down from `top`, the subtitle `gap` below the title. */
  top: number;
  gap: number;
  title: TextBlock;
  subtitle: TextBlock;
  /** The lowest the subtitle may reach (the region below belongs to the QR code and the name). */
  textBottom: number;
  /** The participant's name, one line, its top at `y`. */
  person: TextBlock & { y: number };
  /** "invites you to join", under the name. */
  invite: TextBlock & { y: number };
  /** The QR code's square, drawn on a light plate `pad` pixels wider on each side. */
  qr: { x: number; y: number; size: number; pad: number; radius: number; plate: string; dark: string };
  caption: TextBlock & { y: number };
}

const W = POSTER_WIDTH;
const H = POSTER_HEIGHT;
const centre = W / 2;

const classic: LayoutSpec = {
  id: 'classic',
  name: { en: 'Classic', zh: '经典' },
  background: { x0: 0, y0: 0, x1: 0, y1: H, stops: [[0, '#d7263d'], [0.55, '#f46036'], [1, '#ffb347']] },
  scrim: { x0: 0, y0: 0, x1: 0, y1: 700, stops: [[0, 'rgba(0,0,0,0.55)'], [1, 'rgba(0,0,0,0.05)']] },
  panels: [{ rect: { x: 75, y: 690, w: 600, h: 580 }, paint: '#ffffff', radius: 32, shadow: { color: 'rgba(0,0,0,0.25)', blur: 30, dy: 10 } }],
  top: 120,
  gap: 28,
  title: { x: centre, width: 640, align: 'center', sizes: [84, 76, 68, 60, 54], maxLines: 3, leading: 1.22, weight: 700, color: '#ffffff' },
  subtitle: { x: centre, width: 620, align: 'center', sizes: [38, 34], maxLines: 3, leading: 1.4, weight: 400, color: 'rgba(255,255,255,0.92)' },
  textBottom: 660,
  person: { y: 722, x: centre, width: 520, align: 'center', sizes: [44], maxLines: 1, leading: 1.25, weight: 700, color: '#222222' },
  invite: { y: 785, x: centre, width: 520, align: 'center', sizes: [28], maxLines: 1, leading: 1.3, weight: 400, color: '#777777' },
  qr: { x: 205, y: 840, size: 340, pad: 0, radius: 0, plate: '#ffffff', dark: '#111111' },
  caption: { y: 1196, x: centre, width: 520, align: 'center', sizes: [28], maxLines: 1, leading: 1.3, weight: 400, color: '#d7263d' },
};

const card: LayoutSpec = {
  id: 'card',
  name: { en: 'Card', zh: '卡片' },
  background: { x0: 0, y0: 0, x1: 0, y1: H, stops: [[0, '#1e3c72'], [1, '#2a9d8f']] },
  panels: [
    { rect: { x: 50, y: 90, w: 650, h: 1154 }, paint: '#ffffff', radius: 28, shadow: { color: 'rgba(0,0,0,0.3)', blur: 40, dy: 14 } },
    { rect: { x: 100, y: 150, w: 84, h: 10 }, paint: '#2a9d8f', radius: 5 },
    { rect: { x: 100, y: 880, w: 550, h: 2 }, paint: '#e6e6e6', radius: 0 },
  ],
  top: 196,
  gap: 30,
  title: { x: 100, width: 550, align: 'left', sizes: [72, 64, 58, 52, 46], maxLines: 4, leading: 1.25, weight: 700, color: '#1b1b2f' },
  subtitle: { x: 100, width: 550, align: 'left', sizes: [34, 30], maxLines: 5, leading: 1.45, weight: 400, color: '#555555' },
  textBottom: 850,
  qr: { x: 100, y: 920, size: 280, pad: 0, radius: 0, plate: '#ffffff', dark: '#1b1b2f' },
  person: { y: 940, x: 410, width: 240, align: 'left', sizes: [40, 34, 30], maxLines: 1, leading: 1.25, weight: 700, color: '#1b1b2f' },
  invite: { y: 1000, x: 410, width: 240, align: 'left', sizes: [26], maxLines: 2, leading: 1.35, weight: 400, color: '#777777' },
  caption: { y: 1128, x: 410, width: 240, align: 'left', sizes: [26], maxLines: 2, leading: 1.35, weight: 700, color: '#2a9d8f' },
};

const minimal: LayoutSpec = {
  id: 'minimal',
  name: { en: 'Minimal', zh: '简约' },
  background: '#f7f5f0',
  scrim: 'rgba(247,245,240,0.82)',
  panels: [{ rect: { x: 60, y: 96, w: 120, h: 8 }, paint: '#111111', radius: 0 }],
  top: 140,
  gap: 30,
  title: { x: 60, width: 630, align: 'left', sizes: [96, 84, 72, 62, 54], maxLines: 4, leading: 1.18, weight: 700, color: '#111111' },
  subtitle: { x: 60, width: 630, align: 'left', sizes: [36, 32], maxLines: 3, leading: 1.45, weight: 400, color: '#555555' },
  textBottom: 700,
  qr: { x: 185, y: 750, size: 380, pad: 20, radius: 20, plate: '#ffffff', dark: '#111111' },
  person: { y: 1176, x: centre, width: 630, align: 'center', sizes: [40, 34], maxLines: 1, leading: 1.25, weight: 700, color: '#111111' },
  invite: { y: 1228, x: centre, width: 630, align: 'center', sizes: [26], maxLines: 1, leading: 1.3, weight: 400, color: '#777777' },
  caption: { y: 1272, x: centre, width: 630, align: 'center', sizes: [26], maxLines: 1, leading: 1.3, weight: 400, color: '#555555' },
};

/** The layouts that ship, by id. */
export const LAYOUTS: Readonly<Record<string, LayoutSpec>> = { classic, card, minimal };

/** What a console or a CLI lists: each layout's id and its name in English and Chinese. */
export const POSTER_LAYOUTS: readonly { id: string; name: { en: string; zh: string } }[] = Object.values(LAYOUTS).map((l) => ({ id: l.id, name: l.name }));

export const DEFAULT_LAYOUT = 'classic';
