// `chorus member import <csv>`, `chorus orders import <csv>`, `chorus orders webhook` and
// `chorus candidates --group <group>` — through the running server's API. An import is all or
// nothing: exit 0 when everything was written, 1 when rows have problems (nothing was written;
// every problem is listed by row), 2 when the file cannot be read or the call is wrong.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { ApiClient } from './api-client.ts';
import { type Io, UsageError } from './io.ts';
import type { OpsDeps } from './ops.ts';
import { table } from './table.ts';

interface ImportAnswer {
  created?: number;
  imported?: number;
  updated: number;
  errors: { row: number; message: string }[];
}

function readCsvFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UsageError(`${file}: cannot read the file: ${(e as Error).message}`);
  }
}

async function importFile(io: Io, api: ApiClient, kind: 'members' | 'orders', file: string, o: { json?: boolean }): Promise<number> {
  const data = readCsvFile(file);
  const name = basename(file);
  const answer = await api.post<ImportAnswer>(`/api/${kind}/import`, { ...(/\.(csv|txt|tsv)$/i.test(name) ? { fileName: name } : {}), contentBase64: data.toString('base64') });
  if (o.json) {
    const out = kind === 'members' ? { created: answer.created ?? 0, updated: answer.updated, errors: answer.errors } : { imported: answer.imported ?? 0, updated: answer.updated, errors: answer.errors };
    io.out(JSON.stringify(out, null, 2));
    return answer.errors.length ? 1 : 0;
  }
  if (answer.errors.length) {
    io.err(answer.errors.map((e) => `${file}: row ${e.row}: ${e.message}`).join('\n'));
    const n = answer.errors.length;
    io.err(`${n} problem${n === 1 ? '' : 's'}; nothing was written.`);
    return 1;
  }
  if (kind === 'members') io.out(`${file}: ${answer.created ?? 0} members created, ${answer.updated} updated.`);
  else io.out(`${file}: ${answer.imported ?? 0} orders imported, ${answer.updated} updated.`);
  return 0;
}

async function ordersWebhook(io: Io, api: ApiClient, o: { rotate?: boolean; json?: boolean }): Promise<number> {
  const w = o.rotate ? await api.post<{ url: string; secret: string }>('/api/settings/orders-webhook', {}) : await api.get<{ url: string; secret: string }>('/api/settings/orders-webhook');
  if (o.json) io.out(JSON.stringify({ url: w.url, secret: w.secret }, null, 2));
  else {
    io.out(`url:    ${w.url}`);
    io.out(`secret: ${w.secret}`);
    io.out(`Sign each body: X-Chorus-Signature: sha256=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1)${o.rotate ? '\nThe old secret no longer works.' : ''}`);
  }
  return 0;
}

interface CandidateAnswer {
  member: string;
  name: string;
  score: number;
  reasons: string[];
}

async function candidates(io: Io, api: ApiClient, o: { group: string; top?: string; json?: boolean }): Promise<number> {
  let top: number | undefined;
  if (o.top !== undefined) {
    top = Number(o.top);
    if (!Number.isInteger(top) || top < 1 || top > 200) throw new UsageError(`--top ${o.top}: write a whole number from 1 to 200`);
  }
  const { candidates: list } = await api.get<{ candidates: CandidateAnswer[] }>(`/api/groups/${encodeURIComponent(o.group)}/candidates`, { top, lang: 'en' });
  if (o.json) {
    io.out(JSON.stringify(list.map((c) => ({ member: c.member, name: c.name, score: c.score, reasons: c.reasons })), null, 2));
    return 0;
  }
  if (!list.length) {
    io.out(`No candidates in ${o.group} yet: nobody present has written, answered, checked in or invited anyone.`);
    return 0;
  }
  io.out(table(['member', 'name', 'score', 'why'], list.map((c) => [c.member, c.name, c.score.toFixed(1), c.reasons.join('; ')])));
  io.out(`\nNominate one in the console (group page → Leader candidates), or: chorus member role <member> --group ${o.group} --set committee`);
  return 0;
}

const DATA = ['--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)"] as const;

/** `member` and `orders` may already be registered by another area: their subcommands join them. */
function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

export function registerPeopleImportCommands(program: Command, io: Io, deps: OpsDeps): void {
  const withApi =
    <A extends unknown[]>(fn: (api: ApiClient, ...args: A) => Promise<number>) =>
    async (...args: A) => {
      const opts = args.at(-2) as { data?: string };
      deps.done(await fn(deps.client(opts.data), ...args));
    };
  group(program, 'member', 'members: one person across every group and channel')
    .command('import')
    .description('import members from CSV: member | phone | email (成员/手机/邮箱), name (姓名), attribute columns; all or nothing (exit 1: rows with problems, nothing written)')
    .argument('<csv>', 'the CSV file (UTF-8 or Excel’s GBK, comma, tab or semicolon)')
    .option(...DATA)
    .option('--json', 'print {created, updated, errors: [{row, message}]}')
    .action(withApi((api, file: string, opts: { json?: boolean }) => importFile(io, api, 'members', file, opts)));
  const orders = group(program, 'orders', 'orders: import them, and the signed webhook shops send them to');
  orders
    .command('import')
    .description('import orders from CSV: order (订单号), member | phone | email, amount (金额), product (商品), at (时间); idempotent by order id; all or nothing')
    .argument('<csv>', 'the CSV file')
    .option(...DATA)
    .option('--json', 'print {imported, updated, errors: [{row, message}]}')
    .action(withApi((api, file: string, opts: { json?: boolean }) => importFile(io, api, 'orders', file, opts)));
  orders
    .command('webhook')
    .description('where shops POST orders and the secret they sign them with (owners and admins)')
    .option('--rotate', 'make a new secret; the old one stops working at once')
    .option(...DATA)
    .option('--json', 'print {url, secret}')
    .action(withApi((api, opts: { rotate?: boolean; json?: boolean }) => ordersWebhook(io, api, opts)));
  program
    .command('candidates')
    .description("a group's members ranked as candidates for leader or committee, with the reasons")
    .requiredOption('--group <group>', 'a Chorus group id or <channel id>:<platform chat id>')
    .option('--top <n>', 'how many (default 10)')
    .option(...DATA)
    .option('--json', 'print [{member, name, score, reasons}]')
    .action(withApi((api, opts: { group: string; top?: string; json?: boolean }) => candidates(io, api, opts)));
}
