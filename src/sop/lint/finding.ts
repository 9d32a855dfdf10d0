// What the linter reports and the contract each rule implements. Rules are pure: a parsed sheet
// and the rule's options in, plain reports out; the engine (index.ts) adds file, position,
// severity and order.

import type { Text } from '../../i18n/index.ts';
import type { Pos } from '../types.ts';
import type { LintSheet } from './context.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  file: string;
  rule: string;
  severity: Severity;
  line: number;
  column: number;
  message: string;
  hint: string;
}

export interface RuleInfo {
  id: string;
  severity: Severity;
  summary: string;
  /** Thresholds a sheet may override under `lint: { <id>: { ... } }`. */
  defaults: Record<string, unknown>;
}

/** One problem as a rule sees it: where (a field path, or an exact position inside a text) and what. */
export interface Report {
  /** Dotted path of the field to point at (`steps.3.at`, `steps.3`, `anchor`). */
  path: string;
  /** A more exact position than `path` gives, e.g. a line inside a block text. */
  at?: Pos;
  /** Catalogue texts (src/i18n, `lint.*`) so the API can answer in the reader's language. */
  message: Text;
  hint: Text;
  /** Only when this finding is graver (or milder) than the rule's default, e.g. a quiet-hours clash the planner will refuse. */
  severity?: Severity;
}

/** Option values after the sheet's `lint:` overrides were checked and merged over `defaults`. */
export type Options = Record<string, unknown>;

export interface Rule {
  info: RuleInfo;
  check(sheet: LintSheet, options: Options): Report[];
}
