// What every part of ingest shares (ingest.ts, ingest-joins.ts): the result of one event, the
// burst's caches, the group of a chat and the event's time.

import type { InboundEvent } from '../channels/port.ts';
import { runsOfGroups, type TriggerDeps } from '../run/triggers.ts';
import { ensureGroup } from './groups.ts';

export interface IngestResult {
  type: InboundEvent['type'];
  /** The row in inbound_events. */
  eventId: number;
  groupId?: string;
  memberId?: string;
  /**
   * What the event changed. `duplicate`: a redelivery, nothing changed. `stale`: an older event
   * that arrived after a newer one about the same stay. `unknown_group`: about a group Chorus
   * does not know, so nothing to change. `stored`: recorded only.
   */
  change:
    | 'stored'
    | 'group_created'
    | 'group_updated'
    | 'group_restored'
    | 'group_bound'
    | 'dismissed'
    | 'access_lost'
    | 'joined'
    | 'left'
    | 'message'
    | 'duplicate'
    | 'stale'
    | 'unknown_group';
  /** Ledger rows planned by member-triggered steps. */
  planned: number;
  /** Open ledger rows this event closed (cancelled, skipped or failed). */
  closed: number;
}

/**
 * In a burst, also the group ids by platform chat id: a group is never deleted and its id never
 * changes, so a join, leave or message of a burst looks its group up once.
 */
export type BurstDeps = TriggerDeps & { groupIds?: Map<string, string> };

export async function groupOf(deps: BurstDeps, channelId: string, chatId: string): Promise<string> {
  const known = deps.groupIds?.get(chatId);
  if (known) return known;
  const id = await ensureGroup(deps.db, channelId, chatId);
  deps.groupIds?.set(chatId, id);
  return id;
}

/**
 * A burst's known groups and their running runs read up front, two statements for the whole
 * burst instead of two per group; chats not known yet are created on first use by groupOf.
 */
export async function prefetchBurst(deps: BurstDeps, channelId: string, events: readonly InboundEvent[]): Promise<void> {
  const chats = [...new Set(events.map((e) => e.chatId).filter((c): c is string => typeof c === 'string' && c !== ''))].filter((c) => !deps.groupIds?.has(c));
  if (!deps.groupIds || !chats.length) return;
  const known = await deps.db.selectFrom('groups').select(['id', 'external_id']).where('channel_id', '=', channelId).where('external_id', 'in', chats).execute();
  for (const g of known) deps.groupIds.set(g.external_id, g.id);
  if (!deps.runsByGroup) return;
  for (const [group, runs] of await runsOfGroups(deps.db, known.map((g) => g.id))) deps.runsByGroup.set(group, runs);
}

/** The platform's time of an event; when it is missing (WeCom sends CreateTime 0 in some payloads), when it was received. */
export function eventTime(at: Date, receivedAt: Date): Date {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  return Number.isFinite(ms) && ms > 0 ? at : receivedAt;
}

