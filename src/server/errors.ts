// API errors: one JSON shape, `{ error: { code, message, field?, reason?, problems? } }`, so a
// console or a script can show exactly where and what. `message`, `reason` and the problems'
// words are rendered in the request's language (src/i18n); `code` and `field` never change.

import type { z } from 'zod';
import { english, fromKey, isMsg, type Locale, type Msg, msg, render, type Text, textOf } from '../i18n/index.ts';
import type { SheetProblem } from '../sop/errors.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly reason?: string;
  readonly problems?: unknown[];
  /** For 429: how long to wait before trying again. */
  readonly retryAfterSeconds?: number;
  /** The message and reason as catalogue texts (a plain string stays as written). */
  readonly text: Text;
  readonly reasonText?: Text;

  constructor(
    status: number,
    code: string,
    message: Text,
    extra: { field?: string; reason?: Text; problems?: unknown[]; retryAfterSeconds?: number } = {},
  ) {
    super(english(message));
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.text = message;
    const { reason, ...rest } = extra;
    Object.assign(this, rest);
    if (reason !== undefined) {
      this.reason = english(reason);
      this.reasonText = reason;
    }
  }

  /** The answer's body, in `locale` (English by default). */
  toJSON(locale: Locale = 'en') {
    return {
      error: {
        code: this.code,
        message: render(locale, this.text),
        ...(this.field !== undefined ? { field: this.field } : {}),
        ...(this.reasonText !== undefined ? { reason: render(locale, this.reasonText) } : {}),
        ...(this.problems !== undefined ? { problems: this.problems.map((p) => localizeProblem(p, locale)) } : {}),
        ...(this.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
      },
    };
  }
}

/**
 * A problem of an error's list in `locale`: a sheet problem made from a catalogue text (see
 * `withText`) has its `message` rendered again; any other field holding a `Msg` is rendered.
 */
export function localizeProblem(p: unknown, locale: Locale): unknown {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return p;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) out[k] = isMsg(v) ? render(locale, v) : v;
  const text = textOf(p);
  if (text && 'message' in out) out.message = render(locale, text);
  return out;
}

/** 404 for a thing by its catalogue name: `notFound(msg('thing.sheet', { id }))` → "Sheet "x" does not exist". */
export const notFound = (what: Text) => new ApiError(404, 'not_found', msg('error.notFound', { what }));

export const forbidden = (message: Text) => new ApiError(403, 'forbidden', message);

export function invalidSheet(problems: SheetProblem[]): ApiError {
  const first = problems[0];
  const detail: Text = first ? (textOf(first) ?? first.message) : '';
  return new ApiError(422, 'invalid_sheet', msg(first ? 'error.invalidSheet' : 'error.invalidSheetNone', { count: problems.length, detail }), {
    problems,
  });
}

/** Checks a request part against a schema; the first problem becomes `field` + `reason`. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, part: 'body' | 'query' | 'params'): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => ({ field: i.path.map(String).join('.') || part, reason: plainReason(i) }));
  const first = problems[0];
  return fail(first.field, first.reason, problems, part);
}

function fail(field: string, reason: Msg | string, problems: unknown[], part: string): never {
  throw new ApiError(400, 'invalid_request', msg('validate.request', { part, field, reason }), { field, reason, problems });
}

function plainReason(issue: z.core.$ZodIssue): Msg | string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? msg('validate.required') : msg('validate.type', { expected: String(issue.expected) });
    case 'unrecognized_keys':
      return msg('validate.unknownKeys', { count: issue.keys.length, keys: issue.keys.join(', ') });
    case 'invalid_value':
      return msg('validate.oneOf', { values: issue.values.map(String).join(', ') });
    case 'too_big':
      return msg('validate.tooBig', { max: String(issue.maximum) });
    case 'too_small':
      return msg('validate.tooSmall', { min: String(issue.minimum) });
    default:
      // A schema's own message (a refine, a custom check): a catalogue key such as
      // 'validate.httpLink' is worded in the reader's language, other words stay as written.
      return fromKey(issue.message);
  }
}
