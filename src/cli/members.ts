// `chorus member list | show | tag | points | role | merge | forget` and `chorus segment save |
// list` — through the running server's API. The JSON shapes are the issue's contract exactly
// (the API gives more: blacklisted, group names, contacts; they are left out here).

import type { Command } from 'commander';
import { english } from '../i18n/index.ts';
import { AudienceError, MEMBER_ROLES, parseAudience } from '../sop/audience.ts';
import type { ApiClient } from './api-client.ts';
import { type Io, UsageError } from './io.ts';
import type { OpsDeps } from './ops.ts';
import { plural, table, when } from './table.ts';

interface ApiMember {
  id: string;
  name: string;
  identities: { channel: string; externalId: string; username: string | null }[];
  groups: { group: string; groupName: string; role: string | null; joinedAt: string; leftAt: string | null; via: unknown }[];
  stage: string;
  level: string;
  points: number;
  tags: string[];
  messages: number;
  checkins: number;
  lastActiveAt: string | null;
}

interface ApiProfile extends ApiMember {
  events: { at: string; kind: string; group: string | null; groupName: string | null; detail: Record<string, unknown> }[];
}

/** The contract's member object: exactly these fields, in this order. */
export function memberJson(m: ApiMember) {
  return {
    id: m.id,
    name: m.name,
    identities: m.identities.map((i) => ({ channel: i.channel, externalId: i.externalId, username: i.username })),
    groups: m.groups.map((g) => ({ group: g.group, role: g.role, joinedAt: g.joinedAt, leftAt: g.leftAt, via: g.via })),
    stage: m.stage,
    level: m.level,
    points: m.points,
    tags: m.tags,
    messages: m.messages,
    checkins: m.checkins,
    lastActiveAt: m.lastActiveAt,
  };
}

/** A selector that does not read is a usage error (exit 2), worded like the server's. */
function checkSelector(where: string | undefined): void {
  if (where === undefined) return;
  try {
    parseAudience(where);
  } catch (e) {
    if (e instanceof AudienceError) throw new UsageError(`The member selector is not valid: ${english(e.text)}`);
    throw e;
  }
}

const csv = (s: string | undefined) => (s ?? '').split(',').map((t) => t.trim()).filter(Boolean);
const ref = (member: string) => `/api/members/${encodeURIComponent(member)}`;

function amount(flag: string, text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) <= 0) throw new UsageError(`${flag} takes a whole number greater than 0 (got "${text}").`);
  return Number(text);
}

export async function memberList(io: Io, api: ApiClient, o: { where?: string; json?: boolean }): Promise<number> {
  checkSelector(o.where);
  const all: ApiMember[] = [];
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await api.get<{ members: ApiMember[] }>('/api/members', { where: o.where, sort: 'name', limit, offset });
    all.push(...page.members);
    if (page.members.length < limit) break;
  }
  if (o.json) {
    io.out(JSON.stringify(all.map(memberJson), null, 2));
    return 0;
  }
  if (!all.length) {
    io.out(o.where ? `No member matches "${o.where}".` : 'No members yet: they appear as people join or speak in the groups.');
    return 0;
  }
  io.out(
    table(
      ['id', 'name', 'identities', 'groups', 'stage', 'level', 'points', 'tags', 'last active'],
      all.map((m) => [
        m.id,
        m.name,
        m.identities.map((i) => `${i.channel}:${i.externalId}`).join(' '),
        m.groups.filter((g) => !g.leftAt).map((g) => g.groupName).join(', '),
        m.stage,
        m.level,
        m.points,
        m.tags.join(','),
        when(m.lastActiveAt),
      ]),
    ),
  );
  io.out(`\n${plural(all.length, 'member')}`);
  return 0;
}

export async function memberShow(io: Io, api: ApiClient, member: string, o: { json?: boolean }): Promise<number> {
  const p = await api.get<ApiProfile>(ref(member));
  if (o.json) {
    io.out(JSON.stringify({ ...memberJson(p), events: p.events.map((e) => ({ at: e.at, kind: e.kind, group: e.group, detail: e.detail })) }, null, 2));
    return 0;
  }
  io.out(`${p.name} (${p.id})`);
  io.out(`  identities: ${p.identities.map((i) => `${i.channel}:${i.externalId}${i.username ? ` @${i.username}` : ''}`).join(', ') || '-'}`);
  io.out(`  stage ${p.stage}, level ${p.level}, ${plural(p.points, 'point')}, ${plural(p.messages, 'message')}, ${plural(p.checkins, 'check-in')}, last active ${when(p.lastActiveAt)}`);
  io.out(`  tags: ${p.tags.join(', ') || '-'}`);
  if (p.groups.length) {
    io.out('');
    io.out(table(['group', 'name', 'role', 'joined', 'left'], p.groups.map((g) => [g.group, g.groupName, g.role, when(g.joinedAt), when(g.leftAt)])));
  }
  if (p.events.length) {
    io.out('');
    io.out(table(['at', 'event', 'group', 'detail'], p.events.map((e) => [when(e.at), e.kind, e.groupName ?? e.group, Object.keys(e.detail).length ? JSON.stringify(e.detail) : ''])));
  }
  return 0;
}

export async function memberTag(io: Io, api: ApiClient, member: string | undefined, o: { where?: string; add?: string; remove?: string; json?: boolean }): Promise<number> {
  if ((member === undefined) === (o.where === undefined)) throw new UsageError('Name one member, or pick members with --where <selector> (one of the two).');
  checkSelector(o.where);
  const add = csv(o.add);
  const remove = csv(o.remove);
  if (!add.length && !remove.length) throw new UsageError('Say which tags to change: --add t1,t2 and/or --remove t3.');
  const r = await api.post<{ changed: number }>('/api/members/tags', { ...(member !== undefined ? { members: [member] } : { where: o.where }), add, remove });
  io.out(o.json ? JSON.stringify(r, null, 2) : `Tags changed on ${plural(r.changed, 'member')}.`);
  return 0;
}

export async function memberPoints(io: Io, api: ApiClient, member: string, o: { add?: string; spend?: string; reason?: string; json?: boolean }): Promise<number> {
  if ((o.add === undefined) === (o.spend === undefined)) throw new UsageError('Give --add N or --spend N (one of the two).');
  if (!o.reason?.trim()) throw new UsageError('Say why with --reason.');
  const body = o.add !== undefined ? { add: amount('--add', o.add) } : { spend: amount('--spend', o.spend as string) };
  const r = await api.post<{ balance: number }>(`${ref(member)}/points`, { ...body, reason: o.reason });
  io.out(o.json ? JSON.stringify({ balance: r.balance }, null, 2) : `Balance: ${plural(r.balance, 'point')}.`);
  return 0;
}

export async function memberRole(io: Io, api: ApiClient, member: string, o: { group: string; set: string; json?: boolean }): Promise<number> {
  const r = await api.put<{ role: string }>(`${ref(member)}/role`, { group: o.group, role: o.set });
  io.out(o.json ? JSON.stringify(r, null, 2) : r.role === 'none' ? `${member} has no role in ${o.group} now.` : `${member} is ${r.role} in ${o.group}.`);
  return 0;
}

export async function memberMerge(io: Io, api: ApiClient, keep: string, merge: string, o: { json?: boolean }): Promise<number> {
  const m = await api.post<ApiMember>('/api/members/merge', { keep, merge });
  io.out(o.json ? JSON.stringify(memberJson(m), null, 2) : `Merged ${merge} into ${m.name} (${m.id}): ${m.identities.map((i) => `${i.channel}:${i.externalId}`).join(', ')}.`);
  return 0;
}

export async function memberForget(io: Io, api: ApiClient, member: string, o: { json?: boolean }): Promise<number> {
  const r = await api.post<{ forgotten: boolean; id: string }>(`${ref(member)}/forget`);
  io.out(o.json ? JSON.stringify(r, null, 2) : `Erased the personal data of ${r.id}; the counts stay.`);
  return 0;
}

export async function segmentSave(io: Io, api: ApiClient, name: string, o: { where: string; json?: boolean }): Promise<number> {
  checkSelector(o.where);
  const r = await api.put<{ name: string; selector: string }>(`/api/segments/${encodeURIComponent(name)}`, { where: o.where });
  io.out(o.json ? JSON.stringify(r, null, 2) : `Saved segment ${r.name}: ${r.selector}`);
  return 0;
}

export async function segmentList(io: Io, api: ApiClient, o: { json?: boolean }): Promise<number> {
  const list = await api.get<{ name: string; selector: string; members: number }[]>('/api/segments');
  if (o.json) {
    io.out(JSON.stringify(list.map((g) => ({ name: g.name, selector: g.selector, members: g.members })), null, 2));
    return 0;
  }
  if (!list.length) {
    io.out('No segments yet. Save one: chorus segment save <name> --where <selector>');
    return 0;
  }
  io.out(table(['name', 'selector', 'members'], list.map((g) => [g.name, g.selector, g.members])));
  return 0;
}

const DATA = ['--data <dir>', "the server's data folder, for its admin token (default CHORUS_DATA or ./.chorus)"] as const;
const JSON_OUT = ['--json', 'print JSON'] as const;

export function registerMemberCommands(program: Command, io: Io, deps: OpsDeps): void {
  const withApi =
    <A extends unknown[]>(fn: (api: ApiClient, ...args: A) => Promise<number>) =>
    async (...args: A) => {
      const opts = args.at(-2) as { data?: string };
      deps.done(await fn(deps.client(opts.data), ...args));
    };
  const member = program.command('member').description('the people in the groups: one member across every group and channel');
  member
    .command('list')
    .description('the members (a selector picks some: tag:vip+active<7d)')
    .option('--where <selector>', 'a member selector (docs/member-selector.md)')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, opts: { where?: string; json?: boolean }) => memberList(io, api, opts)));
  member
    .command('show')
    .description('one member: profile, groups and timeline')
    .argument('<member>', 'a member id, or <channel>:<platform user id>')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, m: string, opts: { json?: boolean }) => memberShow(io, api, m, opts)));
  member
    .command('tag')
    .description('add and remove tags of one member, or of every member a selector picks')
    .argument('[member]', 'a member id, or <channel>:<platform user id>')
    .option('--where <selector>', 'instead of one member: every member this selector picks')
    .option('--add <tags>', 'tags to add, comma-separated')
    .option('--remove <tags>', 'tags to remove, comma-separated')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, m: string | undefined, opts: { where?: string; add?: string; remove?: string; json?: boolean }) => memberTag(io, api, m, opts)));
  member
    .command('points')
    .description('add or spend points, with a reason (the balance never goes below 0)')
    .argument('<member>', 'a member id, or <channel>:<platform user id>')
    .option('--add <n>', 'points to add')
    .option('--spend <n>', 'points to spend')
    .option('--reason <text>', 'why (kept in the points ledger)')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, m: string, opts: { add?: string; spend?: string; reason?: string; json?: boolean }) => memberPoints(io, api, m, opts)));
  member
    .command('role')
    .description("set a member's role in a group they are or were in")
    .argument('<member>', 'a member id, or <channel>:<platform user id>')
    .requiredOption('--group <group>', 'a group id, or <channel>:<platform chat id>')
    .requiredOption('--set <role>', `${MEMBER_ROLES.join(', ')} or none`)
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, m: string, opts: { group: string; set: string; json?: boolean }) => memberRole(io, api, m, opts)));
  member
    .command('merge')
    .description('two members are one person (on different channels): the second moves into the first')
    .argument('<member>', 'the member to keep')
    .argument('<other>', 'the member merged into it')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, keep: string, other: string, opts: { json?: boolean }) => memberMerge(io, api, keep, other, opts)));
  member
    .command('forget')
    .description("erase a member's personal data (names, contacts, attributes, tags, message texts); the counts stay")
    .argument('<member>', 'a member id, or <channel>:<platform user id>')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, m: string, opts: { json?: boolean }) => memberForget(io, api, m, opts)));

  const segment = program.command('segment').description('saved member selectors');
  segment
    .command('save')
    .description('save a member selector under a name')
    .argument('<name>', 'the segment name')
    .requiredOption('--where <selector>', 'a member selector (docs/member-selector.md)')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, name: string, opts: { where: string; json?: boolean }) => segmentSave(io, api, name, opts)));
  segment
    .command('list')
    .description('the saved segments, with how many members each picks now')
    .option(...DATA)
    .option(...JSON_OUT)
    .action(withApi((api, opts: { json?: boolean }) => segmentList(io, api, opts)));
}
