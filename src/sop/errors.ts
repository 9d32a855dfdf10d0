import { english, type Text, withText } from '../i18n/index.ts';
import type { Pos } from './types.ts';

/** One problem in a sheet, told so that an operator can find and fix it. */
export interface SheetProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted path of the field (`steps.3.at`), when the problem belongs to one. */
  path?: string;
  message: string;
}

/** A sheet that cannot be read: broken YAML or a value outside the format. Nothing of it is used. */
export class SheetError extends Error {
  readonly problems: SheetProblem[];

  constructor(problems: SheetProblem[]) {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
    super(sorted.map(formatProblem).join('\n'));
    this.name = 'SheetError';
    this.problems = sorted;
  }
}

export function formatProblem(p: SheetProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** A problem in English; a catalogue text is remembered (`textOf`) so the API can word it in the reader's language. */
export function problemAt(file: string, pos: Pos, message: Text, path?: string): SheetProblem {
  return withText({ file, line: pos.line, column: pos.column, message: english(message), ...(path ? { path } : {}) }, message);
}
