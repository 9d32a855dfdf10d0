// The demo workspace: a sandbox channel named "Demo" with a dozen groups of every community type,
// members who joined over the past days and some of their messages (with tags, roles, points, a
// few orders and a join request waiting: people.ts), three template sheets, a
// training-camp run in progress (opened two days ago: the past is sent, done, late or missed, the
// future planned, a few tasks open for the leaders) and a broadcast to the camp leaders. Built
// with the same functions the platform uses (ingestEvent, saveSheet, startRun, createBroadcast,
// completeTask, moveRows), so everything in it behaves like real work. Making it twice is
// harmless: the second time it only says that the demo exists.

import { DateTime } from 'luxon';
import type { InboundEvent } from '../channels/port.ts';
import { addChannel, type ConnectorCache } from '../channels/registry.ts';
import { updateGroup } from '../community/groups.ts';
import { ingestEvent } from '../community/ingest.ts';
import type { Queue } from '../dispatch/queue.ts';
import { english, type Msg, msg, withText } from '../i18n/index.ts';
import { createBroadcast } from '../run/broadcasts.ts';
import { countsByState } from '../run/ledger.ts';
import { pauseRun, type RunContext, resumeRun, startRun } from '../run/runs.ts';
import { completeTask } from '../run/tasks.ts';
import { readTemplate } from '../sop/templates.ts';
import type { Db } from '../store/db.ts';
import type { SecretBox } from '../store/secrets.ts';
import { saveSheet } from '../store/sheets.ts';
import { type PastResult, playPast } from './history.ts';
import { seedDemoPeople } from './people.ts';
import {
  DEMO_BROADCAST,
  DEMO_CAMP_VARS,
  DEMO_CHANNEL,
  DEMO_GROUPS,
  DEMO_LEADERS,
  DEMO_MESSAGES,
  DEMO_PEOPLE,
  DEMO_TEMPLATES,
  type DemoGroup,
  type DemoLeader,
  seededRandom,
} from './workspace.ts';

export interface DemoDeps {
  db: Db;
  box: SecretBox;
  connectors: ConnectorCache;
  wake?: () => void;
  queue?: Queue;
  /** Who made the demo (the history and the runs name them). */
  actor?: string;
  now?: Date;
  /**
   * Gives a leader a sign-in account with a random password and resolves that password; resolves
   * false when an account of that name already exists (it is left as it is). Absent: the leaders
   * are names on groups only.
   */
  createLeaderAccount?: (leader: DemoLeader) => Promise<string | false>;
}

export interface DemoSummary {
  /** False when the demo already existed and nothing was made. */
  created: boolean;
  message: string;
  channel: { id: string; name: string };
  groups: number;
  members: number;
  messages: number;
  sheets: string[];
  run?: { id: string; actions: number; counts: Record<string, number> };
  broadcast?: { id: string; groups: number };
  /** `password` only for accounts this call created: sign in with it to see the leader page. */
  leaders: { name: string; displayName: string; account: boolean; password?: string }[];
  past?: PastResult;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const CAMP_SHEET = 'camp-7d';
const CAMP_ZONE = 'Asia/Shanghai';

export async function findDemo(db: Db): Promise<{ channelId: string; runId?: string } | undefined> {
  const channel = await db.selectFrom('channels').select('id').where('kind', '=', 'sandbox').where('name', '=', DEMO_CHANNEL).orderBy('created_at').executeTakeFirst();
  if (!channel) return undefined;
  const run = await db
    .selectFrom('runs')
    .innerJoin('run_groups', 'run_groups.run_id', 'runs.id')
    .innerJoin('groups', 'groups.id', 'run_groups.group_id')
    .select('runs.id')
    .where('groups.channel_id', '=', channel.id)
    .where('runs.kind', '=', 'run')
    .orderBy('runs.created_at')
    .executeTakeFirst();
  return { channelId: channel.id, ...(run ? { runId: run.id } : {}) };
}

export async function seedDemo(deps: DemoDeps): Promise<DemoSummary> {
  const { db } = deps;
  const existing = await findDemo(db);
  if (existing) {
    const n = await db.selectFrom('groups').select((eb) => eb.fn.countAll<number>().as('n')).where('channel_id', '=', existing.channelId).executeTakeFirstOrThrow();
    const text = existing.runId
      ? msg('demo.existsWithRun', { channel: DEMO_CHANNEL, groups: Number(n.n), run: existing.runId })
      : msg('demo.exists', { channel: DEMO_CHANNEL, groups: Number(n.n) });
    return told(text, {
      created: false,
      channel: { id: existing.channelId, name: DEMO_CHANNEL },
      groups: Number(n.n),
      members: 0,
      messages: 0,
      sheets: [],
      ...(existing.runId ? { run: { id: existing.runId, actions: 0, counts: await countsByState(db, existing.runId) } } : {}),
      leaders: DEMO_LEADERS.map((l) => ({ name: l.name, displayName: l.displayName, account: false })),
    });
  }

  const now = deps.now ?? new Date();
  const rand = seededRandom(20240601);
  const actor = deps.actor ?? 'demo';
  const channel = await addChannel(db, deps.box, { kind: 'sandbox', name: DEMO_CHANNEL, config: {} });
  const ingest = { db, ...(deps.wake ? { wake: deps.wake } : {}) };

  const groupIds = new Map<string, string>();
  for (const g of DEMO_GROUPS) {
    const seen = await ingestEvent(ingest, channel.id, { type: 'group_seen', chatId: g.chatId, title: g.name, memberCount: 0, at: new Date(now.getTime() - (g.joinedWithin * DAY + HOUR)) });
    const id = seen.groupId!;
    groupIds.set(g.chatId, id);
    await updateGroup(db, id, { community: g.community, leader: g.leader, tags: g.tags, ...(g.attrs ? { attrs: g.attrs } : {}) });
  }

  const events = DEMO_GROUPS.flatMap((g, i) => groupEvents(g, i, now, rand)).sort((a, b) => a.at.getTime() - b.at.getTime());
  const people = new Set<string>();
  let messages = 0;
  for (const e of events) {
    const r = await ingestEvent(ingest, channel.id, e);
    if (r.memberId) people.add(r.memberId);
    if (r.change === 'message') messages++;
  }

  await seedDemoPeople(db, channel.id, groupIds, now, rand);

  const sheets: string[] = [];
  for (const id of DEMO_TEMPLATES) {
    const saved = await saveSheet(db, { yaml: readTemplate(id), file: `${id}.yaml`, actor });
    sheets.push(`${saved.id}@${saved.version}`);
  }

  const quiet: RunContext = { db, connectors: deps.connectors, actor };
  const full: RunContext = { ...quiet, ...(deps.wake ? { wake: deps.wake } : {}), ...(deps.queue ? { queue: deps.queue } : {}) };
  const camps = `channel:${channel.id}+community:training_camp`;
  const anchor = DateTime.fromJSDate(now).setZone(CAMP_ZONE).minus({ days: 2 }).toISODate()!;
  // Started without waking anyone and paused at once: the rows already due are the demo's past,
  // written below, and must not be sent now by a worker (one that claims a row first just sends it).
  const run = await startRun(quiet, { sheet: CAMP_SHEET, groups: camps, anchor, vars: { ...DEMO_CAMP_VARS } });
  await pauseRun(quiet, run.id);
  const past = await playPast(db, run.id, now, rand);
  await resumeRun(full, run.id);

  const broadcast = await createBroadcast(full, { text: DEMO_BROADCAST.text, groups: camps, by: 'leader', deadline: DEMO_BROADCAST.deadline });
  const firstTask = await db.selectFrom('ledger').select(['id', 'assignee']).where('run_id', '=', broadcast.id).orderBy('id').executeTakeFirst();
  if (firstTask) await completeTask(db, Number(firstTask.id), firstTask.assignee ?? actor, { note: 'demo' });

  const leaders: DemoSummary['leaders'] = [];
  for (const l of DEMO_LEADERS) {
    const password = deps.createLeaderAccount ? await deps.createLeaderAccount(l) : false;
    leaders.push({ name: l.name, displayName: l.displayName, account: password !== false, ...(password !== false ? { password } : {}) });
  }

  const counts = await countsByState(db, run.id);
  return told(describe(DEMO_GROUPS.length, people.size, run.id, leaders), {
    created: true,
    channel: { id: channel.id, name: DEMO_CHANNEL },
    groups: DEMO_GROUPS.length,
    members: people.size,
    messages,
    sheets,
    run: { id: run.id, actions: run.actions, counts },
    broadcast: { id: broadcast.id, groups: broadcast.groups },
    leaders,
    past,
  });
}

/** The summary with its message in English; the text is remembered so the API words it for its reader (`textOf`). */
function told(text: Msg, summary: Omit<DemoSummary, 'message'>): DemoSummary {
  const { created, ...rest } = summary;
  return withText({ created, message: english(text), ...rest }, text);
}

function describe(groups: number, members: number, runId: string, leaders: DemoSummary['leaders']): Msg {
  const accounts = leaders.filter((l) => l.password);
  const vars = { groups, members, channel: DEMO_CHANNEL, run: runId };
  if (!accounts.length) return msg('demo.ready', vars);
  return msg('demo.readySignIn', { ...vars, accounts: accounts.map((l) => `${l.name} / ${l.password}`).join(', ') });
}

/** One group's joins (spread over its days), a member who left, and a few messages after joining. */
function groupEvents(g: DemoGroup, index: number, now: Date, rand: () => number): InboundEvent[] {
  const from = g.joinedFrom ?? 0;
  const events: InboundEvent[] = [];
  const joined: { ref: { externalId: string; name: string }; at: Date }[] = [];
  const picked = new Set<number>();
  // People overlap between groups (one person can be in a camp and a city chapter), as in life.
  let offset = (index * 7) % DEMO_PEOPLE.length;
  while (picked.size < Math.min(g.members, DEMO_PEOPLE.length)) {
    offset = (offset + 1 + Math.floor(rand() * 3)) % DEMO_PEOPLE.length;
    picked.add(offset);
  }
  for (const p of picked) {
    const ref = { externalId: `demo-user-${String(p + 1).padStart(3, '0')}`, name: DEMO_PEOPLE[p] };
    const daysAgo = from + rand() * (g.joinedWithin - from);
    const at = new Date(now.getTime() - daysAgo * DAY);
    joined.push({ ref, at });
    events.push({ type: 'member_joined', chatId: g.chatId, member: ref, at });
  }
  const lines = DEMO_MESSAGES[g.community];
  const said = 2 + Math.floor(rand() * 3);
  for (let i = 0; i < said; i++) {
    const who = joined[Math.floor(rand() * joined.length)];
    const at = new Date(who.at.getTime() + rand() * (now.getTime() - who.at.getTime()));
    events.push({ type: 'message', chatId: g.chatId, messageId: `${g.chatId}-m${i + 1}`, from: who.ref, text: lines[(index + i) % lines.length], links: [], mentions: [], at });
  }
  if (index % 4 === 3 && joined.length > 2) {
    const who = joined[joined.length - 1];
    events.push({ type: 'member_left', chatId: g.chatId, member: who.ref, reason: 'voluntary', at: new Date(who.at.getTime() + (now.getTime() - who.at.getTime()) / 2) });
  }
  return events;
}
