// `chorus moderation set | log | undo` and `chorus alert add | list | remove` — through the
// running server's API (/api/moderation, /api/alerts). docs/insight.md#moderation.

import { type Command, InvalidArgumentError } from 'commander';
import type { ApiClient } from './api-client.ts';
import type { Io } from './io.ts';
import type { OpsDeps } from './ops.ts';
import { table, when } from './table.ts';

interface Scope {
  scope: string;
  groups: string[];
  settings: Record<string, unknown> & { links: string; allowDomains: string[]; words: string[]; contacts: string; warn: number; after: string };
  exemptRoles: string[];
}

interface LogEntry {
  id: number;
  at: string;
  group: string;
  groupName: string;
  member: string | null;
  memberName: string | null;
  rule: string;
  action: string;
  deleted: boolean;
  text: string;
  undoneAt: string | null;
}

interface Alert {
  id: string;
  keyword: string;
  groups: string;
  createdAt: string;
  hits: number;
}

export interface SetOptions {
  groups: string;
  links?: string;
  allowDomains?: string;
  words?: string;
  contacts?: string;
  warn?: number;
  then?: string;
  json?: boolean;
}

const list = (v: string) =>
  v
    .split(/[,，]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The flags as a partial settings document (the server checks it, field by field). */
export function settingsOf(o: SetOptions): Record<string, unknown> {
  return {
    ...(o.links !== undefined ? { links: o.links } : {}),
    ...(o.allowDomains !== undefined ? { allowDomains: list(o.allowDomains) } : {}),
    ...(o.words !== undefined ? { words: list(o.words) } : {}),
    ...(o.contacts !== undefined ? { contacts: o.contacts } : {}),
    ...(o.warn !== undefined ? { warn: o.warn } : {}),
    // `--then` is the settings' `after` (an object with a `then` key passes for a promise).
    ...(o.then !== undefined ? { after: o.then } : {}),
  };
}

export async function moderationSet(io: Io, api: ApiClient, o: SetOptions): Promise<number> {
  const { scopes } = await api.put<{ scopes: Scope[] }>('/api/moderation', { groups: o.groups, settings: settingsOf(o) });
  if (o.json) {
    io.out(JSON.stringify(scopes, null, 2));
    return 0;
  }
  io.out(
    table(
      ['scope', 'groups', 'links', 'allowed domains', 'words', 'contacts', 'warn', 'then'],
      scopes.map((s) => [s.scope, s.groups.length, s.settings.links, s.settings.allowDomains.join(', '), s.settings.words.join(', '), s.settings.contacts, s.settings.warn, s.settings.after]),
    ),
  );
  return 0;
}

export async function moderationLog(io: Io, api: ApiClient, o: { json?: boolean }): Promise<number> {
  const { log } = await api.get<{ log: LogEntry[] }>('/api/moderation/log');
  if (o.json) {
    // The contract's fields, exactly.
    io.out(JSON.stringify(log.map((l) => ({ at: l.at, group: l.group, member: l.member, rule: l.rule, action: l.action, text: l.text })), null, 2));
    return 0;
  }
  if (!log.length) {
    io.out('Nothing in the moderation log yet.');
    return 0;
  }
  io.out(
    table(
      ['id', 'at', 'group', 'member', 'rule', 'action', 'text', 'undone'],
      log.map((l) => [l.id, when(l.at), l.groupName, l.memberName ?? l.member, l.rule, `${l.action}${l.deleted ? ' + deleted' : ''}`, l.text.slice(0, 60), l.undoneAt ? when(l.undoneAt) : '']),
    ),
  );
  return 0;
}

export async function moderationUndo(io: Io, api: ApiClient, id: string): Promise<number> {
  const r = await api.post<{ undo: string; note: unknown }>(`/api/moderation/log/${encodeURIComponent(id)}/undo`, {});
  io.out(`Undone (${r.undo}).${r.note ? ' The deleted message cannot come back.' : ''}`);
  return 0;
}

export async function alertAdd(io: Io, api: ApiClient, o: { keyword: string; groups?: string }): Promise<number> {
  const a = await api.post<Alert>('/api/alerts', { keyword: o.keyword, ...(o.groups ? { groups: o.groups } : {}) });
  io.out(`Alert ${a.id}: "${a.keyword}" in ${a.groups}.`);
  return 0;
}

export async function alertList(io: Io, api: ApiClient, o: { json?: boolean }): Promise<number> {
  const { alerts } = await api.get<{ alerts: Alert[]; commandCenter: string | null }>('/api/alerts');
  if (o.json) {
    io.out(JSON.stringify(alerts.map((a) => ({ id: a.id, keyword: a.keyword, groups: a.groups, hits: a.hits, createdAt: a.createdAt })), null, 2));
    return 0;
  }
  if (!alerts.length) {
    io.out('No keyword alerts yet.');
    return 0;
  }
  io.out(table(['id', 'keyword', 'groups', 'hits', 'since'], alerts.map((a) => [a.id, a.keyword, a.groups, a.hits, when(a.createdAt)])));
  return 0;
}

export async function alertRemove(io: Io, api: ApiClient, id: string): Promise<number> {
  await api.del(`/api/alerts/${encodeURIComponent(id)}`);
  io.out(`Alert ${id} removed.`);
  return 0;
}

function count(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('a whole number, like 3');
  return n;
}

export function registerModerationCommands(program: Command, io: Io, deps: OpsDeps): void {
  const run =
    <A extends unknown[]>(fn: (api: ApiClient, ...args: A) => Promise<number>) =>
    async (...args: A) => {
      const opts = args.at(-2) as { data?: string };
      deps.done(await fn(deps.client(opts.data), ...args));
    };
  const DATA = ['--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)"] as const;

  const moderation = program.command('moderation').description('moderation of member messages: settings, the log, undo');
  moderation
    .command('set')
    .description('moderate the groups a selector picks (community:<type> alone: the community type, now and later)')
    .requiredOption('--groups <selector>', 'all, community:<type>, tag:<t>, leader:<name>, id:<g1>,<g2>… (+ for and)')
    .option('--links <block|allow>', 'links outside the allowed domains: block or allow')
    .option('--allow-domains <d1,d2>', 'domains whose links are allowed (with their subdomains)')
    .option('--words <w1,w2>', 'banned words')
    .option('--contacts <block>', 'contact-hunting (phone numbers, 加V, WeChat ids): block (or allow)')
    .option('--warn <N>', 'warnings within the window before the next violation mutes or removes', count)
    .option('--then <mute|remove>', 'what the next violation after N warnings does')
    .option(...DATA)
    .option('--json', 'print [{scope, groups, settings, exemptRoles}]')
    .action(run((api, o: SetOptions) => moderationSet(io, api, o)));
  moderation
    .command('log')
    .description('every warning, mute, removal and undo, newest first')
    .option(...DATA)
    .option('--json', 'print [{at, group, member, rule, action, text}]')
    .action(run((api, o: { json?: boolean }) => moderationLog(io, api, o)));
  moderation
    .command('undo')
    .description('undo a moderation action: unmute, unban; a deleted message cannot come back')
    .argument('<id>', 'the log entry (its id in `chorus moderation log`)')
    .option(...DATA)
    .action(run((api, id: string) => moderationUndo(io, api, id)));

  const alert = program.command('alert').description('keyword alerts: a word in a member message notifies the operators');
  alert
    .command('add')
    .description('add a keyword alert')
    .requiredOption('--keyword <word>', 'the word (case and full/half width ignored)')
    .option('--groups <selector>', 'the groups it watches (default all)')
    .option(...DATA)
    .action(run((api, o: { keyword: string; groups?: string }) => alertAdd(io, api, o)));
  alert
    .command('list')
    .description('the keyword alerts with their hits')
    .option(...DATA)
    .option('--json', 'print [{id, keyword, groups, hits, createdAt}]')
    .action(run((api, o: { json?: boolean }) => alertList(io, api, o)));
  alert
    .command('remove')
    .description('remove a keyword alert')
    .argument('<id>', 'the alert id (al_…)')
    .option(...DATA)
    .action(run((api, id: string) => alertRemove(io, api, id)));
}
