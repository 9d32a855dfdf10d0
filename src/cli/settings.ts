// `chorus settings people [--json]` prints the people rules; `--set <file.yaml|json>` applies a
// rules document (a partial one is laid over the defaults). The file is checked here first, so
// every problem is named with its field at once; the server checks again and recomputes every
// member in the background (`GET /api/settings/people/recompute` follows it).

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { english } from '../i18n/index.ts';
import { readRules, RulesError, type Rules } from '../community/standing/rules.ts';
import type { ApiClient } from './api-client.ts';
import type { Io } from './io.ts';

interface Answer {
  rules: Rules;
  defaults: Rules;
  updatedAt?: string | null;
  updatedBy?: string | null;
  recompute: { state: string; done: number; total: number };
}

export interface SettingsPeopleOptions {
  json?: boolean;
  set?: string;
  data?: string;
}

function readDocument(io: Io, file: string): unknown | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    io.err(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    return undefined;
  }
  try {
    return /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    io.err(`${file} is not readable ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

function describe(io: Io, a: Answer): void {
  const r = a.rules;
  io.out('Stages (a stage is reached when any of its counts is reached; they only move forward):');
  for (const [stage, rule] of Object.entries(r.stages)) {
    const any = rule ? Object.entries(rule).map(([f, n]) => `${f} >= ${n}`) : [];
    io.out(`  ${stage.padEnd(11)} ${any.length ? any.join(' or ') : 'off'}`);
  }
  const l = r.levels;
  io.out(`Levels (score halves every ${l.halfLifeDays} days; promoted at once, demoted at the weekly run below threshold × ${1 - l.demoteMargin}):`);
  io.out(`  weights     message ${l.weights.message}, reply ${l.weights.reply}, checkin ${l.weights.checkin}, answer ${l.weights.answer}, invite ${l.weights.invite} (after ${l.inviteStayDays} days)`);
  io.out(`  thresholds  active ${l.thresholds.active}, contributing ${l.thresholds.contributing}, professional ${l.thresholds.professional}`);
  io.out(`Tag rules: ${r.tags.length ? '' : 'none'}`);
  for (const t of r.tags) io.out(`  ${t.tag}: ${typeof t.when === 'string' ? t.when : JSON.stringify(t.when)}`);
  const points = Object.entries(r.points).filter(([, p]) => p && p.points > 0);
  io.out(`Points rules: ${points.length ? '' : 'none'}`);
  for (const [k, p] of points) io.out(`  ${k}: +${p!.points}${p!.dailyCap ? ` (at most ${p!.dailyCap} a day)` : ''}`);
  if (a.updatedAt) io.out(`Changed ${a.updatedAt}${a.updatedBy ? ` by ${a.updatedBy}` : ''}.`);
  else io.out('These are the defaults (never changed).');
}

export async function settingsPeople(io: Io, api: ApiClient, o: SettingsPeopleOptions): Promise<number> {
  let answer: Answer;
  if (o.set !== undefined) {
    const doc = readDocument(io, o.set);
    if (doc === undefined) return 1;
    try {
      readRules(doc);
    } catch (e) {
      if (!(e instanceof RulesError)) throw e;
      io.err(`${o.set}: the people rules were not saved (${e.problems.length} problem(s)):`);
      for (const p of e.problems) io.err(`  ${p.field}: ${english(p.message)}`);
      return 1;
    }
    answer = await api.put<Answer>('/api/settings/people', doc);
  } else {
    answer = await api.get<Answer>('/api/settings/people');
  }
  if (o.json) {
    io.out(JSON.stringify(o.set !== undefined ? answer : answer.rules, null, 2));
    return 0;
  }
  describe(io, answer);
  if (o.set !== undefined) io.out('Saved. Every member is being recomputed in the background (GET /api/settings/people/recompute).');
  return 0;
}

export function registerSettingsCommands(program: Command, io: Io, deps: { client(data?: string): ApiClient; done(code: number): void }): void {
  const settings = program.command('settings').description('workspace settings');
  settings
    .command('people')
    .description('the people rules: stages, levels, rule-based tags, points rules (docs/people-rules.md)')
    .option('--set <file>', 'apply a rules document (YAML or JSON; a partial one is laid over the defaults)')
    .option('--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)")
    .option('--json', 'print JSON (the rules; with --set, the server\'s whole answer)')
    .action(async (opts: SettingsPeopleOptions) => {
      deps.done(await settingsPeople(io, deps.client(opts.data), opts));
    });
}
