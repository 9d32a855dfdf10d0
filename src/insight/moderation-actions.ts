// What a moderation judgement does, and its undo: every deletion, warning, mute, removal and
// lifting of them is a one-off ledger row of the `moderation` people operation
// (src/run/admission/platform.ts), so the dispatcher sends it with pacing and nothing goes
// twice. Where the platform cannot (WeCom customer groups: no deletion, no mute, no removal) the
// row is a task for the group's leader with the instruction. A mute lasts MUTE_HOURS.
// docs/insight.md#moderation.

import { type Locale, msg, render, translate } from '../i18n/index.ts';
import { AdmissionError } from '../run/admission/admissions.ts';
import { addToBlacklist, removeFromBlacklist } from '../run/admission/blacklist.ts';
import { type PeopleStep, queuePeopleSteps } from '../run/admission/platform.ts';
import type { Db } from '../store/db.ts';
import { actionText, type Judgement, type ModerationSettings, ruleText, warningText } from './rules/moderation-rules.ts';

/** How long a mute lasts (Telegram `until_date`); documented in docs/insight.md. */
export const MUTE_HOURS = 24;

/** The one operation (a `runs` row of kind `people`) every moderation row belongs to. */
export const MODERATION_OPERATION = 'moderation';

export interface Judged {
  logId: number;
  group: { id: string; name: string; language: Locale };
  member: { id: string; name: string; userId: string | null };
  message: { externalId: string; text: string; at: Date };
  judgement: Judgement;
  settings: ModerationSettings;
}

const clip = (t: string, n = 200) => (t.length > n ? `${t.slice(0, n)}…` : t);

/** The ledger steps of one judged message: delete, then warn, or mute / remove with the group told. */
export function stepsOf(j: Judged, now: Date): PeopleStep[] {
  const { group, member, judgement, settings } = j;
  const lang = group.language;
  const rule = render(lang, ruleText(judgement.violations[0], settings));
  const base = { groupId: group.id, memberId: member.id, occurrence: 1 };
  const step = (what: string) => `moderation:${j.logId}:${what}`;
  const steps: PeopleStep[] = [];
  if (judgement.delete) {
    const task = translate(lang, 'moderation.task.delete', { member: member.name, group: group.name, rule, text: clip(j.message.text) });
    steps.push({ ...base, action: 'delete_message', step: step('delete'), content: { text: task, messageId: j.message.externalId }, task });
  }
  const warning = warningText(judgement, settings);
  if (warning) {
    const text = translate(lang, 'moderation.warnReply', { member: member.name, warning: render(lang, warning) });
    steps.push({ ...base, action: 'post', step: step('warn'), content: { text } });
  }
  if ((judgement.action === 'mute' || judgement.action === 'remove') && member.userId) {
    const until = new Date(now.getTime() + MUTE_HOURS * 3_600_000);
    if (judgement.action === 'mute') {
      const task = translate(lang, 'moderation.task.mute', { member: member.name, group: group.name, hours: MUTE_HOURS, rule });
      steps.push({ ...base, action: 'mute', step: step('mute'), content: { text: task, userId: member.userId, until: until.toISOString() }, task });
    } else {
      const task = translate(lang, 'moderation.task.remove', { member: member.name, group: group.name, rule });
      // A ban (not a kick that lets them straight back), lifted by the undo.
      steps.push({ ...base, action: 'ban', step: step('remove'), content: { text: task, reason: task, userId: member.userId }, task });
    }
    const told = actionText(judgement, member.name);
    // To the group, not about the member (who may be gone by then).
    if (told) steps.push({ groupId: group.id, action: 'post', step: step('told'), content: { text: render(lang, told) } });
  }
  return steps;
}

/** Queues the rows of judged messages; blacklists where the judgement says so. */
export async function queueModeration(db: Db, judged: readonly Judged[], now: Date): Promise<void> {
  if (!judged.length) return;
  await queuePeopleSteps(db, { id: MODERATION_OPERATION, title: translate('en', 'moderation.op.title'), actor: null }, judged.flatMap((j) => stepsOf(j, now)), now);
  for (const j of judged) {
    if (!j.judgement.blacklist) continue;
    const reason = translate(j.group.language, 'moderation.blacklistReason', {
      rule: msg(`moderation.ruleName.${j.judgement.violations[0].rule}`),
      of: j.judgement.of,
      group: j.group.name,
    });
    try {
      await addToBlacklist(db, j.member.id, reason, 'moderation');
    } catch (e) {
      // Already on it: nothing more to do.
      if (!(e instanceof AdmissionError)) throw e;
    }
  }
}

export class ModerationUndoError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: ReturnType<typeof msg>,
  ) {
    super(code);
    this.name = 'ModerationUndoError';
  }
}

export interface UndoResult {
  id: number;
  action: string;
  undo: 'unmute' | 'unban' | 'unwarn';
  /** A deleted message cannot come back; said so with the answer. */
  note: ReturnType<typeof msg> | null;
}

/**
 * Undoes one moderation action: a mute is lifted, a removal unbanned (and the member taken off the
 * blacklist when the removal put them on it), a warning no longer counts. The deleted message
 * stays deleted: the platforms remove it for good. `leader`: only their groups' actions.
 */
export async function undoModeration(db: Db, id: number, opts: { actor: string; leader?: string; now?: Date }): Promise<UndoResult> {
  const now = opts.now ?? new Date();
  const row = await db
    .selectFrom('moderation_log as l')
    .innerJoin('groups as g', 'g.id', 'l.group_id')
    .leftJoin('member_identities as i', (j) => j.onRef('i.member_id', '=', 'l.member_id').onRef('i.channel_id', '=', 'g.channel_id'))
    .select(['l.id', 'l.action', 'l.rule', 'l.group_id', 'l.member_id', 'l.deleted', 'l.blacklisted', 'l.undone_at', 'g.leader', 'i.external_id'])
    .where('l.id', '=', id)
    .executeTakeFirst();
  if (!row || (opts.leader !== undefined && row.leader !== opts.leader)) throw new ModerationUndoError(404, 'not_found', msg('moderation.undo.notFound', { id }));
  if (row.undone_at) throw new ModerationUndoError(409, 'already_undone', msg('moderation.undo.done'));
  const undo = row.action === 'mute' ? 'unmute' : row.action === 'remove' ? 'unban' : row.action === 'warn' ? 'unwarn' : null;
  if (!undo) throw new ModerationUndoError(409, 'not_undoable', msg('moderation.undo.cannot', { action: row.action }));
  const marked = await db.updateTable('moderation_log').set({ undone_at: now, undone_by: opts.actor }).where('id', '=', id).where('undone_at', 'is', null).executeTakeFirst();
  if (!marked.numUpdatedRows) throw new ModerationUndoError(409, 'already_undone', msg('moderation.undo.done'));
  const [undoRow] = await db
    .insertInto('moderation_log')
    .values({ at: now, group_id: row.group_id, member_id: row.member_id, rule: row.rule, action: undo, undoes: id, by: opts.actor })
    .returning('id')
    .execute();
  const onBlacklist =
    row.member_id && row.blacklisted
      ? !!(await db.selectFrom('members').select('blacklisted_at').where('id', '=', row.member_id).executeTakeFirst())?.blacklisted_at
      : false;
  if (onBlacklist && row.member_id) {
    // Off the blacklist: every ban Chorus placed on them is lifted, this group's too.
    await removeFromBlacklist(db, row.member_id, opts.actor);
  } else if (undo !== 'unwarn' && row.external_id && row.member_id) {
    const step: PeopleStep = {
      groupId: row.group_id,
      memberId: row.member_id,
      action: undo === 'unmute' ? 'unmute' : 'unban',
      step: `moderation:${undoRow.id}:${undo}`,
      content: { text: '', userId: row.external_id },
    };
    await queuePeopleSteps(db, { id: MODERATION_OPERATION, title: translate('en', 'moderation.op.title'), actor: opts.actor }, [step], now);
  }
  return { id: Number(undoRow.id), action: row.action, undo, note: row.deleted ? msg('moderation.undo.deletedStays') : null };
}
