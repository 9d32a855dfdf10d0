// `chorus sop lint | plan | import` — work on files, no server needed. Exit codes are a contract:
// lint: 0 clean (no error finding), 1 an error finding, 2 a file cannot be read or parsed.

import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { formatProblem, SheetError } from '../sop/errors.ts';
import { formatRowError, importSpreadsheet } from '../sop/import/index.ts';
import { type Finding, lintText } from '../sop/lint/index.ts';
import { parseSheet } from '../sop/parse.ts';
import { PlanError, type PlanGroup, plan, readAnchor } from '../sop/plan.ts';
import { formatTimeline } from '../sop/timeline.ts';
import type { Community } from '../sop/types.ts';
import { GroupsFileError, readGroupsCsv } from './groups-csv.ts';
import { type Io, UsageError } from './io.ts';

export function sopLint(io: Io, files: string[], opts: { json?: boolean }): number {
  const all: Finding[] = [];
  let unreadable = false;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      unreadable = true;
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      all.push({ file, rule: 'read', severity: 'error', line: 0, column: 0, message: `cannot read the file: ${reason}`, hint: 'check the path' });
      continue;
    }
    const r = lintText(text, file);
    if (!r.parsed) unreadable = true;
    all.push(...r.findings);
  }
  if (opts.json) io.out(JSON.stringify(all, null, 2));
  else io.out(formatFindings(all, files.length));
  if (unreadable) return 2;
  return all.some((f) => f.severity === 'error') ? 1 : 0;
}

function formatFindings(findings: Finding[], fileCount: number): string {
  const lines = findings.map((f) => `${f.file}:${f.line}:${f.column}  ${f.severity.padEnd(7)}  ${f.rule}  ${f.message}${f.hint ? `\n    → ${f.hint}` : ''}`);
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const [e, w, i] = [count('error'), count('warning'), count('info')];
  const files = `${fileCount} file${fileCount === 1 ? '' : 's'}`;
  lines.push(findings.length ? `\n${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}, ${i} info in ${files}` : `${files}: no findings`);
  return lines.join('\n');
}

export interface PlanCliOptions {
  anchor: string;
  groups?: string;
  var?: string[];
  tz?: string;
  json?: boolean;
}

export function sopPlan(io: Io, file: string, opts: PlanCliOptions): number {
  const text = readInput(file);
  let parsed: ReturnType<typeof parseSheet>;
  try {
    parsed = parseSheet(text, file);
  } catch (e) {
    if (e instanceof SheetError) {
      io.err(e.problems.map(formatProblem).join('\n'));
      return 2;
    }
    throw e;
  }
  let groups: PlanGroup[] = [{ id: 'group-1', name: 'group-1' }];
  if (opts.groups) {
    try {
      groups = readGroupsCsv(readInput(opts.groups), opts.groups);
    } catch (e) {
      if (e instanceof GroupsFileError) {
        io.err(e.message);
        return 2;
      }
      throw e;
    }
  }
  const vars = readVars(opts.var ?? []);
  try {
    const anchor = readAnchor(opts.anchor, parsed.sheet, opts.tz);
    const actions = plan({ sheet: parsed.sheet, anchor, groups, vars, timezone: opts.tz });
    io.out(opts.json ? JSON.stringify(actions, null, 2) : formatTimeline(actions, { sheet: parsed.sheet, anchor, timezone: opts.tz }));
    return 0;
  } catch (e) {
    if (e instanceof PlanError) {
      io.err(`${file}: cannot plan:\n${e.problems.map((p) => `  ${p.step ? `step \`${p.step}\`: ` : ''}${p.message}`).join('\n')}`);
      return 1;
    }
    throw e;
  }
}

export interface ImportCliOptions {
  output?: string;
  sop?: string;
  title?: string;
  community?: Community;
  timezone?: string;
  anchor?: string;
  anchorDate?: string;
}

export async function sopImport(io: Io, file: string, opts: ImportCliOptions): Promise<number> {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    io.err(`${file}: cannot read the file: ${(e as Error).message}`);
    return 2;
  }
  const { output, ...options } = opts;
  const result = await importSpreadsheet(data, basename(file), options);
  if (!result.ok) {
    io.err(result.errors.map((e) => formatRowError(file, e)).join('\n'));
    const n = result.errors.length;
    io.err(`${n} row${n === 1 ? '' : 's'} could not be read; nothing was written.`);
    return 1;
  }
  for (const note of result.notes) io.err(`note: ${note}`);
  if (output) {
    writeFileSync(output, result.yaml);
    io.err(`wrote ${output}: ${result.sheet.sheet.steps.length} steps`);
  } else {
    io.out(result.yaml.trimEnd());
  }
  return 0;
}

function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read the file: ${(e as Error).message}`);
  }
}

export function readVars(pairs: string[]): Record<string, string> {
  const entries: [string, string][] = [];
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var ${p}: write it as name=value, like --var course="Python basics"`);
    entries.push([p.slice(0, eq).trim(), p.slice(eq + 1)]);
  }
  // Own entries, so `--var constructor=x` is a variable like any other (a later one wins).
  return Object.fromEntries(entries);
}
