// The operational commands: they talk to the running server's HTTP API (api-client.ts).
// channel, group, run, broadcast, tasks/task, action — and `worker`, which talks to the database.

import { type Command, Option } from 'commander';
import { COMMUNITIES } from '../sop/types.ts';
import { type ActionOptions, actionCommand } from './action.ts';
import type { ApiClient } from './api-client.ts';
import { type BroadcastOptions, broadcastSend, broadcastStatus } from './broadcast.ts';
import { type ChannelAddOptions, channelAdd, channelList, channelLogin, channelWebhook } from './channel.ts';
import { channelPacing, type PacingOptions } from './channel-pacing.ts';
import { type GroupSetOptions, groupAdd, groupList, groupSet } from './group.ts';
import type { Io } from './io.ts';
import { type RunCliOptions, runChange, runPreview, runReplan, runStart, runStatusCommand } from './run.ts';
import { taskDone, taskList } from './tasks.ts';
import { LOG_LEVEL_OPTION } from '../server/logger.ts';
import { workerCommand } from './worker.ts';

export interface OpsDeps {
  client(data?: string): ApiClient;
  done(code: number): void;
}

type Data = { data?: string };
type Json = { json?: boolean };

const DATA = ['--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)"] as const;
const JSON_OUT = ['--json', 'print JSON'] as const;

export function registerOpsCommands(program: Command, io: Io, deps: OpsDeps): void {
  /** Runs a command with an API client; its return value is the exit code. */
  const withApi =
    <A extends unknown[]>(fn: (api: ApiClient, ...args: A) => Promise<number>) =>
    async (...args: A) => {
      const opts = args.at(-2) as { data?: string };
      deps.done(await fn(deps.client(opts.data), ...args));
    };

  const channel = program.command('channel').description('the chat platforms Chorus acts on');
  channel
    .command('add')
    .description('add a channel: sandbox | manual | telegram --token T | wecom --corp-id … --secret … --token … --aes-key … | wechaty --puppet P')
    .argument('<kind>', 'telegram, wecom, wechaty, sandbox or manual')
    .option('--name <name>', 'a name to select it by (default: who it acts as)')
    .option('--token <token>', 'Telegram: the bot token; WeCom: the callback Token')
    .option('--api-root <url>', 'Telegram Bot API / WeCom API root (self-hosted or a test server)')
    .option('--webhook-secret <secret>', 'Telegram: the secret token Telegram sends with webhook requests')
    .option('--corp-id <id>', 'WeCom: the corp ID')
    .option('--secret <secret>', 'WeCom: the app secret')
    .option('--aes-key <key>', 'WeCom: the EncodingAESKey (43 characters)')
    .option('--sender <userid>', 'WeCom: the staff member who sends every post (default: each group owner)')
    .option('--puppet <name>', 'Wechaty: the puppet, e.g. wechaty-puppet-service')
    .option('--puppet-token <token>', 'Wechaty: the token from the puppet provider')
    .option('--puppet-endpoint <host:port>', 'Wechaty: the address of a self-hosted puppet service')
    .option('--wait <seconds>', 'Wechaty: how long to wait for the QR code scan (default 300)')
    .option('--no-wait', 'Wechaty: add the channel and return; sign in later')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, kind: string, opts: ChannelAddOptions & Data) => channelAdd(io, api, kind, opts)));
  channel
    .command('login')
    .description('WeChat: print the login QR code of a channel and wait until the account signs in (again)')
    .argument('<channel>', 'channel id or name')
    .option('--wait <seconds>', 'how long to wait (default 300)')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, ref: string, opts: { wait?: string; json?: boolean } & Data) => channelLogin(io, api, ref, opts)));
  channel
    .command('list')
    .description('the channels, with status and webhook path (never credentials)')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, opts: Json & Data) => channelList(io, api, opts)));
  channel
    .command('webhook')
    .description("Telegram: have Telegram POST the bot's updates to this server at <public-url>")
    .argument('<channel>', 'channel id or name')
    .argument('<public-url>', 'the address this server is reachable at from the internet (https://…)')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, id: string, url: string, opts: Json & Data) => channelWebhook(io, api, id, url, opts)));
  channel
    .command('pacing')
    .description("a channel's pacing: without flags, print it; with flags, change it (\"default\" goes back to the platform's)")
    .argument('<channel>', 'channel id or name')
    .option('--interval <duration>', 'least time between two sends, e.g. 3s')
    .option('--jitter <duration>', 'a random extra wait after each send, up to this, e.g. 2s')
    .option('--daily-cap <n>', 'sends per day for the whole account ("none": no cap)')
    .option('--per-chat-daily <n>', 'sends per day into one group or person ("none": no cap)')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, id: string, opts: PacingOptions & Data) => channelPacing(io, api, id, opts)));

  const group = program.command('group').description('the group chats Chorus operates');
  group
    .command('list')
    .description('the active groups')
    .option('--groups <selector>', 'only these: all, channel:<name>, tag:<t>, community:<type>, leader:<name>, id:<g1>,<g2>')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, opts: { groups?: string } & Json & Data) => groupList(io, api, opts)));
  const groupOptions = (cmd: Command) =>
    cmd
      .option('--name <name>', 'the group name (default: its name on the platform)')
      .option('--leader <name>', 'the person responsible for it (their tasks come from here)')
      .addOption(new Option('--community <type>', 'community type').choices([...COMMUNITIES]))
      .option('--tag <tag...>', 'tags (replaces the tags it had)')
      .option(...DATA)
      .option(...JSON_OUT);
  groupOptions(
    group
      .command('add')
      .description('add a group by its id on the platform (looked up there when the platform allows)')
      .argument('<channel>', 'channel id or name')
      .argument('<external-id>', "the group's id on the platform (Telegram chat id, WeCom chat_id, room id)"),
  ).action(withApi((api, ch: string, ext: string, opts: GroupSetOptions & Data) => groupAdd(io, api, ch, ext, opts)));
  groupOptions(group.command('set').description("change a group's name, leader, community or tags").argument('<group>', 'group id or platform id')).action(
    withApi((api, id: string, opts: GroupSetOptions & Data) => groupSet(io, api, id, opts)),
  );

  const run = program.command('run').description('apply a sheet to groups: preview, start, follow, pause, resume, cancel, re-plan');
  const runOptions = (cmd: Command) =>
    cmd
      .argument('<sheet>', 'a sheet file, or a stored sheet id (camp-7d or camp-7d@3)')
      .option('--groups <selector>', 'all, channel:<name>, tag:<t>, community:<type>, leader:<name>, id:<g1>,<g2>; join with + (all must hold)')
      .requiredOption('--anchor <instant>', "ISO 8601 instant, or a date that uses the sheet's anchor_time")
      .option('--var <key=value...>', 'a sheet variable (repeatable)')
      .option('--tz <zone>', "IANA time zone overriding the sheet's")
      // lifecycle (issue 9): groups the run creates (the sheet's create_group step).
      .option('--create <n>', 'create N new groups for the run (its sheet needs a create_group step), on --channel')
      .option('--channel <name>', 'the channel the new groups are created on (with --create)')
      .option('--create-leader <name>', 'who leads the new groups and gets their tasks (with --create)')
      .option('--create-member <id...>', "platform contacts a group the bot creates starts with (WeChat: two staff besides the bot's account)")
      .option(...DATA)
      .option(...JSON_OUT);
  runOptions(run.command('preview').description('what a run would do, and when the last message would go out under pacing; starts nothing')).action(
    withApi((api, sheet: string, opts: RunCliOptions & Data) => runPreview(io, api, sheet, opts)),
  );
  runOptions(run.command('start').description('start a run (--json prints {id})')).action(withApi((api, sheet: string, opts: RunCliOptions & Data) => runStart(io, api, sheet, opts)));
  run
    .command('status')
    .description('counts per ledger state and the next actions (--json: {id, state, counts, actions})')
    .argument('<id>', 'run id')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, id: string, opts: Json & Data) => runStatusCommand(io, api, id, opts)));
  for (const change of ['pause', 'resume', 'cancel'] as const) {
    run
      .command(change)
      .description(`${change} a run or a broadcast`)
      .argument('<id>', 'run or broadcast id')
      .option(...DATA)
      .option(...JSON_OUT)
      .action(withApi((api, id: string, opts: Json & Data) => runChange(io, api, id, change, opts)));
  }
  run
    .command('replan')
    .description('apply a changed sheet to a run: future actions are replaced, what was done stays')
    .argument('<id>', 'run id')
    .argument('<sheet>', 'the changed sheet file, or a stored sheet id')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, id: string, sheet: string, opts: Json & Data) => runReplan(io, api, id, sheet, opts)));

  const broadcast = program
    .command('broadcast')
    .description('send one instruction to many groups, by the bot or by each group leader (--json prints {id})')
    .option('--text <text>', 'what every group gets')
    .option('--link <url>', 'a link sent with it')
    .option('--groups <selector>', 'all, channel:<name>, tag:<t>, community:<type>, leader:<name>, id:<g1>,<g2>')
    .addOption(new Option('--by <who>', 'who sends it').choices(['bot', 'leader']))
    .option('--deadline <when>', 'by when every group should have it: an instant, or 30m / 2h / 1d from now')
    .option('--preview', 'show what it would do; start nothing')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, opts: BroadcastOptions & Data) => broadcastSend(io, api, opts)));
  broadcast
    .command('status')
    .description('like run status, for a broadcast')
    .argument('<id>', 'broadcast id')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, id: string, opts: Json & Data) => broadcastStatus(io, api, id, opts)));

  program
    .command('tasks')
    .description("what people have to do: open tasks, or one person's")
    .option('--assignee <name>', 'only this person')
    .option('--state <states>', 'comma-separated ledger states (default: the open ones)')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, opts: { assignee?: string; state?: string } & Json & Data) => taskList(io, api, opts)));
  const task = program.command('task').description('one task');
  task
    .command('done')
    .description('mark a task done (late when past its window)')
    .argument('<id>', 'task id (from chorus tasks)')
    .option('--by <name>', 'who did it (default: the token owner)')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, id: string, opts: { by?: string } & Json & Data) => taskDone(io, api, id, opts)));

  const action = program.command('action').description('one action of a run or broadcast (ids from chorus run status)');
  action
    .command('retry')
    .description('send a failed action again; an unconfirmed one only with --confirm-not-sent')
    .argument('<id>', 'action id')
    .option('--confirm-not-sent', 'you checked the chat: it was not sent')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, id: string, opts: ActionOptions & Data) => actionCommand(io, api, 'retry', id, opts)));
  for (const [verb, description] of [
    ['send-now', 'send a planned message now instead of at its time'],
    ['skip', 'skip an action not yet sent or done'],
  ] as const) {
    action
      .command(verb)
      .description(description)
      .argument('<id>', 'action id')
      .option(...DATA)
      .option(...JSON_OUT)
      .action(withApi((api, id: string, opts: ActionOptions & Data) => actionCommand(io, api, verb, id, opts)));
  }
  action
    .command('reassign')
    .description('hand a task to another person in the team')
    .argument('<id>', 'action id')
    .argument('<person>', "the person's user name")
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, id: string, to: string, opts: ActionOptions & Data) => actionCommand(io, api, 'reassign', id, { ...opts, to })));
  action
    .command('edit')
    .description('change the text of an action not yet sent or done')
    .argument('<id>', 'action id')
    .requiredOption('--text <text>', 'the new text')
    .option('--link <url>', 'the link (empty: none)')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, id: string, opts: ActionOptions & Data) => actionCommand(io, api, 'edit', id, opts)));
  // lifecycle (issue 9): the group a person created for a run's create_group task.
  action
    .command('bind')
    .description("bind a create_group task to the group that was created: the run's waiting actions go on there")
    .argument('<id>', 'the create_group task id')
    .argument('<group>', "the new group's Chorus id or platform id (the bot must be in it)")
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, id: string, group: string, opts: ActionOptions & Data) => actionCommand(io, api, 'bind', id, { ...opts, group })));

  program
    .command('worker')
    .description('run a standalone sending worker against PostgreSQL (DATABASE_URL); any number, on any machine')
    .option('--data <dir>', "folder holding the server's secret.key (default CHORUS_DATA or ./.chorus)")
    .option(...LOG_LEVEL_OPTION)
    .action(async (opts: { data?: string; logLevel?: string }) => {
      deps.done(await workerCommand(io, opts));
    });
}
