// A member's profile: the list's summary, plus contacts, attributes, orders and score, the
// timeline (newest first, 200 at most) and the points ledger. A leader sees the groups and the
// events of their own groups only (events about no group — points, tags — are the member's own
// and shown to whoever may see the member).

import type { Db } from '../store/db.ts';
import { type MemberSummary, memberSummaries } from './member-summary.ts';

export interface MemberProfile extends MemberSummary {
  phone: string | null;
  email: string | null;
  attrs: Record<string, string>;
  orders: number;
  score: number;
  events: { at: string; kind: string; group: string | null; groupName: string | null; detail: Record<string, unknown> }[];
  /** The points ledger, newest first (`points` stays the balance, as in the list). */
  pointsLedger: { at: string; delta: number; balance: number; reason: string; rule: string | null; actor: string | null }[];
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export async function memberProfile(db: Db, id: string, visibleGroups?: readonly string[], eventLimit = 200): Promise<MemberProfile | undefined> {
  const [summary] = await memberSummaries(db, [id], visibleGroups);
  if (!summary) return undefined;
  const m = await db.selectFrom('members').select(['phone', 'email', 'attrs', 'orders', 'score']).where('id', '=', id).executeTakeFirstOrThrow();
  let events = db
    .selectFrom('member_events')
    .leftJoin('groups', 'groups.id', 'member_events.group_id')
    .select(['member_events.at', 'member_events.kind', 'member_events.group_id', 'groups.name', 'member_events.detail'])
    .where('member_events.member_id', '=', id);
  if (visibleGroups) {
    const groups = [...visibleGroups];
    events = events.where((eb) => eb.or([eb('member_events.group_id', 'is', null), ...(groups.length ? [eb('member_events.group_id', 'in', groups)] : [])]));
  }
  const [eventRows, ledger] = await Promise.all([
    events.orderBy('member_events.at', 'desc').orderBy('member_events.id', 'desc').limit(eventLimit).execute(),
    db.selectFrom('points_ledger').select(['at', 'delta', 'balance', 'reason', 'rule', 'actor']).where('member_id', '=', id).orderBy('id', 'desc').limit(eventLimit).execute(),
  ]);
  return {
    ...summary,
    phone: m.phone,
    email: m.email,
    attrs: json(m.attrs),
    orders: m.orders,
    score: m.score,
    events: eventRows.map((e) => ({ at: new Date(e.at).toISOString(), kind: e.kind, group: e.group_id, groupName: e.name, detail: json(e.detail) })),
    pointsLedger: ledger.map((l) => ({ at: new Date(l.at).toISOString(), delta: l.delta, balance: l.balance, reason: l.reason, rule: l.rule, actor: l.actor })),
  };
}
