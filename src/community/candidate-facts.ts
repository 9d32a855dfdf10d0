// What the candidate ranking (candidates.ts) needs about a group's members, read in a handful of
// grouped queries. Only people who could be nominated are counted: present in the group now, not
// a bot, not blacklisted or forgotten, not already its leader or assistant.

import type { Db } from '../store/db.ts';
import type { CandidateFacts } from './candidates.ts';

const DAY_MS = 86_400_000;

export async function candidateFacts(db: Db, groupId: string, now: Date): Promise<CandidateFacts[]> {
  const present = await db
    .selectFrom('memberships')
    .innerJoin('members', 'members.id', 'memberships.member_id')
    .select(['members.id', 'members.name', 'members.points', 'memberships.joined_at'])
    .where('memberships.group_id', '=', groupId)
    .where('memberships.left_at', 'is', null)
    .where('members.blacklisted_at', 'is', null)
    .where('members.forgotten_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('member_identities').select('member_identities.member_id').whereRef('member_identities.member_id', '=', 'members.id').where('member_identities.is_bot', '=', true))),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('member_roles')
            .select('member_roles.member_id')
            .whereRef('member_roles.member_id', '=', 'members.id')
            .where('member_roles.group_id', '=', groupId)
            .where('member_roles.role', 'in', ['leader', 'assistant']),
        ),
      ),
    )
    .execute();
  if (!present.length) return [];
  const counts = await db
    .selectFrom('member_events')
    .select(['member_id', 'kind', (eb) => eb.fn.countAll<string>().as('n')])
    .where('group_id', '=', groupId)
    .where('kind', 'in', ['message', 'reply', 'invite'])
    .groupBy(['member_id', 'kind'])
    .execute();
  const count = new Map(counts.map((c) => [`${c.member_id}/${c.kind}`, Number(c.n)]));
  const held = (await db.selectFrom('checkins').select(['id', 'opens_at']).where('group_id', '=', groupId).where('opens_at', '<=', now).execute()).map((c) => ({
    id: Number(c.id),
    opens: new Date(c.opens_at).getTime(),
  }));
  const marks = held.length
    ? await db
        .selectFrom('checkin_marks')
        .select(['member_id', (eb) => eb.fn.countAll<string>().as('n')])
        .where(
          'checkin_id',
          'in',
          held.map((h) => h.id),
        )
        .groupBy('member_id')
        .execute()
    : [];
  const marked = new Map(marks.map((m) => [m.member_id, Number(m.n)]));
  return present.map((m) => {
    const joined = new Date(m.joined_at).getTime();
    const checkins = marked.get(m.id) ?? 0;
    return {
      member: m.id,
      name: m.name,
      messages: count.get(`${m.id}/message`) ?? 0,
      replies: count.get(`${m.id}/reply`) ?? 0,
      invites: count.get(`${m.id}/invite`) ?? 0,
      checkins,
      // A check-in they made counts as held even if it opened before the stay Chorus knows of.
      checkinsHeld: Math.max(checkins, held.filter((h) => h.opens >= joined).length),
      tenureDays: Math.max(0, Math.floor((now.getTime() - joined) / DAY_MS)),
      points: Number(m.points),
    };
  });
}
