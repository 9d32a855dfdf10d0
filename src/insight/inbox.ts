// The question inbox (docs/insight.md, "The question inbox"): members' questions across groups.
// Open questions come longest waiting first (the oldest question is the one most owed an answer);
// answered ones the latest answered first. A page is at most MAX_LIMIT questions; the total counts
// the same filter up to COUNT_CAP (1,000). The page is found on the partial indexes of migration 032 and
// only its rows are joined to their messages, members and groups.

import { selectedGroupIds } from '../community/groups.ts';
import { type Db, sql } from '../store/db.ts';

export type QuestionState = 'open' | 'answered';

export interface InboxQuestion {
  /** The question's number: what `chorus inbox reply <id>` and the API name. */
  id: number;
  group: string;
  groupName: string;
  /** The asker's member id; null once the message has no member. */
  member: string | null;
  memberName: string;
  text: string;
  at: string;
  /** Open: seconds since it was asked; answered: seconds it waited for its answer. */
  waitingSeconds: number;
  state: QuestionState;
  answeredAt: string | null;
  /** A member id, or the sign-in name of the person who replied from the inbox. */
  answeredBy: string | null;
  answeredByName: string | null;
  answeredVia: 'reply' | 'after' | 'inbox' | null;
  channelKind: string;
}

export interface InboxFilter {
  /** A group selector (src/community/groups.ts); all groups when absent. */
  groups?: string;
  state?: QuestionState;
  limit?: number;
  offset?: number;
  /** A leader's groups: only their questions. Undefined: every group. */
  visibleGroups?: readonly string[];
  now?: Date;
}

export interface InboxPage {
  questions: InboxQuestion[];
  total: number;
  /** True when more than `total` (= COUNT_CAP) questions match. */
  totalCapped: boolean;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
// A count walks the index: 1,000 keeps it to a few milliseconds even on PGlite ("1,000+ open").
export const COUNT_CAP = 1_000;

export async function listInbox(db: Db, f: InboxFilter = {}): Promise<InboxPage> {
  const state = f.state ?? 'open';
  const limit = Math.min(Math.max(1, Math.floor(f.limit ?? DEFAULT_LIMIT)), MAX_LIMIT);
  const offset = Math.max(0, Math.floor(f.offset ?? 0));
  const now = f.now ?? new Date();
  if (f.visibleGroups && !f.visibleGroups.length) return { questions: [], total: 0, totalCapped: false };
  // The selector as a subquery and a leader's groups as one array: one statement, no list of ids sent back and forth.
  const selector = f.groups && f.groups.trim() !== 'all' ? sql`AND q.group_id IN (${selectedGroupIds(db, f.groups)})` : sql``;
  const visible = f.visibleGroups ? sql`AND q.group_id = ANY(${[...f.visibleGroups]}::text[])` : sql``;
  const inGroups = sql`${selector} ${visible}`;
  const order = state === 'open' ? sql`q.at, q.id` : sql`q.answered_at DESC, q.id`;
  // The state as a literal, not a parameter: the planner matches it to the partial indexes.
  const inState = state === 'open' ? sql`q.state = 'open'` : sql`q.state = 'answered'`;
  const counted = sql`SELECT count(*) FROM (SELECT 1 FROM questions q WHERE ${inState} ${inGroups} LIMIT ${COUNT_CAP + 1}) x`;
  const page = await sql<{
    id: number;
    group_id: string;
    group_name: string;
    member_id: string | null;
    member_name: string | null;
    text: string;
    at: Date;
    state: QuestionState;
    answered_at: Date | null;
    answered_by: string | null;
    answered_by_name: string | null;
    answered_via: InboxQuestion['answeredVia'];
    channel_kind: string;
    total: number;
  }>`
    SELECT q.id, q.group_id, g.name AS group_name, m.member_id, mem.name AS member_name, m.text, q.at, q.state,
      q.answered_at, q.answered_by, coalesce(ans.name, u.display_name) AS answered_by_name, q.answered_via, c.kind AS channel_kind, (${counted})::int AS total
    FROM (
      SELECT q.* FROM questions q WHERE ${inState} ${inGroups} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}
    ) q
    JOIN messages m ON m.id = q.message_id
    JOIN groups g ON g.id = q.group_id
    JOIN channels c ON c.id = g.channel_id
    LEFT JOIN members mem ON mem.id = m.member_id
    LEFT JOIN members ans ON ans.id = q.answered_by
    LEFT JOIN users u ON u.name = q.answered_by
    ORDER BY ${order}`.execute(db);
  // The total comes with the page; a page past the end has no row to bring it.
  const n = page.rows.length ? Number(page.rows[0]!.total) : offset ? ((await sql<{ n: number }>`SELECT (${counted})::int AS n`.execute(db)).rows[0]?.n ?? 0) : 0;
  return {
    questions: page.rows.map((r) => {
      const at = new Date(r.at);
      const answeredAt = r.answered_at ? new Date(r.answered_at) : null;
      return {
        id: Number(r.id),
        group: r.group_id,
        groupName: r.group_name,
        member: r.member_id,
        memberName: r.member_name ?? '',
        text: r.text,
        at: at.toISOString(),
        waitingSeconds: Math.max(0, Math.round(((answeredAt ?? now).getTime() - at.getTime()) / 1000)),
        state: r.state,
        answeredAt: answeredAt?.toISOString() ?? null,
        answeredBy: r.answered_by,
        answeredByName: r.answered_by_name,
        answeredVia: r.answered_via,
        channelKind: r.channel_kind,
      };
    }),
    total: Math.min(n, COUNT_CAP),
    totalCapped: n > COUNT_CAP,
  };
}
