// The public redirect of a tracked link, `GET /l/<slug>` (src/growth/). No sign-in. It answers
// from memory once a slug has been seen (a slug never changes where it leads), hands the click to
// the buffer (src/growth/clicks.ts) and redirects at once: the answer never waits on a write.
//
// - Bots and link-preview fetchers (isbot; and a request without a user agent) are redirected
//   like anyone but not counted; neither is a HEAD request.
// - An unknown slug, or anything that is not a slug, gets one plain 404 page in the visitor's
//   language (Accept-Language, Chinese or English): it says nothing about other links.
// - Rate limited per address in this process: RATE.perMinute requests a minute, and
//   RATE.unknownPerWindow unknown slugs per 10 minutes (a script guessing slugs is stopped).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ClickBuffer, isPerson } from '../growth/clicks.ts';
import { type LinkTarget, resolveSlug } from '../growth/links.ts';
import { isSlugShape } from '../growth/slugs.ts';
import { type Locale, translate } from '../i18n/index.ts';
import { fromAcceptLanguage } from '../i18n/locale.ts';
import type { Services } from './services.ts';

export const RATE = { perMinute: 120, unknownPerWindow: 20, unknownWindowMinutes: 10 };
const CACHE_MAX = 50_000;

/** A fixed-window counter per address: cheap enough for every redirect. */
class Window {
  private readonly seen = new Map<string, { from: number; n: number }>();
  constructor(private readonly ms: number) {}
  /** Seconds until the address may come again, 0 when it may now. */
  wait(ip: string, now: number, limit: number): number {
    const e = this.seen.get(ip);
    if (!e || now - e.from >= this.ms || e.n < limit) return 0;
    return Math.max(1, Math.ceil((e.from + this.ms - now) / 1000));
  }
  add(ip: string, now: number): void {
    const e = this.seen.get(ip);
    if (!e || now - e.from >= this.ms) {
      if (this.seen.size > 50_000) for (const [k, v] of this.seen) if (now - v.from >= this.ms) this.seen.delete(k);
      this.seen.set(ip, { from: now, n: 1 });
    } else e.n++;
  }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(reply: FastifyReply, status: number, locale: Locale, key: 'notFound' | 'tooMany', vars: Record<string, number> = {}): FastifyReply {
  const title = translate(locale, `links.page.${key}.title`);
  const body = translate(locale, `links.page.${key}.body`, vars);
  return reply
    .status(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="${locale === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>${esc(title)}</title><style>body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f4f5f7;color:#1d2129}main{max-width:34rem;margin:0 auto;padding:2rem 1rem}h1{font-size:1.35rem}</style></head><body><main><h1>${esc(title)}</h1><p>${esc(body)}</p></main></body></html>`,
    );
}

export interface LinkRedirect {
  /** The click buffer: tests and the bench flush it; the server's close hook does too. */
  clicks: ClickBuffer;
}

export async function registerLinkRedirect(app: FastifyInstance, s: Services): Promise<LinkRedirect> {
  const minute = new Window(60_000);
  const unknown = new Window(RATE.unknownWindowMinutes * 60_000);
  const known = new Map<string, LinkTarget>();
  const clicks = new ClickBuffer(s.db, (line) => app.log.warn(line));
  app.addHook('onClose', async () => {
    await clicks.close();
  });

  const localeOf = (req: FastifyRequest): Locale => fromAcceptLanguage(req.headers['accept-language']) ?? 'en';

  app.get('/l/:slug', async (req, reply) => {
    const now = s.now();
    const t = now.getTime();
    const wait = Math.max(minute.wait(req.ip, t, RATE.perMinute), unknown.wait(req.ip, t, RATE.unknownPerWindow));
    if (wait > 0) return page(reply.header('retry-after', String(wait)), 429, localeOf(req), 'tooMany', { seconds: wait });
    minute.add(req.ip, t);
    const slug = (req.params as { slug?: string }).slug ?? '';
    let target = known.get(slug);
    if (!target && isSlugShape(slug)) {
      target = await resolveSlug(s.db, slug);
      if (target) {
        if (known.size >= CACHE_MAX) known.clear();
        known.set(slug, target);
      }
    }
    if (!target) {
      unknown.add(req.ip, t);
      return page(reply, 404, localeOf(req), 'notFound');
    }
    if (req.method === 'GET' && isPerson(req.headers['user-agent'])) clicks.add({ target, slug, at: now });
    return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(target.url, 302);
  });
  return { clicks };
}
