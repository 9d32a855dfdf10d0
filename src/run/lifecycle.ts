// The close of a lead group, and the tasks a run gives people to create its groups
// (docs/growth-lead-groups.md).
//
// A run on a `lead` sheet plans the close with the rest of the plan: at the close instant (the
// sheet's first `disband`, else the type's default lifespan after the group's creation — see
// src/sop/lifecycle.ts) the group's invite links are revoked (5 minutes before, where the platform
// can), a goodbye is posted in the sheet's language with the regroup link (2 minutes before), the
// group is disbanded by the bot where the platform can, else its owner gets the task, and then
// Chorus archives it. Growth releases its live-code seats 10 minutes before (src/growth/sweep.ts,
// from `groups.closes_at`): run knows nothing of growth.
//
// The close's own rows (`lifecycle:*` step ids, which no sheet step can have) are Chorus's work
// where they need the database when they fall due — the links to revoke, the regroup link, the
// archive — and are settled here when a worker claims them (called from expand.ts settleClaimed),
// before anything reaches a connector.

import type { CapabilityMatrix, ChannelKind } from '../channels/port.ts';
import { archiveGroup, liveInviteLinks } from '../community/group-effects.ts';
import type { GroupRow } from '../community/groups.ts';
import { translate } from '../i18n/index.ts';
import { CLOSE_LEAD_MINUTES, closePlan } from '../sop/lifecycle.ts';
import type { Action, Sheet } from '../sop/types.ts';
import type { Db } from '../store/db.ts';
import { assign, assigneeFor } from './assign.ts';
import { type LedgerRow, moveRows, type NewLedgerRow } from './ledger.ts';
import { languageOfText, type TextLanguage } from './member-blank.ts';
import { targetOf } from './move-target.ts';

export const CLOSE_STEPS = {
  revoke: 'lifecycle:revoke',
  goodbye: 'lifecycle:goodbye',
  disband: 'lifecycle:disband',
  archive: 'lifecycle:archive',
} as const;

/** The ledger action of a close's revoke row: every live link Chorus made for the group. */
export const REVOKE_LINKS = 'revoke_invite_links';
/** The ledger action of a close's archive row (Chorus's own, never a connector's). */
export const ARCHIVE = 'archive';

/**
 * The regroup link for a closing group's goodbye — the extension point a campaign fills (the
 * campaign's `regroup` group's link). Undefined: no link from it; the sheet's own `move` target's
 * invite link is used then, if it has one.
 */
export type RegroupLink = (db: Db, row: { runId: string; groupId: string }) => Promise<string | undefined>;
export const noRegroupLink: RegroupLink = async () => undefined;

/** The language a sheet is written in, for the texts Chorus adds to it (the goodbye, the tasks). */
export function sheetLanguage(sheet: Sheet): TextLanguage {
  return languageOfText([sheet.title, sheet.description ?? '', ...sheet.steps.map((s) => `${s.text ?? ''}${s.variants?.map((v) => v.text).join('') ?? ''}${s.name ?? ''}`)].join('\n'));
}

/** What a person is asked to do when the bot cannot create a group. */
export function createGroupTask(kind: ChannelKind, name: string, language: TextLanguage, bot?: string): string {
  if (kind === 'telegram') return translate(language, 'lifecycle.task.createGroup.telegram', { name, bot: bot ? `@${bot}` : translate(language, 'lifecycle.theBot') });
  if (kind === 'wecom') return translate(language, 'lifecycle.task.createGroup.wecom', { name });
  return translate(language, 'lifecycle.task.createGroup.other', { name });
}

/** What the owner is asked to do when the bot cannot disband the group. */
export function disbandTask(kind: ChannelKind, group: string, language: TextLanguage): string {
  const which = kind === 'telegram' || kind === 'wecom' || kind === 'wechaty' ? kind : 'other';
  return translate(language, `lifecycle.task.disband.${which}`, { group });
}

export interface CloseInput {
  sheet: Sheet;
  group: Pick<GroupRow, 'id' | 'name' | 'channelId' | 'leader' | 'attrs'>;
  kind: ChannelKind;
  caps: CapabilityMatrix;
  /** The group's rows as planned from the sheet. */
  rows: readonly NewLedgerRow[];
  language: TextLanguage;
  /**
   * The sheet's timed steps for the group, when not all became rows (an existing group's
   * `create_group` is not planned, yet its life counts from it, as `lead-lifespan` counts).
   */
  timeline?: readonly { step: string; action: Action; dueMs: number }[];
}

/**
 * The group's rows with its close: the sheet's own rows (a person's disband worded for them) and
 * the close's rows. Undefined when the sheet's community type has no lifecycle. Pure.
 */
export function withClose(input: CloseInput): { rows: NewLedgerRow[]; closesAt: Date } | undefined {
  const { sheet, group, caps, language } = input;
  const plan = closePlan(
    sheet.community,
    input.timeline ?? input.rows.filter((r) => !r.memberId).map((r) => ({ step: r.stepId, action: r.action as Action, dueMs: r.dueAt.getTime() })),
  );
  if (!plan) return undefined;
  const at = (minutesBefore: number) => new Date(plan.closesAt - minutesBefore * 60_000);
  const base = { groupId: group.id, occurrence: 1, windowMinutes: 60 };
  const bot = { ...base, mode: 'bot' as const, executor: 'bot', assignee: null, senderAccount: group.channelId };
  const person = (executor: string) => ({ ...base, mode: 'human' as const, executor, assignee: assigneeFor(executor, group), senderAccount: null });
  const disbandText = disbandTask(input.kind, group.name, language);
  const rows = input.rows.map((r) => (r.action === 'disband' && r.mode === 'human' && !r.content.text.trim() ? { ...r, content: { ...r.content, text: disbandText } } : r));
  if (caps.revoke_invite_link !== 'none') {
    rows.push({ ...bot, stepId: CLOSE_STEPS.revoke, action: REVOKE_LINKS, dueAt: at(CLOSE_LEAD_MINUTES.revoke), content: { text: '' } });
  }
  const goodbye = translate(language, 'lifecycle.goodbye', { group: group.name });
  const poster = assign('post', 'bot', caps);
  rows.push({
    ...(poster.mode === 'bot' ? bot : person(poster.executor)),
    stepId: CLOSE_STEPS.goodbye,
    action: 'post',
    dueAt: at(CLOSE_LEAD_MINUTES.goodbye),
    content: { text: goodbye, goodbye: language },
  });
  let disbandByPerson: boolean;
  if (plan.disbandStep) {
    disbandByPerson = rows.some((r) => r.stepId === plan.disbandStep && r.mode === 'human');
  } else {
    const who = assign('disband', 'bot', caps);
    disbandByPerson = who.mode === 'human';
    rows.push({
      ...(who.mode === 'bot' ? bot : person(who.executor)),
      stepId: CLOSE_STEPS.disband,
      action: 'disband',
      dueAt: at(0),
      content: { text: who.mode === 'bot' ? '' : disbandText },
    });
  }
  // A bot's disband archives the group when the platform accepts it (group-effects.ts); a
  // person's cannot be waited for, so Chorus archives the group itself at the close.
  if (disbandByPerson) rows.push({ ...bot, stepId: CLOSE_STEPS.archive, action: ARCHIVE, dueAt: at(0), content: { text: '' } });
  return { rows, closesAt: new Date(plan.closesAt) };
}

/** A close's own row, or any bot disband (which must not outrun its close's goodbye). */
export function isCloseRow(row: Pick<LedgerRow, 'stepId' | 'mode' | 'memberId' | 'action'>): boolean {
  return row.mode === 'bot' && !row.memberId && (row.stepId.startsWith('lifecycle:') || row.action === 'disband');
}

/** How long a bot's disband waits, when it comes due before the close's goodbye or revoke went out. */
const DISBAND_WAIT_MS = 30_000;

export interface CloseSettleOptions {
  actor: string;
  regroupLink?: RegroupLink;
}

/**
 * A claimed close row: the archive is done here; the revoke gets the links to withdraw (skipped
 * when there is none); the goodbye gets its regroup link. Returns the row to send, or undefined
 * when it was settled here.
 */
export async function settleCloseRow(db: Db, row: LedgerRow, opts: CloseSettleOptions): Promise<LedgerRow | undefined> {
  switch (row.stepId) {
    case CLOSE_STEPS.archive: {
      const at = new Date();
      await db.transaction().execute(async (trx) => {
        // The row first: the archive cancels what is still open in the group.
        await moveRows(trx, [row.id], { from: ['due'], to: 'sending', actor: opts.actor, attempt: true });
        await moveRows(trx, [row.id], { from: ['sending'], to: 'sent', actor: opts.actor, note: 'the group is archived in Chorus', set: { executed_by: 'bot', executed_at: at, on_time: true, claimed_by: null } });
        await archiveGroup(trx, row.groupId, { actor: opts.actor, keepSteps: [CLOSE_STEPS.revoke, CLOSE_STEPS.goodbye] });
      });
      return undefined;
    }
    case CLOSE_STEPS.revoke: {
      const links = await liveInviteLinks(db, row.groupId);
      if (!links.length) {
        await moveRows(db, [row.id], { from: ['due'], to: 'skipped', actor: opts.actor, note: 'Chorus made no invite link for this group that is still valid', set: { claimed_by: null } });
        return undefined;
      }
      const refs = Object.fromEntries(links.filter((l) => l.ref).map((l) => [l.link, l.ref!]));
      return withContent(db, row, { ...row.content, links: links.map((l) => l.link), ...(Object.keys(refs).length ? { linkRefs: refs } : {}) });
    }
    case CLOSE_STEPS.goodbye: {
      const language = row.content.goodbye;
      if (!language) return row;
      const link = (await (opts.regroupLink ?? noRegroupLink)(db, row)) ?? (await sheetRegroupLink(db, row));
      if (!link) return row;
      // The group's name now (it may have been renamed since the run started).
      const group = await db.selectFrom('groups').select('name').where('id', '=', row.groupId).executeTakeFirstOrThrow();
      return withContent(db, row, { ...row.content, text: translate(language, 'lifecycle.goodbyeRegroup', { group: group.name }), link });
    }
    default: {
      // A bot's disband (the sheet's step or the close's): never before the goodbye and the
      // revoke of the same close (pacing may hold them past their time) — the group would be gone.
      if (row.action !== 'disband') return row;
      const pending = await db
        .selectFrom('ledger')
        .select('id')
        .where('run_id', '=', row.runId)
        .where('group_id', '=', row.groupId)
        .where('step_id', 'in', [CLOSE_STEPS.revoke, CLOSE_STEPS.goodbye])
        .where('state', 'in', ['planned', 'due', 'retry_wait', 'sending'])
        .executeTakeFirst();
      if (!pending) return row;
      await moveRows(db, [row.id], { from: ['due'], to: 'planned', actor: opts.actor, note: "waits for the close's goodbye and revoke", set: { claimed_by: null, due_at: new Date(Date.now() + DISBAND_WAIT_MS) } });
      return undefined;
    }
  }
}

async function withContent(db: Db, row: LedgerRow, content: LedgerRow['content']): Promise<LedgerRow> {
  await db.updateTable('ledger').set({ content: JSON.stringify(content) }).where('id', '=', row.id).execute();
  return { ...row, content };
}

/** The invite link of the group the sheet's `move` sends people on to (the regroup group), when it has a usable one. */
async function sheetRegroupLink(db: Db, row: Pick<LedgerRow, 'runId' | 'groupId'>): Promise<string | undefined> {
  const move = await db
    .selectFrom('ledger')
    .select('content')
    .where('run_id', '=', row.runId)
    .where('group_id', '=', row.groupId)
    .where('action', '=', 'move')
    .where('member_id', '=', '')
    .orderBy('due_at')
    .executeTakeFirst();
  const content = (typeof move?.content === 'string' ? JSON.parse(move.content) : move?.content) as LedgerRow['content'] | undefined;
  const target = await targetOf(db, content?.into);
  if (!target || target.id === row.groupId) return undefined;
  const g = await db.selectFrom('groups').select(['invite_link', 'invite_expires_at', 'status']).where('id', '=', target.id).executeTakeFirst();
  if (!g?.invite_link || g.status !== 'active') return undefined;
  if (g.invite_expires_at && new Date(g.invite_expires_at).getTime() <= Date.now()) return undefined;
  return g.invite_link;
}
