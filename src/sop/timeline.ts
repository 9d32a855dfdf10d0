// A plan as a day-by-day timeline for people (`chorus sop plan` without --json). Lines that are
// the same for many groups are printed once with a count, so 50 groups do not mean 50 lines.

import { DateTime } from 'luxon';
import type { PlannedAction } from './plan-types.ts';
import type { Sheet } from './types.ts';
import { localOf } from './zone.ts';

/** Up to this many groups are named on a line; more are counted. */
const NAMED_GROUPS = 3;
/** Up to this many different texts of one step are shown one line each; more are summarised. */
const SHOWN_VERSIONS = 3;
const TEXT_WIDTH = 72;

interface Entry {
  dueMs: number;
  step: string;
  action: string;
  executor: string;
  /** Per variant ('' without variants): first line of the text (`(b) …`) → the groups that get it, in plan order. */
  texts: Map<string, Map<string, string[]>>;
}

interface Row {
  time: string;
  step: string;
  action: string;
  executor: string;
  groups: string;
  text: string;
}

export function formatTimeline(
  actions: PlannedAction[],
  opts: { sheet: Sheet; anchor: Date; timezone?: string },
): string {
  const { sheet } = opts;
  const zone = opts.timezone ?? sheet.timezone;
  const anchorMs = opts.anchor.getTime();
  const anchorLocal = DateTime.fromMillis(anchorMs, { zone, locale: 'en' });
  const allGroups = new Set(actions.map((a) => a.group));
  const head = [
    `${sheet.title} (${sheet.sop}) — ${sheet.anchor}: ${anchorLocal.toFormat('ccc yyyy-MM-dd HH:mm')} ${zone}`,
    actions.length
      ? `${count(actions.length, 'action')} for ${count(allGroups.size, 'group')}`
      : 'Nothing is planned: the sheet has no steps with a fixed time.',
  ];

  const entries = collect(actions);
  const d0 = localOf(anchorMs, zone).day;
  const days = new Map<number, { title: string; rows: Row[] }>();
  const dayOf = (ms: number) => {
    const local = DateTime.fromMillis(ms, { zone, locale: 'en' });
    const n = localOf(ms, zone).day;
    let day = days.get(n);
    if (!day) {
      day = { title: `D${n - d0} · ${local.toFormat('cccc yyyy-MM-dd')}`, rows: [] };
      days.set(n, day);
    }
    return { rows: day.rows, time: local.toFormat('HH:mm') };
  };

  let anchorShown = false;
  const showAnchor = () => {
    const { rows, time } = dayOf(anchorMs);
    rows.push({ time, step: '──', action: `${sheet.anchor} (D0 / T0)`, executor: '', groups: '', text: '' });
    anchorShown = true;
  };
  for (const e of entries) {
    if (!anchorShown && e.dueMs >= anchorMs) showAnchor();
    const { rows, time } = dayOf(e.dueMs);
    const base = { time, step: e.step, action: e.action, executor: e.executor };
    // Each variant is shown on its own lines, summarised on its own when it differs by group.
    for (const texts of e.texts.values()) {
      const versions = [...texts];
      if (versions.length <= SHOWN_VERSIONS) {
        for (const [text, groups] of versions) rows.push({ ...base, groups: groupLabel(groups), text: shown(text) });
      } else {
        const groups = versions.flatMap(([, g]) => g);
        const [firstText, firstGroups] = versions[0];
        rows.push({
          ...base,
          groups: groupLabel(groups),
          text: `${shown(firstText)}  (differs by group; shown for ${firstGroups[0]})`,
        });
      }
    }
  }
  if (!anchorShown && actions.length) showAnchor();

  const allRows = [...days.values()].flatMap((d) => d.rows);
  const width = (k: keyof Row) => Math.max(0, ...allRows.filter((r) => r.executor).map((r) => r[k].length));
  const w = { step: width('step'), action: width('action'), executor: width('executor'), groups: width('groups') };
  const lines = [...head, ...variantLines(actions, sheet)];
  for (const [, day] of [...days].sort((a, b) => a[0] - b[0])) {
    lines.push('', day.title);
    for (const r of day.rows) {
      if (!r.executor) {
        lines.push(`  ${r.time}  ${r.step} ${r.action}`);
        continue;
      }
      const cols = [r.time, r.step.padEnd(w.step), r.action.padEnd(w.action), r.executor.padEnd(w.executor), r.groups.padEnd(w.groups), r.text];
      lines.push(`  ${cols.join('  ')}`.trimEnd());
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Actions keyed by (due, step, occurrence), in the order the plan lists them. */
function collect(actions: PlannedAction[]): Entry[] {
  const byKey = new Map<string, Entry>();
  for (const a of actions) {
    const key = `${a.due}\u0000${a.step}\u0000${a.occurrence}\u0000${a.action}\u0000${a.executor}`;
    let e = byKey.get(key);
    if (!e) {
      e = { dueMs: Date.parse(a.due), step: a.step, action: a.action, executor: a.executor, texts: new Map() };
      byKey.set(key, e);
    }
    const variant = a.variant ?? '';
    let texts = e.texts.get(variant);
    if (!texts) {
      texts = new Map();
      e.texts.set(variant, texts);
    }
    const first = a.variant !== undefined ? `(${a.variant}) ${firstLine(a.text)}` : firstLine(a.text);
    const groups = texts.get(first);
    if (groups) groups.push(a.group);
    else texts.set(first, [a.group]);
  }
  // A stable sort keeps the plan's own order for equal instants.
  return [...byKey.values()].sort((a, b) => a.dueMs - b.dueMs);
}

/** `hello — a × 25 groups, b × 25 groups` for each step with `variants:`, in the sheet's order. */
function variantLines(actions: PlannedAction[], sheet: Sheet): string[] {
  const byStep = new Map<string, Map<string, Set<string>>>();
  for (const a of actions) {
    if (a.variant === undefined) continue;
    const step = byStep.get(a.step) ?? new Map<string, Set<string>>();
    byStep.set(a.step, step);
    const groups = step.get(a.variant) ?? new Set<string>();
    step.set(a.variant, groups);
    groups.add(a.group);
  }
  if (!byStep.size) return [];
  const lines = ['', 'Variants (each group gets one text of the step):'];
  for (const step of sheet.steps) {
    const variants = byStep.get(step.id);
    if (!variants || !step.variants) continue;
    const parts = step.variants.map((v) => `${v.id} × ${count(variants.get(v.id)?.size ?? 0, 'group')}`);
    lines.push(`  ${step.id} — ${parts.join(', ')}`);
  }
  return lines;
}

function firstLine(text: string): string {
  const t = text.trim();
  const cut = t.indexOf('\n');
  return cut < 0 ? t : `${t.slice(0, cut).trimEnd()} …`;
}

function shown(text: string): string {
  if (!text) return '—';
  return text.length > TEXT_WIDTH ? `${text.slice(0, TEXT_WIDTH - 1)}…` : text;
}

function groupLabel(groups: string[]): string {
  return groups.length <= NAMED_GROUPS ? groups.join(', ') : `× ${groups.length} groups`;
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
