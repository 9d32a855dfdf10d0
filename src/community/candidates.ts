// Leader candidates: before an event, who in a group could lead it or sit on its committee. Pure:
// facts per member in (counted by candidate-facts.ts), a ranked list with a score out of 100 and
// the reasons behind it, as catalogue texts worded for the reader.
//
// Each signal is scaled to 0..1 and weighted. Counts (messages, replies, invites, points) are
// compared with the group's most active member on a log scale — one very loud member should not
// flatten everyone else to zero — while check-ins are a rate (of the check-ins held since the
// member joined) and tenure is absolute (90 days and more count fully), so a group of newcomers
// does not look seasoned. Answering others weighs most: a leader is who people already turn to.

import { type Msg, msg } from '../i18n/index.ts';

export interface CandidateFacts {
  member: string;
  name: string;
  messages: number;
  /** Replies to other members' messages ("answers"). */
  replies: number;
  /** People they invited who joined. */
  invites: number;
  /** Check-ins they made, of those held in the group since they joined. */
  checkins: number;
  checkinsHeld: number;
  /** Days since their current stay in the group began. */
  tenureDays: number;
  points: number;
}

export interface Candidate {
  member: string;
  name: string;
  /** 0–100, one decimal. */
  score: number;
  /** Why, the strongest first (at most four). */
  reasons: Msg[];
}

type Signal = 'replies' | 'messages' | 'checkins' | 'tenure' | 'invites' | 'points';

export const CANDIDATE_WEIGHTS: Readonly<Record<Signal, number>> = {
  replies: 0.3,
  messages: 0.15,
  checkins: 0.2,
  tenure: 0.15,
  invites: 0.1,
  points: 0.1,
};

/** Days of tenure that count fully. */
export const FULL_TENURE_DAYS = 90;
export const DEFAULT_TOP = 10;

const logScale = (x: number, max: number) => (max > 0 && x > 0 ? Math.log1p(x) / Math.log1p(max) : 0);

function reason(signal: Signal, f: CandidateFacts): Msg {
  const n = { replies: f.replies, messages: f.messages, invites: f.invites, points: f.points, tenure: f.tenureDays, checkins: f.checkins }[signal];
  const one = n === 1 ? '.one' : '';
  if (signal === 'checkins') return msg(`candidates.reason.checkins${f.checkinsHeld === 1 ? '.one' : ''}`, { count: f.checkins, held: f.checkinsHeld });
  return msg(`candidates.reason.${signal}${one}`, { count: n });
}

/** The group's members ranked; members with nothing to show for them are left out. */
export function rankCandidates(facts: readonly CandidateFacts[], top = DEFAULT_TOP): Candidate[] {
  const max = (k: 'messages' | 'replies' | 'invites' | 'points') => Math.max(0, ...facts.map((f) => f[k]));
  const most = { messages: max('messages'), replies: max('replies'), invites: max('invites'), points: max('points') };
  const scored = facts.map((f) => {
    const parts: Record<Signal, number> = {
      replies: logScale(f.replies, most.replies),
      messages: logScale(f.messages, most.messages),
      invites: logScale(f.invites, most.invites),
      points: logScale(f.points, most.points),
      checkins: f.checkinsHeld > 0 ? Math.min(1, f.checkins / f.checkinsHeld) : 0,
      tenure: Math.min(1, Math.max(0, f.tenureDays) / FULL_TENURE_DAYS),
    };
    const contributions = (Object.keys(parts) as Signal[]).map((s) => ({ s, v: parts[s] * CANDIDATE_WEIGHTS[s] }));
    const total = contributions.reduce((a, c) => a + c.v, 0);
    // Tenure alone is no reason to lead: someone silent for 90 days is not a candidate.
    const active = f.messages + f.replies + f.invites + f.checkins + f.points > 0;
    const reasons = contributions
      .filter((c) => c.v > 0 && (c.s !== 'tenure' || f.tenureDays >= 1))
      .sort((a, b) => b.v - a.v || a.s.localeCompare(b.s))
      .slice(0, 4)
      .map((c) => reason(c.s, f));
    return { f, active, score: Math.round(total * 1000) / 10, reasons };
  });
  return scored
    .filter((c) => c.active && c.score > 0)
    .sort((a, b) => b.score - a.score || b.f.tenureDays - a.f.tenureDays || a.f.member.localeCompare(b.f.member))
    .slice(0, Math.max(0, top))
    .map((c) => ({ member: c.f.member, name: c.f.name, score: c.score, reasons: c.reasons }));
}
