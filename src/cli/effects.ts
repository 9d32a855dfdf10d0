// `chorus effects <run id> [--json]` — a run's per-step effect through the running server's API
// (GET /api/runs/:id/effects). `--json` prints exactly [{step, variant, sends, repliesWithin1h,
// replyRate, leavesWithin1h, leaveRate, clicks, conversions, baselineReplyRate}]; the table and
// the A/B verdicts are in the operator's language (LANG). An unknown run exits 2.

import type { Command } from 'commander';
import { type Locale, translate } from '../i18n/index.ts';
import { ApiCallError, type ApiClient } from './api-client.ts';
import { cliLocale } from './health.ts';
import type { Io } from './io.ts';
import { table } from './table.ts';

export interface EffectRow {
  step: string;
  variant: string | null;
  sends: number;
  repliesWithin1h: number;
  replyRate: number;
  leavesWithin1h: number;
  leaveRate: number;
  clicks: number;
  conversions: number;
  baselineReplyRate: number | null;
}

interface Answer {
  steps: EffectRow[];
  verdicts: { step: string; metric: string; text: string }[];
}

export interface EffectsDeps {
  client(data?: string): ApiClient;
  done(code: number): void;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

export async function effectsCommand(io: Io, api: ApiClient, runId: string, o: { json?: boolean; locale?: Locale }): Promise<number> {
  const locale = o.locale ?? cliLocale();
  const t = (key: string, vars?: Record<string, string | number>) => translate(locale, key, vars);
  let r: Answer;
  try {
    r = await api.get<Answer>(`/api/runs/${encodeURIComponent(runId)}/effects`, { lang: locale });
  } catch (e) {
    if (e instanceof ApiCallError && e.status === 404) {
      io.err(e.message);
      return 2;
    }
    throw e;
  }
  if (o.json) {
    const rows: EffectRow[] = r.steps.map((s) => ({
      step: s.step,
      variant: s.variant,
      sends: s.sends,
      repliesWithin1h: s.repliesWithin1h,
      replyRate: s.replyRate,
      leavesWithin1h: s.leavesWithin1h,
      leaveRate: s.leaveRate,
      clicks: s.clicks,
      conversions: s.conversions,
      baselineReplyRate: s.baselineReplyRate,
    }));
    io.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (!r.steps.length) {
    io.out(t('effects.cli.none'));
    return 0;
  }
  io.out(
    table(
      ['effects.cli.step', 'effects.cli.variant', 'effects.cli.sends', 'effects.cli.replied', 'effects.cli.baseline', 'effects.cli.leaves', 'effects.cli.clicks', 'effects.cli.orders'].map((k) => t(k)),
      r.steps.map((s) => [
        s.step,
        s.variant ?? '',
        s.sends,
        `${s.repliesWithin1h} (${pct(s.replyRate)})`,
        s.baselineReplyRate === null ? '' : pct(s.baselineReplyRate),
        `${s.leavesWithin1h} (${pct(s.leaveRate)})`,
        s.clicks,
        s.conversions,
      ]),
    ),
  );
  const replies = r.verdicts.filter((v) => v.metric === 'replies');
  if (replies.length) io.out(`\n${replies.map((v) => `${v.step}: ${v.text}`).join('\n')}`);
  return 0;
}

export function registerEffectsCommands(program: Command, io: Io, deps: EffectsDeps): void {
  program
    .command('effects')
    .description("a run's per-step effect: replies, leaves, clicks and orders within an hour of each message, against the groups' baseline; A/B verdicts per variant")
    .argument('<run>', 'run id')
    .option('--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)")
    .option('--json', 'print JSON: [{step, variant, sends, repliesWithin1h, replyRate, leavesWithin1h, leaveRate, clicks, conversions, baselineReplyRate}]')
    .action(async (run: string, opts: { json?: boolean; data?: string }) => {
      deps.done(await effectsCommand(io, deps.client(opts.data), run, opts));
    });
}
