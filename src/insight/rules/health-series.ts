// A group's daily series for its health page, pure: each day's rollups (joins, leaves, messages by
// members and staff, members active, the questions' waits) and the members today become each day's
// figures, defined as the 7-day window's are (docs/insight.md#group-health) but over one day.

import { median } from './median.ts';

/** One local day's rollups (health-board.ts reads them), oldest first, every day present. */
export interface DayRollup {
  day: string;
  joins: number;
  leaves: number;
  messages: number;
  memberMessages: number;
  staffMessages: number;
  activeMembers: number;
  questions: number;
  /** Each of the day's questions' wait for a first answer, seconds. */
  waits: readonly number[];
}

/** One day of the health page's charts. */
export interface HealthDayFigures {
  day: string;
  /** Members at the end of the day. */
  members: number;
  joined: number;
  left: number;
  netGrowth: number;
  messages: number;
  memberMessages: number;
  staffMessages: number;
  activeMembers: number;
  /** Members who spoke that day ÷ members at the end of the day (at most 1; 0 with no members). */
  activeRatio: number;
  /** The day's messages written by members ÷ the day's messages; null with no messages. */
  memberShare: number | null;
  /** Leaves ÷ members at the start of the day (at least 1 counted; at most 1). */
  leaveRate: number;
  questions: number;
  /** Median seconds to a first answer of the day's questions; null when nobody asked or none is answered yet. */
  firstResponseP50s: number | null;
}

const round = (x: number, places = 4): number => Math.round(x * 10 ** places) / 10 ** places;

/**
 * The days' figures. Members at the end of each day are counted back from `membersNow` (the end of
 * the last day) by the days' joins and leaves; never below 0.
 */
export function dailyFigures(days: readonly DayRollup[], membersNow: number): HealthDayFigures[] {
  const out: HealthDayFigures[] = new Array(days.length);
  let end = membersNow;
  for (let i = days.length - 1; i >= 0; i--) {
    const d = days[i] as DayRollup;
    const net = d.joins - d.leaves;
    const members = Math.max(0, end);
    const atStart = Math.max(0, end - net);
    const p50 = median(d.waits);
    out[i] = {
      day: d.day,
      members,
      joined: d.joins,
      left: d.leaves,
      netGrowth: net,
      messages: d.messages,
      memberMessages: d.memberMessages,
      staffMessages: d.staffMessages,
      activeMembers: d.activeMembers,
      activeRatio: members > 0 ? round(Math.min(1, d.activeMembers / members)) : 0,
      memberShare: d.messages > 0 ? round(d.memberMessages / d.messages) : null,
      leaveRate: round(Math.min(1, d.leaves / Math.max(1, atStart + d.joins))),
      questions: d.questions,
      firstResponseP50s: p50 === null ? null : Math.round(p50),
    };
    end -= net;
  }
  return out;
}
