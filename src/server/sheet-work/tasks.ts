// The sheet engine's CPU-heavy calls as the API makes them: lint, plan and import. Each takes and
// returns plain data (structured-cloneable), so the worker thread (thread.ts) is a thin adapter
// and the answer is the same whether a task runs there or in-process (tests compare both).

import { type Locale, type Msg, msg, textOf, withText } from '../../i18n/index.ts';
import { SheetError, type SheetProblem } from '../../sop/errors.ts';
import { type ImportOptions, importSpreadsheet, type RowError } from '../../sop/import/index.ts';
import { type Finding, lintSheet, lintText } from '../../sop/lint/index.ts';
import { parseSheet } from '../../sop/parse.ts';
import { checkGroups, compilePlan, type PlanGroup, PlanError, type PlannedAction, type PlanProblem, planAll, readAnchor } from '../../sop/plan.ts';
import { ApiError } from '../errors.ts';

/**
 * Actions one preview may hold (groups × planned times): a preview is read by people, and 500
 * groups of the largest sheet would be five million actions in one answer.
 */
export const MAX_PREVIEW_ACTIONS = 20_000;

export interface LintArgs {
  yaml: string;
  file: string;
  /** The language findings are worded in (the request's). */
  locale?: Locale;
}
export interface LintAnswer {
  parsed: boolean;
  findings: Finding[];
}

export interface CheckArgs {
  yaml: string;
  /** As given by the caller; findings name `<sop>.yaml` without one. */
  file?: string;
  locale?: Locale;
}
/** A sheet ready to save: what the store keeps about it, and its findings. */
export interface CheckAnswer {
  summary: { sop: string; title: string; community: string; stepCount: number };
  findings: Finding[];
}

export interface PlanArgs {
  yaml: string;
  file: string;
  anchor: string;
  groups: PlanGroup[];
  vars?: Record<string, string>;
  timezone?: string;
}
export interface PlanAnswer {
  sop: string;
  anchor: string;
  count: number;
  actions: PlannedAction[];
}

export interface ImportArgs {
  data: Uint8Array;
  fileName: string;
  options?: ImportOptions;
}
export type ImportAnswer = { ok: true; yaml: string; notes: string[]; sop: string; steps: number } | { ok: false; errors: RowError[] };

/** A failure the caller turns into its own error; anything else is a bug (`internal`). */
export type TaskFailure =
  | { kind: 'sheet'; problems: SheetProblem[]; /** Each problem's catalogue text (a WeakMap does not cross threads). */ texts: (Msg | undefined)[] }
  | { kind: 'plan'; message: string; problems: PlanProblem[] }
  | { kind: 'api'; status: number; code: string; message: string; text?: Msg }
  | { kind: 'internal'; message: string; stack?: string };

export const TASKS = {
  lint(a: LintArgs): LintAnswer {
    return lintText(a.yaml, a.file, a.locale);
  },
  /** Throws SheetError (as saveSheet would) for a sheet that cannot be read. */
  check(a: CheckArgs): CheckAnswer {
    const parsed = parseSheet(a.yaml, a.file ?? 'sheet.yaml');
    const { sheet } = parsed;
    const file = a.file ?? `${sheet.sop}.yaml`;
    return {
      summary: { sop: sheet.sop, title: sheet.title, community: sheet.community, stepCount: sheet.steps.length },
      findings: lintSheet({ ...parsed, source: { ...parsed.source, file } }, a.locale),
    };
  },
  plan(a: PlanArgs): PlanAnswer {
    const { sheet } = parseSheet(a.yaml, a.file);
    const anchor = readAnchor(a.anchor, sheet, a.timezone);
    const compiled = compilePlan({ sheet, anchor, vars: a.vars, timezone: a.timezone });
    const count = compiled.occurrences.length * a.groups.length;
    if (count > MAX_PREVIEW_ACTIONS && !checkGroups(compiled, a.groups).length) {
      throw new ApiError(
        422,
        'preview_too_large',
        msg('error.previewTooLarge', { count: count.toLocaleString('en'), per: compiled.occurrences.length.toLocaleString('en'), groups: a.groups.length, max: MAX_PREVIEW_ACTIONS.toLocaleString('en') }),
      );
    }
    const actions = planAll(compiled, a.groups);
    return { sop: sheet.sop, anchor: anchor.toISOString(), count: actions.length, actions };
  },
  async import(a: ImportArgs): Promise<ImportAnswer> {
    const r = await importSpreadsheet(a.data, a.fileName, a.options);
    if (!r.ok) return r;
    return { ok: true, yaml: r.yaml, notes: r.notes, sop: r.sheet.sheet.sop, steps: r.sheet.sheet.steps.length };
  },
};

export type TaskName = keyof typeof TASKS;
export type TaskArgs<T extends TaskName> = Parameters<(typeof TASKS)[T]>[0];
export type TaskAnswer<T extends TaskName> = Awaited<ReturnType<(typeof TASKS)[T]>>;

export function toFailure(e: unknown): TaskFailure {
  if (e instanceof SheetError) return { kind: 'sheet', problems: e.problems, texts: e.problems.map((p) => textOf(p)) };
  if (e instanceof PlanError) return { kind: 'plan', message: e.message, problems: e.problems };
  if (e instanceof ApiError) return { kind: 'api', status: e.status, code: e.code, message: e.message, ...(typeof e.text === 'object' ? { text: e.text } : {}) };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'internal', message: err.message, stack: err.stack };
}

/** The error a failure stands for, as the in-process call would have thrown it. */
export function fromFailure(f: TaskFailure): Error {
  if (f.kind === 'sheet') return new SheetError(f.problems.map((p, i) => withText(p, f.texts?.[i] ?? p.message)));
  if (f.kind === 'plan') return new PlanError(f.problems);
  if (f.kind === 'api') return new ApiError(f.status, f.code, f.text ?? f.message);
  const e = new Error(f.message);
  if (f.stack) e.stack = f.stack;
  return e;
}
