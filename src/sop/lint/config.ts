// The sheet's `lint:` block: per-rule severity and thresholds. Anything the linter cannot use —
// an unknown rule, an unknown threshold, a value of the wrong kind — is itself reported (rule
// `lint-config`) and the default is kept, so a typo never silently switches a check off.

import { msg } from '../../i18n/index.ts';
import { closest } from '../parse.ts';
import { COMMUNITIES, type Community } from '../types.ts';
import { readQuietHours } from '../when.ts';
import type { LintSheet } from './context.ts';
import type { Options, Report, RuleInfo, Severity } from './finding.ts';

export const LINT_CONFIG_RULE = 'lint-config';

const SEVERITIES = ['error', 'warning', 'info', 'off'] as const;

export interface RuleSettings {
  /** Set by the sheet; undefined means the rule decides (its default, or a graver one for a specific case). */
  severity?: Severity | 'off';
  options: Options;
}

type Check = (value: unknown) => { ok: true; value: unknown } | { ok: false; expected: string };

/** Checks for thresholds whose values are more than a number. */
const SPECIAL: Record<string, Check> = {
  window: (v) => {
    if (typeof v !== 'string') return { ok: false, expected: 'a time window like "22:30-07:00"' };
    const q = readQuietHours(v);
    return q.ok ? { ok: true, value: q.value } : { ok: false, expected: 'a time window like "22:30-07:00"' };
  },
  communities: (v) => {
    const list = typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : v;
    const expected = `a list of community types (${COMMUNITIES.join(', ')})`;
    if (!Array.isArray(list) || !list.every((c) => (COMMUNITIES as readonly unknown[]).includes(c))) {
      return { ok: false, expected };
    }
    return { ok: true, value: list as Community[] };
  },
};

function checkNumber(def: number): Check {
  const whole = Number.isInteger(def);
  const expected = whole ? `a whole number like ${def}` : `a number like ${def}`;
  return (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 && (!whole || Number.isInteger(v))
      ? { ok: true, value: v }
      : { ok: false, expected };
}

/** The defaults of each rule in the form rules receive them (windows read, lists parsed). */
export function defaultOptions(info: RuleInfo): Options {
  const out: Options = {};
  for (const [name, def] of Object.entries(info.defaults)) {
    const special = Object.hasOwn(SPECIAL, name) ? SPECIAL[name] : undefined;
    const read = special ? special(def) : { ok: true as const, value: def };
    out[name] = read.ok ? read.value : def;
  }
  return out;
}

function shown(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function readLintConfig(ctx: LintSheet, rules: RuleInfo[]): { settings: Map<string, RuleSettings>; reports: Report[] } {
  const settings = new Map<string, RuleSettings>();
  for (const info of rules) settings.set(info.id, { options: defaultOptions(info) });
  const reports: Report[] = [];
  const ids = rules.map((r) => r.id);
  for (const [id, overrides] of Object.entries(ctx.sheet.lint)) {
    const base = `lint.${id}`;
    const info = rules.find((r) => r.id === id);
    const target = settings.get(id);
    if (!info || !target) {
      const near = closest(id, ids);
      reports.push({
        path: `${base}#key`,
        message: near ? msg('lint.lint-config.unknownRuleNear', { id, near }) : msg('lint.lint-config.unknownRule', { id }),
        hint: near ? msg('lint.lint-config.renameHint', { near }) : msg('lint.lint-config.ruleIdsHint', { ids: ids.join(', ') }),
      });
      continue;
    }
    for (const [name, value] of Object.entries(overrides ?? {})) {
      const path = `${base}.${name}`;
      if (name === 'severity') {
        if ((SEVERITIES as readonly unknown[]).includes(value)) target.severity = value as RuleSettings['severity'];
        else {
          reports.push({
            path,
            message: msg('lint.lint-config.badSeverity', { id, value: shown(value), default: info.severity }),
            hint: msg('lint.lint-config.badSeverityHint'),
          });
        }
        continue;
      }
      // Own entries only: `constructor` or `toString` are not settings of any rule.
      if (!Object.hasOwn(info.defaults, name)) {
        const names = ['severity', ...Object.keys(info.defaults)];
        const near = closest(name, names);
        reports.push({
          path: `${path}#key`,
          message: near ? msg('lint.lint-config.unknownSettingNear', { id, name, near }) : msg('lint.lint-config.unknownSetting', { id, name }),
          hint: msg('lint.lint-config.settingsHint', { id, names: names.join(', ') }),
        });
        continue;
      }
      const def = info.defaults[name];
      const check = (Object.hasOwn(SPECIAL, name) ? SPECIAL[name] : undefined) ?? (typeof def === 'number' ? checkNumber(def) : undefined);
      const read = check ? check(value) : { ok: true as const, value };
      if (read.ok) target.options[name] = read.value;
      else {
        reports.push({
          path,
          message: `\`lint: ${id}: ${name}: ${shown(value)}\` should be ${read.expected}; the default ${shown(def)} is used`,
          hint: `Write ${read.expected}, or remove the line to keep the default.`,
        });
      }
    }
  }
  return { settings, reports };
}
