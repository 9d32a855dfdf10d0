// YAML text → a validated Sheet with a source map, or a SheetError naming file, line and column.
// An invalid sheet never half-loads: either everything is read or nothing is returned.

import { IANAZone } from 'luxon';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { fromKey, type Msg, msg, type Text } from '../i18n/index.ts';
import { problemAt, SheetError, type SheetProblem } from './errors.ts';
import { FIELD_CHOICES, FIELD_HINTS, type RawStep, SheetSchema, StepSchema } from './schema.ts';
import type { ParsedSheet, Pos, Sheet, SourceMap, Step, VarSpec, When } from './types.ts';
import { formatBytes, formatOver, MAX_PLANNED_TIMES, MAX_SHEET_BYTES, MAX_STEPS, MAX_YAML_DEPTH, utf8Length } from './limits.ts';
import { type ReadYaml, readYaml, YamlLimitError } from './yaml-events.ts';
import { readVariants } from './variants.ts';
import { readAfter, readAt, readClock, readDay, readDuration, readEvery, readQuietHours } from './when.ts';

const DEFAULT_WINDOW_MINUTES = 30;

// Luxon checks a zone by building an Intl formatter, which is slow; sheets use a handful of zones.
const zoneChecks = new Map<string, boolean>();
function validZone(zone: string): boolean {
  let ok = zoneChecks.get(zone);
  if (ok === undefined) {
    ok = IANAZone.isValidZone(zone);
    if (zoneChecks.size < 1000) zoneChecks.set(zone, ok);
  }
  return ok;
}

// js-yaml's event parser (core schema, read as YAML 1.2 reads it) gives the values and every
// position in one pass, about four times faster than `yaml`; `yaml` words the messages about a
// broken file best, so it is asked only then.
export function parseSheet(text: string, file = 'sheet.yaml'): ParsedSheet {
  checkSize(text, file);
  let read: ReadYaml;
  try {
    read = readYaml(text, file, MAX_YAML_DEPTH);
  } catch (e) {
    if (e instanceof YamlLimitError) throw new SheetError([problemAt(file, e.pos, e.message)]);
    throw new SheetError(yamlProblems(text, file, e));
  }
  const raw = read.value;
  const source = sourceMap(text, file, read.offsets);
  const problems: SheetProblem[] = [];
  const report = (path: string, message: Text) => problems.push(problemAt(file, source.pos(path), message, path));
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    report('', msg('parse.noFields'));
    throw new SheetError(problems);
  }
  const stepCount = Array.isArray((raw as { steps?: unknown }).steps) ? (raw as { steps: unknown[] }).steps.length : 0;
  if (stepCount > MAX_STEPS) {
    // Checked before any step is read, so a huge list costs no more than reading the YAML.
    report(
      `steps.${MAX_STEPS}`,
      `the sheet has ${stepCount.toLocaleString('en')} steps; a sheet holds at most ${MAX_STEPS.toLocaleString('en')} (this is step ${(MAX_STEPS + 1).toLocaleString('en')}); split it into several sheets`,
    );
    throw new SheetError(problems);
  }
  const rawVars = (raw as { vars?: unknown }).vars;
  if (rawVars && typeof rawVars === 'object' && Object.hasOwn(rawVars, '__proto__')) {
    // The schema's record would drop this key silently; say so instead.
    report('vars.__proto__#key', 'a variable cannot be called `__proto__` (a word reserved by the system); choose another name');
  }
  const top = SheetSchema.safeParse(raw);
  if (!top.success) {
    for (const issue of top.error.issues) {
      const d = describeIssue(issue, raw);
      report(d.path, d.message);
    }
  }
  // Steps are checked even when the header is wrong, so one pass shows every problem.
  const rawSteps: unknown[] = Array.isArray((raw as { steps?: unknown }).steps) ? (raw as { steps: unknown[] }).steps : [];
  const steps = readSteps(rawSteps, report);
  checkPlannedTimes(steps, report);
  if (!top.success) throw new SheetError(problems);
  const r = top.data;
  if (!validZone(r.timezone)) {
    report('timezone', msg('parse.badZone', { zone: r.timezone }));
  }
  const anchorTime = r.anchor_time === undefined ? undefined : clockField(String(r.anchor_time), 'anchor_time', report);
  let quietHours: Sheet['quietHours'];
  if (r.quiet_hours !== undefined) {
    const q = readQuietHours(r.quiet_hours);
    if (q.ok) quietHours = q.value;
    else report('quiet_hours', `\`quiet_hours: ${r.quiet_hours}\` — ${q.reason}`);
  }
  // Object.fromEntries defines own properties, so a variable called `__proto__` or `constructor` is
  // an ordinary name and never reaches Object.prototype.
  const vars: Record<string, VarSpec> = Object.fromEntries(
    Object.entries(r.vars ?? {}).map(([name, spec]) => {
      const def = spec?.default;
      const v: VarSpec = {
        required: spec?.required ?? def === undefined,
        ...(def !== undefined ? { default: String(def) } : {}),
        ...(spec?.description ? { description: spec.description } : {}),
      };
      return [name, v];
    }),
  );
  if (problems.length) throw new SheetError(problems);
  const sheet: Sheet = {
    sop: r.sop,
    title: r.title,
    ...(r.description ? { description: r.description.trim() } : {}),
    community: r.community,
    ...(r.industry ? { industry: r.industry } : {}),
    timezone: r.timezone,
    anchor: r.anchor,
    ...(anchorTime !== undefined ? { anchorTime } : {}),
    ...(quietHours ? { quietHours } : {}),
    quietPolicy: r.quiet_policy ?? 'shift',
    vars,
    lint: r.lint ?? {},
    steps,
  };
  return { sheet, source, text };
}

type Report = (path: string, message: Text) => void;

/** Refuses a text over MAX_SHEET_BYTES, pointing at the line where the limit is crossed. */
function checkSize(text: string, file: string): void {
  // Each UTF-16 unit is 1 to 3 UTF-8 bytes: most texts are settled without counting.
  if (text.length * 3 <= MAX_SHEET_BYTES) return;
  const bytes = text.length > MAX_SHEET_BYTES * 4 ? text.length : utf8Length(text);
  if (bytes <= MAX_SHEET_BYTES) return;
  // Where the limit is crossed: the first character whose bytes go past it.
  let used = 0;
  let at = 0;
  while (at < text.length && used <= MAX_SHEET_BYTES) {
    const c = text.charCodeAt(at);
    used += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    at++;
  }
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const size = text.length > MAX_SHEET_BYTES * 4 ? `more than ${formatBytes(MAX_SHEET_BYTES * 4)}` : formatOver(bytes, MAX_SHEET_BYTES);
  throw new SheetError([
    problemAt(
      file,
      { line, column: at - lineStart },
      `the sheet is ${size}; a sheet holds at most ${formatBytes(MAX_SHEET_BYTES)} (the limit is passed on this line); split it into several sheets or shorten the texts`,
    ),
  ]);
}

/** Refuses a sheet whose steps, repeats counted, plan more than MAX_PLANNED_TIMES times. */
function checkPlannedTimes(steps: Step[], report: Report): void {
  let total = 0;
  for (const step of steps) {
    const w = step.when;
    total += w.kind === 'every' ? w.until - w.from + 1 : w.kind === 'event' ? 0 : 1;
    if (total > MAX_PLANNED_TIMES) {
      report(
        `steps.${step.index}`,
        `step \`${step.id}\`: with it the sheet plans more than ${MAX_PLANNED_TIMES.toLocaleString('en')} times (a repeating step counts once per day from \`from:\` to \`until:\`); a sheet plans at most ${MAX_PLANNED_TIMES.toLocaleString('en')}; shorten the repeats or split the sheet`,
      );
      return;
    }
  }
}

function yamlDocument(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const toPos = (offset: number): Pos => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return { doc, toPos };
}

/** The problems of a file js-yaml refused, told by `yaml` (better messages), else by js-yaml. */
function yamlProblems(text: string, file: string, e: unknown): SheetProblem[] {
  let told: SheetProblem[] = [];
  try {
    const { doc, toPos } = yamlDocument(text);
    told = doc.errors.map((err) => problemAt(file, toPos(err.pos[0]), yamlMessage(err.code, err.message)));
  } catch (second) {
    // `yaml` recurses; whatever it cannot read, js-yaml's own words below still say where.
    if (!(second instanceof RangeError)) throw second;
  }
  if (told.length) return told;
  const mark = (e as { mark?: { line: number; column: number } }).mark;
  const reason = (e as { reason?: string }).reason ?? (e as Error).message;
  return [problemAt(file, { line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1 }, msg('parse.yaml.other', { detail: reason }))];
}

/** Positions by dotted path; a path without its own position takes its nearest parent's. */
function sourceMap(text: string, file: string, offsets: Map<string, number>): SourceMap {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const toPos = (offset: number): Pos => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
  };
  return {
    file,
    pos(path: string): Pos {
      let p = path;
      for (;;) {
        const at = offsets.get(p);
        if (at !== undefined) return toPos(at);
        if (!p) return { line: 1, column: 1 };
        const cut = p.lastIndexOf('.');
        p = cut < 0 ? '' : p.slice(0, cut);
      }
    },
  };
}

function readSteps(rawSteps: unknown[], report: Report): Step[] {
  const steps: Step[] = [];
  const seen = new Map<string, number>();
  rawSteps.forEach((rawStep, index) => {
    const path = `steps.${index}`;
    const parsed = StepSchema.safeParse(rawStep);
    if (!parsed.success) {
      const label = stepLabel(rawStep, index);
      for (const issue of parsed.error.issues) {
        const d = describeIssue(issue, rawStep);
        report(d.path ? `${path}.${d.path}` : path, msg('lint.stepSays', { step: label, what: d.message }));
      }
      return;
    }
    const s = parsed.data;
    const label = `step \`${s.id}\``;
    const who = msg('lint.step', { id: s.id });
    const before = seen.get(s.id);
    if (before !== undefined) {
      report(`${path}.id`, msg('lint.stepSays', { step: who, what: msg('parse.duplicateId', { id: s.id, n: before + 1 }) }));
    }
    seen.set(s.id, index);
    const step = buildStep(s, index, path, label, report);
    if (step) steps.push(step);
  });
  return steps;
}

function clockField(value: string, path: string, report: Report): number | undefined {
  const c = readClock(value);
  if (c.ok) return c.value;
  report(path, `\`${path}: ${value}\` — ${c.reason}`);
  return undefined;
}

/** What each action needs; `say` is the English of `parse.needs.<action>`. */
const CONTENT_NEEDED: Partial<Record<Step['do'], { fields: (keyof RawStep)[]; say: string }>> = {
  rename: { fields: ['name'], say: 'a rename needs the new `name`' },
  announce: { fields: ['text'], say: 'an announcement needs its `text`' },
  welcome: { fields: ['text'], say: 'a welcome message needs its `text`' },
  post: { fields: ['text', 'image', 'link', 'file'], say: 'a post needs `text`, `image`, `link` or `file`' },
  notify: { fields: ['text'], say: 'a notice needs its `text`' },
  direct_message: { fields: ['text'], say: 'a direct message needs its `text`' },
  task: { fields: ['text'], say: 'a task needs its instructions in `text`' },
  checkin: { fields: ['text'], say: 'a check-in needs its prompt in `text`' },
  remind: { fields: ['text'], say: 'a reminder needs its `text`' },
  survey: { fields: ['text', 'link', 'questions'], say: 'a survey needs `text`, `link` or `questions`' },
  tag: { fields: ['tag'], say: 'a tag step needs the `tag` to apply' },
  move: { fields: ['into'], say: 'a move step needs the group to move members `into`' },
};

function buildStep(s: RawStep, index: number, path: string, label: string, outer: Report): Step | undefined {
  let bad = false;
  const report: Report = (p, m) => {
    bad = true;
    outer(p, m);
  };
  const when = readWhen(s, path, label, report);
  let windowMinutes = DEFAULT_WINDOW_MINUTES;
  if (s.window !== undefined) {
    const w = readDuration(s.window);
    if (w.ok) windowMinutes = w.value;
    else report(`${path}.window`, `${label}: \`window: ${s.window}\` — ${w.reason}`);
  }
  if (s.keyword !== undefined && s.do !== 'checkin') {
    report(`${path}.keyword`, msg('lint.stepSays', { step: msg('lint.step', { id: s.id }), what: msg('parse.keywordOnlyCheckin', { action: s.do }) }));
  }
  const say = (what: Text) => msg('lint.stepSays', { step: msg('lint.step', { id: s.id }), what });
  const variants = s.variants === undefined ? undefined : readVariants(s.variants, { action: s.do, hasText: s.text !== undefined, path: `${path}.variants` }, { report, say, near: closest });
  const need = CONTENT_NEEDED[s.do];
  if (need && s.variants === undefined && !need.fields.some((f) => s[f] !== undefined && s[f] !== '')) report(path, msg('lint.stepSays', { step: msg('lint.step', { id: s.id }), what: msg(`parse.needs.${s.do}`) }));
  if (bad || !when) return undefined;
  const whenText = [s.every ? `every ${s.every}` : '', s.from !== undefined ? `from ${s.from}` : '', s.until !== undefined ? `until ${s.until}` : '', s.on ? `on ${s.on}` : '', s.after !== undefined ? `after ${s.after}` : '', s.at !== undefined ? `at ${s.at}` : '']
    .filter(Boolean)
    .join(' ');
  const { at: _at, every: _e, from: _f, until: _u, on: _o, after: _a, window: _w, keyword: rawKeyword, variants: _v, ...content } = s;
  const keyword = rawKeyword === undefined ? undefined : [rawKeyword].flat().map((k) => k.trim()).filter(Boolean);
  return {
    ...content,
    ...(variants ? { variants } : {}),
    ...(keyword?.length ? { keyword } : {}),
    index,
    when,
    whenText,
    windowMinutes,
    ...(s.window !== undefined ? { windowWritten: true as const } : {}),
  };
}

function readWhen(s: RawStep, path: string, label: string, outer: Report): When | undefined {
  if (s.on !== undefined) {
    for (const f of ['at', 'every', 'from', 'until'] as const) {
      if (s[f] !== undefined) {
        outer(`${path}.${f}`, `${label}: a step triggered by an event (\`on: ${s.on}\`) takes \`after:\`, not \`${f}:\``);
        return undefined;
      }
    }
    const on = s.on.trim();
    let event: Extract<When, { kind: 'event' }>['event'];
    if (on === 'member_join' || on === 'member_leave' || on === 'checkin_missed') event = on;
    else if (/^keyword:.+/.test(on)) event = { keyword: on.slice('keyword:'.length).trim() };
    else {
      outer(`${path}.on`, `${label}: \`on: ${on}\` is not an event; use member_join, member_leave, checkin_missed or keyword:<word>`);
      return undefined;
    }
    const a = readAfter(s.after ?? '0m');
    if (!a.ok) {
      outer(`${path}.after`, `${label}: \`after: ${s.after}\` — ${a.reason}`);
      return undefined;
    }
    return { kind: 'event', event, after: a.value };
  }
  if (s.after !== undefined) {
    outer(`${path}.after`, `${label}: \`after:\` goes with an event trigger (\`on: member_join\`); use \`at:\` for fixed times`);
    return undefined;
  }
  if (s.every !== undefined) {
    const every = readEvery(s.every);
    if (!every.ok) {
      outer(`${path}.every`, `${label}: \`every: ${s.every}\` — ${every.reason}`);
      return undefined;
    }
    if (s.until === undefined) {
      outer(path, `${label}: a repeating step needs \`until:\`, the last day it runs (like until: D6)`);
      return undefined;
    }
    const from = readDay(s.from ?? 0);
    const until = readDay(s.until);
    if (!from.ok) outer(`${path}.from`, `${label}: \`from: ${s.from}\` — ${from.reason}`);
    if (!until.ok) outer(`${path}.until`, `${label}: \`until: ${s.until}\` — ${until.reason}`);
    if (!from.ok || !until.ok) return undefined;
    if (until.value < from.value) {
      outer(`${path}.until`, `${label}: \`until: ${s.until}\` comes before \`from: ${s.from}\``);
      return undefined;
    }
    if (s.at === undefined) {
      outer(path, `${label}: a repeating step needs \`at:\`, the time of day it runs (like at: "07:00")`);
      return undefined;
    }
    const clock = readClock(String(s.at));
    if (!clock.ok) {
      outer(`${path}.at`, `${label}: \`at: ${s.at}\` — ${clock.reason} (a repeating step takes a time of day)`);
      return undefined;
    }
    return { kind: 'every', days: every.value, from: from.value, until: until.value, minute: clock.value };
  }
  for (const f of ['from', 'until'] as const) {
    if (s[f] !== undefined) {
      outer(`${path}.${f}`, `${label}: \`${f}:\` goes with \`every:\` (a repeating step)`);
      return undefined;
    }
  }
  if (s.at === undefined) {
    outer(path, msg('lint.stepSays', { step: msg('lint.step', { id: s.id }), what: msg('parse.noWhen') }));
    return undefined;
  }
  const at = readAt(s.at);
  if (!at.ok) {
    outer(`${path}.at`, `${label}: \`at: ${s.at}\` — ${at.reason}`);
    return undefined;
  }
  return at.value;
}

function stepLabel(raw: unknown, index: number): Msg {
  const id = raw && typeof raw === 'object' && 'id' in raw ? (raw as { id: unknown }).id : undefined;
  return typeof id === 'string' && id ? msg('lint.step', { id }) : msg('parse.stepN', { n: index + 1 });
}

function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

const KNOWN_FIELDS = [
  ...Object.keys(SheetSchema.shape),
  ...Object.keys(StepSchema.shape),
];

/** The path to point at (relative to `root`) and a plain sentence about the issue. */
function describeIssue(issue: z.core.$ZodIssue, root: unknown): { path: string; message: Text } {
  const path = dotted(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const [key] = issue.keys;
    const near = closest(key, KNOWN_FIELDS);
    // Point at the key itself, not at the map that holds it.
    return {
      path: `${path ? `${path}.` : ''}${key}#key`,
      message: near ? msg('parse.unknownFieldNear', { key, near }) : msg('parse.unknownField', { key }),
    };
  }
  return { path, message: issueMessage(issue, root) };
}

function issueMessage(issue: z.core.$ZodIssue, root: unknown): Text {
  const field = String(issue.path[issue.path.length - 1] ?? '');
  const hint = FIELD_HINTS[field];
  const hintText = fieldHint(field);
  const value = valueAt(root, issue.path);
  const shown = value === undefined ? '' : typeof value === 'object' ? '' : `: ${String(value)}`;
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return hintText ? msg('parse.missingHint', { field, hint: hintText }) : msg('parse.missing', { field });
      return `\`${field}${shown}\` should be ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a set of fields' : issue.expected === 'string' ? 'text' : issue.expected}${hint ? ` — ${hint}` : ''}`;
    case 'invalid_value': {
      const near = typeof value === 'string' ? closest(value, issue.values.map(String)) : undefined;
      const values = issue.values.map(String).join(', ');
      return near ? msg('parse.notAllowedNear', { field, shown, near, values }) : msg('parse.notAllowed', { field, shown, values });
    }
    case 'invalid_format':
      return `\`${field}${shown}\` is not valid${hint ? `; it should be ${hint}` : ''}`;
    case 'too_small':
      return hintText ? msg('parse.emptyHint', { field, hint: hintText }) : msg('parse.empty', { field });
    case 'custom':
      return msg('parse.custom', { field: `${field}${shown}`, message: fromKey(issue.message) });
    case 'invalid_union':
      return `\`${field}${shown}\` has the wrong form${hint ? `; it should be ${hint}` : ''}`;
    default:
      return `\`${field}${shown}\`: ${issue.message}`;
  }
}

/** The candidate within two edits of `word` (for "did you mean"), if any. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDist = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

function yamlMessage(code: string, message: string): Msg {
  switch (code) {
    case 'DUPLICATE_KEY':
      return msg('parse.yaml.duplicateKey');
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return msg('parse.yaml.indentation', { detail: firstLine(message) });
    case 'MULTILINE_IMPLICIT_KEY':
      return msg('parse.yaml.implicitKey');
    case 'TAB_AS_INDENT':
      return msg('parse.yaml.tab');
    default:
      return msg('parse.yaml.other', { detail: firstLine(message) });
  }
}

/** A field's description (schema.ts FIELD_HINTS) as a catalogue text, with its list of choices. */
function fieldHint(field: string): Msg | undefined {
  if (!(field in FIELD_HINTS)) return undefined;
  const values = FIELD_CHOICES[field];
  return msg(`parse.field.${field}`, values ? { values: values.join(', ') } : undefined);
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
