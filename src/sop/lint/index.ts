// The SOP sheet linter: stable rule ids, a severity, the line and a fix hint for each finding.
// Public entry — the CLI, the HTTP server and the template tests use only what is exported here.

import { type Locale, msg, render, textOf } from '../../i18n/index.ts';
import { SheetError } from '../errors.ts';
import { parseSheet } from '../parse.ts';
import type { ParsedSheet } from '../types.ts';
import { LINT_CONFIG_RULE, readLintConfig } from './config.ts';
import { lintContext } from './context.ts';
import type { Finding, Report, Rule, RuleInfo, Severity } from './finding.ts';
import { audience } from './rules/audience.ts';
import { campFeedback } from './rules/camp-feedback.ts';
import { conversionWithoutWarmup } from './rules/conversion-without-warmup.ts';
import { dailyDensity } from './rules/daily-density.ts';
import { digestStep } from './rules/digest-step.ts';
import { earlyConversion } from './rules/early-conversion.ts';
import { finalReminders } from './rules/final-reminders.ts';
import { groupLeadTime } from './rules/group-lead-time.ts';
import { leadLifespan } from './rules/lead-lifespan.ts';
import { longParagraph } from './rules/long-paragraph.ts';
import { noticeLeadTime } from './rules/notice-lead-time.ts';
import { oneLink } from './rules/one-link.ts';
import { quietHours } from './rules/quiet-hours.ts';
import { rulesBeforeInvite } from './rules/rules-before-invite.ts';
import { unknownVariable } from './rules/unknown-variable.ts';
import { variantBalance } from './rules/variant-balance.ts';

export type { Finding, RuleInfo, Severity } from './finding.ts';

/** Rule id of the findings for a sheet that cannot be read at all. */
export const PARSE_RULE = 'parse';
export { LINT_CONFIG_RULE };

const ALL: Rule[] = [
  noticeLeadTime,
  groupLeadTime,
  finalReminders,
  quietHours,
  dailyDensity,
  conversionWithoutWarmup,
  earlyConversion,
  leadLifespan,
  campFeedback,
  rulesBeforeInvite,
  unknownVariable,
  longParagraph,
  oneLink,
  digestStep,
  audience,
  variantBalance,
];

/** The fifteen rules, for docs, `--json` and the console. */
export const RULES: RuleInfo[] = ALL.map((r) => r.info);

const byPosition = (a: Finding, b: Finding): number =>
  a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);

/** Lints a parsed sheet; findings sorted by line, column, rule, worded in `locale` (English by default). */
export function lintSheet(parsed: ParsedSheet, locale: Locale = 'en'): Finding[] {
  const ctx = lintContext(parsed);
  const file = parsed.source.file;
  const findings: Finding[] = [];
  const add = (rule: string, severity: Severity, r: Report) => {
    const pos = r.at ?? ctx.pos(r.path);
    findings.push({ file, rule, severity, line: pos.line, column: pos.column, message: render(locale, r.message), hint: render(locale, r.hint) });
  };
  const { settings, reports } = readLintConfig(ctx, RULES);
  for (const r of reports) add(LINT_CONFIG_RULE, 'warning', r);
  for (const rule of ALL) {
    const s = settings.get(rule.info.id);
    if (!s || s.severity === 'off') continue;
    for (const r of rule.check(ctx, s.options)) add(rule.info.id, s.severity ?? r.severity ?? rule.info.severity, r);
  }
  return findings.sort(byPosition);
}

/**
 * Parses then lints; a sheet that cannot be parsed gives findings with rule `parse` and severity
 * `error`, and `parsed: false`, so callers can tell "bad sheet" (CLI exit 2) from "lint errors" (exit 1).
 */
export function lintText(text: string, file: string, locale: Locale = 'en'): { parsed: boolean; findings: Finding[] } {
  let parsed: ParsedSheet;
  try {
    parsed = parseSheet(text, file);
  } catch (e) {
    if (!(e instanceof SheetError)) throw e;
    return {
      parsed: false,
      findings: e.problems
        .map((p) => ({
          file: p.file,
          rule: PARSE_RULE,
          severity: 'error' as const,
          line: p.line,
          column: p.column,
          message: render(locale, textOf(p) ?? p.message),
          hint: render(locale, msg('lint.parse.hint')),
        }))
        .sort(byPosition),
    };
  }
  return { parsed: true, findings: lintSheet(parsed, locale) };
}
