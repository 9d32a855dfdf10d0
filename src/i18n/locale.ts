// Which language a request wants: the console's explicit choice (`x-chorus-locale` header or
// `?lang=`), else the browser's `Accept-Language`, else English. Pure: headers and query in.

import { isLocale, type Locale } from './index.ts';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** `zh`, `zh-CN`, `zh-Hans-TW` → zh; `en`, `en-GB` → en; anything else → undefined. */
export function localeOfTag(tag: string | undefined): Locale | undefined {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(base) ? base : undefined;
}

/** The best language of an `Accept-Language` header that Chorus speaks (q-values respected). */
export function fromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { locale: localeOfTag(tag), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((c): c is { locale: Locale; q: number; i: number } => c.locale !== undefined && c.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked[0]?.locale;
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

export function requestLocale(headers: Headers, query?: unknown): Locale {
  const lang = typeof query === 'object' && query !== null ? (query as Record<string, unknown>).lang : undefined;
  return (
    localeOfTag(first(headers['x-chorus-locale'])) ??
    localeOfTag(typeof lang === 'string' ? lang : undefined) ??
    fromAcceptLanguage(first(headers['accept-language'])) ??
    'en'
  );
}
