// The public application form of a group: GET/POST /apply/<code>, server-rendered, no sign-in, no
// script (the CSP allows none inline), readable on a phone, in English or Chinese (?lang=, else
// the browser's language, else the group's). The code is the group's unguessable form address
// (admission_settings.form_code, 128 bits); a wrong or closed code gets the same page as any
// unknown address, so the form tells nothing about other groups. After sending, the applicant
// lands on their application's own page (/apply/<code>/s/<signed token>) which shows the
// decision and, once approved, their personal invite link.
//
// Limits: a request body of 16 KB, a name of 100 characters, a contact of 200, an answer of
// 1,000; per client address 5 applications per 10 minutes and 60 page views per minute (kept in
// this process: with several servers behind a proxy each counts its own).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_ANSWER_CHARS } from '../community/admission/settings.ts';
import { type Locale, translate } from '../i18n/index.ts';
import { localeOfTag, requestLocale } from '../i18n/locale.ts';
import { applyByForm, formStatus } from '../run/admission/admissions.ts';
import { groupByFormCode } from '../run/admission/settings-store.ts';
import { signToken, verifyToken, workspaceKey } from '../store/link-keys.ts';
import type { Services } from './services.ts';

export const FORM_BODY_LIMIT = 16 * 1024;
const NAME_MAX = 100;
const CONTACT_MAX = 200;
const KEY = 'apply';

interface Window {
  count: number;
  resetAt: number;
}

/** A fixed-window counter per client address. */
export function rateLimiter(limit: number, windowMs: number) {
  const seen = new Map<string, Window>();
  return (who: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } => {
    if (seen.size > 10_000) for (const [k, w] of seen) if (w.resetAt <= now) seen.delete(k);
    const w = seen.get(who);
    if (!w || w.resetAt <= now) {
      seen.set(who, { count: 1, resetAt: now + windowMs });
      return { ok: true };
    }
    if (w.count >= limit) return { ok: false, retryAfterSeconds: Math.ceil((w.resetAt - now) / 1000) };
    w.count++;
    return { ok: true };
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
/** Control characters (but newlines and tabs) cannot be stored; they are dropped. */
const clean = (s: unknown, max: number) =>
  typeof s === 'string'
    ? [...s]
        .filter((c) => {
          const n = c.charCodeAt(0);
          return n === 9 || n === 10 || n === 13 || (n >= 32 && n !== 127);
        })
        .join('')
        .trim()
        .slice(0, max + 1)
    : '';

const STYLE = `body{font:16px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:34rem;margin:0 auto;padding:1.25rem}h1{font-size:1.35rem;margin:.5rem 0 1rem}
label{display:block;font-weight:600;margin:1rem 0 .35rem}input,textarea{width:100%;box-sizing:border-box;font:inherit;padding:.6rem;border:1px solid #c5cad3;border-radius:.5rem;background:#fff}
textarea{min-height:5rem}button{margin-top:1.25rem;width:100%;padding:.75rem;font:inherit;font-weight:600;color:#fff;background:#2f6fed;border:0;border-radius:.5rem}
.err{background:#fdecec;color:#8a1c1c;padding:.6rem .8rem;border-radius:.5rem}.box{background:#fff;padding:1rem;border-radius:.75rem;border:1px solid #e2e5ea}
.link{word-break:break-all;font-size:1.1rem}nav{font-size:.9rem;text-align:right}nav a{color:#2f6fed}`;

function page(lang: Locale, title: string, body: string, other?: string): string {
  const switcher = other ? `<nav><a href="${esc(other)}">${lang === 'en' ? '中文' : 'English'}</a></nav>` : '';
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${switcher}${body}</main></body></html>`;
}

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send(html);
}

function langOf(req: FastifyRequest, fallback: Locale): Locale {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const asked = typeof q.lang === 'string' ? localeOfTag(q.lang) : undefined;
  if (asked) return asked;
  return req.headers['accept-language'] ? requestLocale(req.headers, {}) : fallback;
}

const t = (lang: Locale, key: string, vars?: Record<string, string | number>) => esc(translate(lang, `admission.form.${key}`, vars));

function notFoundPage(reply: FastifyReply, lang: Locale) {
  return send(reply, 404, page(lang, translate(lang, 'admission.form.notFoundTitle'), `<h1>${t(lang, 'notFoundTitle')}</h1><p>${t(lang, 'notFound')}</p>`));
}

interface FormValues {
  name: string;
  contact: string;
  answers: string[];
}

function formPage(lang: Locale, code: string, groupName: string, questions: string[], values: FormValues, error?: string): string {
  const fields = questions
    .map(
      (q, i) =>
        `<label for="q${i}">${esc(`${i + 1}. ${q}`)}</label><textarea id="q${i}" name="a${i}" maxlength="${MAX_ANSWER_CHARS}" required>${esc(values.answers[i] ?? '')}</textarea>`,
    )
    .join('');
  return page(
    lang,
    translate(lang, 'admission.form.title', { group: groupName }),
    `<h1>${t(lang, 'title', { group: groupName })}</h1>${error ? `<p class="err" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/apply/${esc(code)}?lang=${lang}">
<label for="name">${t(lang, 'name')}</label><input id="name" name="name" maxlength="${NAME_MAX}" required autocomplete="name" value="${esc(values.name)}">
<label for="contact">${t(lang, 'contact')}</label><input id="contact" name="contact" maxlength="${CONTACT_MAX}" autocomplete="tel" value="${esc(values.contact)}">
${fields}<button type="submit">${t(lang, 'send')}</button></form>`,
    `/apply/${code}?lang=${lang === 'en' ? 'zh' : 'en'}`,
  );
}

export async function registerApplyForm(app: FastifyInstance, s: Services): Promise<void> {
  const posts = rateLimiter(5, 10 * 60_000);
  const views = rateLimiter(60, 60_000);
  await app.register(async (sub) => {
    sub.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    sub.setErrorHandler((err, req, reply) => {
      const lang = langOf(req, 'en');
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      if (status === 413) return send(reply, 413, page(lang, translate(lang, 'admission.form.tooLargeTitle'), `<h1>${t(lang, 'tooLargeTitle')}</h1><p>${t(lang, 'tooLarge')}</p>`));
      req.log.error({ err }, 'application form failed');
      return send(reply, status >= 400 && status < 500 ? status : 500, page(lang, translate(lang, 'admission.form.failedTitle'), `<h1>${t(lang, 'failedTitle')}</h1>`));
    });

    const limited = (reply: FastifyReply, lang: Locale, wait: number) =>
      send(reply.header('retry-after', String(wait)), 429, page(lang, translate(lang, 'admission.form.slowDownTitle'), `<h1>${t(lang, 'slowDownTitle')}</h1><p>${t(lang, 'slowDown')}</p>`));

    sub.get<{ Params: { code: string } }>('/apply/:code', async (req, reply) => {
      const seen = views(req.ip);
      if (!seen.ok) return limited(reply, langOf(req, 'en'), seen.retryAfterSeconds);
      const g = await groupByFormCode(s.db, req.params.code);
      if (!g) return notFoundPage(reply, langOf(req, 'en'));
      const lang = langOf(req, g.language);
      return send(reply, 200, formPage(lang, req.params.code, g.groupName, g.questions, { name: '', contact: '', answers: [] }));
    });

    sub.post<{ Params: { code: string }; Body: Record<string, unknown> }>('/apply/:code', { bodyLimit: FORM_BODY_LIMIT }, async (req, reply) => {
      const g = await groupByFormCode(s.db, req.params.code);
      if (!g) return notFoundPage(reply, langOf(req, 'en'));
      const lang = langOf(req, g.language);
      const allowed = posts(req.ip);
      if (!allowed.ok) return limited(reply, lang, allowed.retryAfterSeconds);
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      const values: FormValues = { name: clean(body.name, NAME_MAX), contact: clean(body.contact, CONTACT_MAX), answers: g.questions.map((_, i) => clean(body[`a${i}`], MAX_ANSWER_CHARS)) };
      const problem = !values.name
        ? translate(lang, 'admission.form.needName')
        : values.name.length > NAME_MAX
          ? translate(lang, 'admission.form.longName', { max: NAME_MAX })
          : values.contact.length > CONTACT_MAX
            ? translate(lang, 'admission.form.longContact', { max: CONTACT_MAX })
            : (() => {
                const i = values.answers.findIndex((a) => !a || a.length > MAX_ANSWER_CHARS);
                if (i < 0) return undefined;
                return translate(lang, values.answers[i] ? 'admission.form.longAnswer' : 'admission.form.needAnswer', { n: i + 1, max: MAX_ANSWER_CHARS });
              })();
      if (problem) return send(reply, 400, formPage(lang, req.params.code, g.groupName, g.questions, values, problem));
      const made = await s.db.transaction().execute((trx) => applyByForm(trx, { groupId: g.groupId, ...values }));
      s.wake?.();
      const token = signToken(await workspaceKey(s.db, KEY), { a: made.id });
      return reply.status(303).header('location', `/apply/${req.params.code}/s/${token}?lang=${lang}`).send();
    });

    sub.get<{ Params: { code: string; token: string } }>('/apply/:code/s/:token', async (req, reply) => {
      const seen = views(req.ip);
      if (!seen.ok) return limited(reply, langOf(req, 'en'), seen.retryAfterSeconds);
      const g = await groupByFormCode(s.db, req.params.code);
      const payload = verifyToken(await workspaceKey(s.db, KEY), req.params.token);
      const status = g && typeof payload?.a === 'string' ? await formStatus(s.db, payload.a) : undefined;
      if (!g || !status) return notFoundPage(reply, langOf(req, 'en'));
      const lang = langOf(req, g.language);
      const body =
        status.state === 'approved'
          ? status.inviteLink
            ? `<p>${t(lang, 'approved', { group: status.groupName })}</p><p class="box link"><a href="${esc(status.inviteLink)}">${esc(status.inviteLink)}</a></p><p>${t(lang, 'personal')}</p>`
            : `<p>${t(lang, 'approvedSoon', { group: status.groupName })}</p>`
          : status.state === 'rejected'
            ? `<p>${t(lang, 'rejected', { group: status.groupName })}</p>`
            : `<p>${t(lang, 'pending', { group: status.groupName })}</p><p>${t(lang, 'keepPage')}</p>`;
      return send(reply, 200, page(lang, translate(lang, 'admission.form.statusTitle'), `<h1>${t(lang, 'statusTitle')}</h1><div class="box">${body}</div>`, `/apply/${req.params.code}/s/${req.params.token}?lang=${lang === 'en' ? 'zh' : 'en'}`));
    });
  });
}
