// The words of the notifications the sweep writes: reminders before a deadline, tasks missed,
// WeCom sends nobody confirmed or WeCom refused. Pure; each says where (group, run) and what, as a
// catalogue text (src/i18n) stored with the notification and rendered in its reader's language.

import { english, type Msg, msg, type Text } from '../i18n/index.ts';
import { formatLocal, isZone } from '../sop/zone.ts';
import type { LedgerContent } from '../store/schema.ts';

export interface NoticeRow {
  groupName: string;
  /** The run's title in a sentence (a broadcast named as one: `runTitleText`). */
  runTitle: Text;
  action: string;
  content: LedgerContent;
  deadline: Date;
  assignee: string | null;
  /** The group's time zone, else the run's; UTC when neither is known. */
  zone: string | null;
}

const LIST_AT_MOST = 10;

export function localTime(at: Date, zone: string | null): string {
  const z = zone && isZone(zone) ? zone : 'UTC';
  return `${formatLocal(at.getTime(), z)} (${z})`;
}

export const NOTICE_ACTIONS = new Set(['post', 'announce', 'rename', 'welcome', 'invite', 'notify', 'direct_message', 'remind', 'task', 'checkin', 'survey', 'digest']);

/** To the person responsible, shortly before the deadline. */
export function reminderText(r: NoticeRow): Msg {
  const what = NOTICE_ACTIONS.has(r.action) ? msg(`notice.what.${r.action}`) : msg('notice.what.other', { action: r.action });
  const paste = r.content.link && !r.content.text.includes(r.content.link) ? `${r.content.text}\n${r.content.link}` : r.content.text;
  return msg(r.assignee ? 'notice.reminder' : 'notice.reminderNobody', { group: r.groupName, run: r.runTitle, what, time: localTime(r.deadline, r.zone), paste });
}

function listGroups(rows: { groupName: string; assignee?: string | null }[]): Text {
  const shown = rows
    .slice(0, LIST_AT_MOST)
    .map((r) => (r.assignee ? `${r.groupName} (${r.assignee})` : r.groupName))
    .join(', ');
  return rows.length > LIST_AT_MOST ? msg('notice.andMore', { list: shown, count: rows.length - LIST_AT_MOST }) : shown;
}

/** To the operators: tasks of one run that were not done in time. */
export function missedTasksText(runTitle: Text, rows: { groupName: string; assignee: string | null }[]): Msg {
  return msg('notice.missedTasks', { run: runTitle, count: rows.length, groups: listGroups(rows) });
}

/** To the operators: WeCom posts of one run that no staff member confirmed before the window ended. */
export function missedConfirmationsText(runTitle: Text, rows: { groupName: string }[]): Msg {
  return msg('notice.missedConfirmations', { run: runTitle, count: rows.length, groups: listGroups(rows) });
}

/** To the operators: WeCom reported that a confirmed send did not reach the group. */
export function confirmationFailedText(runTitle: Text, groupName: string, reason: string | undefined): Msg {
  return msg('notice.confirmationFailed', { run: runTitle, group: groupName, reason: reason ?? msg('notice.noReason') });
}

/** A notification row's words: English in `message` (older readers, the CLI), the text as data. */
export function noticeColumns(text: Msg): { message: string; text: string } {
  return { message: english(text), text: JSON.stringify(text) };
}
