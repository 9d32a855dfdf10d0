// The words of the notifications the sweep writes: reminders before a deadline, tasks missed,
// WeCom sends nobody confirmed or WeCom refused. Pure; each says where (group, run) and what.

import { formatLocal, isZone } from '../sop/zone.ts';
import type { LedgerContent } from '../store/schema.ts';

export interface NoticeRow {
  groupName: string;
  runTitle: string;
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

const WHAT: Record<string, string> = {
  post: 'post this in the group',
  announce: 'set this as the group notice',
  rename: 'rename the group',
  welcome: 'set this welcome message',
  invite: 'share the invitation',
  notify: 'send this privately',
  direct_message: 'send this privately',
  remind: 'send this reminder privately',
  task: 'do this',
  checkin: 'post this check-in',
  survey: 'post this survey',
};

/** To the person responsible, shortly before the deadline. */
export function reminderText(r: NoticeRow): string {
  const what = WHAT[r.action] ?? `do "${r.action}"`;
  const paste = r.content.link && !r.content.text.includes(r.content.link) ? `${r.content.text}\n${r.content.link}` : r.content.text;
  const nobody = r.assignee ? '' : ' Nobody is responsible for this group: set its leader.';
  return `Reminder: in group "${r.groupName}" (${r.runTitle}), ${what} by ${localTime(r.deadline, r.zone)}.${nobody}\n${paste}`;
}

function listGroups(rows: { groupName: string; assignee?: string | null }[]): string {
  const shown = rows.slice(0, LIST_AT_MOST).map((r) => (r.assignee ? `${r.groupName} (${r.assignee})` : r.groupName));
  const more = rows.length > LIST_AT_MOST ? `, and ${rows.length - LIST_AT_MOST} more` : '';
  return `${shown.join(', ')}${more}`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** To the operators: tasks of one run that were not done in time. */
export function missedTasksText(runTitle: string, rows: { groupName: string; assignee: string | null }[]): string {
  return `${runTitle}: ${plural(rows.length, 'task was', 'tasks were')} not done in time and ${rows.length === 1 ? 'is' : 'are'} now missed: ${listGroups(rows)}. People can still mark them done; they will count as late.`;
}

/** To the operators: WeCom posts of one run that no staff member confirmed before the window ended. */
export function missedConfirmationsText(runTitle: string, rows: { groupName: string }[]): string {
  return `${runTitle}: ${plural(rows.length, 'WeCom message was', 'WeCom messages were')} not confirmed by the staff member in the WeCom client before the deadline, so ${rows.length === 1 ? 'it was' : 'they were'} withdrawn and marked missed: ${listGroups(rows)}.`;
}

/** To the operators: WeCom reported that a confirmed send did not reach the group. */
export function confirmationFailedText(runTitle: string, groupName: string, reason: string | undefined): string {
  return `${runTitle}: the WeCom message to group "${groupName}" did not go out. ${reason ?? 'WeCom did not say why.'}`;
}
