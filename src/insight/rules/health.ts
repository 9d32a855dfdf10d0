// A group's health over a 7-day window, pure: the figures in, a score 0–100 from documented
// weights, a status (healthy | watch | dying) and the reasons, each a code with its value that the
// catalogues word (`health.reason.<code>`) with a suggestion of what to do (`health.advice.<code>`).
// Plus day-7 survival across groups. docs/insight.md#group-health explains every number here.

import { type Msg, msg } from '../../i18n/index.ts';

/** The figures of one 7-day window of a group. Members are people, not staff and not bots. */
export interface HealthFigures {
  /** Members in the group at the end of the window. */
  members: number;
  joined7d: number;
  left7d: number;
  /** joined7d − left7d. */
  netGrowth7d: number;
  /** Messages (members' and staff's) per day, over the days of the window the group existed. */
  messagesPerDay7d: number;
  /** Members who spoke or checked in during the window ÷ members. */
  activeRatio7d: number;
  /** Share of the window's messages written by members (the rest by staff and bots); 0 with no messages. */
  memberShare7d: number;
  /** left7d ÷ members at the start of the window. */
  leaveRate7d: number;
  /** Median seconds from a member's question to its first answer; null when nobody asked. */
  firstResponseP50s: number | null;
  /** Days since the group was created (or first seen). */
  ageDays: number;
}

export type HealthStatus = 'healthy' | 'watch' | 'dying';
export const HEALTH_STATUSES: readonly HealthStatus[] = ['healthy', 'watch', 'dying'];

export const REASON_CODES = ['no_members', 'silent', 'low_messages', 'inactive', 'low_activity', 'staff_only', 'mass_leave', 'members_leaving', 'slow_response', 'declining', 'young'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** One reason: its code, the figure that raised it, and how bad it is ('info' only explains). */
export interface HealthReason {
  code: ReasonCode;
  value: number;
  severity: 'info' | 'watch' | 'dying';
}

export interface Health {
  score: number;
  status: HealthStatus;
  reasons: HealthReason[];
  /** The previous window's score, when its figures were given. */
  previousScore: number | null;
}

/** The score's parts and their weights (they add up to 100). */
export const HEALTH_WEIGHTS = {
  /** activeRatio7d against ACTIVE_TARGET. */
  activity: 30,
  /** messagesPerDay7d against the messages expected for the group's size. */
  messages: 25,
  /** memberShare7d against MEMBER_SHARE_TARGET: members talk, not only staff. */
  memberVoice: 15,
  /** 1 at no leaves, 0 at a leave rate of LEAVE_RATE_ZERO. */
  retention: 15,
  /** 1 at zero or positive net growth, 0 at a net loss of NET_LOSS_ZERO of the members. */
  growth: 5,
  /** 1 at an answer within RESPONSE_FULL_S, 0 from RESPONSE_ZERO_S; left out when nobody asked. */
  response: 10,
} as const;

/** The thresholds of the parts and of the reasons. */
export const HEALTH_THRESHOLDS = {
  /** A fifth of the members active in a week is a lively group, whatever its size. */
  activeTarget: 0.2,
  /** Expected messages a day: one per 10 members, at least 5, at most 100. */
  messagesPerMember: 0.1,
  messagesMin: 5,
  messagesMax: 100,
  memberShareTarget: 0.5,
  leaveRateZero: 0.2,
  netLossZero: 0.1,
  responseFullS: 15 * 60,
  responseZeroS: 4 * 3600,
  /** Reasons: below 10 % of the expected messages the group is silent (dying), below 40 % low. */
  silentBelow: 0.1,
  lowMessagesBelow: 0.4,
  /** Reasons: under 3 % of members active is dying, under 10 % is low. */
  inactiveBelow: 0.03,
  lowActivityBelow: 0.1,
  /** Reasons: members write under 20 % of the messages (with at least one message a day). */
  staffOnlyBelow: 0.2,
  /** Reasons: a fifth of the members left (at least 5 people) is dying, 5 % (at least 3) is watch. */
  massLeaveRate: 0.2,
  massLeaveMin: 5,
  leavingRate: 0.05,
  leavingMin: 3,
  /** Reasons: half the questions wait more than 2 hours for an answer. */
  slowResponseS: 2 * 3600,
  /** Reasons: messages a day fell to half the previous window's or less (from at least 2 a day). */
  declineTo: 0.5,
  declineFromMin: 2,
  /** A group younger than this is never dying and its activity is not judged yet. */
  youngDays: 2,
  /** Status by score: below 35 dying, below 60 watch. */
  dyingBelow: 35,
  watchBelow: 60,
} as const;

const T = HEALTH_THRESHOLDS;
const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const round = (x: number, places = 3): number => Math.round(x * 10 ** places) / 10 ** places;

/** Messages a day a group of this size is expected to have. */
export function expectedMessagesPerDay(members: number): number {
  return Math.min(T.messagesMax, Math.max(T.messagesMin, members * T.messagesPerMember));
}

/** The score 0–100: the weighted parts; a part without data (response when nobody asked) is left out and the rest scaled up. */
export function healthScore(f: HealthFigures): number {
  const membersAtStart = Math.max(1, f.members - f.netGrowth7d);
  const parts: [number, number][] = [
    [HEALTH_WEIGHTS.activity, clamp01(f.activeRatio7d / T.activeTarget)],
    [HEALTH_WEIGHTS.messages, clamp01(f.messagesPerDay7d / expectedMessagesPerDay(f.members))],
    [HEALTH_WEIGHTS.memberVoice, clamp01(f.memberShare7d / T.memberShareTarget)],
    [HEALTH_WEIGHTS.retention, 1 - clamp01(f.leaveRate7d / T.leaveRateZero)],
    [HEALTH_WEIGHTS.growth, f.netGrowth7d >= 0 ? 1 : 1 - clamp01(-f.netGrowth7d / membersAtStart / T.netLossZero)],
  ];
  if (f.firstResponseP50s !== null) {
    parts.push([HEALTH_WEIGHTS.response, 1 - clamp01((f.firstResponseP50s - T.responseFullS) / (T.responseZeroS - T.responseFullS))]);
  }
  const weight = parts.reduce((s, [w]) => s + w, 0);
  return Math.round((parts.reduce((s, [w, v]) => s + w * v, 0) / weight) * 100);
}

function reasonsOf(f: HealthFigures, previous: HealthFigures | undefined): HealthReason[] {
  const out: HealthReason[] = [];
  const young = f.ageDays < T.youngDays;
  if (f.members <= 0) {
    out.push({ code: 'no_members', value: 0, severity: young ? 'info' : 'dying' });
    return out;
  }
  if (young) out.push({ code: 'young', value: round(f.ageDays, 1), severity: 'info' });
  else {
    const share = f.messagesPerDay7d / expectedMessagesPerDay(f.members);
    if (share < T.silentBelow) out.push({ code: 'silent', value: round(f.messagesPerDay7d, 1), severity: 'dying' });
    else if (share < T.lowMessagesBelow) out.push({ code: 'low_messages', value: round(f.messagesPerDay7d, 1), severity: 'watch' });
    if (f.activeRatio7d < T.inactiveBelow) out.push({ code: 'inactive', value: round(f.activeRatio7d), severity: 'dying' });
    else if (f.activeRatio7d < T.lowActivityBelow) out.push({ code: 'low_activity', value: round(f.activeRatio7d), severity: 'watch' });
    if (f.messagesPerDay7d >= 1 && f.memberShare7d < T.staffOnlyBelow) out.push({ code: 'staff_only', value: round(f.memberShare7d), severity: 'watch' });
  }
  // People leaving is a bad sign at any age (an ad, a push too many), but a young group is never dying.
  if (f.leaveRate7d >= T.massLeaveRate && f.left7d >= T.massLeaveMin) out.push({ code: 'mass_leave', value: round(f.leaveRate7d), severity: young ? 'watch' : 'dying' });
  else if (f.leaveRate7d >= T.leavingRate && f.left7d >= T.leavingMin) out.push({ code: 'members_leaving', value: round(f.leaveRate7d), severity: 'watch' });
  if (f.firstResponseP50s !== null && f.firstResponseP50s > T.slowResponseS) out.push({ code: 'slow_response', value: Math.round(f.firstResponseP50s), severity: 'watch' });
  if (!young && previous && previous.messagesPerDay7d >= T.declineFromMin && f.messagesPerDay7d <= previous.messagesPerDay7d * T.declineTo) {
    out.push({ code: 'declining', value: round(f.messagesPerDay7d / previous.messagesPerDay7d - 1), severity: 'watch' });
  }
  return out;
}

/** A group's health from its window's figures (and, for the trend, the previous window's). */
export function groupHealth(f: HealthFigures, previous?: HealthFigures): Health {
  const score = healthScore(f);
  const reasons = reasonsOf(f, previous);
  const young = f.ageDays < T.youngDays;
  // A young group is judged by its reasons only (its score is low simply for lack of days).
  let status: HealthStatus = 'healthy';
  if (reasons.some((r) => r.severity === 'dying') || (!young && score < T.dyingBelow)) status = 'dying';
  else if (reasons.some((r) => r.severity === 'watch') || (!young && score < T.watchBelow)) status = 'watch';
  return { score, status, reasons, previousScore: previous ? healthScore(previous) : null };
}

const percent = (x: number): string => `${Math.round(x * 100)}%`;

/** A reason in the operator's words, its figure formatted (a share as a percentage, a wait in hours). */
export function reasonText(r: HealthReason): Msg {
  switch (r.code) {
    case 'silent':
    case 'low_messages':
      return msg(`health.reason.${r.code}`, { value: String(r.value) });
    case 'slow_response':
      return msg('health.reason.slow_response', { value: String(Math.round((r.value / 3600) * 10) / 10) });
    case 'young':
      return msg('health.reason.young', { count: r.value });
    case 'declining':
      return msg('health.reason.declining', { value: percent(-r.value) });
    case 'no_members':
      return msg('health.reason.no_members');
    default:
      return msg(`health.reason.${r.code}`, { value: percent(r.value) });
  }
}

/** What the operator could do about a reason (the articles' remedies: a topic, an event, a live session, a check-in). */
export function adviceText(code: ReasonCode): Msg {
  return msg(`health.advice.${code}`);
}

/** What survival needs to know of one group. */
export interface SurvivalFacts {
  ageDays: number;
  /** Distinct members (not staff, not bots) who spoke or checked in on the group's 7th day (hours 144–168 after it was created). */
  day7ActiveMembers: number;
}

/** A group is alive on day 7 when at least this many members spoke or checked in that day. */
export const SURVIVAL_MIN_ACTIVE = 2;

/** Day-7 survival: of the groups at least 7 days old, the share still alive on their 7th day. */
export function survival(groups: readonly SurvivalFacts[]): { groups: number; alive: number; rate: number } {
  const judged = groups.filter((g) => g.ageDays >= 7);
  const alive = judged.filter((g) => g.day7ActiveMembers >= SURVIVAL_MIN_ACTIVE).length;
  return { groups: judged.length, alive, rate: judged.length ? round(alive / judged.length, 4) : 0 };
}
