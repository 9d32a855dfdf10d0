// An `unless:` word (src/sop/unless.ts) as a condition on a member, evaluated when the step falls
// due: the expansion leaves out the members for whom it holds, and a member's own row is skipped.

import type { ExpressionBuilder, Expression, SqlBool } from 'kysely';
import { isUnlessWord, type UnlessWord } from '../sop/unless.ts';
import { instantOf, localOf } from '../sop/zone.ts';
import type { Db } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import { audienceQuery } from './audience.ts';

export interface UnlessScope {
  groupId: string;
  /** The run's zone: what "today" means. */
  zone: string;
  now: Date;
  /** When the run started (answered_survey counts answers since then). */
  since: Date;
}

type Eb = ExpressionBuilder<Database, 'members'>;

/** The start of `now`'s local day in `zone`. */
export function startOfDay(now: Date, zone: string): Date {
  return new Date(instantOf(localOf(now.getTime(), zone).day, 0, zone));
}

function wordExpression(eb: Eb, word: UnlessWord, s: UnlessScope): Expression<SqlBool> {
  const today = startOfDay(s.now, s.zone);
  const event = (kinds: string[], from?: Date) => {
    let sub = eb
      .selectFrom('member_events')
      .select('member_events.id')
      .whereRef('member_events.member_id', '=', 'members.id')
      .where('member_events.group_id', '=', s.groupId)
      .where('member_events.kind', 'in', kinds);
    if (from) sub = sub.where('member_events.at', '>=', from);
    return eb.exists(sub);
  };
  switch (word) {
    case 'checked_in_today':
      return eb.exists(
        eb
          .selectFrom('checkin_marks')
          .innerJoin('checkins', 'checkins.id', 'checkin_marks.checkin_id')
          .select('checkin_marks.checkin_id')
          .whereRef('checkin_marks.member_id', '=', 'members.id')
          .where('checkins.group_id', '=', s.groupId)
          .where('checkin_marks.at', '>=', today),
      );
    case 'checked_in':
      return eb.exists(
        eb
          .selectFrom('checkin_marks')
          .select('checkin_marks.checkin_id')
          .whereRef('checkin_marks.member_id', '=', 'members.id')
          .where('checkin_marks.checkin_id', '=', (e) =>
            e
              .selectFrom('checkins')
              .select('checkins.id')
              .where('checkins.group_id', '=', s.groupId)
              .where('checkins.opens_at', '<=', s.now)
              .orderBy('checkins.opens_at', 'desc')
              .limit(1),
          ),
      );
    case 'answered_survey':
      return event(['answer'], s.since);
    case 'spoke_today':
      return event(['message', 'reply'], today);
    case 'invited':
      return event(['invite']);
    case 'clicked':
      return event(['click'], s.since);
    case 'customer':
      return eb('members.stage', 'in', ['customer', 'repeat']);
  }
}

/**
 * The condition "`unless` holds for this member", for a query over `members`. A selector is
 * resolved in the group's scope (presence and roles in this group).
 */
export async function unlessCondition(db: Db, unless: string, s: UnlessScope): Promise<(eb: Eb) => Expression<SqlBool>> {
  const t = unless.trim();
  if (isUnlessWord(t)) return (eb) => wordExpression(eb, t, s);
  const q = await audienceQuery(db, t, { groupId: s.groupId, now: s.now });
  return (eb) => eb('members.id', 'in', q);
}

/** The members among `memberIds` for whom `unless` holds now. */
export async function whoUnless(db: Db, unless: string, memberIds: readonly string[], s: UnlessScope): Promise<Set<string>> {
  if (!memberIds.length) return new Set();
  const cond = await unlessCondition(db, unless, s);
  const rows = await db
    .selectFrom('members')
    .select('members.id')
    .where('members.id', 'in', [...memberIds])
    .where((eb) => cond(eb))
    .execute();
  return new Set(rows.map((r) => r.id));
}
