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
import type { Db } from '../../store/db.ts';
import { notifyPeople } from './admissions.ts';
import { PEOPLE_RUN_KIND, queuePeopleSteps } from './platform.ts';
import { groupAdmission } from './settings-store.ts';

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

/** The latest stay before the open one: how it ended. */
async function previousLeave(db: Db, groupId: string, memberId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('memberships')
    .select('left_reason')
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .where('left_at', 'is not', null)
    .orderBy('left_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r?.left_reason ?? undefined;
}

export async function onMemberJoined(db: Db, j: JoinSeen): Promise<'undone' | 'reviewer_told' | 'linked' | 'nothing'> {
  let decided = j.scene === 'join_request';
  if (j.inviteLink) {
    const a = await db
      .selectFrom('admissions as a')
      .innerJoin('ledger as l', 'l.id', 'a.invite_ledger_id')
      .select(['a.id', 'a.member_id'])
      .where('a.group_id', '=', j.groupId)
      .where('a.state', '=', 'approved')
      .where(({ ref, eb }) => eb(ref('l.result', '->>').key('inviteLink'), '=', j.inviteLink as string))
      .executeTakeFirst();
    if (a) {
      decided = true;
      if (!a.member_id) {
        await db.updateTable('admissions').set({ member_id: j.memberId, user_id: j.userId }).where('id', '=', a.id).execute();
        await recordMemberEvent(db, { memberId: j.memberId, groupId: j.groupId, kind: 'admission', at: j.at, detail: { admission: a.id, state: 'joined', source: 'form' } });
      }
    }
  }
  if (!decided) {
    // An application approved for this stay (a request that came through an approval link, say).
    const approved = await db
      .selectFrom('admissions')
      .select('id')
      .where('group_id', '=', j.groupId)
      .where('member_id', '=', j.memberId)
      .where('state', '=', 'approved')
      .where('decided_at', '>=', new Date(j.at.getTime() - 7 * 24 * 3_600_000))
      .executeTakeFirst();
    decided = !!approved;
  }
  const g = await groupAdmission(db, j.groupId);
  if (!g) return 'nothing';
  const m = await db.selectFrom('members').select(['blacklisted_at', 'blacklist_reason']).where('id', '=', j.memberId).executeTakeFirst();
  const left = decided ? false : (await previousLeave(db, j.groupId, j.memberId)) === 'voluntary';
  const d = screenJoin({ blacklisted: !!m?.blacklisted_at, leftVoluntarily: left, rejoinPolicy: g.rejoinPolicy });
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
