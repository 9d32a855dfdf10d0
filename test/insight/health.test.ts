// Group health, pure: the weights add up, real groups get the status an operator would give them,
// young groups are spared, each reason carries its value and is worded in both languages.

import { describe, expect, it } from 'vitest';
import en from '../../src/i18n/en.ts';
import { render } from '../../src/i18n/index.ts';
import zh from '../../src/i18n/zh.ts';
import { type DayRollup, dailyFigures } from '../../src/insight/rules/health-series.ts';
import { median } from '../../src/insight/rules/median.ts';
import { adviceText, expectedMessagesPerDay, groupHealth, HEALTH_STATUSES, HEALTH_WEIGHTS, type HealthFigures, healthScore, REASON_CODES, reasonText, survival } from '../../src/insight/rules/health.ts';

/** A lively 100-member group: 30 messages a day, a quarter active, members talk, nobody left. */
const lively: HealthFigures = { members: 100, joined7d: 10, left7d: 0, netGrowth7d: 10, messagesPerDay7d: 30, activeRatio7d: 0.25, memberShare7d: 0.7, leaveRate7d: 0, firstResponseP50s: 300, ageDays: 20 };
const fig = (f: Partial<HealthFigures>): HealthFigures => ({ ...lively, ...f });
const codes = (f: HealthFigures, prev?: HealthFigures) => groupHealth(f, prev).reasons.map((r) => r.code);

describe('group health', () => {
  it('weights add up to 100 and a lively group scores 100, healthy, with no reasons', () => {
    expect(Object.values(HEALTH_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
    expect(groupHealth(lively)).toEqual({ score: 100, status: 'healthy', reasons: [], previousScore: null });
  });

  it('a 500-member group with 3 messages a day is dying', () => {
    const h = groupHealth(fig({ members: 500, messagesPerDay7d: 3, activeRatio7d: 0.03, memberShare7d: 0.5, leaveRate7d: 0.01, left7d: 5, joined7d: 5, netGrowth7d: 0, firstResponseP50s: null }));
    expect(h.status).toBe('dying');
    expect(h.reasons).toContainEqual({ code: 'silent', value: 3, severity: 'dying' });
    expect(h.reasons.map((r) => r.code)).toContain('low_activity');
  });

  it('the expected messages grow with the group, between 5 and 100 a day', () => {
    expect([10, 50, 500, 5000].map(expectedMessagesPerDay)).toEqual([5, 5, 50, 100]);
    // 3 messages a day is fine for a 20-member group, low for 100, silent for 500.
    expect(codes(fig({ members: 20, messagesPerDay7d: 3 }))).toEqual([]);
    expect(codes(fig({ members: 100, messagesPerDay7d: 3 }))).toEqual(['low_messages']);
    expect(codes(fig({ members: 500, messagesPerDay7d: 3 }))).toEqual(['silent']);
  });

  it('a group whose messages are almost all staff is watch', () => {
    const h = groupHealth(fig({ memberShare7d: 0.05 }));
    expect(h.status).toBe('watch');
    expect(h.reasons).toEqual([{ code: 'staff_only', value: 0.05, severity: 'watch' }]);
    // With hardly any messages the silence is the reason, not the staff.
    expect(codes(fig({ memberShare7d: 0, messagesPerDay7d: 0.5, members: 500 }))).not.toContain('staff_only');
  });

  it('a young group (under 2 days) is not judged harshly', () => {
    const young = fig({ ageDays: 1, members: 40, messagesPerDay7d: 1, activeRatio7d: 0.02, memberShare7d: 0.1, joined7d: 40, netGrowth7d: 40, left7d: 0, leaveRate7d: 0, firstResponseP50s: null });
    const h = groupHealth(young);
    expect(h.status).toBe('healthy');
    expect(h.reasons).toEqual([{ code: 'young', value: 1, severity: 'info' }]);
    expect(h.score).toBeLessThan(60);
    // The same figures at 10 days old are dying.
    expect(groupHealth({ ...young, ageDays: 10 }).status).toBe('dying');
    // Even young, many members leaving is worth a look, but never dying.
    const leaving = groupHealth({ ...young, left7d: 20, leaveRate7d: 0.5 });
    expect(leaving.status).toBe('watch');
    expect(leaving.reasons).toContainEqual({ code: 'mass_leave', value: 0.5, severity: 'watch' });
  });

  it('leaves: a fifth of the members is dying, 5 % is watch, and a handful in a small group is noise', () => {
    expect(groupHealth(fig({ left7d: 25, leaveRate7d: 0.25 })).reasons).toEqual([{ code: 'mass_leave', value: 0.25, severity: 'dying' }]);
    expect(groupHealth(fig({ left7d: 6, leaveRate7d: 0.06 })).reasons).toEqual([{ code: 'members_leaving', value: 0.06, severity: 'watch' }]);
    expect(codes(fig({ members: 10, left7d: 2, leaveRate7d: 0.2 }))).toEqual([]);
  });

  it('slow answers and a falling week are watch reasons', () => {
    expect(groupHealth(fig({ firstResponseP50s: 3 * 3600 })).reasons).toEqual([{ code: 'slow_response', value: 10800, severity: 'watch' }]);
    const h = groupHealth(fig({ messagesPerDay7d: 12 }), fig({ messagesPerDay7d: 40 }));
    expect(h.reasons).toEqual([{ code: 'declining', value: -0.7, severity: 'watch' }]);
    expect(h.status).toBe('watch');
    expect(h.previousScore).toBe(100);
    // A drop from almost nothing is not a trend.
    expect(codes(fig({ members: 10, messagesPerDay7d: 0.5 }), fig({ members: 10, messagesPerDay7d: 1.5 }))).not.toContain('declining');
  });

  it('an empty group is dying; without questions the response part is left out', () => {
    expect(groupHealth(fig({ members: 0, activeRatio7d: 0, messagesPerDay7d: 0 }))).toMatchObject({ status: 'dying', reasons: [{ code: 'no_members', value: 0, severity: 'dying' }] });
    expect(healthScore(fig({ firstResponseP50s: null }))).toBe(100);
    expect(healthScore(fig({ firstResponseP50s: 4 * 3600 }))).toBe(90);
  });

  it('the score falls with each part, and the status follows the score', () => {
    // Half the active ratio target and a quarter of the expected messages: 30·0.5 + 25·0.25 + 45 = 66.25.
    expect(healthScore(fig({ activeRatio7d: 0.1, messagesPerDay7d: 2.5 }))).toBe(66);
    // 5 of 105 left: retention 15·(1 − 0.05/0.2) = 11.25, growth 5·(1 − (5/105)/0.1) ≈ 2.62; 93.87.
    expect(healthScore(fig({ netGrowth7d: -5, left7d: 5, leaveRate7d: 0.05 }))).toBe(94);
    // No single figure bad enough for a reason, but all of them middling: 16.5 + 11.25 + 7.5 + 12 + 5 + 5.33 ≈ 58.
    const mediocre = fig({ activeRatio7d: 0.11, messagesPerDay7d: 4.5, memberShare7d: 0.25, leaveRate7d: 0.04, left7d: 2, firstResponseP50s: 7200 });
    const h = groupHealth(mediocre);
    expect(h.reasons.map((r) => r.code)).toEqual([]);
    expect(h.score).toBeLessThan(60);
    expect(h.status).toBe('watch');
  });

  it('every reason and status is worded in both languages, with its figure formatted', () => {
    for (const c of REASON_CODES) for (const k of [`health.reason.${c}`, `health.advice.${c}`]) expect([k in en, k in zh], k).toEqual([true, true]);
    for (const s of HEALTH_STATUSES) expect(`health.status.${s}` in en && `health.status.${s}` in zh).toBe(true);
    expect(render('en', reasonText({ code: 'low_activity', value: 0.04, severity: 'watch' }))).toBe('Only 4% of the members were active this week');
    expect(render('zh', reasonText({ code: 'slow_response', value: 10800, severity: 'watch' }))).toBe('成员提问后要等 3 小时才有人回复（中位数）');
    expect(render('zh', reasonText({ code: 'declining', value: -0.7, severity: 'watch' }))).toBe('消息量比上周下降了 70%');
    expect(render('en', reasonText({ code: 'silent', value: 3, severity: 'dying' }))).toBe('Only 3 messages a day, far too few for a group this size');
    expect(render('zh', adviceText('silent'))).toContain('直播');
    expect(render('en', reasonText({ code: 'young', value: 1, severity: 'info' }))).toBe('Only 1 day old: too early to judge its activity');
    expect(render('en', reasonText({ code: 'young', value: 1.5, severity: 'info' }))).toBe('Only 1.5 days old: too early to judge its activity');
  });
});

describe('day-7 survival', () => {
  it('counts the groups at least 7 days old, alive with 2 members active on their 7th day', () => {
    expect(survival([])).toEqual({ groups: 0, alive: 0, rate: 0 });
    const groups = [
      { ageDays: 30, day7ActiveMembers: 12 },
      { ageDays: 7, day7ActiveMembers: 2 },
      { ageDays: 9, day7ActiveMembers: 1 },
      { ageDays: 14, day7ActiveMembers: 0 },
      { ageDays: 6.9, day7ActiveMembers: 0 },
    ];
    expect(survival(groups)).toEqual({ groups: 4, alive: 2, rate: 0.5 });
    expect(survival([{ ageDays: 3, day7ActiveMembers: 0 }])).toEqual({ groups: 0, alive: 0, rate: 0 });
  });
});

describe("a group's daily series", () => {
  const day = (d: string, r: Partial<DayRollup>): DayRollup => ({ day: d, joins: 0, leaves: 0, messages: 0, memberMessages: 0, staffMessages: 0, activeMembers: 0, questions: 0, waits: [], ...r });

  it('counts members back from today, and gives each day its shares, leave rate and median wait', () => {
    const days = dailyFigures(
      [
        day('2026-12-01', { joins: 10 }),
        day('2026-12-02', { joins: 2, leaves: 1, messages: 8, memberMessages: 6, staffMessages: 2, activeMembers: 4, questions: 3, waits: [900, 60, 300] }),
        day('2026-12-03', { leaves: 3, messages: 1, staffMessages: 1, questions: 2, waits: [100, 200] }),
      ],
      8,
    );
    expect(days.map((d) => d.members)).toEqual([10, 11, 8]);
    expect(days[0]).toMatchObject({ joined: 10, netGrowth: 10, activeRatio: 0, memberShare: null, leaveRate: 0, firstResponseP50s: null });
    expect(days[1]).toMatchObject({ joined: 2, left: 1, netGrowth: 1, activeRatio: 0.3636, memberShare: 0.75, leaveRate: 0.0833, firstResponseP50s: 300 });
    expect(days[2]).toMatchObject({ left: 3, netGrowth: -3, memberShare: 0, leaveRate: 0.2727, firstResponseP50s: 150 });
  });

  it('never counts below zero members, and a day of the group with nobody in it has no shares', () => {
    const [first] = dailyFigures([day('2026-12-01', { leaves: 2 })], 0);
    expect(first).toMatchObject({ members: 0, activeRatio: 0, memberShare: null, leaveRate: 1 });
    expect(median([])).toBeNull();
    expect(median([5, 1, 3, 2])).toBe(2.5);
  });
});
