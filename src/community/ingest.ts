// Inbound events → state → member-triggered steps. Every connector hands its normalized events
// here (webhooks, long polling, puppet events). Each event is recorded as received in
// `inbound_events`, then applied to groups, members, memberships and messages, then — for joins,
// leaves and messages — to the member-triggered steps of running runs (src/run/triggers.ts).
//
// One event is one transaction (a burst — ingestBatch — is one transaction for all of them): the
// state it changes and the ledger rows it plans commit together, so a failure leaves nothing half-applied and the platform's redelivery (WeCom retries
// a callback, Telegram re-sends after a 5xx, long polling fetches the update again) starts over.
// Redeliveries are harmless: a join of someone already in the group, a message already stored, a
// leave already recorded change nothing and plan nothing.
//
// Decisions:
// - Listeners never trigger themselves: messages from a bot account (the connector's own account,
//   or any other bot) are stored but fire no keyword steps, and neither does a message whose text
//   is exactly the script of one of Chorus's own actions in that group (a leader pasting the text
//   of their task). A bot joining or leaving fires no member steps either. The same messages
//   never count as a check-in (checkins.ts); any other message in an open check-in window may.
// - `group_dismissed`: the group becomes `dismissed` and its open rows (any run or broadcast) are
//   cancelled — nothing can happen in a group that no longer exists. Operators get a
//   notification when rows were cancelled.
// - `access_lost`: the group becomes `access_lost` and operators are notified. Its open *bot*
//   rows are marked failed now, with the reason, instead of failing one by one as they fall due;
//   failed rows show in "what needs me" and can be planned again once the bot is back. Rows for
//   people stay open: a leader is still in the group even when the bot is not. A later
//   `group_seen` (the bot was added back) makes the group active again; a dismissed group stays
//   dismissed.
// - A leave ends what was still pending for that member in that group (planned → skipped,
//   assigned → cancelled; a ban or an unban stays) before `on: member_leave` steps are planned; a member who comes back
//   starts no sequence again (see triggers.ts).
// - Every join, leave, message and join request of a person (not a bot) is also a member event
//   (events.ts): the timeline, the counters and the stage and level rules read them. A join with
//   an inviter is an `invite` event of the inviter; a message answering another member's is also
//   a `reply`.
// - Admission (src/run/admission/): a join request becomes an application (screened, asked the
//   group's questions in private); a private message may answer them; a join is checked against
//   the blacklist and the rejoin policy (and undone, starting no member steps); a removal Chorus
//   asked for carries its reason into the leave event.
// - `group_seen` of a chat Chorus does not know yet, titled like a run's placeholder group still
//   waiting to be created (a person's `create_group` task): the placeholder becomes that group
//   and the run's rows for it carry on there (group-effects.ts bindPlaceholder).
// - `announcement_changed` with its text sets the group's announcement.
// - An event whose platform time is missing (WeCom sends CreateTime 0 in some payloads) counts as
//   happening when it was received.

import { type Msg, msg } from '../i18n/index.ts';
import { noticeColumns } from '../run/notices.ts';
import type { InboundEvent, Ingest } from '../channels/port.ts';
import { onJoinRequest, onPrivateMessage } from '../run/admission/admissions.ts';
import { removalReason } from '../run/admission/joins.ts';
import { moveRows } from '../run/ledger.ts';
import { OPEN_STATES } from '../run/states.ts';
import { declaredCapabilities, onMemberEvent, type TriggerDeps } from '../run/triggers.ts';
import { attributeJoin, reverseOnLeave } from '../growth/campaign-attribute.ts';
import { onCampaignMessage } from '../growth/campaign-bot.ts';
import { onCampaignImage } from '../growth/campaign-poster.ts';
import { type Db, sql } from '../store/db.ts';
import { bindPlaceholder, dismissGroup, placeholderNamed } from './group-effects.ts';
import { linkPrivateStart } from './start-links.ts';
import { recordMemberEvent } from './events.ts';
import { ensureGroup } from './groups.ts';
import { onLeaves } from '../insight/inbound.ts';
import { adoptCreatedGroups } from '../growth/livecode-adopt.ts';
import { askAgainFor } from '../growth/livecode-tasks.ts';
import { closeMembership, ensureMember, findMember } from './members.ts';
import { type BurstDeps, eventTime, groupOf, type IngestResult, prefetchBurst } from './ingest-common.ts';
import { applyJoins, type JoinToApply, joinsTogether } from './ingest-joins.ts';
import { applyMessages, type MessageToApply, messagesTogether } from './ingest-messages.ts';

export type { IngestResult } from './ingest-common.ts';

export type IngestDeps = TriggerDeps;

const ACTOR = 'ingest';

export function createIngest(deps: IngestDeps): Ingest {
  const ingest: Ingest = async (channelId, event) => {
    await ingestEvent(deps, channelId, event);
  };
  ingest.many = async (channelId, events) => {
    await ingestBatch(deps, channelId, events);
  };
  return ingest;
}

/**
 * A recorded join that learned later which join way's `state` it came through (the WeCom
 * reconciliation, when the group could not be read at the callback): attributed to a campaign now
 * as it would have been at the join. Idempotent (an invite is recorded once per invitee).
 */
export async function attributeLateJoinState(db: Db, j: { groupId: string; memberId: string; at: Date; state: string }): Promise<void> {
  await attributeJoin(db, { groupId: j.groupId, memberId: j.memberId, at: j.at, isBot: false, state: j.state });
}

export async function ingestEvent(deps: IngestDeps, channelId: string, event: InboundEvent): Promise<IngestResult> {
  return (await ingestBatch(deps, channelId, [event]))[0] as IngestResult;
}

const triggers = (e: InboundEvent) => e.type === 'member_joined' || e.type === 'member_left' || e.type === 'message';

/**
 * A burst of one channel's events (a getUpdates answer, a campaign's joins) in one transaction:
 * one INSERT records them all in inbound_events, then each is applied in order by the same code
 * as a single event — so duplicates, stale events and the order per member and group come out
 * exactly as one by one, and the burst pays for one commit instead of one per event. All or
 * nothing: a failure rolls the whole burst back (ingestBurst then goes one by one).
 */
export async function ingestBatch(deps: IngestDeps, channelId: string, events: InboundEvent[]): Promise<IngestResult[]> {
  if (!events.length) return [];
  const receivedAt = new Date();
  return applyBurst(deps, channelId, events, async (trx) => {
    const stored = await trx
      .insertInto('inbound_events')
      .values(events.map((event) => ({ channel_id: channelId, type: event.type, chat_id: event.chatId, payload: JSON.stringify(event), received_at: receivedAt, applied_at: receivedAt })))
      .returning('id')
      .execute();
    // Identity values are drawn in the order of the VALUES list.
    return { ids: stored.map((r) => Number(r.id)).sort((a, b) => a - b), receivedAt: events.map(() => receivedAt) };
  });
}

/** A burst's events with their rows in inbound_events and when each was received. */
export interface StoredBurst {
  ids: number[];
  receivedAt: Date[];
}

/**
 * Applies a burst of one channel's events in one transaction, in order: `store` records them (or,
 * for events stored earlier — ingest-queue.ts —, marks them applied) in that transaction first.
 * Each event goes by the same code as a single one, and a run of joins of distinct people goes in
 * together (ingest-joins.ts), and so does a run of messages (ingest-messages.ts).
 */
export async function applyBurst(deps: IngestDeps, channelId: string, events: readonly InboundEvent[], store: (trx: Db) => Promise<StoredBurst>): Promise<IngestResult[]> {
  // Resolved before the transaction: a connector lookup may use its own connection, and PGlite
  // has only one (a query outside an open transaction would wait for it forever).
  const caps = events.some(triggers) ? await (deps.capabilities ?? ((id: string) => declaredCapabilities(deps.db, id)))(channelId) : undefined;
  const results = await deps.db.transaction().execute(async (trx) => {
    const tdeps: BurstDeps = {
      db: trx,
      ...(deps.log ? { log: deps.log } : {}),
      ...(caps ? { capabilities: async () => caps } : {}),
      ...(events.length > 1 ? { runsByGroup: new Map(), groupIds: new Map() } : {}),
    };
    const { ids, receivedAt } = await store(trx);
    await prefetchBurst(tdeps, channelId, events);
    const out: IngestResult[] = [];
    const item = (j: number) => ({ eventId: ids[j] as number, at: eventTime((events[j] as InboundEvent).at, receivedAt[j] as Date) });
    for (let i = 0; i < events.length; ) {
      const event = events[i] as InboundEvent;
      if (event.type === 'member_joined') {
        const run: JoinToApply[] = [];
        for (let e = events[i]; e?.type === 'member_joined' && joinsTogether(run, e); e = events[++i]) run.push({ event: e, ...item(i) });
        out.push(...(await applyJoins(tdeps, channelId, run)));
      } else if (event.type === 'message') {
        const run: MessageToApply[] = [];
        for (let e = events[i]; e?.type === 'message' && messagesTogether(run, e); e = events[++i]) run.push({ event: e, ...item(i) });
        out.push(...(await applyMessages(tdeps, channelId, run)));
      } else {
        out.push(await apply(tdeps, channelId, event, receivedAt[i] as Date, ids[i] as number));
        i++;
      }
    }
    return out;
  });
  // After commit, so a worker woken now sees the rows (a bound placeholder's too).
  if (results.some((r) => r.planned || r.change === 'group_bound')) deps.wake?.();
  return results;
}

/**
 * A burst in one transaction (ingestBatch); when that fails, one by one, so one bad event loses
 * none of the others: each is tried in order and the first failure is thrown at the end.
 */
export async function ingestBurst(deps: IngestDeps, channelId: string, events: InboundEvent[]): Promise<IngestResult[]> {
  if (events.length > 1) {
    try {
      return await ingestBatch(deps, channelId, events);
    } catch {
      // Rolled back whole: nothing of it was stored.
    }
  }
  const out: IngestResult[] = [];
  let failed: unknown;
  for (const e of events) {
    try {
      out.push(await ingestEvent(deps, channelId, e));
    } catch (err) {
      failed ??= err;
    }
  }
  if (failed !== undefined) throw failed;
  return out;
}

async function apply(deps: BurstDeps, channelId: string, event: InboundEvent, receivedAt: Date, eventId: number): Promise<IngestResult> {
  const { db } = deps;
  const at = eventTime(event.at, receivedAt);
  const base = { type: event.type, eventId, planned: 0, closed: 0 };

  switch (event.type) {
    case 'group_seen': {
      const before = await findGroup(db, channelId, event.chatId);
      // The bot was added to a group a person created for a run (lifecycle, issue 9): the run's
      // placeholder of the same name becomes this group and its rows carry on here.
      const placeholder = !before && event.title ? await placeholderNamed(db, channelId, event.title) : undefined;
      if (placeholder) {
        const bound = await bindPlaceholder(db, placeholder, event.chatId, { actor: ACTOR, at });
        if (bound) {
          if (event.memberCount !== undefined) await db.updateTable('groups').set({ member_count: event.memberCount }).where('id', '=', bound).execute();
          deps.log?.(`group "${event.title}" is the one a run was waiting for; its actions go on there`);
          return { ...base, groupId: bound, change: 'group_bound' };
        }
      }
      const groupId = await ensureGroup(db, channelId, event.chatId, event.title);
      const restored = before?.status === 'access_lost';
      await db
        .updateTable('groups')
        .set({
          ...(event.memberCount !== undefined ? { member_count: event.memberCount } : {}),
          ...(restored ? { status: 'active' } : {}),
          last_activity_at: latest(at),
        })
        .where('id', '=', groupId)
        .execute();
      if (restored) deps.log?.(`group "${event.title ?? before.name}" is reachable again`);
      // Growth: a group a platform created for a live code becomes its next slot.
      if (!before) await adoptCreatedGroups(db, at, { channelId });
      // The bot may just have been given the rights to make the live code's link it lacked.
      else await askAgainFor(db, groupId, at);
      return { ...base, groupId, change: restored ? 'group_restored' : before ? 'group_updated' : 'group_created' };
    }
    case 'group_renamed': {
      const before = await findGroup(db, channelId, event.chatId);
      const groupId = await ensureGroup(db, channelId, event.chatId, event.title);
      return { ...base, groupId, change: before ? 'group_updated' : 'group_created' };
    }
    case 'group_dismissed': {
      const group = await findGroup(db, channelId, event.chatId);
      if (!group) return { ...base, change: 'unknown_group' };
      const dismissed = await dismissGroup(db, group.id, { actor: ACTOR, how: 'dismissed on the platform' });
      if (!dismissed) return { ...base, groupId: group.id, change: 'duplicate' };
      deps.log?.(`group "${group.name}" was dismissed; ${dismissed.cancelled} open action(s) cancelled`);
      return { ...base, groupId: group.id, change: 'dismissed', closed: dismissed.cancelled };
    }
    case 'access_lost': {
      const group = await findGroup(db, channelId, event.chatId);
      if (!group) return { ...base, change: 'unknown_group' };
      if (group.status !== 'active') return { ...base, groupId: group.id, change: 'duplicate' };
      await db.updateTable('groups').set({ status: 'access_lost' }).where('id', '=', group.id).execute();
      const closed = await failBotRows(db, group.id, `Chorus can no longer act in this group: ${event.reason}`);
      const channel = await db.selectFrom('channels').select('name').where('id', '=', channelId).executeTakeFirst();
      await notify(db, msg('notice.accessLost', { group: group.name, channel: channel?.name ?? channelId, reason: event.reason, count: closed }));
      deps.log?.(`lost access to group "${group.name}": ${event.reason}`);
      return { ...base, groupId: group.id, change: 'access_lost', closed };
    }
    case 'member_joined':
      return (await applyJoins(deps, channelId, [{ event, eventId, at }]))[0] as IngestResult;
    case 'member_left': {
      const groupId = await groupOf(deps, channelId, event.chatId);
      const member = await ensureMember(db, channelId, event.member);
      const by = event.by ? await ensureMember(db, channelId, event.by) : undefined;
      const outcome = await closeMembership(db, { groupId, memberId: member.id, leftAt: at, reason: event.reason, removedBy: by?.id ?? null });
      const result = { ...base, groupId, memberId: member.id };
      if (outcome === 'stale') return { ...result, change: 'stale' };
      if (outcome === 'closed') {
        await db
          .updateTable('groups')
          .set((eb) => ({ member_count: sql<number>`greatest(${eb.ref('member_count')} - 1, 0)` }))
          .where('id', '=', groupId)
          .where('member_count', 'is not', null)
          .execute();
      }
      if (outcome === 'closed' && !event.member.isBot) {
        // When Chorus removed them (the blacklist, the rejoin policy), why.
        const why = event.reason === 'removed' ? await removalReason(db, groupId, member.id) : undefined;
        await recordMemberEvent(db, { memberId: member.id, groupId, kind: 'leave', at, detail: { reason: event.reason, ...(by ? { by: by.id } : {}), ...(why ? { why } : {}) } });
      }
      // Campaigns: leaving before the stay rejects the invite that brought them (left_early).
      if (outcome === 'closed') await reverseOnLeave(db, { groupId, memberId: member.id, at });
      // Insight: the group's figures.
      if (outcome === 'closed') await onLeaves(db, [{ groupId, memberId: member.id, at, reason: event.reason, isBot: event.member.isBot === true }]);
      const closed = await endPendingFor(db, groupId, member.id, event.reason);
      const planned = event.member.isBot
        ? 0
        : await onMemberEvent(deps, { groupId, member: { id: member.id, externalId: event.member.externalId, name: member.name }, event: 'member_leave', at });
      return { ...result, change: 'left', planned, closed };
    }
    case 'message':
      return (await applyMessages(deps, channelId, [{ event, eventId, at }]))[0] as IngestResult;
    case 'announcement_changed': {
      const group = await findGroup(db, channelId, event.chatId);
      if (group && event.text !== undefined) await db.updateTable('groups').set({ announcement: event.text }).where('id', '=', group.id).execute();
      return { ...base, ...(group ? { groupId: group.id } : {}), change: group && event.text !== undefined ? 'group_updated' : 'stored' };
    }
    case 'join_request': {
      const group = await findGroup(db, channelId, event.chatId);
      if (!group || event.member.isBot) return { ...base, ...(group ? { groupId: group.id } : {}), change: 'stored' };
      const member = await ensureMember(db, channelId, event.member);
      await recordMemberEvent(db, { memberId: member.id, groupId: group.id, kind: 'join_request', at, detail: event.inviteLink ? { link: event.inviteLink } : {} });
      await onJoinRequest(db, { channelId, groupId: group.id, memberId: member.id, name: member.name, userId: event.member.externalId, ...(event.userChatId ? { userChatId: event.userChatId } : {}), at });
      return { ...base, groupId: group.id, memberId: member.id, change: 'stored' };
    }
    case 'private_message': {
      // Not a group: no group, no membership. A pending application may be waiting for this answer.
      if (event.from.isBot) return { ...base, change: 'stored' };
      // A picture without words answers no question.
      const taken = event.text.trim() !== '' && (await onPrivateMessage(db, channelId, event.from.externalId, event.text));
      if (taken) return { ...base, change: 'message' };
      // A campaign command or screenshot to the bot in private, from a member Chorus knows.
      const known = await findMember(db, channelId, event.from.externalId);
      const pictured = known && event.image ? (await onCampaignImage(db, { channelId, memberId: known, at })) > 0 : false;
      const answered = known && !pictured ? await onCampaignMessage(db, { channelId, memberId: known, text: event.text, messageId: event.messageId, at, privateChat: event.chatId }) : false;
      return { ...base, ...(known ? { memberId: known } : {}), change: answered || pictured ? 'message' : 'stored' };
    }
    case 'private_started': {
      // people/audiences: the bot may now write to this person (src/community/start-links.ts).
      if (event.member.isBot) return { ...base, change: 'stored' };
      const memberId = await linkPrivateStart(db, channelId, {
        userId: event.member.externalId,
        chatId: event.chatId,
        at,
        ...(event.token ? { token: event.token } : {}),
        ...(event.member.name ? { name: event.member.name } : {}),
        ...(event.username ? { username: event.username } : {}),
      });
      return { ...base, ...(memberId ? { memberId } : {}), change: 'stored' };
    }
  }
}

/** Moves last_activity_at forward only: a late redelivery does not make a group look older. */
function latest(at: Date) {
  return sql<Date>`greatest(coalesce(last_activity_at, ${at.toISOString()}::timestamptz), ${at.toISOString()}::timestamptz)`;
}

async function findGroup(db: Db, channelId: string, chatId: string) {
  return db
    .selectFrom('groups')
    .select(['id', 'name', 'status'])
    .where('channel_id', '=', channelId)
    .where('external_id', '=', chatId)
    .executeTakeFirst();
}

/** A member's rows that a leave does not end. */
const STAY_AFTER_LEAVE = ['ban', 'unban'];

async function openRows(db: Db, groupId: string, where: { memberId?: string; mode?: 'bot'; states?: readonly string[]; except?: readonly string[] }): Promise<number[]> {
  let q = db
    .selectFrom('ledger')
    .select('id')
    .where('group_id', '=', groupId)
    .where('state', 'in', [...(where.states ?? OPEN_STATES)]);
  if (where.memberId !== undefined) q = q.where('member_id', '=', where.memberId);
  if (where.mode) q = q.where('mode', '=', where.mode);
  if (where.except?.length) q = q.where('action', 'not in', [...where.except]);
  return (await q.execute()).map((r) => Number(r.id));
}

/** Open bot rows fail with the reason: they can never be sent into a group the bot has lost. */
async function failBotRows(db: Db, groupId: string, reason: string): Promise<number> {
  const states = ['planned', 'due', 'retry_wait'] as const;
  const open = await openRows(db, groupId, { mode: 'bot', states: [...states] });
  const failed = await moveRows(db, open, { from: states, to: 'failed', actor: ACTOR, note: 'access to the group was lost', set: { last_error: reason, claimed_by: null } });
  return failed.length;
}

/** What was still to be done for a member who left: bot rows are skipped, people's tasks cancelled. */
async function endPendingFor(db: Db, groupId: string, memberId: string, reason: 'voluntary' | 'removed'): Promise<number> {
  const note = reason === 'removed' ? 'the member was removed from the group' : 'the member left the group';
  // A ban still applies to someone gone (it keeps them out), and an unban is for someone gone.
  const bot = await openRows(db, groupId, { memberId, states: ['planned', 'due', 'retry_wait'], except: STAY_AFTER_LEAVE });
  const skipped = await moveRows(db, bot, { from: ['planned', 'due', 'retry_wait'], to: 'skipped', actor: ACTOR, note, set: { claimed_by: null } });
  const human = await openRows(db, groupId, { memberId, states: ['assigned'] });
  const cancelled = await moveRows(db, human, { from: ['assigned'], to: 'cancelled', actor: ACTOR, note });
  return skipped.length + cancelled.length;
}

async function notify(db: Db, text: Msg): Promise<void> {
  await db.insertInto('notifications').values({ recipient: 'operators', kind: 'channel', ...noticeColumns(text) }).execute();
}
