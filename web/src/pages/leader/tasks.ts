// The leader page's decisions: which tasks are today's, which come first, how far a deadline is
// in plain words, and where "open group" leads. Pure: plain data in and out.

export interface Task {
  id: number;
  runId: string;
  runKind: 'run' | 'broadcast';
  runTitle: string;
  /** inviteLink: the group's current invite link (the last one a connector made), to share. */
  group: { id: string; name: string; channelKind: string; externalId: string; inviteLink?: string };
  step: string;
  action: string;
  text: string;
  /** Whom to write to, for a private message to an audience (the text has blanks for names). */
  instruction?: string;
  link?: string;
  due: string;
  deadline: string;
  state: string;
  late: boolean;
  assignee: string | null;
}

export type Relative =
  | { late: boolean; unit: 'now' }
  | { late: boolean; unit: 'min'; n: number }
  | { late: boolean; unit: 'h'; n: number; m: number }
  | { late: boolean; unit: 'd'; n: number };

const MINUTE = 60_000;

/** How far `deadline` is from `now`: "in 20 min", "35 min late", "in 2 h 5 min", "3 d late". */
export function relativeTo(deadline: Date, now: Date): Relative {
  const diff = deadline.getTime() - now.getTime();
  const late = diff < 0;
  const minutes = Math.floor(Math.abs(diff) / MINUTE);
  if (minutes < 1) return { late, unit: 'now' };
  if (minutes < 60) return { late, unit: 'min', n: minutes };
  if (minutes < 48 * 60) return { late, unit: 'h', n: Math.floor(minutes / 60), m: minutes % 60 };
  return { late, unit: 'd', n: Math.floor(minutes / (24 * 60)) };
}

export const OPEN_TASK_STATES = ['assigned', 'missed'];
export const DONE_TASK_STATES = ['done', 'done_late'];

export function isOverdue(t: Task, now: Date): boolean {
  return t.state === 'missed' || (t.state === 'assigned' && new Date(t.deadline).getTime() < now.getTime());
}

export interface LeaderDay {
  /** Overdue first (the longest overdue on top), then by due time. */
  today: Task[];
  /** Open tasks due after today. */
  later: Task[];
  /** Done today or due today, newest first. */
  done: Task[];
}

/**
 * Splits tasks for the page. `endOfDay` is the end of the leader's today; done tasks older than
 * `startOfDay` are left out (yesterday's work is not today's list).
 */
export function planDay(tasks: readonly Task[], now: Date, startOfDay: Date, endOfDay: Date): LeaderDay {
  const today: Task[] = [];
  const later: Task[] = [];
  const done: Task[] = [];
  const seen = new Set<number>();
  for (const t of tasks) {
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    const due = new Date(t.due).getTime();
    if (DONE_TASK_STATES.includes(t.state)) {
      if (due >= startOfDay.getTime()) done.push(t);
    } else if (OPEN_TASK_STATES.includes(t.state)) {
      if (isOverdue(t, now) || due < endOfDay.getTime()) today.push(t);
      else later.push(t);
    }
  }
  const byDeadline = (a: Task, b: Task) => new Date(a.deadline).getTime() - new Date(b.deadline).getTime() || a.id - b.id;
  const byDue = (a: Task, b: Task) => new Date(a.due).getTime() - new Date(b.due).getTime() || a.id - b.id;
  today.sort((a, b) => {
    const oa = isOverdue(a, now);
    const ob = isOverdue(b, now);
    if (oa !== ob) return oa ? -1 : 1;
    return oa ? byDeadline(a, b) : byDue(a, b);
  });
  later.sort(byDue);
  done.sort((a, b) => byDue(b, a));
  return { today, later, done };
}

/**
 * A link that opens the group in the platform's app, when the platform has one. Telegram: a
 * supergroup's chat id is -100 followed by its internal id, and `t.me/c/<internal id>` opens it
 * for members; a public group has `@name` → `t.me/name`. Basic Telegram groups, WeCom and WeChat
 * have no such link (the page then shows none rather than a link that leads nowhere).
 */
export function openGroupLink(group: { channelKind: string; externalId: string }): string | undefined {
  if (group.channelKind !== 'telegram') return undefined;
  const id = group.externalId.trim();
  const username = /^@([A-Za-z][A-Za-z0-9_]{3,31})$/.exec(id);
  if (username) return `https://t.me/${username[1]}`;
  const supergroup = /^-100(\d{5,})$/.exec(id);
  if (supergroup) return `https://t.me/c/${supergroup[1]}`;
  return undefined;
}

/** The exact words to paste: the text, and the link on its own line when there is one. */
export function scriptOf(t: { text: string; link?: string }): string {
  return t.link && !t.text.includes(t.link) ? `${t.text}\n${t.link}` : t.text;
}
