// Joins as ingest applies them (ingest.ts hands over a single join, or a burst's run of joins —
// a getUpdates answer, a campaign's wave — of distinct people): set-based, one statement per step
// for the whole run, in the order one join by one would take them:
//   members (ensureMembers) → stays opened and counted (openMemberships) → the `join` events and
//   the inviters' `invite` events with their counters and standing (recordMemberEvents) → a live
//   code's auto-created group adopted → admission (onMembersJoined) → campaign attribution
//   (attributeJoins) → member-triggered steps, per join (triggers.ts; free when no running run of
//   the group has any); Insight is told of the joins (src/insight/inbound.ts).
// A join of someone already in the group, or older than a stay Chorus knows, changes nothing.

import type { InboundEvent } from '../channels/port.ts';
import { attributeJoins } from '../growth/campaign-attribute.ts';
import { adoptCreatedGroups } from '../growth/livecode-adopt.ts';
import { onJoins } from '../insight/inbound.ts';
import { isLiveCodeState } from '../growth/livecode-rules.ts';
import { type JoinAdmission, onMembersJoined } from '../run/admission/joins.ts';
import { onMemberEvent } from '../run/triggers.ts';
import { withoutForeignKeyChecks } from '../store/bulk.ts';
import { type MemberEventInput, recordMemberEvents } from './events.ts';
import { type BurstDeps, groupOf, type IngestResult } from './ingest-common.ts';
import { ensureMembers, openMemberships } from './members.ts';

export type JoinEvent = Extract<InboundEvent, { type: 'member_joined' }>;

export interface JoinToApply {
  event: JoinEvent;
  /** The row in inbound_events. */
  eventId: number;
  /** When it happened (eventTime). */
  at: Date;
}

/**
 * Whether a join can go in the same run as those before it: each person joins once in a run, so
 * their stays, events and standing move exactly as they would one join after the other.
 */
export function joinsTogether(run: readonly JoinToApply[], next: JoinEvent): boolean {
  return !run.some((j) => j.event.member.externalId === next.member.externalId);
}

export async function applyJoins(deps: BurstDeps, channelId: string, joins: readonly JoinToApply[]): Promise<IngestResult[]> {
  const { db } = deps;
  const groups: string[] = [];
  for (const j of joins) groups.push(await groupOf(deps, channelId, j.event.chatId));
  const members = await ensureMembers(
    db,
    channelId,
    joins.flatMap((j) => [j.event.member, ...(j.event.via?.inviter ? [j.event.via.inviter] : [])]),
  );
  const seen = joins.map((j, i) => {
    const member = members.get(j.event.member.externalId) as { id: string; name: string };
    const inviter = j.event.via?.inviter ? members.get(j.event.via.inviter.externalId) : undefined;
    return { ...j, groupId: groups[i] as string, member, inviter, isBot: j.event.member.isBot === true };
  });
  const outcomes = await openMemberships(
    db,
    seen.map((j) => ({
      groupId: j.groupId,
      memberId: j.member.id,
      joinedAt: j.at,
      viaLink: j.event.via?.inviteLink ?? null,
      inviterMemberId: j.inviter?.id ?? null,
      scene: j.event.via?.scene ?? null,
    })),
    { count: true },
  );
  const opened = seen.filter((_, i) => outcomes[i] === 'opened');
  const people = opened.filter((j) => !j.isBot);

  const events: MemberEventInput[] = [];
  for (const j of people) {
    const via = j.event.via;
    const detail = { ...(via?.inviteLink ? { link: via.inviteLink } : {}), ...(j.inviter ? { inviter: j.inviter.id } : {}), ...(via?.scene ? { scene: via.scene } : {}), ...(via?.state ? { state: via.state } : {}) };
    events.push({ memberId: j.member.id, groupId: j.groupId, kind: 'join', at: j.at, detail });
    if (j.inviter && j.inviter.id !== j.member.id) events.push({ memberId: j.inviter.id, groupId: j.groupId, kind: 'invite', at: j.at, detail: { invitee: j.member.id } });
  }
  // The members were read or created just now in this transaction (and are never deleted): their
  // events' foreign-key checks could only pass (src/store/bulk.ts). A single join keeps them.
  if (events.length > 1 && db.isTransaction) await withoutForeignKeyChecks(db, () => recordMemberEvents(db, events));
  else await recordMemberEvents(db, events);
  // Growth: a join through a live code's auto-create join way names the group WeCom created.
  const viaLiveCode = people.filter((j) => j.event.via?.state && isLiveCodeState(j.event.via.state));
  if (viaLiveCode.length) await adoptCreatedGroups(db, (viaLiveCode.at(-1) as (typeof people)[number]).at, { channelId });
  // Admission: the blacklist and the rejoin policy, a form applicant's personal link.
  const admitted = await onMembersJoined(
    db,
    people.map((j) => ({
      groupId: j.groupId,
      memberId: j.member.id,
      name: j.member.name,
      userId: j.event.member.externalId,
      ...(j.event.via?.inviteLink ? { inviteLink: j.event.via.inviteLink } : {}),
      ...(j.event.via?.scene ? { scene: j.event.via.scene } : {}),
      at: j.at,
    })),
  );
  const admission = new Map<string, JoinAdmission>(people.map((j, i) => [`${j.groupId} ${j.member.id}`, admitted[i] as JoinAdmission]));
  // Campaigns (src/growth/campaign-attribute.ts): a join through a participant's link, join-way
  // state or invitation counts for them, by the fraud rules — a bot's join too, rejected as one.
  await attributeJoins(
    db,
    opened.map((j) => ({
      groupId: j.groupId,
      memberId: j.member.id,
      at: j.at,
      isBot: j.isBot,
      ...(j.event.via?.inviteLink ? { link: j.event.via.inviteLink } : {}),
      ...(j.inviter && j.inviter.id !== j.member.id ? { inviterId: j.inviter.id } : {}),
      ...(j.event.via?.state ? { state: j.event.via.state } : {}),
    })),
  );

  // Insight: the groups' figures.
  await onJoins(db, opened.map((j) => ({ groupId: j.groupId, memberId: j.member.id, at: j.at, isBot: j.isBot })));

  const out: IngestResult[] = [];
  for (const [i, j] of seen.entries()) {
    const result = { type: 'member_joined' as const, eventId: j.eventId, planned: 0, closed: 0, groupId: j.groupId, memberId: j.member.id };
    const outcome = outcomes[i];
    if (outcome !== 'opened') {
      out.push({ ...result, change: outcome === 'stale' ? 'stale' : 'duplicate' });
      continue;
    }
    // A join admission undoes (the blacklist, the rejoin policy) starts no member steps.
    const planned =
      j.isBot || admission.get(`${j.groupId} ${j.member.id}`) === 'undone'
        ? 0
        : await onMemberEvent(deps, { groupId: j.groupId, member: { id: j.member.id, externalId: j.event.member.externalId, name: j.member.name }, event: 'member_join', at: j.at });
    out.push({ ...result, change: 'joined', planned });
  }
  return out;
}
