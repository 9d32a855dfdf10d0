// Text that cannot be stored: PostgreSQL refuses a NUL character in text and JSON, and a lone
// UTF-16 surrogate (half of an emoji, `\udfff`) cannot be written as UTF-8 at all. Such input is
// refused at the boundary with a 400 naming the field, before anything is written; otherwise a
// change could commit and its audit entry (or a later read) fail.

import { msg } from '../i18n/index.ts';
import { ApiError } from './errors.ts';

/** A NUL, or a surrogate that is not half of a well-formed pair. */
const BAD = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(s: string): boolean {
  return !BAD.test(s);
}

/**
 * The path (`groups`, `vars.course`, `steps.2.text`) of the first string in `value` — keys
 * included — that cannot be stored; `''` when the value itself is such a string; undefined when
 * all is well. Pure.
 */
export function findUnstorableText(value: unknown, path: readonly string[] = []): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path.join('.');
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], [...path, String(i)]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!isStorableText(k)) return [...path, k].join('.');
      const found = findUnstorableText(v, [...path, k]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Throws 400 invalid_text naming the field when a request part holds unstorable text. */
export function refuseUnstorableText(value: unknown, part: 'body' | 'query' | 'params' | 'headers'): void {
  const found = findUnstorableText(value);
  if (found === undefined) return;
  const field = found || part;
  throw new ApiError(400, 'invalid_text', msg('error.invalidText', { part, field }), { field, reason: msg('error.invalidText.reason') });
}
