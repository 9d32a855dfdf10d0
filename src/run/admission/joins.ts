// Joins and leaves as admission sees them (ingest, in its transaction):
// - a join through a form applicant's personal invite link makes them the application's member;
// - a blacklisted member's join is undone at once (banned where the platform can, else a task
//   for the leader), and operators are told;
// - after a voluntary leave, the group's rejoin policy: `never` undoes the join (removed, not
//   banned) with a notice; `review` tells the reviewer; `allowed` does nothing. A join that an
//   application already decided (Telegram's approved join request, a personal link) is not
//   screened again for rejoining.
// - a removal Chorus asked for carries its reason into the leave event ("why").

import { recordMemberEvent } from '../../community/events.ts';
import { screenJoin } from '../../community/admission/screen.ts';
import { msg, translate } from '../../i18n/index.ts';
import { type Db, sql } from '../../store/db.ts';
import { notifyPeople } from './admissions.ts';
import { PEOPLE_RUN_KIND, queuePeopleSteps } from './platform.ts';
import { ADMISSION_COLUMNS, type AdmissionRow, admissionOf } from './settings-store.ts';

export interface JoinSeen {
  groupId: string;
  memberId: string;
  name: string;
  /** The person's platform id in the group's channel. */
  userId: string;
  inviteLink?: string;
  scene?: string;
  at: Date;
}

interface JoinFacts extends Partial<AdmissionRow> {
  /** The approved application whose personal invite link this join came through. */
  link_admission: string | null;
  link_admission_member: string | null;
  /** An application approved for this stay in the last 7 days. */
  approved: boolean;
  blacklisted_at: Date | string | null;
  blacklist_reason: string | null;
  /** How the latest stay before the open one ended. */
  previous_leave: string | null;
}

/** One statement: everything each join of a burst is screened by, in their order. */
async function joinFacts(db: Db, joins: readonly JoinSeen[]): Promise<JoinFacts[]> {
  const values = joins.map((j, ord) => ({
    ord,
    group_id: j.groupId,
    member_id: j.memberId,
    link: j.inviteLink ?? null,
    since: new Date(j.at.getTime() - 7 * 24 * 3_600_000).toISOString(),
  }));
  const r = await sql<JoinFacts>`
    SELECT ${sql.raw(ADMISSION_COLUMNS)}, la.id AS link_admission, la.member_id AS link_admission_member,
      EXISTS (SELECT 1 FROM admissions x WHERE x.group_id = v.group_id AND x.member_id = v.member_id AND x.state = 'approved'
        AND x.decided_at >= v.since) AS approved,
      mb.blacklisted_at, mb.blacklist_reason,
      (SELECT p.left_reason FROM memberships p WHERE p.group_id = v.group_id AND p.member_id = v.member_id AND p.left_at IS NOT NULL
        ORDER BY p.left_at DESC LIMIT 1) AS previous_leave
    FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS v(ord int, group_id text, member_id text, link text, since timestamptz)
    LEFT JOIN groups g ON g.id = v.group_id
    LEFT JOIN admission_settings s ON s.group_id = g.id
    LEFT JOIN members mb ON mb.id = v.member_id
    LEFT JOIN LATERAL (
      SELECT a.id, a.member_id FROM admissions a JOIN ledger l ON l.id = a.invite_ledger_id
      WHERE v.link IS NOT NULL AND a.group_id = v.group_id AND a.state = 'approved' AND l.result->>'inviteLink' = v.link
      LIMIT 1) la ON true
    ORDER BY v.ord`.execute(db);
  return r.rows;
}

export type JoinAdmission = 'undone' | 'reviewer_told' | 'linked' | 'nothing';

export async function onMemberJoined(db: Db, j: JoinSeen): Promise<JoinAdmission> {
  return (await onMembersJoined(db, [j]))[0] as JoinAdmission;
}

/** onMemberJoined for a burst's joins (distinct members per group): the facts in one statement. */
export async function onMembersJoined(db: Db, joins: readonly JoinSeen[]): Promise<JoinAdmission[]> {
  if (!joins.length) return [];
  const facts = await joinFacts(db, joins);
  const out: JoinAdmission[] = [];
  for (const [i, j] of joins.entries()) out.push(await screened(db, j, facts[i] as JoinFacts));
  return out;
}

async function screened(db: Db, j: JoinSeen, f: JoinFacts): Promise<JoinAdmission> {
  let decided = j.scene === 'join_request';
  if (f.link_admission != null) {
    decided = true;
    if (!f.link_admission_member) {
      await db.updateTable('admissions').set({ member_id: j.memberId, user_id: j.userId }).where('id', '=', f.link_admission).execute();
      await recordMemberEvent(db, { memberId: j.memberId, groupId: j.groupId, kind: 'admission', at: j.at, detail: { admission: f.link_admission, state: 'joined', source: 'form' } });
    }
  }
  // An application approved for this stay (a request that came through an approval link, say).
  if (!decided) decided = f.approved;
  if (!f.id) return 'nothing';
  const g = admissionOf(f as AdmissionRow);
  const m = { blacklisted_at: f.blacklisted_at, blacklist_reason: f.blacklist_reason };
  const left = decided ? false : f.previous_leave === 'voluntary';
  const d = screenJoin({ blacklisted: !!m.blacklisted_at, leftVoluntarily: left, rejoinPolicy: g.rejoinPolicy });
  if (d.undo) {
    const why = d.why === 'blacklisted' ? translate('en', 'admission.why.blacklistedJoin', { reason: m?.blacklist_reason ?? '' }) : translate('en', 'admission.why.noRejoin');
    const whyThere = d.why === 'blacklisted' ? translate(g.language, 'admission.why.blacklistedJoin', { reason: m?.blacklist_reason ?? '' }) : translate(g.language, 'admission.why.noRejoin');
    const task = translate(g.language, d.ban ? 'admission.task.ban' : 'admission.task.remove', { name: j.name, group: g.groupName, reason: whyThere });
    await queuePeopleSteps(db, { title: translate('en', d.ban ? 'admission.op.banJoin' : 'admission.op.removeRejoin', { name: j.name, group: g.groupName }) }, [
      { groupId: j.groupId, memberId: j.memberId, action: d.ban ? 'ban' : 'remove', step: d.ban ? 'blacklist:ban' : 'rejoin:remove', content: { text: why, reason: why, userId: j.userId }, task },
    ]);
    await notifyPeople(db, d.ban ? null : g.reviewer, msg(d.ban ? 'admission.notice.blacklistedJoined' : 'admission.notice.rejoinUndone', { name: j.name, group: g.groupName }));
    return 'undone';
  }
  if (d.tellReviewer) {
    await notifyPeople(db, g.reviewer, msg('admission.notice.rejoinReview', { name: j.name, group: g.groupName }));
    return 'reviewer_told';
  }
  return decided ? 'linked' : 'nothing';
}

/**
 * Why Chorus removed a member from a group, when it did: the reason of its latest removal or ban
 * there (a people operation), for the leave event. Undefined when Chorus did not ask for it.
 */
export async function removalReason(db: Db, groupId: string, memberId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('ledger as l')
    .innerJoin('runs as r', 'r.id', 'l.run_id')
    .select(['l.content'])
    .where('r.kind', '=', PEOPLE_RUN_KIND)
    .where('l.group_id', '=', groupId)
    .where('l.member_id', '=', memberId)
    .where('l.action', 'in', ['ban', 'remove'])
    .orderBy('l.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!r) return undefined;
  const c = (typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as { reason?: string };
  return c.reason || undefined;
}
