// The server's words in English and Chinese: one flat catalogue per language (`en.ts`, `zh.ts`),
// keys like `notFound.sheet`, `{name}` placeholders. Errors, lint findings and sheet problems
// carry a `Msg` (key + values) and are rendered in the reader's language at the edge: the API
// answers in the request's language (locale.ts), the CLI in English unless told otherwise.
// `test/i18n/catalogue.test.ts` fails when a key or a placeholder is missing in one language.

import en from './en.ts';
import zh from './zh.ts';
import type { Msg, Text, Vars } from './msg.ts';

export { isMsg, type Msg, msg, type Text, type Value, type Vars } from './msg.ts';

export type Locale = 'en' | 'zh';
export const LOCALES: readonly Locale[] = ['en', 'zh'];

export type Catalogue = Readonly<Record<string, string>>;
export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, zh };


/**
 * A text that had to be given as a string (a zod schema's `message`): a catalogue key becomes that
 * text, anything else stays as written. So a schema writes `{ message: 'validate.link' }`.
 */
export function fromKey(words: string): Text {
  return Object.hasOwn(en, words) ? { key: words } : words;
}


export function isLocale(v: unknown): v is Locale {
  return v === 'en' || v === 'zh';
}

/**
 * The text for a key in a language (English when the language lacks it, the key itself when
 * neither has it, so a mistake shows). With `count` = 1 a `<key>_one` text wins when it exists.
 */
export function translate(locale: Locale, key: string, vars?: Vars): string {
  const cat = CATALOGUES[locale];
  const one = vars?.count === 1 ? (cat[`${key}_one`] ?? en[`${key}_one`]) : undefined;
  const text = one ?? cat[key] ?? en[key];
  if (text === undefined) return key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = vars[name];
    return v === undefined ? m : typeof v === 'object' ? render(locale, v) : String(v);
  });
}

export function render(locale: Locale, text: Text): string {
  return typeof text === 'string' ? text : translate(locale, text.key, text.vars);
}

/** English, for logs, `Error.message` and the CLI. */
export const english = (text: Text): string => render('en', text);

/** The `{name}` placeholders of a catalogue text, sorted (both languages must use the same). */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
}

// Objects whose English words were made from a Msg (sheet problems) remember it here, invisible to
// JSON and equality, so the API can render them again in the reader's language.
const texts = new WeakMap<object, Msg>();

export function withText<T extends object>(obj: T, text: Text): T {
  if (typeof text !== 'string') texts.set(obj, text);
  return obj;
}

export function textOf(obj: object): Msg | undefined {
  return texts.get(obj);
}
