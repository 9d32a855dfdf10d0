// Runs: one pinned sheet version applied to a set of groups with an anchor and variables.
// Preview (dry run with the pacing forecast), start (the ledger is written in one transaction),
// pause, resume, cancel, re-plan after a sheet change (future actions only), status.

import { randomBytes } from 'node:crypto';
import { isWebLink } from '../sop/links.ts';
import type { ConnectorCache } from '../channels/registry.ts';
import type { CapabilityMatrix, ChannelKind } from '../channels/port.ts';
import { type GroupRow, selectGroups, toGroup } from '../community/groups.ts';
import { PENDING, pendingExternalId } from '../community/group-effects.ts';
import { botUsername } from '../community/start-links.ts';
import { findChannel } from '../channels/registry.ts';
import { english, msg, type Text } from '../i18n/index.ts';
import { forecastSends, type RunForecast } from '../dispatch/forecast.ts';
import { policyFor } from '../dispatch/policies.ts';
import type { Queue } from '../dispatch/queue.ts';
import { scheduleWakeUps } from '../dispatch/timers.ts';
import { parseSheet } from '../sop/parse.ts';
import { type CompiledPlan, checkGroups, compilePlan, PlanError, planGroup, readAnchor, splitGroups } from '../sop/plan.ts';
import { formatLocal } from '../sop/zone.ts';
import type { Sheet } from '../sop/types.ts';
import type { Db } from '../store/db.ts';
import { getSheetVersion, saveSheet } from '../store/sheets.ts';
import { assign, assigneeFor, isMessage, outboundTypeFor } from './assign.ts';
import { audienceContent, contentForPerson, stepContent } from './content.ts';
import { audienceOf, isAudienceStep } from './expand.ts';
import { countsByState, insertLedger, moveRows, type NewLedgerRow } from './ledger.ts';
import { createGroupTask, sheetLanguage, withClose } from './lifecycle.ts';
import type { TextLanguage } from './member-blank.ts';
import { type PreviewWarnings, previewWarnings } from './preview-warnings.ts';
import { OPEN_STATES } from './states.ts';

export interface RunContext {
  db: Db;
  connectors: ConnectorCache;
  /** Tells workers in this process that new rows are due. */
  wake?: () => void;
  /** pg-boss: durable wake-ups at each due instant for workers in any process. */
  queue?: Queue;
  actor?: string;
}

export class RunError extends Error {
  readonly code: string;
  readonly problems?: unknown[];
  /** The message as a catalogue text, rendered in the reader's language by the API. */
  readonly text: Text;
  constructor(code: string, message: Text, problems?: unknown[]) {
    super(english(message));
    this.text = message;
    this.name = 'RunError';
    this.code = code;
    if (problems) this.problems = problems;
  }
}

export interface RunInput {
  /** A stored sheet (`id` or `id@version`), or the YAML text of a sheet (saved as a new version). */
  sheet: string;
  /** The existing groups (a selector); may be left out when the run creates its groups. */
  groups?: string;
  /**
   * Groups the run creates (its sheet's `create_group` step): `count` placeholders on `channel`
   * (id or name), bound to the real groups when they appear (docs/growth-lead-groups.md). `leader`:
   * who gets their tasks (creating the group where the bot cannot); `members`: platform contacts a
   * bot-created group starts with (WeChat needs two besides the account: staff).
   */
  create?: { channel: string; count: number; leader?: string; members?: string[] };
  /** ISO 8601 instant, or a date that uses the sheet's anchor_time. */
  anchor: string;
  vars?: Record<string, string>;
  timezone?: string;
}

interface Prepared {
  /** Groups the run creates (not in the database yet), inserted when it starts. */
  placeholders: GroupRow[];
  /** A lead sheet's groups: when each closes. */
  closes: Map<string, Date>;
  sheetId: string;
  sheetVersion: number;
  sheet: Sheet;
  anchor: Date;
  zone: string;
  vars: Record<string, string>;
  groups: GroupRow[];
  rows: NewLedgerRow[];
  compiled: CompiledPlan;
}

export interface RunPreview {
  sheet: { id: string; version: number; title: string };
  anchor: string;
  groups: number;
  actions: number;
  byMode: { bot: number; human: number };
  /** Per action kind: how many, and how many go to people. */
  byAction: Record<string, { total: number; human: number }>;
  firstDue?: string;
  lastDue?: string;
  forecast: { finishAt?: string; maxDelaySeconds: number; maxDelayDueAt?: string };
  sample: { step: string; group: string; due: string; action: string; mode: string; assignee: string | null; variant?: string; text: string }[];
  /** Steps with `variants:`: how many groups get each variant, and the first of them by name. */
  variants?: { step: string; variant: string; groups: number; names: string[] }[];
  /** Other runs landing in the same groups in the same hours; groups whose leader is not in the team. */
  warnings: PreviewWarnings;
}

async function resolveSheet(db: Db, ref: string, actor?: string): Promise<{ id: string; version: number; yaml: string }> {
  if (ref.includes('\n')) {
    const saved = await saveSheet(db, { yaml: ref, actor });
    const v = await getSheetVersion(db, saved.id, saved.version);
    return { id: saved.id, version: saved.version, yaml: v!.yaml };
  }
  const m = /^([a-z0-9][a-z0-9-]*)(?:@(\d+))?$/.exec(ref.trim());
  if (!m) throw new RunError('sheet_not_found', msg('run.notASheetId', { ref }));
  const v = await getSheetVersion(db, m[1], m[2] ? Number(m[2]) : undefined);
  if (!v) throw new RunError('sheet_not_found', msg('run.noSheet', { ref }));
  return { id: v.id, version: v.version, yaml: v.yaml };
}

export async function capabilitiesOf(ctx: RunContext, groups: GroupRow[]): Promise<Map<string, CapabilityMatrix>> {
  const caps = new Map<string, CapabilityMatrix>();
  for (const channelId of new Set(groups.map((g) => g.channelId))) {
    caps.set(channelId, (await ctx.connectors.get(channelId)).capabilities);
  }
  return caps;
}

/** Plans every group and decides, row by row, bot or person. Throws RunError on any problem. */
async function prepare(ctx: RunContext, input: RunInput, opts: { save: boolean; groupIds?: string[] }): Promise<Prepared> {
  const ref = opts.save || !input.sheet.includes('\n') ? await resolveSheet(ctx.db, input.sheet, ctx.actor) : undefined;
  const yaml = ref?.yaml ?? input.sheet;
  const { sheet } = parseSheet(yaml, ref ? `${ref.id}@${ref.version}` : 'sheet.yaml');
  const existing = opts.groupIds ? await groupsById(ctx.db, opts.groupIds) : input.groups?.trim() ? await selectGroups(ctx.db, input.groups) : [];
  let compiled: CompiledPlan;
  let anchor: Date;
  try {
    anchor = readAnchor(input.anchor, sheet, input.timezone);
    compiled = compilePlan({ sheet, anchor, vars: input.vars, timezone: input.timezone });
  } catch (e) {
    if (e instanceof PlanError) throw new RunError('plan_failed', e.message, e.problems);
    throw e;
  }
  const placeholders = input.create ? await placeholdersFor(ctx, sheet, compiled, input.create, existing.length) : [];
  const groups = [...existing, ...placeholders];
  if (!groups.length) throw new RunError('no_groups', msg('run.noGroups', { selector: input.groups ?? '' }));
  try {
    const problems = checkGroups(compiled, groups.map(planGroupOf));
    if (problems.length) throw new PlanError(problems);
  } catch (e) {
    if (e instanceof PlanError) throw new RunError('plan_failed', e.message, e.problems);
    throw e;
  }
  const caps = await capabilitiesOf(ctx, groups);
  const kinds = await kindsOf(ctx, groups);
  const language = sheetLanguage(sheet);
  const steps = new Map(sheet.steps.map((s) => [s.id, s]));
  const days = new Map(compiled.occurrences.map((o) => [`${o.step}#${o.occurrence}`, o.day]));
  const anchorText = formatLocal(anchor.getTime(), input.timezone ?? sheet.timezone);
  const rows: NewLedgerRow[] = [];
  const closes = new Map<string, Date>();
  // Which variant of each step with `variants:` each group gets: over the whole run, balanced.
  const split = splitGroups(compiled, groups.map((g) => g.id));
  groups.forEach((group, i) => {
    const own: NewLedgerRow[] = [];
    const planned = planGroup(compiled, planGroupOf(group), i + 1, split);
    for (const a of planned) {
      // A group that exists already has nothing to create.
      if (a.action === 'create_group' && group.status !== PENDING) continue;
      const step = steps.get(a.step)!;
      const content = stepContent(step, a.text, { vars: compiled.vars, anchorText, day: days.get(`${a.step}#${a.occurrence}`) ?? 0 }, planGroupOf(group), i + 1);
      if (isAudienceStep(step)) {
        // Expanded into the members of its audience when due (src/run/expand.ts); each member's
        // row then goes to the bot or to a person.
        own.push({
          groupId: group.id,
          stepId: a.step,
          occurrence: a.occurrence,
          action: a.action,
          mode: 'bot',
          executor: 'bot',
          assignee: null,
          senderAccount: group.channelId,
          dueAt: new Date(a.due),
          windowMinutes: step.windowMinutes,
          content: audienceContent(content, step, group.name, audienceOf(step), a.executor),
          ...(a.variant !== undefined ? { variant: a.variant } : {}),
        });
        continue;
      }
      const who = assign(a.action, a.executor, caps.get(group.channelId)!);
      const row: NewLedgerRow = {
        groupId: group.id,
        stepId: a.step,
        occurrence: a.occurrence,
        action: a.action,
        mode: who.mode,
        executor: who.executor,
        assignee: who.mode === 'human' ? assigneeFor(who.executor, group) : null,
        senderAccount: who.mode === 'bot' ? group.channelId : null,
        dueAt: new Date(a.due),
        windowMinutes: step.windowMinutes,
        // A person sees blanks for member names and whom to write to, never `{{ member.name }}`.
        content: who.mode === 'human' ? contentForPerson(content, step, group.name) : content,
        ...(a.variant !== undefined ? { variant: a.variant } : {}),
      };
      if (a.action === 'create_group') Object.assign(row, creationOf(row, group, kinds.get(group.channelId)!, language, input.create?.members));
      own.push(row);
      // A {{ placeholder }} link is known only now: what the variable gave must be a web link too.
      const link = row.content.link;
      if (link !== undefined && !isWebLink(link)) {
        throw new RunError('invalid_link', msg('run.invalidLink', { step: a.step, link }));
      }
    }
    // A lead sheet closes its groups (src/run/lifecycle.ts).
    const timeline = planned.map((a) => ({ step: a.step, action: a.action, dueMs: Date.parse(a.due) }));
    const closed = withClose({ sheet, group, kind: kinds.get(group.channelId)!.kind, caps: caps.get(group.channelId)!, rows: own, language, timeline });
    if (closed) closes.set(group.id, closed.closesAt);
    rows.push(...(closed?.rows ?? own));
  });
  return {
    placeholders,
    closes,
    sheetId: ref?.id ?? sheet.sop,
    sheetVersion: ref?.version ?? 0,
    sheet,
    anchor,
    zone: input.timezone ?? sheet.timezone,
    vars: { ...compiled.vars },
    groups,
    rows,
    compiled,
  };
}

/**
 * A `create_group` row of a group the run creates: its name (and the contacts a bot-created group
 * starts with), or a person's task worded for the platform.
 */
function creationOf(row: NewLedgerRow, group: GroupRow, channel: ChannelOf, language: TextLanguage, members?: string[]): Partial<NewLedgerRow> {
  const content = { ...row.content, name: group.name, ...(members?.length ? { memberIds: members } : {}) };
  // WeCom's bot can create a group only over full ones (a join way): a run's new group is handed to staff with this text.
  if (row.mode === 'human' || channel.kind === 'wecom') content.text = createGroupTask(channel.kind, group.name, language, channel.bot);
  return { content };
}

interface ChannelOf {
  kind: ChannelKind;
  /** A Telegram bot's username, for the tasks that name it. */
  bot?: string;
}

async function kindsOf(ctx: RunContext, groups: GroupRow[]): Promise<Map<string, ChannelOf>> {
  const kinds = new Map<string, ChannelOf>();
  for (const channelId of new Set(groups.map((g) => g.channelId))) {
    const kind = (await ctx.connectors.get(channelId)).kind;
    const identity = kind === 'telegram' ? (await ctx.db.selectFrom('channels').select('identity').where('id', '=', channelId).executeTakeFirst())?.identity : undefined;
    const bot = botUsername(identity);
    kinds.set(channelId, bot ? { kind, bot } : { kind });
  }
  return kinds;
}

/** A run's groups by id, active or still waiting to be created (re-planning). */
async function groupsById(db: Db, ids: string[]): Promise<GroupRow[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('groups').selectAll().where('id', 'in', ids).where('status', 'in', ['active', PENDING]).execute();
  const byId = new Map(rows.map((r) => [r.id, toGroup(r)]));
  return ids.map((id) => byId.get(id)).filter((g): g is GroupRow => !!g);
}

/**
 * The groups a run creates, before they exist: named by the sheet's `create_group` step (its
 * `name:` rendered for each, `{{ group.index }}` counting after the run's existing groups), of the
 * sheet's community type, waiting on `channel` (docs/growth-lead-groups.md).
 */
async function placeholdersFor(ctx: RunContext, sheet: Sheet, compiled: CompiledPlan, create: NonNullable<RunInput['create']>, after: number): Promise<GroupRow[]> {
  if (!sheet.steps.some((s) => s.do === 'create_group')) throw new RunError('no_create_step', msg('run.noCreateStep'));
  if (!Number.isInteger(create.count) || create.count < 1 || create.count > MAX_CREATE) throw new RunError('bad_create', msg('run.badCreateCount', { max: MAX_CREATE }));
  const channel = await findChannel(ctx.db, create.channel);
  if (!channel) throw new RunError('unknown_channel', msg('run.noCreateChannel', { channel: create.channel }));
  const out: GroupRow[] = [];
  for (let n = 1; n <= create.count; n++) {
    const id = `grp_${randomBytes(6).toString('hex')}`;
    const index = after + n;
    let name = `${sheet.title} · ${index}`;
    try {
      const planned = planGroup(compiled, { id, name, attrs: { community: sheet.community } }, index);
      name = planned.find((a) => a.action === 'create_group')?.text.trim() || name;
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      throw new RunError('plan_failed', e.message, e.problems);
    }
    out.push({
      id,
      channelId: channel.id,
      externalId: pendingExternalId(id),
      name,
      community: sheet.community,
      tags: [],
      attrs: {},
      leader: create.leader ?? null,
      timezone: null,
      memberCount: null,
      status: PENDING,
      createdAt: new Date(),
      lastActivityAt: null,
    });
  }
  return out;
}

/** Most groups one run creates: each is a person's task on most platforms. */
const MAX_CREATE = 100;

function planGroupOf(g: GroupRow) {
  return { id: g.id, name: g.name, attrs: { ...g.attrs, ...(g.community ? { community: g.community } : {}) } };
}

export async function forecastOf(ctx: RunContext, rows: NewLedgerRow[]): Promise<RunForecast> {
  const sends = rows
    .filter((r) => r.mode === 'bot' && r.senderAccount)
    .map((r) => ({ account: r.senderAccount!, chatId: r.groupId, dueMs: Math.max(r.dueAt.getTime(), Date.now()), message: isMessage(r.action) }));
  const policies = new Map<string, Awaited<ReturnType<typeof policyFor>>>();
  for (const account of new Set(sends.map((s) => s.account))) policies.set(account, await policyFor(ctx.db, account));
  return forecastSends(sends, (a) => policies.get(a)!.policy, (a) => policies.get(a)!.state);
}

export async function previewRun(ctx: RunContext, input: RunInput): Promise<RunPreview> {
  const p = await prepare(ctx, input, { save: false });
  const f = await forecastOf(ctx, p.rows);
  const warnings = await previewWarnings(ctx.db, p.groups, p.rows, p.zone);
  const byAction: RunPreview['byAction'] = {};
  for (const r of p.rows) {
    const b = byAction[r.action] ?? { total: 0, human: 0 };
    byAction[r.action] = b;
    b.total++;
    if (r.mode === 'human') b.human++;
  }
  const dues = p.rows.map((r) => r.dueAt.getTime());
  const groupNames = new Map(p.groups.map((g) => [g.id, g.name]));
  return {
    sheet: { id: p.sheetId, version: p.sheetVersion, title: p.sheet.title },
    anchor: p.anchor.toISOString(),
    groups: p.groups.length,
    actions: p.rows.length,
    byMode: { bot: p.rows.filter((r) => r.mode === 'bot').length, human: p.rows.filter((r) => r.mode === 'human').length },
    byAction,
    ...(dues.length ? { firstDue: new Date(Math.min(...dues)).toISOString(), lastDue: new Date(Math.max(...dues)).toISOString() } : {}),
    forecast: {
      ...(f.finishAt !== undefined ? { finishAt: new Date(f.finishAt).toISOString() } : {}),
      maxDelaySeconds: Math.round(f.maxDelayMs / 1000),
      ...(f.maxDelayDueAt !== undefined ? { maxDelayDueAt: new Date(f.maxDelayDueAt).toISOString() } : {}),
    },
    sample: p.rows
      .slice()
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
      .slice(0, 20)
      .map((r) => ({
        step: r.stepId,
        group: groupNames.get(r.groupId) ?? r.groupId,
        due: r.dueAt.toISOString(),
        action: r.action,
        mode: r.mode,
        assignee: r.assignee,
        ...(r.variant !== undefined ? { variant: r.variant } : {}),
        text: r.content.text,
      })),
    ...variantSummary(p),
    warnings,
  };
}

/** Up to this many group names per variant in a preview. */
const NAMED_PER_VARIANT = 5;

/** Per step with `variants:` (in the sheet's order), each variant's groups: the split the run will use. */
function variantSummary(p: Prepared): Pick<RunPreview, 'variants'> {
  const names = new Map(p.groups.map((g) => [g.id, g.name]));
  const groupsOf = new Map<string, Set<string>>();
  for (const r of p.rows) {
    if (r.variant === undefined) continue;
    const key = `${r.stepId}\u0000${r.variant}`;
    const set = groupsOf.get(key) ?? new Set<string>();
    groupsOf.set(key, set);
    set.add(r.groupId);
  }
  if (!groupsOf.size) return {};
  const out: NonNullable<RunPreview['variants']> = [];
  for (const step of p.sheet.steps) {
    // An event step's variant is decided per member when the event comes: nothing to show yet.
    if (step.when.kind === 'event') continue;
    for (const v of step.variants ?? []) {
      const ids = [...(groupsOf.get(`${step.id}\u0000${v.id}`) ?? [])];
      out.push({ step: step.id, variant: v.id, groups: ids.length, names: ids.slice(0, NAMED_PER_VARIANT).map((id) => names.get(id) ?? id) });
    }
  }
  return { variants: out };
}

/**
 * What a caller writes in the same transaction as an operation's change (its audit entry), so
 * that the change and its record commit together or not at all.
 */
export type InTransaction<R> = (trx: Db, result: R) => Promise<void>;

export async function startRun(
  ctx: RunContext,
  input: RunInput,
  opts: { inTransaction?: InTransaction<{ id: string; actions: number; groups: number }> } = {},
): Promise<{ id: string; actions: number; groups: number }> {
  const p = await prepare(ctx, input, { save: true });
  const id = `run_${randomBytes(6).toString('hex')}`;
  const started = { id, actions: p.rows.length, groups: p.groups.length };
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('runs')
      .values({
        id,
        kind: 'run',
        sheet_id: p.sheetId,
        sheet_version: p.sheetVersion,
        anchor: p.anchor,
        timezone: p.zone,
        vars: JSON.stringify(p.vars),
        selector: input.groups ?? '',
        state: 'running',
        created_by: ctx.actor ?? null,
      })
      .execute();
    if (p.placeholders.length) {
      await trx
        .insertInto('groups')
        .values(p.placeholders.map((g) => ({ id: g.id, channel_id: g.channelId, external_id: g.externalId, name: g.name, community: g.community, attrs: JSON.stringify(g.attrs), leader: g.leader, status: g.status })))
        .execute();
    }
    await trx
      .insertInto('run_groups')
      .values(p.groups.map((g, i) => ({ run_id: id, group_id: g.id, position: i + 1 })))
      .execute();
    for (const [groupId, at] of p.closes) await trx.updateTable('groups').set({ closes_at: at }).where('id', '=', groupId).execute();
    await insertLedger(trx, id, p.rows);
    await opts.inTransaction?.(trx, started);
  });
  await wakeFor(ctx, p.rows);
  return started;
}

/** After commit: wake local workers now, and schedule durable wake-ups at each bot row's due time. */
export async function wakeFor(ctx: RunContext, rows: readonly { mode: string; dueAt: Date }[]): Promise<void> {
  ctx.wake?.();
  if (ctx.queue) await scheduleWakeUps(ctx.queue, rows.filter((r) => r.mode === 'bot').map((r) => r.dueAt));
}

export type RunState = 'running' | 'paused' | 'cancelled' | 'completed';

async function runRow(db: Db, id: string) {
  const run = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!run) throw new RunError('not_found', msg('run.notFound', { id }));
  return run;
}

async function setState(ctx: RunContext, id: string, from: RunState[], to: RunState): Promise<void> {
  const run = await runRow(ctx.db, id);
  if (!from.includes(run.state as RunState)) {
    const state = (s: string) => msg(`run.state.${s}`);
    const when = from.length === 2 ? msg('run.or', { a: state(from[0]), b: state(from[1]) }) : state(from[0]);
    throw new RunError('wrong_state', msg('run.wrongState', { state: state(run.state), action: msg(`run.action.${to}`), from: when }));
  }
  await ctx.db.updateTable('runs').set({ state: to, updated_at: new Date() }).where('id', '=', id).execute();
}

/** Paused runs send nothing; rows already claimed but not yet sending go back to planned. */
export async function pauseRun(ctx: RunContext, id: string): Promise<void> {
  await setState(ctx, id, ['running'], 'paused');
  const claimed = await ctx.db.selectFrom('ledger').select('id').where('run_id', '=', id).where('state', '=', 'due').execute();
  await moveRows(ctx.db, claimed.map((r) => r.id), { from: ['due'], to: 'planned', actor: ctx.actor, note: 'run paused', set: { claimed_by: null } });
}

/** Actions that fell due while paused are sent when the run resumes (late, and marked so). */
export async function resumeRun(ctx: RunContext, id: string, opts: { inTransaction?: InTransaction<void> } = {}): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await setState({ ...ctx, db: trx }, id, ['paused'], 'running');
    await opts.inTransaction?.(trx, undefined);
  });
  const open = await ctx.db.selectFrom('ledger').select('due_at').distinct().where('run_id', '=', id).where('state', '=', 'planned').execute();
  await wakeFor(ctx, open.map((r) => ({ mode: 'bot', dueAt: new Date(r.due_at) })));
}

export async function cancelRun(ctx: RunContext, id: string): Promise<number> {
  await setState(ctx, id, ['running', 'paused'], 'cancelled');
  const open = await ctx.db.selectFrom('ledger').select('id').where('run_id', '=', id).where('state', 'in', [...OPEN_STATES]).execute();
  const moved = await moveRows(ctx.db, open.map((r) => r.id), { from: OPEN_STATES, to: 'cancelled', actor: ctx.actor, note: 'run cancelled' });
  // A cancelled lead run closes nothing: its groups keep their live-code seats (src/growth/lifecycle-seats.ts).
  await ctx.db
    .updateTable('groups')
    .set({ closes_at: null })
    .where('status', '=', 'active')
    .where('closes_at', 'is not', null)
    .where('id', 'in', (eb) => eb.selectFrom('run_groups').select('group_id').where('run_id', '=', id))
    .execute();
  return moved.length;
}

/**
 * Applies a changed sheet to a running run: actions still to come (planned or assigned, due after
 * now) are cancelled and the new version's future actions are created; what was executed stays.
 */
export async function replanRun(
  ctx: RunContext,
  id: string,
  sheetRef: string,
  opts: { inTransaction?: InTransaction<{ version: number; cancelled: number; created: number }> } = {},
): Promise<{ version: number; cancelled: number; created: number }> {
  const run = await runRow(ctx.db, id);
  if (run.kind !== 'run' || !['running', 'paused'].includes(run.state)) {
    throw new RunError('wrong_state', msg('run.replanState', { state: msg(`run.state.${run.state}`) }));
  }
  const groupIds = (await ctx.db.selectFrom('run_groups').select('group_id').where('run_id', '=', id).orderBy('position').execute()).map((r) => r.group_id);
  const p = await prepare(ctx, { sheet: sheetRef, anchor: new Date(run.anchor!).toISOString(), vars: run.vars as Record<string, string>, timezone: run.timezone ?? undefined }, { save: true, groupIds });
  if (p.sheetId !== run.sheet_id) throw new RunError('wrong_sheet', msg('run.wrongSheet', { sheet: run.sheet_id ?? '', other: p.sheetId }));
  const now = new Date();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const future = await trx
      .selectFrom('ledger')
      .select('id')
      .where('run_id', '=', id)
      .where('member_id', '=', '')
      .where('state', 'in', ['planned', 'assigned'])
      .where('due_at', '>', now)
      .execute();
    const cancelled = await moveRows(trx, future.map((r) => r.id), { from: ['planned', 'assigned'], to: 'cancelled', actor: ctx.actor, note: `re-planned to version ${p.sheetVersion}` });
    // Keep the unique key free for the new version's rows: superseded rows get a negative occurrence.
    if (cancelled.length) {
      await trx.updateTable('ledger').set((eb) => ({ occurrence: eb(eb.neg('occurrence'), '-', eb.ref('id')) })).where('id', 'in', cancelled).execute();
    }
    const fresh = p.rows.filter((r) => r.dueAt > now);
    const created = await insertLedger(trx, id, fresh);
    await trx.updateTable('runs').set({ sheet_version: p.sheetVersion, updated_at: now }).where('id', '=', id).execute();
    await opts.inTransaction?.(trx, { version: p.sheetVersion, cancelled: cancelled.length, created });
    return { version: p.sheetVersion, cancelled: cancelled.length, created, fresh };
  });
  await wakeFor(ctx, result.fresh);
  return { version: result.version, cancelled: result.cancelled, created: result.created };
}

export interface RunStatus {
  id: string;
  kind: string;
  state: string;
  sheet?: { id: string; version: number };
  counts: Record<string, number>;
  actions: { id: number; step: string; group: string; groupName: string; due: string; state: string; executor: string; assignee: string | null; attempts: number; error: string | null; onTime: boolean | null; variant?: string }[];
}

/** `groupIds`: only these groups' counts and actions (what a leader sees). */
export async function runStatus(db: Db, id: string, opts: { limit?: number; groupIds?: readonly string[] } = {}): Promise<RunStatus> {
  const run = await runRow(db, id);
  const counts = await countsByState(db, id, opts.groupIds);
  let q = db
    .selectFrom('ledger')
    .innerJoin('groups', 'groups.id', 'ledger.group_id')
    .select([
      'ledger.id',
      'ledger.step_id',
      'ledger.group_id',
      'groups.name as group_name',
      'ledger.due_at',
      'ledger.state',
      'ledger.executor',
      'ledger.assignee',
      'ledger.attempts',
      'ledger.last_error',
      'ledger.on_time',
      'ledger.variant',
    ])
    .where('ledger.run_id', '=', id)
    .where('ledger.occurrence', '>', 0);
  if (opts.groupIds) q = q.where('ledger.group_id', 'in', opts.groupIds.length ? [...opts.groupIds] : ['']);
  const rows = await q.orderBy('ledger.due_at').orderBy('ledger.id').limit(opts.limit ?? 10_000).execute();
  return {
    id: run.id,
    kind: run.kind,
    state: run.state,
    ...(run.sheet_id ? { sheet: { id: run.sheet_id, version: run.sheet_version! } } : {}),
    counts,
    actions: rows.map((r) => ({
      id: Number(r.id),
      step: r.step_id,
      group: r.group_id,
      groupName: r.group_name,
      due: new Date(r.due_at).toISOString(),
      state: r.state,
      executor: r.executor,
      assignee: r.assignee,
      attempts: r.attempts,
      error: r.last_error,
      onTime: r.on_time,
      ...(r.variant ? { variant: r.variant } : {}),
    })),
  };
}

export { outboundTypeFor };
