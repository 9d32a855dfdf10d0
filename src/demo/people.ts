// The demo's people: what a workspace that has been running a while knows about its members, so
// the Members page, a profile, segments, candidates and the admission queue have something to
// show. Made with the platform's own functions (tags, roles, points, orders, an ingested join
// request), so stages and levels follow from the rules like anywhere else.

import { ingestEvent } from '../community/ingest.ts';
import { importOrders } from '../community/orders.ts';
import { changePoints } from '../community/points.ts';
import { setMemberRole } from '../community/roles.ts';
import { changeTags } from '../community/tags.ts';
import type { Db } from '../store/db.ts';
import { DEMO_GROUPS } from './workspace.ts';

const DAY = 86_400_000;

export interface DemoPeopleResult {
  tagged: number;
  roles: number;
  orders: number;
  applications: number;
}

/** Tags, roles, points, a few orders and one join request waiting for review. */
export async function seedDemoPeople(db: Db, channelId: string, groupIds: ReadonlyMap<string, string>, now: Date, rand: () => number): Promise<DemoPeopleResult> {
  const present = await db
    .selectFrom('memberships')
    .innerJoin('members', 'members.id', 'memberships.member_id')
    .innerJoin('member_identities', 'member_identities.member_id', 'members.id')
    .select(['memberships.group_id', 'members.id', 'members.messages', 'member_identities.external_id'])
    .where('memberships.left_at', 'is', null)
    .where('member_identities.channel_id', '=', channelId)
    .orderBy('members.id')
    .execute();
  const byGroup = new Map<string, typeof present>();
  for (const p of present) byGroup.set(p.group_id, [...(byGroup.get(p.group_id) ?? []), p]);
  const idsOf = (chatIds: string[]) => [...new Set(chatIds.flatMap((c) => (byGroup.get(groupIds.get(c) ?? '') ?? []).map((p) => p.id)))];
  const at = new Date(now.getTime() - DAY);

  // Tags an operator would have put on: the camps' early birds, the alumni club's VIPs.
  const camps = DEMO_GROUPS.filter((g) => g.community === 'training_camp').map((g) => g.chatId);
  const early = idsOf(camps).filter(() => rand() < 0.3);
  let tagged = await changeTags(db, early, { add: ['early-bird'], remove: [], actor: 'demo', at });
  tagged += await changeTags(db, idsOf(['demo-fans']).filter(() => rand() < 0.5), { add: ['vip'], remove: [], actor: 'demo', at });

  // In each camp the most talkative member is on the class committee.
  let roles = 0;
  for (const chat of camps) {
    const members = [...(byGroup.get(groupIds.get(chat) ?? '') ?? [])].sort((a, b) => b.messages - a.messages);
    if (!members[0]) continue;
    await setMemberRole(db, members[0].id, groupIds.get(chat) as string, 'committee', { actor: 'demo', at });
    roles++;
  }

  // Points for the camp's first days (the rules give check-ins points from now on).
  for (const id of idsOf(camps).slice(0, 12)) {
    await changePoints(db, id, { delta: 5 + Math.floor(rand() * 20), reason: 'camp days 1–2', actor: 'demo', at });
  }

  // The paid course's students bought it; two bought the advanced course too.
  const students = (byGroup.get(groupIds.get('demo-course-1') ?? '') ?? []).slice(0, 8);
  const rows = students.flatMap((s, i) => {
    const first = { row: i + 2, member: `${channelId}:${s.external_id}`, order: `DEMO-${1001 + i}`, amount: '1999.00', product: '8-Week Speaking Course', at: new Date(now.getTime() - (9 + i) * DAY), raw: {} };
    return i < 2 ? [first, { ...first, row: i + 20, order: `DEMO-${2001 + i}`, amount: '2999.00', product: 'Advanced Speaking', at: new Date(now.getTime() - 2 * DAY) }] : [first];
  });
  const orders = rows.length ? (await importOrders(db, { rows, problems: [] }, 'csv')).imported : 0;

  // Someone asked to join the free trial group and waits for the leader.
  const trial = groupIds.get('demo-lead-1');
  let applications = 0;
  if (trial) {
    const r = await ingestEvent({ db }, channelId, {
      type: 'join_request',
      chatId: 'demo-lead-1',
      member: { externalId: 'demo-applicant-1', name: '林小满' },
      at: new Date(now.getTime() - 3 * 3_600_000),
    });
    if (r.memberId) applications++;
  }
  return { tagged, roles, orders, applications };
}
