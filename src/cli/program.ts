// The `chorus` command line. `runCli(argv, io)` returns the exit code, so tests run it in-process.

import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_PORT, dataDir } from '../config.ts';
import { listTemplates, TEMPLATE_LANGUAGES, type TemplateLanguage, templateLanguageOf } from '../sop/templates.ts';
import { COMMUNITIES } from '../sop/types.ts';
import { ApiCallError, apiClient, NoServerError } from './api-client.ts';
import { createLogger, exitSoon, LOG_LEVEL_OPTION, onStopSignal } from '../server/logger.ts';
import { type Io, processIo, UsageError } from './io.ts';
import { cliLogLevel } from './log-level.ts';
import { registerOpsCommands } from './ops.ts';
import { registerMemberCommands } from './members.ts';
import { registerSettingsCommands } from './settings.ts';
import { registerCheckinCommands } from './checkins.ts';
import { registerInboxCommands } from './inbox.ts';
import { registerFunnelCommands } from './funnel.ts';
import { registerHealthCommands } from './health.ts';
import { registerDigestCommands } from './digest.ts';
import { registerEffectsCommands } from './effects.ts';
import { registerLinkCommands } from './links.ts';
import { registerAdmissionCommands } from './admission.ts';
import { registerModerationCommands } from './moderation.ts';
import { registerLivecodeCommands } from './livecode.ts';
// Campaigns (issue 9).
import { registerCampaignCommands } from './campaign.ts';
import { registerPeopleImportCommands } from './people-import.ts';

import { sopImport, sopLint, sopPlan } from './sop.ts';

export async function runCli(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const program = new Command('chorus')
    .description('Chorus — SOP sheets executed, verified and measured across every group chat.')
    .exitOverride()
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run `chorus --help` for usage)');

  const sop = program.command('sop').description('work with SOP sheet files: lint, plan, import');
  sop
    .command('lint')
    .description('check sheets against the format and the lint rules (exit 0 clean, 1 errors, 2 unreadable)')
    .argument('<file...>', 'SOP sheet YAML files')
    .option('--json', 'print one JSON array of {file, rule, severity, line, column, message, hint}')
    .action((files: string[], opts: { json?: boolean }) => {
      code = sopLint(io, files, opts);
    });
  sop
    .command('plan')
    .description('list the actions a sheet produces for an anchor, groups and variables')
    .argument('<file>', 'SOP sheet YAML file')
    .requiredOption('--anchor <when>', 'ISO 8601 instant (2026-12-01T20:00+08:00), or a date that uses the sheet\'s anchor_time')
    .option('--groups <csv>', 'CSV with an id and a name column and any attribute columns')
    .option('--var <key=value...>', 'a sheet variable (repeatable)')
    .option('--tz <zone>', 'IANA time zone overriding the sheet\'s')
    .option('--json', 'print one JSON array of {step, occurrence, group, due, action, executor, text}')
    .action((file: string, opts) => {
      code = sopPlan(io, file, opts);
    });
  sop
    .command('import')
    .description('turn a spreadsheet (.csv or .xlsx) into an SOP sheet YAML')
    .argument('<sheet>', 'a .csv or .xlsx file')
    .option('-o, --output <file>', 'write the YAML here instead of printing it')
    .option('--sop <id>', 'sheet id (default: from the file name)')
    .option('--title <title>', 'sheet title (default: the file name)')
    .addOption(new Option('--community <type>', 'community type').choices([...COMMUNITIES]))
    .option('--timezone <zone>', 'IANA time zone (default Asia/Shanghai)')
    .option('--anchor <text>', 'what D0 means, e.g. "Camp opening"')
    .option('--anchor-date <date>', 'the date that is D0, when the Day column holds dates')
    .action(async (file: string, opts) => {
      code = await sopImport(io, file, opts);
    });

  program
    .command('templates')
    .description('list the template library (every template in English and Chinese; yours first)')
    .option('--json', 'print JSON')
    .addOption(
      new Option('--language <lang>', 'the language to list first (default: from LANG, else en)').choices([...TEMPLATE_LANGUAGES]),
    )
    .action((opts: { json?: boolean; language?: TemplateLanguage }) => {
      const first = opts.language ?? templateLanguageOf(process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG) ?? 'en';
      const list = listTemplates(first);
      if (opts.json) {
        io.out(JSON.stringify(list, null, 2));
        return;
      }
      const w = Math.max(...list.map((t) => t.id.length));
      for (const t of list) {
        io.out(`${t.id.padEnd(w)}  ${t.language}  ${t.community.padEnd(13)}  ${String(t.steps).padStart(3)} steps  ${t.title}`);
        io.out(`${''.padEnd(w)}  ${t.description}`);
      }
      const dir = list[0] ? list[0].file.replace(/\/[^/]+$/, '') : 'templates/';
      io.out(`\n${list.length} templates in ${dir} (Chinese ones in templates/zh/); copy one and edit it, or lint it: chorus sop lint <file>`);
    });

  program
    .command('serve')
    .description('run the Chorus server (HTTP API) on the embedded database or DATABASE_URL')
    .option('--port <port>', 'port to listen on', String(DEFAULT_PORT))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'data folder (default ./.chorus or CHORUS_DATA)')
    .option('--no-worker', 'do not send from this process (run `chorus worker` against PostgreSQL instead)')
    .option('--trust-proxy <proxies>', 'behind a reverse proxy: true, a hop count, or its addresses/CIDRs (default CHORUS_TRUST_PROXY; none)')
    .option('--public-url <url>', 'the address people open, e.g. https://chorus.example.com (default CHORUS_PUBLIC_URL); https makes cookies Secure')
    .option(...LOG_LEVEL_OPTION)
    .action(async (opts: { port: string; host: string; data?: string; worker: boolean; trustProxy?: string; publicUrl?: string; logLevel?: string }) => {
      const { serve, describeStart } = await import('../server/serve.ts');
      const { AddressSettingError, parsePublicUrl, parseTrustProxy } = await import('../server/public-address.ts');
      const dir = dataDir(opts.data);
      let address: { trustProxy?: ReturnType<typeof parseTrustProxy>; publicUrl?: URL };
      try {
        address = {
          trustProxy: parseTrustProxy(opts.trustProxy ?? process.env.CHORUS_TRUST_PROXY),
          publicUrl: parsePublicUrl(opts.publicUrl ?? process.env.CHORUS_PUBLIC_URL),
        };
      } catch (e) {
        if (!(e instanceof AddressSettingError)) throw e;
        io.err(e.message);
        code = 2;
        return;
      }
      const logger = createLogger({ level: cliLogLevel(opts.logLevel) });
      const server = await serve({ port: Number(opts.port), host: opts.host, dataDir: dir, worker: opts.worker, logger, ...address });
      io.out(describeStart(server.url, dir, process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${dir}/db`, opts.worker));
      if (address.publicUrl) io.out(`  public address: ${address.publicUrl.origin}${address.publicUrl.protocol === 'https:' ? ' (session cookies are Secure)' : ''}`);
      if (address.trustProxy !== undefined) io.out(`  trusted proxies: ${Array.isArray(address.trustProxy) ? address.trustProxy.join(', ') : String(address.trustProxy)}`);
      await onStopSignal(logger, () => server.close());
      io.out('stopped');
      exitSoon();
    });

  const opsDeps = {
    client: (data?: string) => apiClient({ data }),
    done: (c: number) => {
      code = c;
    },
  };
  registerOpsCommands(program, io, opsDeps);
  registerMemberCommands(program, io, opsDeps);
  registerSettingsCommands(program, io, opsDeps);
  registerCheckinCommands(program, io, opsDeps);
  // Insight (issue 10): the question inbox.
  registerInboxCommands(program, io, opsDeps);
  registerLinkCommands(program, io, opsDeps);
  registerAdmissionCommands(program, io, opsDeps);
  registerPeopleImportCommands(program, io, opsDeps);
  registerLivecodeCommands(program, io, opsDeps);
  // Campaigns (issue 9).
  registerCampaignCommands(program, io, opsDeps);
  // Insight (issue 10): moderation and keyword alerts.
  registerModerationCommands(program, io, opsDeps);
  // Insight (issue 10): group health.
  registerHealthCommands(program, io, opsDeps);
  // The weekly digest of a group.
  registerDigestCommands(program, io, opsDeps);
  // Insight (issue 10): funnels and cohorts.
  registerFunnelCommands(program, io, opsDeps);
  // Insight (issue 10): per-step effect and A/B.
  registerEffectsCommands(program, io, opsDeps);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; a wrong call is a usage error (2).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError || e instanceof NoServerError) {
      io.err(e.message);
      return 2;
    }
    if (e instanceof ApiCallError) {
      io.err(e.field && !e.message.includes(e.field) ? `${e.message} (field: ${e.field})` : e.message);
      return 1;
    }
    throw e;
  }
  return code;
}
