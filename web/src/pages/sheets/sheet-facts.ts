// Pure pieces of the sheet editor: what the preview needs to know from the YAML text (time zone,
// anchor time, the variables without a value), the day-by-day grouping of a plan, and where a
// finding points in the text. Kept free of React and the DOM so they are tested directly.

import { parse } from 'yaml';
import { daysBetween, localParts } from '../../time.ts';
import type { Finding, PlannedAction } from '../../types.ts';

export interface SheetFacts {
  /** False when the text is not a YAML mapping (yet). */
  readable: boolean;
  sop?: string;
  /** The sheet's `title`: what the console calls it (the `sop` id is for the command line). */
  title?: string;
  timezone?: string;
  /** "HH:mm", when the sheet has `anchor_time`. */
  anchorTime?: string;
  /** Variables a run has to supply (no default), in the sheet's order. */
  varsWithoutValue: { name: string; required: boolean; description?: string }[];
}

/** Reads what it can; a text that is not YAML (yet — the user is typing) gives empty facts. */
export function sheetFacts(text: string): SheetFacts {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return { readable: false, varsWithoutValue: [] };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { readable: false, varsWithoutValue: [] };
  const d = doc as Record<string, unknown>;
  const facts: SheetFacts = { readable: true, varsWithoutValue: [] };
  if (typeof d.sop === 'string') facts.sop = d.sop;
  if (typeof d.title === 'string' && d.title.trim()) facts.title = d.title.trim();
  if (typeof d.timezone === 'string') facts.timezone = d.timezone;
  const at = d.anchor_time;
  if (typeof at === 'string' && /^\d{1,2}:\d{2}$/.test(at.trim())) facts.anchorTime = at.trim().padStart(5, '0');
  if (d.vars && typeof d.vars === 'object' && !Array.isArray(d.vars)) {
    for (const [name, spec] of Object.entries(d.vars as Record<string, unknown>)) {
      const s = spec && typeof spec === 'object' ? (spec as Record<string, unknown>) : {};
      if (s.default !== undefined && s.default !== null) continue;
      // As the parser reads it: without a default, a variable is required unless it says otherwise.
      facts.varsWithoutValue.push({ name, required: s.required !== false, description: typeof s.description === 'string' ? s.description : undefined });
    }
  }
  return facts;
}

export interface PlanDay {
  /** Calendar days from the anchor's local date: D-2, D0, D1 … */
  day: number;
  /** YYYY-MM-DD in the sheet's zone. */
  date: string;
  items: (PlannedAction & { time: string })[];
}

/** Groups a plan by local calendar day in `zone`, with the D index relative to the anchor. */
export function planByDay(actions: PlannedAction[], anchorIso: string, zone: string): PlanDay[] {
  const anchorDate = localParts(anchorIso, zone).date;
  const days = new Map<string, PlanDay>();
  const sorted = [...actions].sort((a, b) => a.due.localeCompare(b.due) || a.step.localeCompare(b.step));
  for (const a of sorted) {
    const { date, time } = localParts(a.due, zone);
    let day = days.get(date);
    if (!day) {
      day = { day: daysBetween(anchorDate, date), date, items: [] };
      days.set(date, day);
    }
    day.items.push({ ...a, time });
  }
  return [...days.values()];
}

export const dayLabel = (day: number) => `D${day}`;

/** Where a finding points, as document offsets, clamped into the text (line/column are 1-based). */
export function findingRange(lines: string[], f: Pick<Finding, 'line' | 'column'>): { from: number; to: number; line: number } {
  const line = Math.min(Math.max(f.line || 1, 1), Math.max(lines.length, 1));
  let start = 0;
  for (let i = 0; i < line - 1; i++) start += lines[i].length + 1;
  const text = lines[line - 1] ?? '';
  const col = Math.min(Math.max((f.column || 1) - 1, 0), text.length);
  // Underline from the column to the end of the line: a whole field is easier to see than one character.
  // A finding at column 1 of an indented line points at the field, not at the indentation.
  const from = start + (col === 0 ? text.length - text.trimStart().length : col);
  return { from, to: start + text.length, line };
}

export function countBySeverity(findings: Finding[]): Record<Finding['severity'], number> {
  const out = { error: 0, warning: 0, info: 0 };
  for (const f of findings) out[f.severity]++;
  return out;
}

/** A sheet to start from when there is no template or import: valid, lint-clean in spirit, short. */
/** What a new, blank sheet starts with, in the operator's language (comments and texts alike). */
export const STARTER_SHEETS: Record<'en' | 'zh', string> = {
  en: `sop: my-sheet
title: My SOP sheet
community: newcomer
timezone: Asia/Shanghai
# What D0 (the day) and T0 (the hour) mean for this sheet; the run gives the date.
anchor: Group opens
anchor_time: "20:00"
steps:
  - id: welcome
    at: D0 20:00
    do: welcome
    text: "Welcome to {{ group.name }}! Please read the group rules first."
  - id: rules
    at: D0 20:05
    do: announce
    kind: rules
    text: "Group rules: be kind, no ads, ask anything."
`,
  zh: `sop: my-sheet
title: 我的 SOP 表
community: newcomer
timezone: Asia/Shanghai
# D0（当天）和 T0（那个时刻）指的是什么；具体日期在启动运营时填写。
anchor: 开群
anchor_time: "20:00"
steps:
  - id: welcome
    at: D0 20:00
    do: welcome
    text: "欢迎来到{{ group.name }}！请先看一下群公告里的群规。"
  - id: rules
    at: D0 20:05
    do: announce
    kind: rules
    text: "群规：友善交流，禁止广告，有问题随时问。"
`,
};

/** The English starter sheet. */
export const STARTER_SHEET = STARTER_SHEETS.en;
