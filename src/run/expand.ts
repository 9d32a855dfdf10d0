// Audiences: a group's row of a step sent to members (`notify`, `direct_message`, `remind`,
// `survey`, `tag`, `move`) is expanded when it falls due into one ledger row per member of its
// audience *at that moment* — the same run, group, step and occurrence, `member_id` the member —
// each with its own text (`{{ member.name }}`, `{{ member.<attribute> }}` filled in) and its own
// executor: the bot where it can write to the person, else the group's leader, told whom to write
// to (src/run/member-delivery.ts). The group's row becomes `expanded`. The ledger's unique key
// makes a second expansion of the same row create nothing.
//
// The worker calls `settleClaimed` with the rows it claimed: audience rows are expanded (the new
// rows are due at once and claimed on the worker's next look, paced like any send); a member's
// own row whose `unless:` holds now is skipped; a member's `tag` row is applied. Everything else
// goes on to the connectors.
//
// Speed: the audience's ids are read once; then its members in pages of 5,000, each page filled in and
// written with one multi-row INSERT (insertLedger) in its own transaction; a crash half-way leaves
// the group's row claimed, recovery plans it again, and the next expansion adds only the members
// still missing (the unique key).

import { sql } from 'kysely';
import type { CapabilityMatrix } from '../channels/port.ts';
import { audienceQuery } from '../community/audience.ts';
import { toGroup, type GroupRow } from '../community/groups.ts';
import { botUsername, startLink, startTokens } from '../community/start-links.ts';
import { surveyPath } from '../community/survey-link.ts';
import { surveyQuestions } from '../community/surveys.ts';
import { tagMembers } from '../community/tag-members.ts';
import { unlessCondition, whoUnless } from '../community/unless.ts';
import { english } from '../i18n/index.ts';
import { AudienceError } from '../sop/audience.ts';
import { PlanError } from '../sop/plan-error.ts';
import { memberFiller } from '../sop/render.ts';
import type { Step } from '../sop/types.ts';
import type { Db } from '../store/db.ts';
import { withoutForeignKeyChecks } from '../store/bulk.ts';
import { workspaceKey } from '../store/link-keys.ts';
import type { LedgerContent } from '../store/schema.ts';
import { assigneeFor } from './assign.ts';
import { insertLedger, type LedgerRow, moveRows, type NewLedgerRow } from './ledger.ts';
import { blankMemberValues } from './member-blank.ts';
import { type Delivery, type MemberIdentity, memberLabel, messageDelivery, moveDelivery } from './member-delivery.ts';
import { memberTaskInstruction, moveInvitationText } from './member-task.ts';
import { declaredCapabilities } from './triggers.ts';
import { targetOf } from './move-target.ts';
import { isCloseRow, type RegroupLink, settleCloseRow } from './lifecycle.ts';

/** Steps whose group row is expanded into the members of an audience when due. */
export const AUDIENCE_ACTIONS: ReadonlySet<string> = new Set(['notify', 'direct_message', 'remind', 'survey', 'tag', 'move']);

/** Whether a planned (not member-triggered) step is expanded into members when it falls due. */
export function isAudienceStep(step: Pick<Step, 'do' | 'when'>): boolean {
  return AUDIENCE_ACTIONS.has(step.do) && step.when.kind !== 'event';
}

/** The member selector a step is sent to: `to:` (default `members`); a `move` adds its `where:`. */
export function audienceOf(step: Pick<Step, 'do' | 'to' | 'where'>): string {
  const to = step.to?.trim() || 'members';
  return step.do === 'move' && step.where?.trim() ? `${to}+${step.where.trim()}` : to;
}

export interface SettleOptions {
  actor: string;
  /** The public address survey links start with (CHORUS_PUBLIC_URL). */
  publicBase?: string;
  now?: () => Date;
  log?: (line: string) => void;
  /** A lead group's goodbye: the regroup link a campaign names (src/run/lifecycle.ts). */
  regroupLink?: RegroupLink;
  /** A `digest` row written when claimed (src/insight/digest-post.ts, given by the process that runs the worker). */
  digest?: DigestWriter;
}

/**
 * Writes a claimed `digest` row: the row to send with its text, or undefined when it became a
 * person's task (`review: leader`). Insight writes it; runs never import Insight, so the process
 * that starts the worker hands it in.
 */
export type DigestWriter = (db: Db, row: LedgerRow, actor: string) => Promise<LedgerRow | undefined>;

const PAGE = 5000;

/**
 * Handles the claimed rows that are not sends: expands audience rows, skips member rows whose
 * `unless:` holds, applies member `tag` rows. Returns the rows still to send, and how many rows
 * the expansions created (the worker looks again at once when it is more than 0).
 */
export async function settleClaimed(db: Db, rows: readonly LedgerRow[], opts: SettleOptions): Promise<{ send: LedgerRow[]; created: number }> {
  const send: LedgerRow[] = [];
  let created = 0;
  for (const row of rows) {
    try {
      if (isAudienceRow(row)) {
        created += await expandRow(db, row, opts);
        continue;
      }
      // A lead group's close (lifecycle, issue 9): the archive, the links to revoke, the regroup link.
      if (isCloseRow(row)) {
        const ready = await settleCloseRow(db, row, opts);
        if (ready) send.push(ready);
        continue;
      }
      if (row.action === 'digest') {
        if (!opts.digest) throw new Error('this process cannot write the weekly digest (a worker started without Insight)');
        const ready = await opts.digest(db, row, opts.actor);
        if (ready) send.push(ready);
        continue;
      }
      if (row.memberId && row.content.unless && (await unlessHoldsFor(db, row, opts))) continue;
      if (row.memberId && row.action === 'tag') {
        await tagOne(db, row, opts);
        continue;
      }
      if (row.memberId && PRIVATE.has(row.action) && (await toPersonInstead(db, row, opts))) continue;
      send.push(row);
    } catch (e) {
      opts.log?.(`ledger row ${row.id} could not be prepared: ${(e as Error).message}`);
      await moveRows(db, [row.id], { from: ['due'], to: 'failed', actor: opts.actor, set: { last_error: `it could not be prepared: ${(e as Error).message}`, claimed_by: null } });
    }
  }
  return { send, created };
}

const PRIVATE = new Set(['notify', 'direct_message', 'remind']);

/**
 * A member-triggered private message on Telegram to a person who never pressed Start: the bot may
 * not write to them, so it becomes a task for the group's leader naming them, with their start
 * link — before anything is sent. Returns whether it did. Not for admission's messages to an
 * applicant (a `people` operation), which go through the chat the join request opened.
 */
async function toPersonInstead(db: Db, row: LedgerRow, opts: SettleOptions): Promise<boolean> {
  const channel = await db.selectFrom('channels').select(['kind', 'identity']).where('id', '=', row.senderAccount ?? '').executeTakeFirst();
  if (channel?.kind !== 'telegram') return false;
  // Admission writes to an applicant through the private chat Telegram opens with a join request
  // (user_chat_id, for 5 minutes without Start): that one the bot may use.
  const run = await db.selectFrom('runs').select('kind').where('id', '=', row.runId).executeTakeFirst();
  if (run?.kind === 'people') return false;
  const identity = await db
    .selectFrom('member_identities')
    .select(['external_id', 'username', 'dm_chat_id'])
    .where('member_id', '=', row.memberId)
    .where('channel_id', '=', row.senderAccount ?? '')
    .orderBy(sql`dm_chat_id IS NULL`)
    .executeTakeFirst();
  if (identity?.dm_chat_id) {
    if (identity.dm_chat_id !== row.content.userId) await db.updateTable('ledger').set({ content: JSON.stringify({ ...row.content, userId: identity.dm_chat_id }) }).where('id', '=', row.id).execute();
    row.content = { ...row.content, userId: identity.dm_chat_id };
    return false;
  }
  const ctx = await contextOf(db, row);
  const member = await db.selectFrom('members').select('name').where('id', '=', row.memberId).executeTakeFirst();
  const bot = botUsername(channel.identity);
  const token = bot ? (await startTokens(db, ctx.group.channelId, [row.memberId])).get(row.memberId) : undefined;
  const link = bot && token ? startLink(bot, token) : undefined;
  const mi = identity ? { externalId: identity.external_id, username: identity.username } : undefined;
  const instruction = memberTaskInstruction({ action: row.action, who: memberLabel(member?.name ?? row.memberId, mi, 'telegram'), groupName: ctx.group.name, text: row.content.text, ...(link ? { startLink: link } : {}) });
  await moveRows(db, [row.id], {
    from: ['due'],
    to: 'assigned',
    actor: opts.actor,
    note: 'the bot may not write to this person until they press Start; a task for a person',
    set: {
      mode: 'human',
      executor: 'owner',
      assignee: assigneeFor('owner', ctx.group),
      claimed_by: null,
      content: { ...row.content, instruction, member: { name: member?.name ?? row.memberId, ...(identity?.username ? { handle: identity.username } : {}) }, ...(link ? { startLink: link } : {}) },
    },
  });
  return true;
}

/** A group's row of an audience step, still to be expanded. */
export function isAudienceRow(row: Pick<LedgerRow, 'memberId' | 'content'>): boolean {
  return row.memberId === '' && row.content.audience !== undefined;
}

interface Context {
  group: GroupRow;
  inviteLink: string | null;
  kind: string;
  identity: string | null;
  caps: CapabilityMatrix;
  zone: string;
  since: Date;
}

async function contextOf(db: Db, row: LedgerRow): Promise<Context> {
  const raw = await db.selectFrom('groups').selectAll().where('id', '=', row.groupId).executeTakeFirstOrThrow();
  const group = toGroup(raw);
  const channel = await db.selectFrom('channels').select(['kind', 'identity']).where('id', '=', group.channelId).executeTakeFirst();
  const run = await db.selectFrom('runs').select(['timezone', 'created_at']).where('id', '=', row.runId).executeTakeFirst();
  return {
    group,
    inviteLink: raw.invite_link ?? null,
    kind: channel?.kind ?? 'manual',
    identity: channel?.identity ?? null,
    caps: await declaredCapabilities(db, group.channelId),
    zone: run?.timezone ?? group.timezone ?? 'UTC',
    since: run ? new Date(run.created_at) : new Date(0),
  };
}

async function unlessHoldsFor(db: Db, row: LedgerRow, opts: SettleOptions): Promise<boolean> {
  const ctx = await contextOf(db, row);
  const unless = row.content.unless as string;
  const holds = (await whoUnless(db, unless, [row.memberId], { groupId: row.groupId, zone: ctx.zone, now: opts.now?.() ?? new Date(), since: ctx.since })).has(row.memberId);
  if (holds) await moveRows(db, [row.id], { from: ['due'], to: 'skipped', actor: opts.actor, note: `unless: ${unless} holds for this member`, set: { claimed_by: null } });
  return holds;
}

async function tagOne(db: Db, row: LedgerRow, opts: SettleOptions): Promise<void> {
  const tag = row.content.tag;
  const at = opts.now?.() ?? new Date();
  await db.transaction().execute(async (trx) => {
    if (tag) await tagMembers(trx, [row.memberId], { add: [tag], groupId: row.groupId, by: `run:${row.runId}`, at });
    await moveRows(trx, [row.id], {
      from: ['due'],
      to: 'sent',
      actor: opts.actor,
      note: tag ? `tagged ${tag}` : 'no tag given',
      set: { executed_by: 'bot', executed_at: at, on_time: true, claimed_by: null },
    });
  });
}

interface Member {
  id: string;
  name: string;
  attrs: Record<string, string>;
  identity?: MemberIdentity;
}

/**
 * Expands one audience row; returns how many member rows it created. Each page of members is
 * written in its own transaction, so a big audience never holds the database (PGlite has one
 * connection) for long; the group's row turns `expanded` after the last page. If the process
 * stops half-way, the row is claimed again later and the expansion resumes: the unique key keeps
 * the rows already written, and the rest are added.
 */
export async function expandRow(db: Db, row: LedgerRow, opts: SettleOptions): Promise<number> {
  const now = opts.now?.() ?? new Date();
  const c = row.content;
  const fail = async (reason: string) => {
    await moveRows(db, [row.id], { from: ['due'], to: 'failed', actor: opts.actor, set: { last_error: reason, claimed_by: null } });
    return 0;
  };
  const ctx = await contextOf(db, row);
  let target: { group: GroupRow; kind: string; caps: CapabilityMatrix; inviteLink: string | null } | undefined;
  if (row.action === 'move') {
    const g = await targetOf(db, c.into);
    if (!g) return fail(`there is no group "${c.into ?? ''}" to invite the members into (into:)`);
    const channel = await db.selectFrom('channels').select('kind').where('id', '=', g.channelId).executeTakeFirst();
    const link = await db.selectFrom('groups').select('invite_link').where('id', '=', g.id).executeTakeFirst();
    target = { group: g, kind: channel?.kind ?? 'manual', caps: await declaredCapabilities(db, g.channelId), inviteLink: link?.invite_link ?? null };
  }
  let audience: Awaited<ReturnType<typeof audienceQuery>>;
  try {
    audience = await audienceQuery(db, c.audience as string, { groupId: row.groupId, sending: true, now });
  } catch (e) {
    if (e instanceof AudienceError) return fail(`to: ${c.audience}: ${english(e.text)}`);
    throw e;
  }
  if (c.unless) {
    const cond = await unlessCondition(db, c.unless, { groupId: row.groupId, zone: ctx.zone, now, since: ctx.since });
    audience = audience.where((eb) => eb.not(cond(eb)));
  }
  // Identities on the channel that does the work: the group's, or the target group's for a move.
  const channelId = target?.group.channelId ?? ctx.group.channelId;
  // A survey with questions gets each member's personal form; one with a `link:` of its own, or
  // with no questions (the text is the survey: answers come as replies), gets no form link.
  const key = row.action === 'survey' && !c.link && (await surveyQuestions(db, row.runId, row.stepId)) ? await workspaceKey(db) : undefined;
  const bot = botUsername(ctx.identity);
  // The audience at this moment, read once with what the rows need, in member order. (Paging the
  // audience query itself made each page's joins — presence in the group — walk again past the
  // pages already done.) The rows come back as one text of JSON lines: PGlite hands each field of
  // a result to JavaScript one by one, which for 100,000 members cost more than the query itself.
  // A member with two identities on the channel comes twice: the one the bot may write to is
  // kept, else the first.
  const listed = audience
    .select(['members.name', 'members.attrs'])
    .leftJoin('member_identities as i', (join) =>
      join.onRef('i.member_id', '=', 'members.id').on('i.channel_id', '=', channelId).on('i.is_bot', '=', false),
    )
    .select(['i.external_id', 'i.username', 'i.dm_chat_id']);
  const lines = await db
    .selectFrom(listed.as('a'))
    .select(sql<string | null>`string_agg(json_build_array(a.id, a.name, a.attrs, a.external_id, a.username, a.dm_chat_id)::text, E'\n' ORDER BY a.id)`.as('lines'))
    .executeTakeFirstOrThrow();
  const everyone: Member[] = [];
  for (const line of lines.lines ? lines.lines.split('\n') : []) {
    const [id, name, attrs, externalId, username, dmChatId] = JSON.parse(line) as [string, string, Record<string, string> | null, string | null, string | null, string | null];
    const identity = externalId ? { externalId, username, dmChatId } : undefined;
    const prev = everyone[everyone.length - 1];
    if (prev?.id === id) {
      if (identity && better(identity, prev.identity)) prev.identity = identity;
      continue;
    }
    everyone.push({ id, name, attrs: attrs ?? {}, ...(identity ? { identity } : {}) });
  }
  let created = 0;
  for (let from = 0; from < everyone.length; from += PAGE) {
    const members = everyone.slice(from, from + PAGE);
    const n = await db.transaction().execute(async (trx) => {
      // Still ours: a run cancelled or paused meanwhile (its row no longer `due`) stops the expansion.
      // The lock on the group's row also keeps a second worker's expansion of it out meanwhile.
      const mine = await trx.selectFrom('ledger').select('id').where('id', '=', row.id).where('state', '=', 'due').forUpdate().executeTakeFirst();
      if (!mine) return -1;
      // Members of this page written before (an expansion that stopped half-way) are left out, so
      // the rest go in with a plain INSERT. The page is in member order: one range of the unique key.
      const done = await trx
        .selectFrom('ledger')
        .select('member_id')
        .where('run_id', '=', row.runId)
        .where('group_id', '=', row.groupId)
        .where('step_id', '=', row.stepId)
        .where('occurrence', '=', row.occurrence)
        .where('member_id', '>=', members[0].id)
        .where('member_id', '<=', members[members.length - 1].id)
        .execute();
      const written = new Set(done.map((d) => d.member_id));
      const todo = written.size ? members.filter((m) => !written.has(m.id)) : members;
      if (!todo.length) return 0;
      // The new rows have the group's row's run and group, which exist (the row is locked and
      // nothing deletes runs or groups): the per-row foreign-key checks could only pass, and
      // halve the INSERT's speed on PGlite (src/store/bulk.ts).
      const fresh = await memberRows(trx, row, ctx, target, todo, { key, bot, now, publicBase: opts.publicBase ?? '' });
      return withoutForeignKeyChecks(trx, () => insertLedger(trx, row.runId, fresh, { fresh: true }));
    });
    if (n < 0) return created;
    created += n;
  }
  const total = await db.transaction().execute(async (trx) => {
    const same = sql`run_id = ${row.runId} AND group_id = ${row.groupId} AND step_id = ${row.stepId} AND occurrence = ${row.occurrence} AND member_id <> ''`;
    if (row.action === 'tag') {
      await sql`UPDATE ledger SET executed_by = 'bot', executed_at = ${now.toISOString()}::timestamptz, on_time = true
                WHERE ${same} AND state = 'sent' AND executed_at IS NULL`.execute(trx);
    }
    const r = await sql<{ bot: number; people: number; failed: number }>`
      SELECT count(*) FILTER (WHERE state <> 'failed' AND mode = 'bot')::int AS bot,
             count(*) FILTER (WHERE state <> 'failed' AND mode = 'human')::int AS people,
             count(*) FILTER (WHERE state = 'failed')::int AS failed
        FROM ledger WHERE ${same}`.execute(trx);
    const counts = { bot: Number(r.rows[0]?.bot ?? 0), people: Number(r.rows[0]?.people ?? 0), failed: Number(r.rows[0]?.failed ?? 0) };
    const members = counts.bot + counts.people + counts.failed;
    await moveRows(trx, [row.id], {
      from: ['due'],
      to: 'expanded',
      actor: opts.actor,
      note: `expanded into ${members} member row(s) (audience ${c.audience}${c.unless ? `, unless ${c.unless}` : ''})`,
      set: {
        executed_by: 'bot',
        executed_at: now,
        on_time: now.getTime() <= row.dueAt.getTime() + row.windowMinutes * 60_000,
        claimed_by: null,
        result: JSON.stringify({ members, ...counts }),
        // The template did its work; the row keeps what the board shows (blanks, whom it was for).
        content: withoutTemplate(c),
      },
    });
    return members;
  });
  opts.log?.(`run ${row.runId}: step ${row.stepId} in "${ctx.group.name}" expanded into ${total} member row(s)`);
  return created;
}

/** Of two identities of a member on one channel: the one the bot may write to, else the first id. */
function better(a: MemberIdentity, b: MemberIdentity | undefined): boolean {
  if (!b) return true;
  if (Boolean(a.dmChatId) !== Boolean(b.dmChatId)) return Boolean(a.dmChatId);
  return a.externalId < b.externalId;
}

function withoutTemplate(c: LedgerContent): LedgerContent {
  const { template: _template, ...rest } = c;
  return rest;
}

async function memberRows(
  db: Db,
  row: LedgerRow,
  ctx: Context,
  target: { group: GroupRow; kind: string; caps: CapabilityMatrix; inviteLink: string | null } | undefined,
  members: Member[],
  o: { key?: Buffer; bot?: string; now: Date; publicBase: string },
): Promise<NewLedgerRow[]> {
  const c = row.content;
  const template = c.template ?? c.text;
  const fill = memberFiller(template);
  const executor = c.by ?? 'bot';
  // Each row is written out in full: spreading a shared `base` into 100,000 objects cost more than
  // everything else the expansion does in JavaScript.
  const make = (memberId: string, mode: 'bot' | 'human', executor: string, assignee: string | null, senderAccount: string | null, content: LedgerContent, state?: NewLedgerRow['state'], lastError?: string): NewLedgerRow => ({
    groupId: row.groupId,
    stepId: row.stepId,
    occurrence: row.occurrence,
    action: row.action,
    dueAt: row.dueAt,
    windowMinutes: row.windowMinutes,
    memberId,
    mode,
    executor,
    assignee,
    senderAccount,
    content,
    // A step planned per group keeps the group's variant on each member's row.
    variant: row.variant,
    state,
    lastError,
  });
  const personFor = (by: string) => (by === 'bot' ? 'owner' : by);
  if (row.action === 'tag') {
    const tag = c.tag;
    if (tag) await tagMembers(db, members.map((m) => m.id), { add: [tag], groupId: row.groupId, by: `run:${row.runId}`, at: o.now });
    return members.map((m) => make(m.id, 'bot', 'bot', null, ctx.group.channelId, { text: tag ? `#${tag}` : '', member: { name: m.name }, ...(tag ? { tag } : {}) }, 'sent'));
  }
  const kind = target?.kind ?? ctx.kind;
  const caps = target?.caps ?? ctx.caps;
  const decide = (m: Member): Delivery =>
    row.action === 'move' ? moveDelivery({ kind, caps, executor, identity: m.identity }) : messageDelivery({ kind, caps, executor, identity: m.identity });
  const decisions = members.map(decide);
  // Telegram people the bot cannot write to yet get a start link in their leader's task.
  const needLink = kind === 'telegram' && o.bot ? members.filter((_, i) => decisions[i].mode === 'human' && (decisions[i] as { why: string }).why === 'not_started') : [];
  const tokens = needLink.length ? await startTokens(db, target?.group.channelId ?? ctx.group.channelId, needLink.map((m) => m.id)) : new Map<string, string>();
  return members.map((m, i) => {
    const d = decisions[i];
    let text: string;
    let lastError: string | undefined;
    try {
      text = template ? fill({ id: m.id, name: m.name, attrs: m.attrs }) : '';
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      text = blankMemberValues(template);
      lastError = e.problems.map((p) => p.message).join('; ');
    }
    if (row.action === 'move' && target && !text.trim()) text = moveInvitationText(m.name, target.group.name, template || ctx.group.name);
    if (o.key) text = `${text.trimEnd()}\n\n${o.publicBase}${surveyPath(o.key, { runId: row.runId, groupId: row.groupId, stepId: row.stepId, occurrence: row.occurrence, memberId: m.id })}`;
    const content: LedgerContent = {
      text,
      ...(c.link ? { link: c.link } : {}),
      ...(c.image ? { image: c.image } : {}),
      ...(c.file ? { file: c.file } : {}),
      member: { name: m.name, ...(m.identity?.username ? { handle: m.identity.username } : {}) },
    };
    if (target) {
      content.into = target.group.name;
      content.intoGroupId = target.group.id;
      content.intoChatId = target.group.externalId;
    }
    if (lastError) {
      return make(m.id, 'human', personFor(executor), assigneeFor(personFor(executor), ctx.group), null, content, 'failed', lastError);
    }
    if (d.mode === 'bot') {
      content.userId = d.userId;
      return make(m.id, 'bot', 'bot', null, target?.group.channelId ?? ctx.group.channelId, content);
    }
    const token = tokens.get(m.id);
    const link = token && o.bot ? startLink(o.bot, token) : undefined;
    content.instruction = memberTaskInstruction({
      action: row.action,
      who: memberLabel(m.name, m.identity, kind),
      groupName: ctx.group.name,
      text: template,
      ...(link ? { startLink: link } : {}),
      ...(target ? { into: { name: target.group.name, link: target.inviteLink } } : {}),
    });
    if (link) content.startLink = link;
    const who = personFor(executor);
    return make(m.id, 'human', who, assigneeFor(who, ctx.group), null, content);
  });
}
