// `chorus link create <url> [--name N] [--json]` → {id, url} and `chorus link stats <id> [--json]`
// → {clicks, members, byGroup: [{group, clicks}], byStep: [{step, clicks}], conversions}, through
// the running server's API (POST /api/links, GET /api/links/:id). docs/growth.md.

import type { Command } from 'commander';
import type { ApiClient } from './api-client.ts';
import type { Io } from './io.ts';
import { table } from './table.ts';

interface Stats {
  url: string;
  name: string | null;
  clicks: number;
  members: number;
  byGroup: { group: string; name: string; clicks: number; conversions: number }[];
  byStep: { step: string; clicks: number; conversions: number }[];
  conversions: number;
}

export interface LinkDeps {
  client(data?: string): ApiClient;
  done(code: number): void;
}

export async function linkCreateCommand(io: Io, api: ApiClient, url: string, o: { name?: string; json?: boolean }): Promise<number> {
  const r = await api.post<{ id: string; url: string }>('/api/links', { url, ...(o.name ? { name: o.name } : {}) });
  if (o.json) io.out(JSON.stringify({ id: r.id, url: r.url }, null, 2));
  else io.out(`${r.url}\nLink ${r.id} leads to ${url}; see its clicks with: chorus link stats ${r.id}`);
  return 0;
}

export async function linkStatsCommand(io: Io, api: ApiClient, id: string, o: { json?: boolean }): Promise<number> {
  const r = await api.get<Stats>(`/api/links/${encodeURIComponent(id)}`);
  if (o.json) {
    io.out(
      JSON.stringify(
        {
          clicks: r.clicks,
          members: r.members,
          byGroup: r.byGroup.map(({ group, clicks }) => ({ group, clicks })),
          byStep: r.byStep.map(({ step, clicks }) => ({ step, clicks })),
          conversions: r.conversions,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  io.out(`${r.name ? `${r.name}: ` : ''}${r.url}\n${r.clicks} click${r.clicks === 1 ? '' : 's'} by ${r.members} member${r.members === 1 ? '' : 's'}, ${r.conversions} order${r.conversions === 1 ? '' : 's'} attributed`);
  if (r.byGroup.length) io.out(`\n${table(['group', 'clicks', 'orders'], r.byGroup.map((g) => [g.name, g.clicks, g.conversions]))}`);
  if (r.byStep.length) io.out(`\n${table(['step', 'clicks', 'orders'], r.byStep.map((s) => [s.step, s.clicks, s.conversions]))}`);
  return 0;
}

export function registerLinkCommands(program: Command, io: Io, deps: LinkDeps): void {
  const link = program.command('link').description('tracked links: short links that count clicks and the orders that follow');
  link
    .command('create <url>')
    .description('make a tracked link by hand on the public URL (/l/<slug>)')
    .option('--name <name>', 'a name to recognise it by')
    .option('--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)")
    .option('--json', 'print JSON: {id, url}')
    .action(async (url: string, opts: { name?: string; json?: boolean; data?: string }) => {
      deps.done(await linkCreateCommand(io, deps.client(opts.data), url, opts));
    });
  link
    .command('stats <id>')
    .description("a tracked link's clicks, members, clicks by group and by step, and attributed orders")
    .option('--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)")
    .option('--json', 'print JSON: {clicks, members, byGroup: [{group, clicks}], byStep: [{step, clicks}], conversions}')
    .action(async (id: string, opts: { json?: boolean; data?: string }) => {
      deps.done(await linkStatsCommand(io, deps.client(opts.data), id, opts));
    });
}
