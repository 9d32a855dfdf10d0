// The public side of a live code: GET /j/<code>, no sign-in, no script. Telegram (any web link):
// a redirect to the routed group's invite link. WeChat and WeCom cannot be opened from a browser:
// a page for the phone with that group's QR code to long-press or scan. While a group's link is
// being made, or when every group is full, a polite page says so. An unknown or ended code gets
// the same 404 as any unknown page, in the visitor's language; nothing on any page names another
// group or any member. Per client address 30 scans a minute (CHORUS_LIVECODE_SCANS_PER_MINUTE;
// counted in this process).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { LiveCodeDesk } from '../growth/livecode-desk.ts';
import { type Locale, translate } from '../i18n/index.ts';
import { localeOfTag, requestLocale } from '../i18n/locale.ts';
import { rateLimiter } from './apply-form.ts';
import type { Services } from './services.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
const t = (lang: Locale, key: string, vars?: Record<string, string | number>) => esc(translate(lang, `livecode.page.${key}`, vars));

const STYLE = `body{font:16px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:26rem;margin:0 auto;padding:1.25rem;text-align:center}h1{font-size:1.3rem;margin:.75rem 0}
.qr{background:#fff;border:1px solid #e2e5ea;border-radius:.75rem;padding:1rem;margin:1rem 0}.qr img{width:100%;max-width:18rem;height:auto;image-rendering:pixelated}
p{margin:.5rem 0}.hint{color:#5a6272;font-size:.95rem}`;

function page(lang: Locale, title: string, body: string): string {
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send(html);
}

function langOf(req: FastifyRequest): Locale {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const asked = typeof q.lang === 'string' ? localeOfTag(q.lang) : undefined;
  return asked ?? requestLocale(req.headers, {});
}

const simple = (lang: Locale, key: string) => page(lang, translate(lang, `livecode.page.${key}Title`), `<h1>${t(lang, `${key}Title`)}</h1><p>${t(lang, key)}</p>`);

// A group's QR drawn once per process (the same few groups are served to every visitor).
const drawn = new Map<string, Promise<string>>();
function qrDataUrl(value: string): Promise<string> {
  let url = drawn.get(value);
  if (!url) {
    if (drawn.size >= 500) drawn.clear();
    url = QRCode.toDataURL(value, { errorCorrectionLevel: 'M', margin: 2, width: 480 });
    url.catch(() => drawn.delete(value));
    drawn.set(value, url);
  }
  return url;
}

export function scansPerMinute(): number {
  const n = Number(process.env.CHORUS_LIVECODE_SCANS_PER_MINUTE);
  return Number.isInteger(n) && n > 0 ? n : 30;
}

export async function registerLiveCodePage(app: FastifyInstance, s: Services): Promise<LiveCodeDesk> {
  const scans = rateLimiter(scansPerMinute(), 60_000);
  // Seats reserved a few at a time and scans written in batches (src/growth/livecode-desk.ts).
  const desk = new LiveCodeDesk(s.db, (line) => app.log.warn(line));
  app.addHook('onClose', async () => {
    await desk.close();
  });
  await app.register(async (sub) => {
    sub.setErrorHandler((err, req, reply) => {
      req.log.error({ err }, 'live code page failed');
      const lang = langOf(req);
      return send(reply, 503, simple(lang, 'failed'));
    });
    sub.get<{ Params: { code: string } }>('/j/:code', async (req, reply) => {
      const lang = langOf(req);
      const seen = scans(req.ip);
      if (!seen.ok) return send(reply.header('retry-after', String(seen.retryAfterSeconds)), 429, simple(lang, 'slowDown'));
      const r = await desk.scan(req.params.code, s.now());
      if (r.kind === 'routed') s.wake?.();
      switch (r.kind) {
        case 'unknown':
          return send(reply, 404, simple(lang, 'notFound'));
        case 'preparing':
          s.wake?.();
          return send(reply, 200, simple(lang, 'preparing'));
        case 'full':
          return send(reply, 200, simple(lang, 'full'));
        case 'creating':
        case 'routed': {
          const e = r.entry;
          const groupName = r.kind === 'routed' ? r.groupName : r.name;
          if (e.kind === 'redirect') return reply.status(302).header('location', e.url).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send();
          const img =
            e.kind === 'qr_image'
              ? esc(e.url)
              : await qrDataUrl(e.value);
          if (e.kind === 'qr_image') {
            // WeCom serves the QR image from its own host: this page (only) may show https images.
            reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
          }
          const how = r.entry.kind === 'qr_image' ? 'scanWecom' : 'scanWechat';
          return send(
            reply,
            200,
            page(lang, translate(lang, 'livecode.page.title', { group: groupName }), `<h1>${t(lang, 'title', { group: groupName })}</h1><div class="qr"><img alt="${t(lang, 'qrAlt')}" src="${img}"></div><p>${t(lang, how)}</p><p class="hint">${t(lang, 'hint')}</p>`),
          );
        }
      }
    });
  });
  return desk;
}
