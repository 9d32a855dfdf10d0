// What ingest (the inbound edge, src/community/ingest.ts and ingest-joins.ts) tells Insight, in the
// transaction that stored the events, batch-shaped: a burst hands over all its joins, leaves or
// messages at once. Each capability (the health rollups, the question inbox, moderation, keyword
// alerts, the funnel's stays) takes its part here; none of them may fail the burst for a reason of
// its own data.

import type { Db } from '../store/db.ts';
import { alertOnMessages } from './alerts.ts';
import { moderateMessages } from './moderation-judge.ts';
import { recordQuestions } from './questions.ts';
import { rollupJoins, rollupLeaves, rollupMessages } from './rollups.ts';
import { markStayActivity } from './stay-activity.ts';

export interface SeenJoin {
  groupId: string;
  memberId: string;
  at: Date;
  isBot: boolean;
}

export interface SeenLeave {
  groupId: string;
  memberId: string;
  at: Date;
  reason: 'voluntary' | 'removed';
  isBot: boolean;
}

export interface SeenMessage {
  channelId: string;
  groupId: string;
  memberId: string;
  /** The row in `messages`. */
  messageId: number;
  /** The platform's id of the message (what a reply or a deletion names). */
  externalId: string;
  text: string;
  links: string[];
  /** The platform id of the message this one answers. */
  replyTo: string | null;
  at: Date;
  /** From a bot account (the connector's own or another). */
  isBot: boolean;
  /** The exact text of one of Chorus's own actions in the group (a leader pasting their script). */
  ownScript: boolean;
}

export async function onJoins(db: Db, joins: readonly SeenJoin[]): Promise<void> {
  await rollupJoins(db, joins);
}

export async function onLeaves(db: Db, leaves: readonly SeenLeave[]): Promise<void> {
  await rollupLeaves(db, leaves);
}

export async function onMessages(db: Db, messages: readonly SeenMessage[]): Promise<void> {
  await moderateMessages(db, messages);
  await alertOnMessages(db, messages);
  await recordQuestions(db, messages);
  await rollupMessages(db, messages);
  await markStayActivity(db, messages);
}
