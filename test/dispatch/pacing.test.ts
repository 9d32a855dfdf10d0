import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  assignChats,
  earliestSend,
  forecast,
  forecastMany,
  initialPacingState,
  mergePolicy,
  PacingPolicyError,
  type PacingPolicy,
  type PacingState,
  PLATFORM_DEFAULTS,
  recordRetryAfter,
  recordSend,
} from '../../src/dispatch/pacing.ts';
import { forecastSends } from '../../src/dispatch/forecast.ts';

const CHATS = ['a', 'b', 'c', 'd', 'e'];
const DAY = 86_400_000;

/** Small numbers so properties explore the interplay of limits, not big clocks. */
const windowArb = fc.record({ max: fc.integer({ min: 1, max: 4 }), perMs: fc.integer({ min: 1, max: 120 }) });
const policyArb = (withCaps: boolean): fc.Arbitrary<PacingPolicy> =>
  fc
    .record(
      {
        minIntervalMs: fc.integer({ min: 0, max: 40 }),
        jitterMs: fc.integer({ min: 0, max: 25 }),
        perChat: fc.array(windowArb, { maxLength: 2 }),
        burst: windowArb,
        dailyCap: fc.integer({ min: 1, max: 12 }),
        perChatDailyCap: fc.integer({ min: 1, max: 4 }),
      },
      { requiredKeys: ['minIntervalMs', 'jitterMs'] },
    )
    .map((p) => (withCaps ? p : { ...p, dailyCap: undefined, perChatDailyCap: undefined }))
    .map((p) => JSON.parse(JSON.stringify(p)) as PacingPolicy);

/** A deterministic rand() from generated numbers, cycled. */
function cycle(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}
const randsArb = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 20 });

/** Every way a schedule can be faster than its policy, as readable strings; empty when none. */
function violations(policy: PacingPolicy, sends: { chatId: string; at: number }[]): string[] {
  const out: string[] = [];
  const sorted = [...sends].sort((x, y) => x.at - y.at);
  const times = sorted.map((s) => s.at);
  for (let i = 1; i < times.length; i++) {
    if (times[i] - times[i - 1] < policy.minIntervalMs) out.push(`interval ${times[i - 1]}→${times[i]}`);
  }
  const windowed = (ts: number[], w: { max: number; perMs: number }, what: string) => {
    for (let i = 0; i + w.max < ts.length; i++) {
      if (ts[i + w.max] - ts[i] < w.perMs) out.push(`${what}: ${w.max + 1} sends within ${w.perMs} ms from ${ts[i]}`);
    }
  };
  if (policy.burst) windowed(times, policy.burst, 'account window');
  const byChat = new Map<string, number[]>();
  for (const s of sorted) byChat.set(s.chatId, [...(byChat.get(s.chatId) ?? []), s.at]);
  for (const [chat, ts] of byChat) for (const w of policy.perChat ?? []) windowed(ts, w, `chat ${chat} window`);
  const dayKey = (t: number) => DateTime.fromMillis(t, { zone: policy.dayZone ?? 'UTC' }).toISODate();
  const perDay = new Map<string, number>();
  const perChatDay = new Map<string, number>();
  for (const s of sorted) {
    const d = dayKey(s.at) ?? '';
    perDay.set(d, (perDay.get(d) ?? 0) + 1);
    perChatDay.set(`${d} ${s.chatId}`, (perChatDay.get(`${d} ${s.chatId}`) ?? 0) + 1);
  }
  if (policy.dailyCap !== undefined) for (const [d, n] of perDay) if (n > policy.dailyCap) out.push(`day ${d}: ${n} sends`);
  if (policy.perChatDailyCap !== undefined) {
    for (const [k, n] of perChatDay) if (n > policy.perChatDailyCap) out.push(`chat-day ${k}: ${n} sends`);
  }
  return out;
}

/** A start a little before a UTC midnight, so daily caps roll over inside the test. */
const startArb = fc.integer({ min: 0, max: 400 }).map((before) => Date.UTC(2026, 2, 28) + DAY - before);

describe('pacing: never faster than the policy', () => {
  it('an adversarial dispatcher that sends whenever earliestSend allows (or later) never breaks a limit', () => {
    const stepArb = fc.record({
      chat: fc.constantFrom(...CHATS),
      wait: fc.integer({ min: 0, max: 60 }), // the dispatcher asks this much later than its last look
      late: fc.integer({ min: 0, max: 5 }), // and may send a little after the allowed time
      retryAfter: fc.option(fc.integer({ min: 1, max: 300 }), { freq: 8 }),
    });
    fc.assert(
      fc.property(policyArb(true), fc.array(stepArb, { minLength: 1, maxLength: 60 }), randsArb, startArb, (policy, steps, rands, start) => {
        const rand = cycle(rands);
        let state: PacingState = initialPacingState();
        let now = start;
        const sent: { chatId: string; at: number }[] = [];
        const blockedUntil: number[] = [];
        for (const step of steps) {
          now += step.wait;
          if (step.retryAfter !== null) {
            state = recordRetryAfter(state, now + step.retryAfter);
            blockedUntil.push(now + step.retryAfter);
          }
          let d = earliestSend(policy, state, step.chat, now);
          if ('blocked' in d) {
            expect(d.until).toBeGreaterThan(now);
            now = d.until;
            d = earliestSend(policy, state, step.chat, now);
          }
          if (!('at' in d)) throw new Error(`still blocked after the day turned: ${JSON.stringify(d)}`);
          expect(d.at).toBeGreaterThanOrEqual(now);
          for (const until of blockedUntil) if (until > now) expect(d.at).toBeGreaterThanOrEqual(until);
          const at = d.at + step.late;
          sent.push({ chatId: step.chat, at });
          // The state goes through the database as JSON between workers.
          state = JSON.parse(JSON.stringify(recordSend(policy, state, step.chat, at, rand))) as PacingState;
          now = at;
        }
        expect(violations(policy, sent)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('forecast schedules obey every limit and place every item', () => {
    fc.assert(
      fc.property(policyArb(true), fc.array(fc.constantFrom(...CHATS), { maxLength: 50 }), randsArb, startArb, (policy, chats, rands, start) => {
        const f = forecast(
          policy,
          chats.map((chatId) => ({ chatId })),
          start,
          { rand: cycle(rands) },
        );
        expect(f.perItem).toHaveLength(chats.length);
        for (const t of f.perItem) expect(t).toBeGreaterThanOrEqual(start);
        expect(f.finishAt).toBe(Math.max(start, ...f.perItem));
        expect(violations(policy, chats.map((chatId, i) => ({ chatId, at: f.perItem[i] })))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('pacing: jitter', () => {
  it('each gap is the interval plus a jitter in [0, jitterMs] drawn from rand()', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 3_000 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 2, maxLength: 30 }),
        (minIntervalMs, jitterMs, rands) => {
          const policy: PacingPolicy = { minIntervalMs, jitterMs };
          const f = forecast(
            policy,
            rands.map((_, i) => ({ chatId: CHATS[i % CHATS.length] })),
            1_000,
            { rand: cycle(rands) },
          );
          for (let i = 1; i < f.perItem.length; i++) {
            const gap = f.perItem[i] - f.perItem[i - 1];
            expect(gap).toBeGreaterThanOrEqual(minIntervalMs);
            expect(gap).toBeLessThanOrEqual(minIntervalMs + jitterMs);
            expect(gap).toBe(minIntervalMs + Math.floor(rands[i - 1] * (jitterMs + 1)));
          }
        },
      ),
    );
  });

  it('uses the whole jitter range: rand near 0 gives the interval, near 1 the interval plus jitter', () => {
    const policy: PacingPolicy = { minIntervalMs: 3_000, jitterMs: 3_000 };
    const low = recordSend(policy, initialPacingState(), 'a', 0, () => 0);
    const high = recordSend(policy, initialPacingState(), 'a', 0, () => 0.9999999);
    expect(low.nextAt).toBe(3_000);
    expect(high.nextAt).toBe(6_000);
  });
});

describe('pacing: fairness across groups', () => {
  // What we test: m messages for each of c chats, queued round-robin (c1 c2 … c1 c2 …), one account,
  // every chat with the same limits. Dispatching earliest-first (ties: queue order), at every
  // moment no chat has received more than one message more than any other chat still waiting —
  // no chat falls more than one rotation behind another.
  it('no chat falls more than one rotation behind', () => {
    fc.assert(
      fc.property(policyArb(true), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 6 }), randsArb, startArb, (policy, c, m, rands, start) => {
        const queue = Array.from({ length: c * m }, (_, i) => ({ chatId: CHATS[i % c] }));
        const f = forecast(policy, queue, start, { rand: cycle(rands) });
        const order = queue.map((q, i) => ({ chatId: q.chatId, at: f.perItem[i], i })).sort((x, y) => x.at - y.at || x.i - y.i);
        const count = new Map<string, number>();
        for (const s of order) {
          count.set(s.chatId, (count.get(s.chatId) ?? 0) + 1);
          const counts = CHATS.slice(0, c).map((chat) => count.get(chat) ?? 0);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('pacing: the forecast is what dispatch does', () => {
  // An independent, slow dispatcher: a clock ticking 1 ms at a time; at each tick it sends the
  // first queued message whose earliestSend allows it now. When every message is held by a daily
  // cap it sleeps until the cap lifts, as a worker would.
  function tickDispatch(policy: PacingPolicy, chats: string[], start: number, rand: () => number): number[] {
    let state = initialPacingState();
    const pending = chats.map((chatId, i) => ({ chatId, i }));
    const times = new Array<number>(chats.length);
    let now = start;
    while (pending.length > 0) {
      let sent = false;
      let wake = Number.POSITIVE_INFINITY;
      let anyOpen = false;
      for (let k = 0; k < pending.length; k++) {
        const d = earliestSend(policy, state, pending[k].chatId, now);
        if ('blocked' in d) {
          wake = Math.min(wake, d.until);
          continue;
        }
        anyOpen = true;
        if (d.at <= now) {
          const [item] = pending.splice(k, 1);
          times[item.i] = now;
          state = recordSend(policy, state, item.chatId, now, rand);
          sent = true;
          break;
        }
      }
      if (!sent) now = anyOpen ? now + 1 : wake;
    }
    return times;
  }

  it('gives every message the same send time as a ticking dispatcher', () => {
    fc.assert(
      fc.property(policyArb(true), fc.array(fc.constantFrom(...CHATS), { maxLength: 25 }), randsArb, startArb, (policy, chats, rands, start) => {
        const expected = tickDispatch(policy, chats, start, cycle(rands));
        const f = forecast(
          policy,
          chats.map((chatId) => ({ chatId })),
          start,
          { rand: cycle(rands) },
        );
        expect(f.perItem).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('K accounts with interval I finish N sends at (⌈N/K⌉ − 1)·I after the start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 500 }), (n, k, interval) => {
        const policy: PacingPolicy = { minIntervalMs: interval, jitterMs: 0 };
        const accounts = Array.from({ length: k }, () => ({ policy, state: initialPacingState() }));
        const chats = Array.from({ length: n }, (_, i) => `g${i}`);
        const assigned = assignChats(chats, accounts, 0);
        expect(assigned.flat().sort()).toEqual([...chats].sort());
        const many = forecastMany(
          accounts.map((a, i) => ({ ...a, chats: assigned[i] })),
          0,
        );
        expect(many.finishAt).toBe((Math.ceil(n / k) - 1) * interval);
      }),
    );
  });

  it('assigns fewer chats to an account that is already busy', () => {
    const policy: PacingPolicy = { minIntervalMs: 100, jitterMs: 0 };
    const busy = { ...initialPacingState(), nextAt: 1_000 };
    const assigned = assignChats(
      Array.from({ length: 20 }, (_, i) => `g${i}`),
      [
        { policy, state: busy },
        { policy, state: initialPacingState() },
      ],
      0,
    );
    // The free account sends 10 before the busy one may start, then they alternate.
    expect(assigned[1].length).toBe(15);
    expect(assigned[0].length).toBe(5);
  });
});

describe('pacing: platform defaults and overrides', () => {
  it('Telegram: at most 20 messages a minute into one group, one per second, 30 per second per bot', () => {
    const tg = PLATFORM_DEFAULTS.telegram;
    const one = forecast(
      tg,
      Array.from({ length: 25 }, () => ({ chatId: '-100' })),
      0,
    );
    expect(one.perItem[1]).toBe(1_000);
    expect(one.perItem[20]).toBe(60_000); // the 21st waits for the first to leave the minute
    const many = forecast(
      tg,
      Array.from({ length: 90 }, (_, i) => ({ chatId: `-${i}` })),
      0,
    );
    expect(violations(tg, many.perItem.map((at, i) => ({ chatId: `-${i}`, at })))).toEqual([]);
    expect(many.finishAt).toBeLessThan(3_100); // ~30 per second, evenly spread
  });

  it('WeCom: one mass message per group per China calendar day', () => {
    const wc = PLATFORM_DEFAULTS.wecom;
    const noonShanghai = DateTime.fromISO('2026-05-04T12:00', { zone: 'Asia/Shanghai' }).toMillis();
    const state = recordSend(wc, initialPacingState(), 'wr1', noonShanghai, () => 0);
    const again = earliestSend(wc, state, 'wr1', noonShanghai + 5_000);
    expect(again).toEqual({ blocked: 'chat_daily_cap', until: DateTime.fromISO('2026-05-05T00:00', { zone: 'Asia/Shanghai' }).toMillis() });
    expect(earliestSend(wc, state, 'wr2', noonShanghai)).toEqual({ at: noonShanghai + 2_000 });
  });

  it('Telegram retry_after: nothing goes out before the platform allows', () => {
    const tg = PLATFORM_DEFAULTS.telegram;
    const state = recordRetryAfter(initialPacingState(), 7_000);
    expect(earliestSend(tg, state, '-1', 1_000)).toEqual({ at: 7_000 });
    // A shorter retry_after later does not shorten the wait.
    expect(earliestSend(tg, recordRetryAfter(state, 3_000), '-1', 1_000)).toEqual({ at: 7_000 });
  });

  it('overrides replace defaults, null removes a limit, wrong values are refused in plain words', () => {
    const p = mergePolicy(PLATFORM_DEFAULTS.wecom, { perChatDailyCap: null, minIntervalMs: 500, dailyCap: 300 });
    expect(p).toEqual({ minIntervalMs: 500, jitterMs: 1_000, dailyCap: 300, dayZone: 'Asia/Shanghai' });
    expect(() => mergePolicy(PLATFORM_DEFAULTS.telegram, { dailyCap: 0 })).toThrow(PacingPolicyError);
    expect(() => mergePolicy(PLATFORM_DEFAULTS.telegram, { dailyCap: 0 })).toThrow(/"dailyCap" must be a whole number of at least 1/);
    expect(() => mergePolicy(PLATFORM_DEFAULTS.wecom, { dayZone: 'Mars/Base' })).toThrow(/IANA time zone/);
    expect(() => mergePolicy(PLATFORM_DEFAULTS.telegram, { perChat: [{ max: 0, perMs: 1_000 }] })).toThrow(/perChat\.0\.max/);
  });

  it('a daily cap holds the account until the next day in its zone', () => {
    const policy: PacingPolicy = { minIntervalMs: 0, jitterMs: 0, dailyCap: 2, dayZone: 'Asia/Shanghai' };
    const t = DateTime.fromISO('2026-05-04T23:00', { zone: 'Asia/Shanghai' }).toMillis();
    const f = forecast(policy, [{ chatId: 'a' }, { chatId: 'b' }, { chatId: 'c' }], t);
    expect(f.perItem).toEqual([t, t, t + 3_600_000]);
  });
});

describe('pacing: only messages count toward the daily caps', () => {
  const wecom = PLATFORM_DEFAULTS.wecom;
  const tenAm = DateTime.fromISO('2026-12-07T10:00:00', { zone: 'Asia/Shanghai' }).toMillis();

  it("an invite link, a rename or a notice leaves WeCom's one mass message per group per day", () => {
    const rand = () => 0;
    // The invite link first (it used to take the day's only slot and push the post to tomorrow) …
    let state = recordSend(wecom, initialPacingState(), 'g1', tenAm, rand, { message: false });
    expect(state.perChatDay).toEqual({});
    expect(state.dayCount).toBe(0);
    const post = earliestSend(wecom, state, 'g1', tenAm + 5_000);
    expect(post).toEqual({ at: tenAm + 5_000 });
    // … then the post takes it; another post waits for tomorrow, another invite link does not.
    state = recordSend(wecom, state, 'g1', tenAm + 5_000, rand);
    expect(earliestSend(wecom, state, 'g1', tenAm + 10_000)).toMatchObject({ blocked: 'chat_daily_cap' });
    expect(earliestSend(wecom, state, 'g1', tenAm + 10_000, { message: false })).toEqual({ at: tenAm + 10_000 });
    const after = recordSend(wecom, state, 'g1', tenAm + 10_000, rand, { message: false });
    expect(after.perChatDay).toEqual({ g1: 1 });
    expect(after.day).toBe(state.day);
    // The interval still holds for every call.
    expect(after.nextAt).toBe(tenAm + 10_000 + wecom.minIntervalMs);
  });

  it('the forecast agrees: a post after an invite link goes the same day', () => {
    const sends = [
      { account: 'w', chatId: 'g1', dueMs: tenAm, message: false },
      { account: 'w', chatId: 'g1', dueMs: tenAm + 60_000, message: true },
    ];
    const f = forecastSends(sends, () => wecom);
    expect(f.maxDelayMs).toBeLessThan(60_000);
  });
});
