// The audit log in people's words: each entry's actor by display name and its target by name
// (the run's sheet title or the broadcast's text, the task's group and run, the person, the group,
// the channel, the sheet, the token) — looked up when the log is read, so a rename shows and no
// entry needs rewriting. Targets stay as written (`run:run_1a2b`) beside the names.

import { type Db, sql } from '../store/db.ts';
import { runTitleOf } from '../run/tasks.ts';

export type TargetKind = 'run' | 'broadcast' | 'task' | 'user' | 'group' | 'channel' | 'sheet' | 'token' | 'member' | 'segment' | 'link' | 'livecode' | 'campaign';

export interface TargetName {
  kind: TargetKind;
  /** What a person calls it: `Camp 7 days`, `Lin Wei`, `Beijing fans 3`. */
  name: string;
  /** Where it belongs, for a task: the run's title (and `runKind` tells run from broadcast). */
  context?: string;
  runKind?: 'run' | 'broadcast';
}

/** `run:run_1a2b` → ['run', 'run_1a2b']; the sheet's `camp-7d@3` → ['sheet', 'camp-7d'] with version 3. */
export function splitTarget(target: string | null): { prefix: string; id: string; version?: number } | undefined {
  const m = target ? /^([a-z]+):(.+)$/.exec(target) : null;
  if (!m) return undefined;
  if (m[1] === 'sheet') {
    const v = /^(.*)@(\d+)$/.exec(m[2]);
    return v ? { prefix: 'sheet', id: v[1], version: Number(v[2]) } : { prefix: 'sheet', id: m[2] };
  }
  return { prefix: m[1], id: m[2] };
}

const ids = (set: Set<string>) => [...set];

/** Display names of the actors and names of the targets, for a page of entries. */
export async function auditNames(
  db: Db,
  entries: readonly { actor: string; target: string | null }[],
): Promise<{ people: Map<string, string>; targets: Map<string, TargetName> }> {
  const want = { run: new Set<string>(), ledger: new Set<string>(), user: new Set<string>(), group: new Set<string>(), channel: new Set<string>(), sheet: new Set<string>(), token: new Set<string>(), member: new Set<string>(), segment: new Set<string>(), link: new Set<string>(), livecode: new Set<string>(), campaign: new Set<string>() };
  for (const e of entries) {
    want.user.add(e.actor);
    const t = splitTarget(e.target);
    if (t && t.prefix in want) want[t.prefix as keyof typeof want].add(t.id);
  }
  const ledgerIds = ids(want.ledger).filter((id) => /^\d+$/.test(id)).map(Number);
  const ledger = ledgerIds.length
    ? await db.selectFrom('ledger').innerJoin('groups', 'groups.id', 'ledger.group_id').select(['ledger.id', 'ledger.run_id', 'groups.name as group_name']).where('ledger.id', 'in', ledgerIds).execute()
    : [];
  for (const l of ledger) want.run.add(l.run_id);

  const [runs, users, groups, channels, sheets, tokens] = await Promise.all([
    want.run.size
      ? db
          .selectFrom('runs')
          .leftJoin('sheet_versions', (j) => j.onRef('sheet_versions.sheet_id', '=', 'runs.sheet_id').onRef('sheet_versions.version', '=', 'runs.sheet_version'))
          .select(['runs.id', 'runs.kind', 'runs.broadcast_text', 'sheet_versions.title'])
          .where('runs.id', 'in', ids(want.run))
          .execute()
      : [],
    want.user.size ? db.selectFrom('users').select(['name', 'display_name']).where('name', 'in', ids(want.user)).execute() : [],
    want.group.size ? db.selectFrom('groups').select(['id', 'name']).where('id', 'in', ids(want.group)).execute() : [],
    want.channel.size ? db.selectFrom('channels').select(['id', 'name']).where('id', 'in', ids(want.channel)).execute() : [],
    want.sheet.size ? db.selectFrom('sheets').select(['id', 'title']).where('id', 'in', ids(want.sheet)).execute() : [],
    want.token.size ? db.selectFrom('api_tokens').select(['id', 'name']).where('id', 'in', ids(want.token)).execute() : [],
  ]);

  // people/members: a member by name (a forgotten one by the erased marker), a segment by its own.
  const [members, segments] = await Promise.all([
    want.member.size ? db.selectFrom('members').select(['id', 'name']).where('id', 'in', ids(want.member)).execute() : [],
    want.segment.size ? db.selectFrom('segments').select('name').where('name', 'in', ids(want.segment)).execute() : [],
  ]);
  // growth: a tracked link by its name (else where it leads), a live code and a campaign by name.
  const [links, livecodes, campaigns] = await Promise.all([
    want.link.size ? db.selectFrom('links').select(['id', 'name', 'url']).where('id', 'in', ids(want.link)).execute() : [],
    want.livecode.size ? db.selectFrom('livecodes').select(['id', 'name']).where('id', 'in', ids(want.livecode)).execute() : [],
    want.campaign.size ? sql<{ id: string; name: string }>`SELECT id, name FROM campaigns WHERE id = ANY(${ids(want.campaign)}::text[])`.execute(db).then((r) => r.rows) : [],
  ]);
  const people = new Map(users.map((u) => [u.name, u.display_name || u.name]));
  const targets = new Map<string, TargetName>();
  const runTitle = new Map<string, { kind: 'run' | 'broadcast'; title: string }>();
  for (const r of runs) {
    const kind = r.kind === 'broadcast' ? 'broadcast' : 'run';
    const title = runTitleOf({ kind: r.kind, sheetTitle: r.title, broadcastText: r.broadcast_text, id: r.id });
    runTitle.set(r.id, { kind, title });
    targets.set(`run:${r.id}`, { kind, name: title });
  }
  for (const l of ledger) {
    const run = runTitle.get(l.run_id);
    targets.set(`ledger:${l.id}`, { kind: 'task', name: l.group_name, ...(run ? { context: run.title, runKind: run.kind } : {}) });
  }
  for (const [name, display] of people) targets.set(`user:${name}`, { kind: 'user', name: display });
  for (const g of groups) targets.set(`group:${g.id}`, { kind: 'group', name: g.name });
  for (const c of channels) targets.set(`channel:${c.id}`, { kind: 'channel', name: c.name });
  for (const t of tokens) targets.set(`token:${t.id}`, { kind: 'token', name: t.name });
  for (const m of members) targets.set(`member:${m.id}`, { kind: 'member', name: m.name });
  for (const g of segments) targets.set(`segment:${g.name}`, { kind: 'segment', name: g.name });
  for (const l of links) targets.set(`link:${l.id}`, { kind: 'link', name: l.name || l.url });
  for (const l of livecodes) targets.set(`livecode:${l.id}`, { kind: 'livecode', name: l.name });
  for (const c of campaigns) targets.set(`campaign:${c.id}`, { kind: 'campaign', name: c.name });
  const sheetTitle = new Map(sheets.map((s) => [s.id, s.title]));
  for (const e of entries) {
    const t = splitTarget(e.target);
    if (t?.prefix !== 'sheet' || !e.target) continue;
    const title = sheetTitle.get(t.id);
    if (title !== undefined) targets.set(e.target, { kind: 'sheet', name: title, ...(t.version ? { context: `v${t.version}` } : {}) });
  }
  return { people, targets };
}
