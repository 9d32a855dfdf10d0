// `chorus health [--groups <selector>] [--json]` — group health through the running server's API
// (GET /api/insight/health). `--json` prints exactly [{group, name, members, joined7d, left7d,
// netGrowth7d, messagesPerDay7d, activeRatio7d, memberShare7d, leaveRate7d, firstResponseP50s,
// ageDays, score, status, reasons}], worst first; the table is in the operator's language (LANG).

import type { Command } from 'commander';
import { type Locale, translate } from '../i18n/index.ts';
import { localeOfTag } from '../i18n/locale.ts';
import type { ApiClient } from './api-client.ts';
import type { Io } from './io.ts';
import { table } from './table.ts';

interface Reason {
  code: string;
  value: number;
  severity: string;
  text: string;
  advice: string;
}

interface Row {
  group: string;
  name: string;
  members: number;
  joined7d: number;
  left7d: number;
  netGrowth7d: number;
  messagesPerDay7d: number;
  activeRatio7d: number;
  memberShare7d: number;
  leaveRate7d: number;
  firstResponseP50s: number | null;
  ageDays: number;
  score: number;
  status: 'healthy' | 'watch' | 'dying';
  reasons: Reason[];
}

export interface HealthDeps {
  client(data?: string): ApiClient;
  done(code: number): void;
}

/** The operator's language: LC_ALL, LC_MESSAGES or LANG (zh_CN.UTF-8 → zh), else English. */
export function cliLocale(env: NodeJS.ProcessEnv = process.env): Locale {
  return localeOfTag(env.LC_ALL || env.LC_MESSAGES || env.LANG) ?? 'en';
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export async function healthCommand(io: Io, api: ApiClient, o: { groups?: string; json?: boolean; locale?: Locale }): Promise<number> {
  const locale = o.locale ?? cliLocale();
  const t = (key: string, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const r = await api.get<{ groups: Row[]; survival: { groups: number; alive: number; rate: number } }>('/api/insight/health', { groups: o.groups, lang: locale });
  if (o.json) {
    const rows = r.groups.map((g) => ({
      group: g.group,
      name: g.name,
      members: g.members,
      joined7d: g.joined7d,
      left7d: g.left7d,
      netGrowth7d: g.netGrowth7d,
      messagesPerDay7d: g.messagesPerDay7d,
      activeRatio7d: g.activeRatio7d,
      memberShare7d: g.memberShare7d,
      leaveRate7d: g.leaveRate7d,
      firstResponseP50s: g.firstResponseP50s,
      ageDays: g.ageDays,
      score: g.score,
      status: g.status,
      reasons: g.reasons,
    }));
    io.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (!r.groups.length) {
    io.out(t('health.cli.none'));
    return 0;
  }
  io.out(
    table(
      ['health.cli.group', 'health.cli.status', 'health.cli.score', 'health.cli.members', 'health.cli.joinedLeft', 'health.cli.messagesPerDay', 'health.cli.active', 'health.cli.memberShare', 'health.cli.response', 'health.cli.age', 'health.cli.reasons'].map((k) => t(k)),
      r.groups.map((g) => [
        g.name,
        t(`health.status.${g.status}`),
        g.score,
        g.members,
        `+${g.joined7d}/-${g.left7d}`,
        g.messagesPerDay7d,
        pct(g.activeRatio7d),
        pct(g.memberShare7d),
        g.firstResponseP50s === null ? '' : t('health.cli.minutes', { count: Math.round(g.firstResponseP50s / 60) }),
        g.ageDays,
        g.reasons
          .filter((x) => x.severity !== 'info')
          .map((x) => x.text)
          .join('; '),
      ]),
    ),
  );
  const count = (s: Row['status']) => r.groups.filter((g) => g.status === s).length;
  io.out(
    `\n${t('health.cli.summary', { count: r.groups.length, dying: count('dying'), watch: count('watch'), healthy: count('healthy'), alive: r.survival.alive, judged: r.survival.groups, rate: pct(r.survival.rate) })}`,
  );
  return 0;
}

export function registerHealthCommands(program: Command, io: Io, deps: HealthDeps): void {
  program
    .command('health')
    .description('group health: 7-day figures, score, status (healthy, watch, dying) and reasons, worst first')
    .option('--groups <selector>', 'which groups (all, tag:<t>, community:<type>, leader:<name>, id:<g1>,<g2>; joined by +)', 'all')
    .option('--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)")
    .option('--json', 'print JSON: [{group, name, members, joined7d, left7d, netGrowth7d, messagesPerDay7d, activeRatio7d, memberShare7d, leaveRate7d, firstResponseP50s, ageDays, score, status, reasons}]')
    .action(async (opts: { groups?: string; json?: boolean; data?: string }) => {
      deps.done(await healthCommand(io, deps.client(opts.data), opts));
    });
}
