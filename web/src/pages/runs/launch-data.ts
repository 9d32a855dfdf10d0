// The launch form's decisions: the variables a sheet asks for, the group selector a filter
// means, the anchor instant a local date and time mean in the operator's zone. Pure.

import { DateTime } from 'luxon';
import { parse } from 'yaml';

export interface SheetVar {
  name: string;
  required: boolean;
  default?: string;
  description?: string;
}

/**
 * The sheet's `vars:` as a form needs them, in the order written. Same rule as the server's
 * parser (src/sop/parse.ts): a variable is required unless it says otherwise or has a default.
 * A sheet that cannot be read gives no variables (the preview then shows the server's message).
 */
export function readVars(yaml: string): SheetVar[] {
  let doc: unknown;
  try {
    doc = parse(yaml);
  } catch {
    return [];
  }
  if (!doc || typeof doc !== 'object') return [];
  const vars = (doc as { vars?: unknown }).vars;
  if (!vars || typeof vars !== 'object' || Array.isArray(vars)) return [];
  return Object.entries(vars as Record<string, unknown>).map(([name, raw]) => {
    const spec = raw && typeof raw === 'object' ? (raw as { required?: unknown; default?: unknown; description?: unknown }) : {};
    const def = spec.default === undefined || spec.default === null ? undefined : String(spec.default);
    return {
      name,
      required: typeof spec.required === 'boolean' ? spec.required : def === undefined,
      ...(def !== undefined ? { default: def } : {}),
      ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
    };
  });
}

/** Required variables still empty (a default counts as filled). */
export function missingVars(vars: readonly SheetVar[], values: Record<string, string>): string[] {
  return vars.filter((v) => v.required && !(values[v.name] ?? '').trim() && v.default === undefined).map((v) => v.name);
}

/** Only the variables the operator typed: empty fields fall back to the sheet's defaults. */
export function filledVars(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v.trim()) out[k] = v.trim();
  return out;
}

export interface GroupFilter {
  channel: string;
  community: string;
  tag: string;
  leader: string;
}

export const NO_FILTER: GroupFilter = { channel: '', community: '', tag: '', leader: '' };

/**
 * The selector (src/community/groups.ts) a filter means: every chosen term must hold, joined by
 * `+`; nothing chosen is `all`. `+` and `,` cannot appear in a value: the selector reads them as
 * separators, so such a value is refused here rather than silently widened.
 */
export function selectorOf(f: GroupFilter): { selector: string } | { error: 'separator'; field: keyof GroupFilter } {
  const terms: string[] = [];
  for (const key of ['channel', 'community', 'tag', 'leader'] as const) {
    const value = f[key].trim();
    if (!value) continue;
    if (/[+,]/.test(value)) return { error: 'separator', field: key };
    terms.push(`${key}:${value}`);
  }
  return { selector: terms.length ? terms.join('+') : 'all' };
}

/** `2025-03-01` + `20:00` in `zone` → an ISO instant with its offset; undefined when not a real time. */
export function anchorInstant(date: string, time: string, zone: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return undefined;
  const dt = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!dt.isValid) return undefined;
  // A time skipped by a DST jump (02:30 on the spring-forward night) moves forward in luxon;
  // the operator then sees the real instant in the preview.
  return dt.toISO({ suppressMilliseconds: true }) ?? undefined;
}

/** Today's date and the next full hour in `zone`, as the form's default anchor. */
export function defaultAnchor(now: Date, zone: string): { date: string; time: string } {
  const dt = DateTime.fromJSDate(now, { zone }).plus({ hours: 1 }).startOf('hour');
  return { date: dt.toFormat('yyyy-MM-dd'), time: dt.toFormat('HH:mm') };
}

export type Span = { unit: 's'; n: number } | { unit: 'min'; n: number } | { unit: 'h'; n: number; m: number };

/** A delay in seconds in the largest sensible unit, for "at most 3 min behind schedule". */
export function spanOf(seconds: number): Span {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return { unit: 's', n: s };
  if (s < 90 * 60) return { unit: 'min', n: Math.round(s / 60) };
  const minutes = Math.round(s / 60);
  return { unit: 'h', n: Math.floor(minutes / 60), m: minutes % 60 };
}
