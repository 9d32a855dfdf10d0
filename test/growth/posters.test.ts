// Posters: every layout's QR code decodes (jsQR, a real decoder, on the PNG's pixels) to the
// participant's link, on the layout's own background and on a campaign's photo; Chinese is drawn
// with the font the project installs (real glyphs, not one box for every character); the line
// breaking and the ellipsis; backgrounds refused for their size, their sides and their format;
// the preview route: PNG out, sign-in needed, specific errors.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import type { FastifyInstance } from 'fastify';
import jsQR from 'jsqr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageHeader } from '../../src/growth/posters/background.ts';
import { fontOf } from '../../src/growth/posters/fonts.ts';
import { MAX_BACKGROUND_BYTES, POSTER_FONT, POSTER_LAYOUTS, PosterError, registerPosterFonts, renderPoster } from '../../src/growth/posters/index.ts';
import { LAYOUTS } from '../../src/growth/posters/layouts.ts';
import { planPoster } from '../../src/growth/posters/plan.ts';
import { qrModules } from '../../src/growth/posters/render.ts';
import { ELLIPSIS, fitText, wrapLines } from '../../src/growth/posters/text-fit.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { anonymous, type Caller, withToken } from '../server/accounts-world.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

async function decodeQr(png: Buffer): Promise<string | undefined> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([750, 1334]);
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), info.width, info.height)?.data;
}

/** A photo-like JPEG: a gradient, shapes and noise. */
async function photo(width: number, height: number): Promise<Buffer> {
  const c = createCanvas(width, height);
  const ctx = c.getContext('2d');
  const g = ctx.createLinearGradient(0, 0, width, height);
  g.addColorStop(0, '#203a43');
  g.addColorStop(1, '#e96443');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, width, height);
  for (let i = 0; i < 60; i++) {
    ctx.fillStyle = `hsla(${(i * 47) % 360}, 70%, 50%, 0.5)`;
    ctx.beginPath();
    ctx.arc((i * 131) % width, (i * 277) % height, 40 + (i % 5) * 30, 0, Math.PI * 2);
    ctx.fill();
  }
  return c.encode('jpeg', 85);
}

const spec = (layout: string, url: string) => ({
  layout,
  title: '21天早起打卡训练营：和3位好友一起，养成受益一生的好习惯',
  subtitle: '每天清晨 6 点群里见。',
  name: '王小明',
  url,
  locale: 'zh' as const,
});

describe('posters: the drawing', () => {
  it("each layout's QR code decodes to the participant's link, also on a photo background", async () => {
    const bg = await photo(1200, 1600);
    for (const { id } of POSTER_LAYOUTS) {
      const url = `https://chorus.example/l/${id}-p42`;
      expect(await decodeQr(await renderPoster(spec(id, url))), id).toBe(url);
      expect(await decodeQr(await renderPoster({ ...spec(id, `${url}b`), background: bg })), `${id} on a photo`).toBe(`${url}b`);
    }
  });

  it('draws Chinese with the Noto Sans SC the project installs (a different glyph for each character), emoji with its Noto Emoji', () => {
    const [regular, bold, , emojiBold] = registerPosterFonts();
    expect(regular).toMatch(/node_modules\/@expo-google-fonts\/noto-sans-sc\/.*NotoSansSC_400Regular\.ttf$/);
    expect(bold).toMatch(/NotoSansSC_700Bold\.ttf$/);
    expect(GlobalFonts.has(POSTER_FONT)).toBe(true);
    // The same file under a name of the test's own: the poster's glyphs are exactly its glyphs.
    GlobalFonts.registerFromPath(bold, 'Posters Test Reference');
    GlobalFonts.registerFromPath(emojiBold, 'Posters Test Emoji');
    const glyph = (ch: string, font = fontOf(64, 700)) => {
      const c = createCanvas(80, 80);
      const ctx = c.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, 80, 80);
      ctx.fillStyle = '#000';
      ctx.font = font;
      ctx.fillText(ch, 8, 62); // on the alphabetic baseline, which both fonts agree on
      const px = ctx.getImageData(0, 0, 80, 80).data;
      return { px: Buffer.from(px.buffer), ink: px.filter((v, i) => i % 4 === 0 && v < 128).length, width: ctx.measureText(ch).width };
    };
    // A missing glyph is drawn as the same box ("tofu") for every character.
    const chars = ['邀', '请', '群', '码'].map((ch) => glyph(ch));
    for (const g of chars) {
      expect(g.ink).toBeGreaterThan(200);
      expect(g.width).toBeCloseTo(64, 0); // CJK ideographs are one em wide
    }
    for (let i = 1; i < chars.length; i++) expect(chars[i].px.equals(chars[0].px)).toBe(false);
    expect(glyph('邀', '700 64px "Posters Test Reference"').px.equals(chars[0].px)).toBe(true);
    // Emoji (common in nicknames) come from the Noto Emoji the project installs, not a box.
    expect(emojiBold).toMatch(/node_modules\/@expo-google-fonts\/noto-emoji\/.*NotoEmoji_700Bold\.ttf$/);
    expect(glyph('🌞').px.equals(glyph('🌞', '700 64px "Posters Test Emoji"').px)).toBe(true);
  });
});

describe('posters: fitting text (pure)', () => {
  const mono = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 10 : 6), 0);

  it('breaks Chinese between any two characters, never before a closing mark, and Latin at spaces', () => {
    expect(wrapLines('一二三四五六七八', 50, mono)).toEqual(['一二三四五', '六七八']);
    // "，" may not start a line: it goes with the character before it.
    expect(wrapLines('一二三四五，六七', 50, mono)).toEqual(['一二三四', '五，六七']);
    expect(wrapLines('join the morning club', 60, mono)).toEqual(['join the', 'morning', 'club']);
    expect(wrapLines('《书名》很好', 40, mono)).toEqual(['《书名》', '很好']);
    // A word wider than the line is split by character.
    expect(wrapLines('abcdefghijklmn', 30, mono)).toEqual(['abcde', 'fghij', 'klmn']);
  });

  it('shrinks to fit the lines, then ends the last line with an ellipsis', () => {
    const measure = (s: string, size: number) => (mono(s) * size) / 10;
    expect(fitText('一二三四五六', { width: 60, sizes: [20, 10], maxLines: 1 }, measure)).toEqual({ size: 10, lines: ['一二三四五六'], cut: false });
    const cut = fitText('一二三四五六七八九十', { width: 60, sizes: [20, 10], maxLines: 1 }, measure);
    expect(cut.cut).toBe(true);
    expect(cut.lines).toEqual([`一二三四五${ELLIPSIS}`]);
    expect(measure(cut.lines[0], 10)).toBeLessThanOrEqual(60);
  });
});

describe('posters: the plan (pure)', () => {
  it('keeps a long subtitle above the QR code and cuts a long name with an ellipsis, on every layout', () => {
    const measure = (s: string, size: number) => [...s].length * size;
    const long = '长'.repeat(140);
    for (const layout of Object.values(LAYOUTS)) {
      const ops = planPoster(layout, { title: long.slice(0, 60), subtitle: long, name: '名'.repeat(60), invite: '邀请你一起加入', caption: '长按识别二维码' }, qrModules('https://x.example/l/1'), { image: false, measure });
      const texts = ops.flatMap((o) => (o.op === 'text' ? [o] : []));
      const subtitle = texts.filter((t) => t.color === layout.subtitle.color && t.weight === 400 && t.y < layout.person.y);
      expect(subtitle.length, layout.id).toBeGreaterThan(0);
      for (const t of subtitle) expect(t.y + (t.size * layout.subtitle.leading) / 2, layout.id).toBeLessThanOrEqual(layout.textBottom);
      const name = texts.find((t) => t.weight === 700 && t.y > layout.person.y && t.y < layout.person.y + 60);
      expect(name?.text.endsWith(ELLIPSIS), layout.id).toBe(true);
      for (const t of texts) expect(measure(t.text, t.size), `${layout.id}: ${t.text}`).toBeLessThanOrEqual(640);
    }
  });
});

describe('posters: backgrounds refused', () => {
  it('refuses a file over 5 MB, over 4000 px a side, or not a PNG or JPEG', async () => {
    const wide = await createCanvas(4001, 8).encode('png');
    expect(readImageHeader(wide)).toEqual({ type: 'png', width: 4001, height: 8 });
    expect(readImageHeader(await photo(40, 30))).toEqual({ type: 'jpeg', width: 40, height: 30 });
    // A phone photo: EXIF (APP1) before the frame header.
    const exif = await sharp({ create: { width: 60, height: 20, channels: 3, background: '#f00' } }).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect(readImageHeader(exif)).toEqual({ type: 'jpeg', width: 60, height: 20 });
    const huge = Buffer.alloc(MAX_BACKGROUND_BYTES + 1);
    wide.copy(huge);
    const cases: [Buffer, string, RegExp][] = [
      [wide, 'invalid_background', /4001×8 pixels; at most 4000/],
      [huge, 'background_too_large', /is 5 MB|5,242,881 bytes.*at most 5 MB/],
      [Buffer.from('GIF89a not what we take'), 'invalid_background', /PNG or JPEG/],
      // The right signature, broken data after it.
      [Buffer.concat([(await createCanvas(20, 20).encode('png')).subarray(0, 33), Buffer.alloc(100, 7)]), 'invalid_background', /cannot be read/],
    ];
    for (const [bytes, code, words] of cases) {
      const err = await renderPoster({ ...spec('classic', 'https://chorus.example/x'), background: bytes }).catch((e: unknown) => e);
      expect(err, code).toBeInstanceOf(PosterError);
      expect((err as PosterError).code).toBe(code);
      expect((err as PosterError).field).toBe('background');
      expect((err as PosterError).message).toMatch(words);
    }
  });
});

describe(`posters over HTTP (${engine})`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let admin: Caller;

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-posters-'));
    const token = await ensureAdminToken(store.db, dataDir);
    app = await buildApp({ store, dataDir, consoleDir: false });
    admin = withToken(app, token, 'admin');
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  it('needs sign-in', async () => {
    expect((await anonymous(app).call('GET', '/api/posters/layouts')).statusCode).toBe(401);
    expect((await anonymous(app).call('POST', '/api/posters/preview', { layout: 'classic', title: 'x' })).statusCode).toBe(401);
  });

  it("lists the layouts in the request's language", async () => {
    const zh = await admin.call('GET', '/api/posters/layouts', undefined, { 'accept-language': 'zh-CN' });
    expect(zh.json()).toEqual({ layouts: POSTER_LAYOUTS.map((l) => ({ id: l.id, name: l.name.zh })) });
    expect((await admin.call('GET', '/api/posters/layouts?lang=en')).json().layouts[0]).toEqual({ id: 'classic', name: 'Classic' });
  });

  it('answers a PNG whose QR code holds the given link, a background given as a data: URL', async () => {
    const background = `data:image/jpeg;base64,${(await photo(600, 900)).toString('base64')}`;
    const r = await admin.call('POST', '/api/posters/preview', { layout: 'card', title: '邀请好友', subtitle: '扫码入群', url: 'https://chorus.example/l/abc', background });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('image/png');
    expect(await decodeQr(r.rawPayload)).toBe('https://chorus.example/l/abc');
  });

  it('refuses bad input with specific words', async () => {
    const bad = async (body: unknown, status: number, code: string, field: string, words: RegExp) => {
      const r = await admin.call('POST', '/api/posters/preview', body, { 'accept-language': 'zh-CN' });
      expect(r.statusCode, r.body).toBe(status);
      expect(r.json().error).toMatchObject({ code, field });
      expect(r.json().error.message).toMatch(words);
    };
    await bad({ layout: 'fancy', title: 'x' }, 400, 'invalid_request', 'layout', /classic, card, minimal/);
    await bad({ layout: 'classic', title: '' }, 400, 'invalid_request', 'title', /./);
    await bad({ layout: 'classic', title: 'x', url: 'javascript:alert(1)' }, 400, 'invalid_request', 'url', /http/);
    await bad({ layout: 'classic', title: 'x', background: 'not base64!' }, 400, 'invalid_background', 'background', /base64/);
    await bad({ layout: 'classic', title: 'x', background: Buffer.from('not an image at all').toString('base64') }, 400, 'invalid_background', 'background', /PNG 或 JPEG/);
    const big = Buffer.alloc(MAX_BACKGROUND_BYTES + 1024);
    (await createCanvas(10, 10).encode('png')).copy(big);
    await bad({ layout: 'classic', title: 'x', background: big.toString('base64') }, 413, 'background_too_large', 'background', /最大只能 5 MB/);
  });
});
