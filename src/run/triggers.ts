// Member-triggered steps (`on: member_join`, `on: member_leave`, `on: keyword:<word>`): when a
// member event reaches a group, every running run that includes the group plans its matching
// steps for that member (with the run's pinned sheet version, anchor, variables and zone) and adds
// the rows to the ledger.
//
// Each step fires at most once per member, group and run: the rows use occurrence 1 and the
// ledger's unique key (run, group, step, occurrence, member) makes a second identical event — a
// redelivery, a rejoin, the same keyword said again — create nothing. So a member who leaves and
// comes back does not get the welcome sequence a second time; what was still pending when they
// left was skipped then (see ingest) and stays skipped.
//
// A step with `variants:` gives each member one variant, the same one every time (variantFor over
// the sheet, the step and the member): members arrive one by one, so the split is even on average
// rather than dealt like a run's groups.
//
// `checkin_missed` comes from closing a check-in window (src/run/checkin-close.ts): once per
// window, for each member present who did not check in. Its rows use the window's id as their
// occurrence, so a member who misses three check-ins gets the step three times — and each window
// fires it once only.

import type { CapabilityMatrix } from '../channels/port.ts';
import { MANUAL_CAPABILITIES } from '../channels/manual/index.ts';
import { SANDBOX_CAPABILITIES } from '../channels/sandbox/index.ts';
import { type GroupRow, toGroup } from '../community/groups.ts';
import { parseSheet } from '../sop/parse.ts';
import { planMemberStep } from '../sop/member-step.ts';
import { executorOf, PlanError, type PlanGroup } from '../sop/plan.ts';
import { resolveVars } from '../sop/plan-rules.ts';
import type { MemberValues } from '../sop/render.ts';
import type { EventName, Sheet, Step } from '../sop/types.ts';
import { formatLocal, localOf } from '../sop/zone.ts';
import type { Db } from '../store/db.ts';
import type { LedgerContent } from '../store/schema.ts';
import { getSheetVersion } from '../store/sheets.ts';
import { assign, assigneeFor } from './assign.ts';
import { stepContent } from './content.ts';
import { insertLedger, type NewLedgerRow } from './ledger.ts';

export interface TriggerDeps {
  db: Db;
  /** Tells workers in this process that new rows exist. */
  wake?: () => void;
  log?: (line: string) => void;
  /**
   * The capability matrix of a channel. Default: the matrix its connector kind declares. Pass
   * `async (id) => (await connectors.get(id)).capabilities` to use live connectors instead.
   */
  capabilities?: (channelId: string) => Promise<CapabilityMatrix>;
  /**
   * A burst's reads of the running runs per group (ingestBatch): no inbound event starts, stops
   * or regroups a run, so within one burst's transaction they are read once per group.
   */
  runsByGroup?: Map<string, RunOfGroup[]>;
}

type RunOfGroup = Awaited<ReturnType<ReturnType<typeof runsQuery>['execute']>>[number];

function runsOf(db: Db, groupId: string): Promise<RunOfGroup[]> {
  return runsQuery(db).where('run_groups.group_id', '=', groupId).execute();
}

function runsQuery(db: Db) {
  return db
    .selectFrom('runs')
    .innerJoin('run_groups', 'run_groups.run_id', 'runs.id')
    .select(['runs.id', 'runs.sheet_id', 'runs.sheet_version', 'runs.anchor', 'runs.timezone', 'runs.vars', 'run_groups.position', 'run_groups.group_id'])
    .where('runs.kind', '=', 'run')
    .where('runs.state', '=', 'running')
    .orderBy('runs.created_at');
}

/** The running runs of many groups in one read (a burst's groups, for `runsByGroup`); a group without any has `[]`. */
export async function runsOfGroups(db: Db, groupIds: readonly string[]): Promise<Map<string, RunOfGroup[]>> {
  const out = new Map<string, RunOfGroup[]>(groupIds.map((g) => [g, []]));
  if (!groupIds.length) return out;
  for (const r of await runsQuery(db).where('run_groups.group_id', 'in', [...groupIds]).execute()) out.get(r.group_id)?.push(r);
  return out;
}

/** A message is `{ keyword: <the message's text> }`: it fires every `on: keyword:<word>` step whose word it contains. */
export type MemberTrigger = 'member_join' | 'member_leave' | 'checkin_missed' | { keyword: string };

export interface MemberEvent {
  groupId: string;
  /** `externalId` is the member's id on the group's platform (where a direct message goes). */
  member: { id: string; externalId: string; name: string };
  event: MemberTrigger;
  at: Date;
  /** The rows' occurrence (default 1: once per member, group and run); `checkin_missed` passes the window's id. */
  occurrence?: number;
}

/** Whether a step's `on:` matches an event. Keywords match case-insensitively anywhere in the text. */
export function triggerMatches(on: EventName | { keyword: string }, event: MemberTrigger): boolean {
  if (typeof on === 'string') return typeof event === 'string' && on === event;
  if (typeof event === 'string') return false;
  const word = on.keyword.trim().toLowerCase();
  return word !== '' && event.keyword.toLowerCase().includes(word);
}

/** Plans the matching steps of every running run of the group; returns how many ledger rows were created. */
export async function onMemberEvent(deps: TriggerDeps, e: MemberEvent): Promise<number> {
  const { db } = deps;
  let runs = deps.runsByGroup?.get(e.groupId);
  if (!runs) {
    runs = await runsOf(db, e.groupId);
    deps.runsByGroup?.set(e.groupId, runs);
  }
  // The steps the event fires, before the group is read: most messages fire none.
  const firing: { run: RunOfGroup & { anchor: NonNullable<RunOfGroup['anchor']> }; sheet: Sheet; steps: Step[] }[] = [];
  for (const run of runs) {
    if (!run.sheet_id || run.sheet_version === null || !run.anchor) continue;
    const sheet = await pinnedSheet(db, run.sheet_id, run.sheet_version);
    const steps = sheet.steps.filter((s) => s.when.kind === 'event' && triggerMatches(s.when.event, e.event));
    if (steps.length) firing.push({ run: { ...run, anchor: run.anchor }, sheet, steps });
  }
  if (!firing.length) return 0;
  const raw = await db.selectFrom('groups').selectAll().where('id', '=', e.groupId).executeTakeFirst();
  if (!raw) return 0;
  const group = toGroup(raw);
  // A dismissed group or one the bot lost cannot be worked in; its open rows were closed already.
  if (group.status !== 'active') return 0;
  let caps: CapabilityMatrix | undefined;
  let created = 0;
  for (const { run, sheet, steps } of firing) {
    caps ??= await (deps.capabilities ?? ((id: string) => declaredCapabilities(db, id)))(group.channelId);
    const rows: NewLedgerRow[] = [];
    const vars = typeof run.vars === 'string' ? (JSON.parse(run.vars) as Record<string, string>) : run.vars;
    for (const step of steps) {
      const input = {
        sheet,
        step,
        eventAt: e.at,
        group: planGroupOf(group),
        groupIndex: run.position,
        member: { id: e.member.id, name: e.member.name } satisfies MemberValues,
        anchor: new Date(run.anchor),
        vars,
        ...(run.timezone ? { timezone: run.timezone } : {}),
      };
      let planned: ReturnType<typeof planMemberStep>;
      try {
        planned = planMemberStep(input);
      } catch (err) {
        if (!(err instanceof PlanError)) throw err;
        await reportPlanProblem(deps, run.id, step, group, e.member.name, err);
        continue;
      }
      if (!planned) continue; // quiet hours with `quiet_policy: skip`
      const who = assign(step.do, executorOf(step), caps, e.member.id);
      rows.push({
        groupId: group.id,
        stepId: step.id,
        occurrence: e.occurrence ?? 1,
        memberId: e.member.id,
        action: step.do,
        mode: who.mode,
        executor: who.executor,
        assignee: who.mode === 'human' ? assigneeFor(who.executor, group) : null,
        senderAccount: who.mode === 'bot' ? group.channelId : null,
        dueAt: new Date(planned.due),
        windowMinutes: step.windowMinutes,
        content: contentOf(step, planned.text, input, e.member.externalId, new Date(planned.due)),
        // `variants:` on an event step: the member's variant (by a hash of sheet, step and member).
        ...(planned.variant !== undefined ? { variant: planned.variant } : {}),
      });
    }
    const n = await insertLedger(db, run.id, rows);
    if (n) deps.log?.(`run ${run.id}: ${n} action(s) planned for ${e.member.name} in "${group.name}" (${describe(e.event)})`);
    created += n;
  }
  if (created) deps.wake?.();
  return created;
}

function describe(event: MemberTrigger): string {
  return typeof event === 'string' ? event : 'keyword';
}

function planGroupOf(g: GroupRow): PlanGroup {
  return { id: g.id, name: g.name, attrs: { ...g.attrs, ...(g.community ? { community: g.community } : {}) } };
}

/** The rendered content; a link, image or name beside the text is rendered with the same member. */
function contentOf(
  step: Step,
  text: string,
  input: { sheet: Sheet; group: PlanGroup; groupIndex: number; member: MemberValues; anchor: Date; vars: Record<string, string>; timezone?: string },
  userId: string,
  due: Date,
): LedgerContent {
  const zone = input.timezone ?? input.sheet.timezone;
  const vars = resolveVars(input.sheet, input.vars, []);
  const day = localOf(due.getTime(), zone).day - localOf(input.anchor.getTime(), zone).day;
  const scope = { vars, anchorText: formatLocal(input.anchor.getTime(), zone), day, member: input.member };
  return { ...stepContent(step, text, scope, input.group, input.groupIndex), userId };
}

async function reportPlanProblem(deps: TriggerDeps, runId: string, step: Step, group: GroupRow, memberName: string, err: PlanError): Promise<void> {
  const why = err.problems.map((p) => p.message).join('; ');
  const message = `Step "${step.id}" of run ${runId} could not be planned for ${memberName} in "${group.name}": ${why}`;
  deps.log?.(message);
  await deps.db.insertInto('notifications').values({ recipient: 'operators', kind: 'failed', run_id: runId, message }).execute();
}

// A sheet version never changes once stored, so parsed versions can be kept for the process.
const SHEET_CACHE_SIZE = 64;
const sheets = new Map<string, Sheet>();

async function pinnedSheet(db: Db, id: string, version: number): Promise<Sheet> {
  const key = `${id}@${version}`;
  const cached = sheets.get(key);
  if (cached) return cached;
  const v = await getSheetVersion(db, id, version);
  if (!v) throw new Error(`the run's sheet ${key} is missing from the database`);
  const { sheet } = parseSheet(v.yaml, key);
  if (sheets.size >= SHEET_CACHE_SIZE) sheets.delete(sheets.keys().next().value as string);
  sheets.set(key, sheet);
  return sheet;
}

const channelKinds = new Map<string, string>();

/** What a channel's connector kind declares it can do; the platform connectors load only when asked. */
export async function declaredCapabilities(db: Db, channelId: string): Promise<CapabilityMatrix> {
  // A channel's kind never changes (ids are never reused), so it is read once per process.
  let kind = channelKinds.get(channelId);
  if (kind === undefined) {
    kind = (await db.selectFrom('channels').select('kind').where('id', '=', channelId).executeTakeFirst())?.kind;
    if (kind !== undefined) {
      if (channelKinds.size >= 1000) channelKinds.clear();
      channelKinds.set(channelId, kind);
    }
  }
  switch (kind) {
    case 'sandbox':
      return SANDBOX_CAPABILITIES;
    case 'telegram':
      return (await import('../channels/telegram/index.ts')).TELEGRAM_CAPABILITIES;
    case 'wecom':
      return (await import('../channels/wecom/index.ts')).WECOM_CAPABILITIES;
    case 'wechaty':
      return (await import('../channels/wechaty/index.ts')).WECHATY_CAPABILITIES;
    default:
      // A manual channel, or one Chorus does not know: everything goes to a person.
      return MANUAL_CAPABILITIES;
  }
}
