// The public survey form behind a member's personal link, `/s/<token>` (community/survey-link.ts).
// No sign-in: the signed token is what makes the answers that member's. Server-rendered HTML
// for phones, without any script (the CSP of headers.ts allows none inline; styles inline are
// allowed), posted back as an ordinary form.
//
// - Language: Chinese when the survey's own words are Chinese, English when they are English
//   (Latin letters only), else the browser's Accept-Language; `?lang=` wins.
// - A token Chorus did not sign (forged, altered, cut short), or one whose survey, group or
//   member is gone, gets the same plain 404 page: it says nothing about why.
// - Rate limited per address, in this process (answers are rare; a script guessing tokens is
//   stopped): RATE.perMinute requests a minute, RATE.badPerWindow bad tokens per 10 minutes.
// - Bodies above FORM_BODY_LIMIT are refused (413, an HTML page), answers above
//   MAX_ANSWER_CHARS are refused with the form shown again.
// The form's parser for `application/x-www-form-urlencoded` is registered inside this plugin
// only: the API keeps accepting JSON alone (a cross-site form cannot post to it).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readSurveyToken, type SurveyRef } from '../community/survey-link.ts';
import { checkAnswers, MAX_ANSWER_CHARS, type SurveyForm, saveAnswers, surveyForm } from '../community/surveys.ts';
import { type Locale, translate, type Vars } from '../i18n/index.ts';
import { fromAcceptLanguage, localeOfTag } from '../i18n/locale.ts';
import { workspaceKey } from '../store/link-keys.ts';
import { waitSeconds } from './accounts/throttle.ts';
import type { Services } from './services.ts';

export const FORM_BODY_LIMIT = 64 * 1024;
export const RATE = { perMinute: 30, badPerWindow: 10, badWindowMinutes: 10 };

/** Per-address request times, kept in memory; pruned when large. */
class AddressLog {
  private readonly seen = new Map<string, Date[]>();
  constructor(private readonly windowMinutes: number) {}
  add(ip: string, at: Date): void {
    if (this.seen.size > 10_000) this.prune(at);
    const list = (this.seen.get(ip) ?? []).filter((d) => d.getTime() > at.getTime() - this.windowMinutes * 60_000);
    list.push(at);
    this.seen.set(ip, list);
  }
  wait(ip: string, at: Date, limit: number): number {
    return waitSeconds(this.seen.get(ip) ?? [], at, limit, this.windowMinutes);
  }
  private prune(at: Date): void {
    for (const [ip, list] of this.seen) if (!list.some((d) => d.getTime() > at.getTime() - this.windowMinutes * 60_000)) this.seen.delete(ip);
  }
}

const HAN = /\p{Script=Han}/u;
const LATIN = /[A-Za-z]/;

/** The form's language (see the header). Pure. */
export function formLocale(words: string, headers: Readonly<Record<string, string | string[] | undefined>>, lang?: string): Locale {
  const asked = localeOfTag(lang);
  if (asked) return asked;
  if (HAN.test(words)) return 'zh';
  if (LATIN.test(words)) return 'en';
  const accept = headers['accept-language'];
  return fromAcceptLanguage(Array.isArray(accept) ? accept[0] : accept) ?? 'en';
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f4f5f7;color:#1d2129}
main{max-width:34rem;margin:0 auto;padding:1.25rem 1rem 3rem}h1{font-size:1.35rem;margin:.25rem 0 .75rem}.intro{white-space:pre-wrap;color:#4e5969}
form{margin-top:1rem}fieldset{border:0;margin:0 0 1rem;padding:1rem;background:#fff;border-radius:.75rem}legend,label.q{font-weight:600;display:block;margin-bottom:.5rem;padding:0}
textarea{width:100%;min-height:5.5rem;font:inherit;padding:.6rem;border:1px solid #c9cdd4;border-radius:.5rem}.choice{display:flex;gap:.6rem;align-items:center;padding:.55rem 0;font-size:1.05rem}
.choice input{width:1.3rem;height:1.3rem}button{width:100%;font:inherit;font-weight:600;padding:.85rem;border:0;border-radius:.6rem;background:#165dff;color:#fff}
.note{font-size:.9rem;color:#86909c}.error{background:#ffece8;color:#cb2634;padding:.75rem 1rem;border-radius:.5rem}.ok{background:#e8ffea;padding:1rem;border-radius:.75rem}a{color:#165dff}`;

function page(locale: Locale, title: string, body: string): string {
  return `<!doctype html><html lang="${locale === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function formHtml(locale: Locale, f: SurveyForm, action: string, opts: { values?: string[]; error?: string } = {}): string {
  const t = (key: string, vars?: Vars) => esc(translate(locale, key, vars));
  const values = opts.values ?? f.answers ?? [];
  const fields = f.questions
    .map((q, i) => {
      const v = values[i] ?? '';
      if (q.choices) {
        const options = q.choices
          .map((c, j) => `<label class="choice"><input type="radio" name="q${i}" value="${esc(c)}" id="q${i}-${j}"${c === v ? ' checked' : ''}>${esc(c)}</label>`)
          .join('');
        return `<fieldset><legend>${i + 1}. ${esc(q.text)}</legend>${options}</fieldset>`;
      }
      return `<fieldset><label class="q" for="q${i}">${i + 1}. ${esc(q.text)}</label><textarea id="q${i}" name="q${i}" maxlength="${MAX_ANSWER_CHARS}">${esc(v)}</textarea></fieldset>`;
    })
    .join('');
  const body = `<h1>${esc(f.title)}</h1><p>${t('survey.form.hello', { name: f.memberName, group: f.groupName })}</p>${f.intro ? `<p class="intro">${esc(f.intro)}</p>` : ''}${
    f.answers && !opts.error ? `<p class="note">${t('survey.form.answeredBefore')}</p>` : ''
  }${opts.error ? `<p class="error" role="alert">${esc(opts.error)}</p>` : ''}<form method="post" action="${esc(action)}"><input type="hidden" name="n" value="${f.questions.length}">${fields}<button type="submit">${t(
    f.answers ? 'survey.form.update' : 'survey.form.send',
  )}</button></form>`;
  return page(locale, f.title, body);
}

function plain(reply: FastifyReply, status: number, locale: Locale, title: string, text: string): FastifyReply {
  return reply
    .status(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(page(locale, title, `<h1>${esc(title)}</h1><p>${esc(text)}</p>`));
}

const langOf = (req: FastifyRequest) => {
  const q = req.query as Record<string, unknown> | undefined;
  return typeof q?.lang === 'string' ? q.lang : undefined;
};

export async function registerSurveyForm(app: FastifyInstance, s: Services): Promise<void> {
  const minute = new AddressLog(1);
  const bad = new AddressLog(RATE.badWindowMinutes);
  let key: Buffer | undefined;

  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
      const params = new URLSearchParams(body as string);
      const out: Record<string, string> = {};
      for (const [k, v] of params) if (/^(n|q\d{1,3})$/.test(k)) out[k] = v;
      done(null, out);
    });
    scope.setErrorHandler((err, req, reply) => {
      const locale = fromAcceptLanguage(req.headers['accept-language']) ?? 'en';
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      if (status === 413) return plain(reply, 413, locale, translate(locale, 'survey.tooLarge.title'), translate(locale, 'survey.tooLarge.body'));
      if (status >= 400 && status < 500) return plain(reply, status, locale, translate(locale, 'survey.notFound.title'), translate(locale, 'survey.notFound.body'));
      req.log.error({ err }, 'survey form failed');
      return plain(reply, 500, locale, translate(locale, 'survey.failed.title'), translate(locale, 'survey.failed.body'));
    });

    /** The survey of a request's token, or an answer already sent (404, 429). */
    const open = async (req: FastifyRequest, reply: FastifyReply): Promise<{ form: SurveyForm; locale: Locale; ref: SurveyRef } | undefined> => {
      const now = s.now();
      const fallback = formLocale('', req.headers, langOf(req));
      const wait = Math.max(minute.wait(req.ip, now, RATE.perMinute), bad.wait(req.ip, now, RATE.badPerWindow));
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        plain(reply, 429, fallback, translate(fallback, 'survey.tooMany.title'), translate(fallback, 'survey.tooMany.body', { seconds: wait }));
        return undefined;
      }
      minute.add(req.ip, now);
      key ??= await workspaceKey(s.db);
      // A wildcard, not `:token`: Fastify caps a named parameter at 100 characters, and tokens are longer.
      const token = (req.params as { '*'?: string })['*'] ?? '';
      const ref = token.length <= 2048 && !token.includes('/') ? readSurveyToken(key, token) : undefined;
      const form = ref ? await surveyForm(s.db, ref) : undefined;
      if (!ref || !form) {
        bad.add(req.ip, now);
        plain(reply, 404, fallback, translate(fallback, 'survey.notFound.title'), translate(fallback, 'survey.notFound.body'));
        return undefined;
      }
      const words = [form.title, form.intro, ...form.questions.map((q) => q.text)].join('\n');
      return { form, ref, locale: formLocale(words, req.headers, langOf(req)) };
    };

    scope.get('/s/*', async (req, reply) => {
      const got = await open(req, reply);
      if (!got) return reply;
      return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(formHtml(got.locale, got.form, req.url));
    });

    scope.post('/s/*', { bodyLimit: FORM_BODY_LIMIT }, async (req, reply) => {
      const got = await open(req, reply);
      if (!got) return reply;
      const { form, locale, ref } = got;
      const body = (req.body ?? {}) as Record<string, string>;
      const raw = form.questions.map((_q, i) => body[`q${i}`] ?? '');
      // The page's own address, `?lang=` kept: the answer is worded like the form.
      const action = req.url;
      // A form sent for a different number of questions (an old page) is shown again, not stored.
      const checked = body.n !== undefined && Number(body.n) !== form.questions.length ? ({ index: -1, problem: 'count' } as const) : checkAnswers(form.questions, raw);
      if (!('answers' in checked)) {
        const error = translate(locale, `survey.problem.${checked.problem}`, { n: checked.index + 1, max: MAX_ANSWER_CHARS });
        const values = raw.map((v) => v.slice(0, MAX_ANSWER_CHARS));
        return reply.status(422).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(formHtml(locale, form, action, { values, error }));
      }
      const { first } = await saveAnswers(s.db, ref, checked.answers, s.now());
      const t = (k: string) => esc(translate(locale, k));
      return reply
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(
          page(
            locale,
            translate(locale, 'survey.thanks.title'),
            `<div class="ok"><h1>${t('survey.thanks.title')}</h1><p>${t(first ? 'survey.thanks.body' : 'survey.thanks.again')}</p></div><p><a href="${esc(action)}">${t('survey.thanks.change')}</a></p>`,
          ),
        );
    });
  });
}
