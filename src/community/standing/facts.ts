// A member's facts: what the people rules decide from. The counters are lifetime counts (kept by
// src/community/events.ts, or aggregated from member_events by a recompute); `score` is the
// activity score decayed to the moment the rules look. Pure types.

import type { Level, Stage } from '../../sop/audience.ts';

/** What the stage rules and object-form tag rules can count, per member, over their whole history. */
export const FACTS = ['joinRequests', 'joins', 'clicks', 'messages', 'replies', 'answers', 'checkins', 'invites', 'orders', 'activeWeeks', 'points'] as const;
export type Fact = (typeof FACTS)[number];

export interface MemberFacts extends Record<Fact, number> {
  stage: Stage;
  level: Level;
  /** The activity score now (already decayed). */
  score: number;
  lastActiveAt: Date | null;
  tags: readonly string[];
}

export const NO_FACTS: MemberFacts = {
  joinRequests: 0,
  joins: 0,
  clicks: 0,
  messages: 0,
  replies: 0,
  answers: 0,
  checkins: 0,
  invites: 0,
  orders: 0,
  activeWeeks: 0,
  points: 0,
  stage: 'stranger',
  level: 'ordinary',
  score: 0,
  lastActiveAt: null,
  tags: [],
};
