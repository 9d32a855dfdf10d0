// `chorus funnel [--groups <selector>] [--since <date>] [--json]` — the four stages (GET
// /api/insight/funnel); `--json` prints exactly {attract, activate, retain, convert}, each {count,
// rate}. `chorus cohorts [--groups <selector>] [--json]` — the join-week cohorts (GET
// /api/insight/cohorts); `--json` prints exactly [{week, joined, retained: [n, ...]}]. Both also take
// `--run <id>` and `--campaign <id>`. Tables in the operator's language (LANG); a wrong date or
// selector is refused here, before asking the server (exit 2).

import type { Command } from 'commander';
import { readSelector, SelectorError } from '../community/groups.ts';
import { type Locale, render, translate } from '../i18n/index.ts';
import { readDate } from '../insight/rules/period.ts';
import { workspaceTimezone } from '../config.ts';
import type { ApiClient } from './api-client.ts';
import { cliLocale } from './health.ts';
import type { Io } from './io.ts';
import { table } from './table.ts';

interface Stage {
  count: number;
  rate: number;
}
interface FunnelAnswer {
  since: string | null;
  funnel: { attract: Stage; activate: Stage; retain: Stage; convert: Stage };
}
interface Cohort {
  week: string;
  joined: number;
  retained: number[];
}

export interface FunnelDeps {
  client(data?: string): ApiClient;
  done(code: number): void;
}

interface Common {
  groups?: string;
  run?: string;
  campaign?: string;
  json?: boolean;
  locale?: Locale;
}

const STAGES = ['attract', 'activate', 'retain', 'convert'] as const;
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** The selector read here so a wrong one exits 2 with the reason; undefined when it is good. */
function badSelector(io: Io, locale: Locale, selector: string | undefined): boolean {
  if (selector === undefined) return false;
  try {
    readSelector(selector);
    return false;
  } catch (e) {
    if (!(e instanceof SelectorError)) throw e;
    io.err(translate(locale, 'error.invalidSelector', { reason: render(locale, e.text) }));
    return true;
  }
}

export async function funnelCommand(io: Io, api: ApiClient, o: Common & { since?: string }): Promise<number> {
  const locale = o.locale ?? cliLocale();
  const t = (key: string, vars?: Record<string, string | number>) => translate(locale, key, vars);
  if (badSelector(io, locale, o.groups)) return 2;
  if (o.since !== undefined && readDate(o.since, workspaceTimezone()) === null) {
    io.err(t('funnel.cli.badDate', { value: o.since }));
    return 2;
  }
  const r = await api.get<FunnelAnswer>('/api/insight/funnel', { groups: o.groups, since: o.since, run: o.run, campaign: o.campaign, lang: locale });
  const f = r.funnel;
  if (o.json) {
    const stage = (s: Stage) => ({ count: s.count, rate: s.rate });
    io.out(JSON.stringify({ attract: stage(f.attract), activate: stage(f.activate), retain: stage(f.retain), convert: stage(f.convert) }, null, 2));
    return 0;
  }
  if (!f.attract.count) {
    io.out(t('funnel.cli.none'));
    return 0;
  }
  io.out(o.since ? t('funnel.cli.period', { since: o.since }) : t('funnel.cli.periodAll'));
  io.out(
    table(
      [t('funnel.cli.stage'), t('funnel.cli.count'), t('funnel.cli.rate')],
      STAGES.map((s) => [t(`funnel.stage.${s}`), f[s].count, pct(f[s].rate)]),
    ),
  );
  return 0;
}

export async function cohortsCommand(io: Io, api: ApiClient, o: Common): Promise<number> {
  const locale = o.locale ?? cliLocale();
  const t = (key: string, vars?: Record<string, string | number>) => translate(locale, key, vars);
  if (badSelector(io, locale, o.groups)) return 2;
  const r = await api.get<{ cohorts: Cohort[] }>('/api/insight/cohorts', { groups: o.groups, run: o.run, campaign: o.campaign, lang: locale });
  if (o.json) {
    io.out(JSON.stringify(r.cohorts.map((c) => ({ week: c.week, joined: c.joined, retained: c.retained })), null, 2));
    return 0;
  }
  if (!r.cohorts.length) {
    io.out(t('cohorts.cli.none'));
    return 0;
  }
  const weeks = Math.max(0, ...r.cohorts.map((c) => c.retained.length));
  io.out(
    table(
      [t('cohorts.cli.week'), t('cohorts.cli.joined'), ...Array.from({ length: weeks }, (_, k) => t('cohorts.cli.weekN', { n: k + 1 }))],
      r.cohorts.map((c) => [c.week, c.joined, ...Array.from({ length: weeks }, (_, k) => (k < c.retained.length ? `${c.retained[k]} (${pct(c.joined ? (c.retained[k] as number) / c.joined : 0)})` : ''))]),
    ),
  );
  io.out(`\n${t('cohorts.cli.note')}`);
  return 0;
}

const GROUPS_HELP = 'which groups (all, tag:<t>, community:<type>, leader:<name>, id:<g1>,<g2>; joined by +)';

export function registerFunnelCommands(program: Command, io: Io, deps: FunnelDeps): void {
  program
    .command('funnel')
    .description('the funnel: joined → active within 3 days → active in week 2 → ordered, with counts and rates')
    .option('--groups <selector>', GROUPS_HELP)
    .option('--since <date>', 'members who joined from this day (YYYY-MM-DD, in the workspace zone)')
    .option('--run <id>', "only the run's groups")
    .option('--campaign <id>', 'only the members the campaign brought')
    .option('--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)")
    .option('--json', 'print JSON: {attract, activate, retain, convert}, each {count, rate}')
    .action(async (opts: Common & { since?: string; data?: string }) => {
      deps.done(await funnelCommand(io, deps.client(opts.data), opts));
    });
  program
    .command('cohorts')
    .description('join-week retention cohorts: members who joined each week and how many were active in each week since')
    .option('--groups <selector>', GROUPS_HELP)
    .option('--run <id>', "only the run's groups")
    .option('--campaign <id>', 'only the members the campaign brought')
    .option('--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)")
    .option('--json', 'print JSON: [{week, joined, retained: [n, ...]}]')
    .action(async (opts: Common & { data?: string }) => {
      deps.done(await cohortsCommand(io, deps.client(opts.data), opts));
    });
}
