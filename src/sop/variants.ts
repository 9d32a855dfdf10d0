// `variants:` on a step: two or more texts with short ids, compared over the run's groups
// (docs/sop-format.md, "Variants"). This file reads them from the YAML with the operator's wording
// for every mistake; which group gets which text is decided in variant-split.ts.

import { msg, type Text } from '../i18n/index.ts';
import type { Action, Variant } from './types.ts';

/** The actions whose `text` is the message (or a person's script): the ones that can vary it. */
export const VARIANT_ACTIONS: ReadonlySet<Action> = new Set(['post', 'announce', 'welcome', 'notify', 'direct_message', 'task', 'checkin', 'remind', 'survey']);

/** More than this and each variant reaches too few groups to be compared. */
export const MAX_VARIANTS = 10;
/** Variant ids are shown in every per-variant figure and column: short words. */
export const MAX_VARIANT_ID = 20;
export const VARIANT_ID = /^[a-z0-9][a-z0-9_-]*$/;

/** Whether `id` can name a variant (the spreadsheet import checks its column labels with it). */
export function isVariantId(id: string): boolean {
  return id.length <= MAX_VARIANT_ID && VARIANT_ID.test(id);
}

type Report = (path: string, message: Text) => void;

/**
 * `raw` (the step's `variants:` value) as variants, or undefined after reporting every problem at
 * `path` (`steps.3.variants`) and below it. `hasText`: the step also wrote `text:`.
 */
export function readVariants(
  raw: unknown,
  step: { action: Action; hasText: boolean; path: string },
  out: { report: Report; say: (what: Text) => Text; near: (key: string, among: string[]) => string | undefined },
): Variant[] | undefined {
  const { action, hasText, path } = step;
  const { report, say } = out;
  const fail = (at: string, what: Text) => report(at, say(what));
  if (!VARIANT_ACTIONS.has(action)) {
    fail(`${path}#key`, msg('parse.variants.notForAction', { action, actions: [...VARIANT_ACTIONS].join(', ') }));
    return undefined;
  }
  if (hasText) {
    fail(`${path}#key`, msg('parse.variants.withText'));
    return undefined;
  }
  if (!Array.isArray(raw)) {
    fail(path, msg('parse.variants.notList'));
    return undefined;
  }
  if (raw.length < 2) {
    fail(path, msg('parse.variants.tooFew', { count: raw.length }));
    return undefined;
  }
  if (raw.length > MAX_VARIANTS) {
    fail(`${path}.${MAX_VARIANTS}`, msg('parse.variants.tooMany', { count: raw.length, max: MAX_VARIANTS }));
    return undefined;
  }
  const variants: Variant[] = [];
  const seen = new Map<string, number>();
  let bad = false;
  raw.forEach((item, i) => {
    const at = `${path}.${i}`;
    const n = i + 1;
    const problem = (where: string, what: Text) => {
      bad = true;
      fail(where, what);
    };
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problem(at, msg('parse.variants.notMap', { n }));
      return;
    }
    const fields = item as Record<string, unknown>;
    const rawId = fields.id;
    const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : undefined;
    const name = id ?? String(n);
    for (const key of Object.keys(fields)) {
      if (key === 'id' || key === 'text') continue;
      const near = out.near(key, ['id', 'text']);
      problem(`${at}.${key}#key`, near ? msg('parse.variants.unknownFieldNear', { id: name, key, near }) : msg('parse.variants.unknownField', { id: name, key }));
    }
    if (id === undefined) problem(at, rawId === undefined ? msg('parse.variants.noId', { n }) : msg('parse.variants.badId', { n, id: '', max: MAX_VARIANT_ID }));
    else if (!isVariantId(id)) problem(`${at}.id`, msg('parse.variants.badId', { n, id, max: MAX_VARIANT_ID }));
    else if (seen.has(id)) problem(`${at}.id`, msg('parse.variants.duplicateId', { id, n: (seen.get(id) ?? 0) + 1 }));
    if (id !== undefined && !seen.has(id)) seen.set(id, i);
    const text = fields.text;
    if (text === undefined || text === null || text === '') problem(at, msg('parse.variants.noText', { id: name }));
    else if (typeof text !== 'string') problem(`${at}.text`, msg('parse.variants.textNotText', { id: name }));
    if (id !== undefined && typeof text === 'string') variants.push({ id, text });
  });
  return bad ? undefined : variants;
}
