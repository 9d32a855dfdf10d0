// Pacing per sender account (a bot token, a WeCom staff member, a WeChat account): pure
// decisions over plain data. The state is JSON-serialisable so it can live in the database and be
// shared by every worker; the caller reads it, asks `earliestSend`, sends, and writes back
// `recordSend`'s result in the same transaction as its ledger claim.
//
// Model: an account may send at `at` when
//   at ≥ nextAt (the last send + minimum interval + jitter),
//   at ≥ blockedUntil (the platform said "retry after"),
//   every windowed limit holds — at most `max` sends in any `perMs` span, account-wide (`burst`)
//   and per chat (`perChat`) — and the daily caps of `at`'s calendar day are not used up.
// Every constraint is a lower bound on `at` that does not depend on `at`, except the daily caps,
// which block until the next day starts; so the earliest time is a maximum, computed exactly.

import { DateTime } from 'luxon';
import type { ChannelKind } from '../channels/port.ts';
import { english, type Msg, msg, type Text } from '../i18n/index.ts';

export interface RateWindow {
  /** At most this many sends … */
  max: number;
  /** … in any span of this many milliseconds. */
  perMs: number;
}

export interface PacingPolicy {
  /** Least time between two sends of the account. */
  minIntervalMs: number;
  /** A random extra wait in [0, jitterMs] after each send, so sends do not look machine-made. */
  jitterMs: number;
  /** Windowed limits for one chat (group or person). */
  perChat?: RateWindow[];
  /** Sends per calendar day for the whole account. */
  dailyCap?: number;
  /** Sends per calendar day into one chat (the platform's receive cap). */
  perChatDailyCap?: number;
  /** A windowed limit for the whole account (e.g. Telegram's 30 per second per bot). */
  burst?: RateWindow;
  /** IANA time zone whose calendar days the daily caps count in; UTC when absent. */
  dayZone?: string;
}

export interface PacingState {
  /** Epoch ms from which the account may send again (interval and jitter). */
  nextAt: number;
  /** The account's send times inside its `burst` window, oldest first. */
  recent: number[];
  /** Per chat: send times inside the longest `perChat` window, oldest first. */
  perChat: Record<string, number[]>;
  /** The calendar day (YYYY-MM-DD in `dayZone`) the day counters belong to. */
  day: string;
  dayCount: number;
  /** Sends per chat on `day`; kept only when the policy has a `perChatDailyCap`. */
  perChatDay: Record<string, number>;
  /** The platform asked us to wait until then (Telegram 429 `retry_after`). */
  blockedUntil?: number;
}

export type SendDecision = { at: number } | { blocked: 'daily_cap' | 'chat_daily_cap'; until: number };

/**
 * Whether a send is a message (a post, a private message). Only messages count toward the daily
 * caps: the caps are the platforms' limits on messages (WeCom's one mass message per group per
 * day), and creating an invite link, renaming a group or setting its notice sends none. Every call
 * still keeps the interval and the windows, which pace the account's use of the API.
 */
export interface SendKind {
  message?: boolean;
}

/**
 * Platform defaults. Overrides per account go through `mergePolicy`.
 *
 * Telegram (Bots FAQ, https://core.telegram.org/bots/faq "My bot is hitting limits"): about 30
 * messages per second per bot, no more than one message per second into one chat, and no more
 * than 20 messages per minute into one group. The interval spreads the 30/s evenly instead of
 * sending bursts; a 429 with `retry_after` goes through `recordRetryAfter`.
 *
 * WeCom (创建企业群发 add_msg_template, https://developer.work.weixin.qq.com/document/path/92135,
 * last updated 2025-11-17): each customer / customer group receives at most "the number of days in
 * the month" mass messages per month; the admin can change the rule to 7 per week or 1 per day
 * (企业微信 → 群发助手 → 设置群发规则). One per group per calendar day (China time) is within all
 * three rules, so it is the default; a corp on the monthly rule may raise it per account. The
 * interval is ours, not WeCom's: each send becomes a task a staff member confirms in the client,
 * and a steady trickle is easier for them than a wall of tasks.
 *
 * Wechaty drives a personal WeChat account, which WeChat restricts when it looks automated; no
 * limit is published, so 3–6 s between sends is a conservative, human-looking pace.
 */
export const PLATFORM_DEFAULTS: Record<ChannelKind, PacingPolicy> = {
  telegram: {
    minIntervalMs: 34,
    jitterMs: 0,
    burst: { max: 30, perMs: 1_000 },
    perChat: [
      { max: 1, perMs: 1_000 },
      { max: 20, perMs: 60_000 },
    ],
  },
  wecom: {
    minIntervalMs: 2_000,
    jitterMs: 1_000,
    perChatDailyCap: 1,
    dayZone: 'Asia/Shanghai',
  },
  wechaty: { minIntervalMs: 3_000, jitterMs: 3_000 },
  manual: { minIntervalMs: 0, jitterMs: 0 },
  sandbox: { minIntervalMs: 0, jitterMs: 0 },
};

/** An override per account; `null` removes a default limit (e.g. `dailyCap: null`). */
export type PacingOverrides = { [K in keyof PacingPolicy]?: PacingPolicy[K] | null };

export class PacingPolicyError extends Error {
  /** The message as a catalogue text, rendered in the reader's language by the API. */
  readonly text: Text;
  constructor(message: Text) {
    super(english(message));
    this.text = message;
    this.name = 'PacingPolicyError';
  }
}

export function mergePolicy(defaults: PacingPolicy, overrides: PacingOverrides = {}): PacingPolicy {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  const policy = merged as unknown as PacingPolicy;
  checkPolicy(policy);
  return policy;
}

/** Throws `PacingPolicyError` with a plain sentence naming the wrong setting. */
export function checkPolicy(p: PacingPolicy): void {
  const fail = (field: string, rule: Msg, got: unknown) => {
    throw new PacingPolicyError(msg('pacing.invalid', { field, rule, got: String(JSON.stringify(got)) }));
  };
  const wholeAtLeast = (field: string, v: unknown, min: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(field, msg('pacing.rule.wholeAtLeast', { min }), v);
  };
  wholeAtLeast('minIntervalMs', p.minIntervalMs, 0);
  wholeAtLeast('jitterMs', p.jitterMs, 0);
  if (p.dailyCap !== undefined) wholeAtLeast('dailyCap', p.dailyCap, 1);
  if (p.perChatDailyCap !== undefined) wholeAtLeast('perChatDailyCap', p.perChatDailyCap, 1);
  const windows: [string, RateWindow][] = [
    ...(p.burst ? [['burst', p.burst] as [string, RateWindow]] : []),
    ...(p.perChat ?? []).map((w, i) => [`perChat.${i}`, w] as [string, RateWindow]),
  ];
  for (const [field, w] of windows) {
    wholeAtLeast(`${field}.max`, w?.max, 1);
    wholeAtLeast(`${field}.perMs`, w?.perMs, 1);
  }
  if (p.dayZone !== undefined && !DateTime.local().setZone(p.dayZone).isValid) fail('dayZone', msg('pacing.rule.zone'), p.dayZone);
}

export function initialPacingState(): PacingState {
  return { nextAt: 0, recent: [], perChat: {}, day: '', dayCount: 0, perChatDay: {} };
}

/** When this account may next send to this chat, or which daily cap blocks it and until when. */
export function earliestSend(policy: PacingPolicy, state: PacingState, chatId: string, now: number, kind: SendKind = {}): SendDecision {
  const at = Math.max(accountBound(policy, state, now), chatBound(policy, state, chatId));
  if (kind.message === false) return { at };
  // Checked on `at`'s own day: when the other limits already push past midnight, the new day's
  // counters are empty and nothing blocks.
  return capBlock(policy, state, chatId, at) ?? { at };
}

/** The state after a send at `at`. `rand` returns a number in [0, 1) and draws the jitter. */
export function recordSend(policy: PacingPolicy, state: PacingState, chatId: string, at: number, rand: () => number, kind: SendKind = {}): PacingState {
  const r = Math.min(Math.max(rand(), 0), 0.999999);
  const gap = policy.minIntervalMs + Math.floor(r * (policy.jitterMs + 1));
  const day = policy.dailyCap !== undefined || policy.perChatDailyCap !== undefined ? dayOf(at, policy.dayZone).key : '';
  const sameDay = day === state.day;

  const recent = policy.burst ? insertSorted(state.recent, at).filter((t) => t > at - policy.burst!.perMs) : [];

  const chatSpan = Math.max(0, ...(policy.perChat ?? []).map((w) => w.perMs));
  const perChat: Record<string, number[]> = {};
  if (chatSpan > 0) {
    for (const [chat, times] of Object.entries(state.perChat)) {
      if (chat !== chatId && times.length > 0 && times[times.length - 1] > at - chatSpan) perChat[chat] = times;
    }
    perChat[chatId] = insertSorted(state.perChat[chatId] ?? [], at).filter((t) => t > at - chatSpan);
  }

  const perChatDay: Record<string, number> = policy.perChatDailyCap !== undefined ? { ...(sameDay ? state.perChatDay : {}) } : {};
  if (policy.perChatDailyCap !== undefined) perChatDay[chatId] = (perChatDay[chatId] ?? 0) + 1;

  const next: PacingState =
    kind.message === false
      ? // Not a message: the day's counters stay as they are.
        { nextAt: Math.max(state.nextAt, at + gap), recent, perChat, day: state.day, dayCount: state.dayCount, perChatDay: state.perChatDay }
      : { nextAt: Math.max(state.nextAt, at + gap), recent, perChat, day, dayCount: (sameDay ? state.dayCount : 0) + 1, perChatDay };
  if (state.blockedUntil !== undefined && state.blockedUntil > at) next.blockedUntil = state.blockedUntil;
  return next;
}

/** The platform said "too many requests, retry after …": nothing is sent before `until`. */
export function recordRetryAfter(state: PacingState, until: number): PacingState {
  return { ...state, blockedUntil: Math.max(state.blockedUntil ?? 0, until) };
}

/**
 * The dispatcher's choice among pending sends: the one that can go earliest; on a tie, the first in
 * `pending` order. Queued round-robin over chats, this keeps every chat within one rotation of the
 * others. A send held by a daily cap counts from the moment the cap lifts, so `at` may be
 * tomorrow: the caller sleeps until then.
 */
export function pickNext(
  policy: PacingPolicy,
  state: PacingState,
  pending: readonly ({ chatId: string } & SendKind)[],
  now: number,
): { index: number; at: number } | null {
  const floor = accountBound(policy, state, now);
  let best: { index: number; at: number } | null = null;
  const seen = new Set<string>();
  for (let i = 0; i < pending.length; i++) {
    const { chatId, message } = pending[i];
    // Only a chat's first pending message (and first other call) can be the earliest of that chat.
    const key = `${message === false ? 'call' : 'message'}:${chatId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const at = openAt(policy, state, chatId, now, { message });
    if (!best || at < best.at) best = { index: i, at };
    if (at <= floor) break; // nothing can go earlier than the account's own bound
  }
  return best;
}

/** earliestSend, waiting out daily caps: the first moment this chat could really be sent to. */
export function openAt(policy: PacingPolicy, state: PacingState, chatId: string, now: number, kind: SendKind = {}): number {
  let d = earliestSend(policy, state, chatId, now, kind);
  // A cap lifts at the next day's start, when the counters no longer apply: one more look is final.
  while ('blocked' in d) d = earliestSend(policy, state, chatId, d.until, kind);
  return d.at;
}

export interface Forecast {
  /** When the last send goes out (`start` when there is nothing to send). */
  finishAt: number;
  /** The send time of each item, in the order given. */
  perItem: number[];
}

/**
 * The schedule one account follows for `sends` from `start`: the completion forecast shown before a
 * run or broadcast starts. Jitter is taken at its mean unless `rand` is given.
 */
export function forecast(
  policy: PacingPolicy,
  sends: readonly { chatId: string }[],
  start: number,
  opts: { state?: PacingState; rand?: () => number } = {},
): Forecast {
  const rand = opts.rand ?? (() => 0.5);
  let state = opts.state ?? initialPacingState();
  const perItem = new Array<number>(sends.length);
  const pending = sends.map((s, i) => ({ chatId: s.chatId, i }));
  let now = start;
  let finishAt = start;
  while (pending.length > 0) {
    const next = pickNext(policy, state, pending, now);
    if (!next) break;
    const [item] = pending.splice(next.index, 1);
    perItem[item.i] = next.at;
    state = recordSend(policy, state, item.chatId, next.at, rand);
    now = next.at;
    finishAt = Math.max(finishAt, next.at);
  }
  return { finishAt, perItem };
}

export interface AccountPlan {
  policy: PacingPolicy;
  state: PacingState;
  chats: string[];
}

/** Forecast for K accounts sending in parallel: each follows its own schedule. */
export function forecastMany(accounts: readonly AccountPlan[], start: number, opts: { rand?: () => number } = {}): { finishAt: number; perAccount: Forecast[] } {
  const perAccount = accounts.map((a) => forecast(a.policy, a.chats.map((chatId) => ({ chatId })), start, { state: a.state, rand: opts.rand }));
  return { finishAt: Math.max(start, ...perAccount.map((f) => f.finishAt)), perAccount };
}

/**
 * Spreads chats over accounts so the whole send finishes earliest: each chat goes to the account
 * that could send it soonest (least loaded); with equal policies and states this is round-robin.
 * Returns, per account (same order), the chats it sends.
 */
export function assignChats(chats: readonly string[], accounts: readonly { policy: PacingPolicy; state: PacingState }[], start: number): string[][] {
  const out = accounts.map(() => [] as string[]);
  if (accounts.length === 0) return out;
  const states = accounts.map((a) => a.state);
  const clocks = accounts.map(() => start);
  for (const chatId of chats) {
    let best = -1;
    let bestAt = Number.POSITIVE_INFINITY;
    for (let k = 0; k < accounts.length; k++) {
      const at = openAt(accounts[k].policy, states[k], chatId, clocks[k]);
      if (at < bestAt) {
        bestAt = at;
        best = k;
      }
    }
    out[best].push(chatId);
    states[best] = recordSend(accounts[best].policy, states[best], chatId, bestAt, () => 0.5);
    clocks[best] = bestAt;
  }
  return out;
}

// ── internals ────────────────────────────────────────────────────────────────────────────────

/** Lower bound for any chat: now, interval/jitter, retry-after, the account-wide window. */
function accountBound(policy: PacingPolicy, state: PacingState, now: number): number {
  let at = Math.max(now, state.nextAt, state.blockedUntil ?? Number.NEGATIVE_INFINITY);
  if (policy.burst) at = Math.max(at, windowBound(state.recent, policy.burst));
  return at;
}

function chatBound(policy: PacingPolicy, state: PacingState, chatId: string): number {
  let at = Number.NEGATIVE_INFINITY;
  const times = state.perChat[chatId];
  if (times) for (const w of policy.perChat ?? []) at = Math.max(at, windowBound(times, w));
  return at;
}

/** With `times` sorted, the earliest t at which fewer than `max` of them lie in (t − perMs, t]. */
function windowBound(times: readonly number[], w: RateWindow): number {
  if (times.length < w.max) return Number.NEGATIVE_INFINITY;
  return times[times.length - w.max] + w.perMs;
}

function capBlock(policy: PacingPolicy, state: PacingState, chatId: string, at: number): { blocked: 'daily_cap' | 'chat_daily_cap'; until: number } | null {
  if (policy.dailyCap === undefined && policy.perChatDailyCap === undefined) return null;
  const day = dayOf(at, policy.dayZone);
  if (day.key !== state.day) return null; // a new day: the counters start again
  if (policy.dailyCap !== undefined && state.dayCount >= policy.dailyCap) return { blocked: 'daily_cap', until: day.end };
  if (policy.perChatDailyCap !== undefined && (state.perChatDay[chatId] ?? 0) >= policy.perChatDailyCap) return { blocked: 'chat_daily_cap', until: day.end };
  return null;
}

// Working out a calendar day through luxon costs microseconds; forecasts ask thousands of times
// for the same day, so the last answer per zone is kept.
const dayCache = new Map<string, { start: number; end: number; key: string }>();

function dayOf(at: number, zone = 'UTC'): { key: string; end: number } {
  const hit = dayCache.get(zone);
  if (hit && at >= hit.start && at < hit.end) return hit;
  const start = DateTime.fromMillis(at, { zone }).startOf('day');
  const day = { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis(), key: start.toISODate() ?? '' };
  dayCache.set(zone, day);
  return day;
}

function insertSorted(times: readonly number[], t: number): number[] {
  const out = [...times];
  let i = out.length;
  while (i > 0 && out[i - 1] > t) i--;
  out.splice(i, 0, t);
  return out;
}
