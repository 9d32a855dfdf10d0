// API errors: one JSON shape, `{ error: { code, message, field?, reason?, problems? } }`, so a
// console or a script can show exactly where and what.

import type { z } from 'zod';
import type { SheetProblem } from '../sop/errors.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly reason?: string;
  readonly problems?: unknown[];
  /** For 429: how long to wait before trying again. */
  readonly retryAfterSeconds?: number;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { field?: string; reason?: string; problems?: unknown[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    Object.assign(this, extra);
  }

  toJSON() {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field !== undefined ? { field: this.field } : {}),
        ...(this.reason !== undefined ? { reason: this.reason } : {}),
        ...(this.problems !== undefined ? { problems: this.problems } : {}),
        ...(this.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
      },
    };
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} does not exist`);

export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);

export function invalidSheet(problems: SheetProblem[]): ApiError {
  const n = problems.length;
  return new ApiError(422, 'invalid_sheet', `The sheet cannot be read: ${n} problem${n === 1 ? '' : 's'}. ${problems[0]?.message ?? ''}`.trim(), {
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

function fail(field: string, reason: string, problems: unknown[], part: string): never {
  throw new ApiError(400, 'invalid_request', `The request ${part} is not valid: ${field} — ${reason}`, { field, reason, problems });
}

function plainReason(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `should be ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    case 'invalid_value':
      return `should be one of ${issue.values.map(String).join(', ')}`;
    case 'too_big':
      return `is too large (at most ${String(issue.maximum)})`;
    case 'too_small':
      return `is too small (at least ${String(issue.minimum)})`;
    default:
      return issue.message;
  }
}
