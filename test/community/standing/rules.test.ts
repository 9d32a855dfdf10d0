// The people rules, pure: each default stage transition, the decaying score, promotion at once,
// demotion only at the weekly run and with hysteresis, tag rules, points rules, settings errors.

import { describe, expect, it } from 'vitest';
import { render } from '../../../src/i18n/index.ts';
import { afterEvent, atRun, rewardsOf, weightOf } from '../../../src/community/standing/decide.ts';
import { type MemberFacts, NO_FACTS } from '../../../src/community/standing/facts.ts';
import { addToScore, decay, levelFor, promote, weeklyLevel } from '../../../src/community/standing/level.ts';
import { isQuestion } from '../../../src/community/standing/question.ts';
import { DEFAULT_RULES, readRules, RulesError, rulesJsonSchema } from '../../../src/community/standing/rules.ts';
import { applyStage, stageFor } from '../../../src/community/standing/stage.ts';
import { ruleTags } from '../../../src/community/standing/tags.ts';

const R = DEFAULT_RULES;
const facts = (f: Partial<MemberFacts>): MemberFacts => ({ ...NO_FACTS, ...f });
const NOW = new Date('2026-12-02T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

function problems(input: unknown) {
  try {
    readRules(input);
  } catch (e) {
    if (e instanceof RulesError) return e.problems.map((p) => ({ field: p.field, en: render('en', p.message), zh: render('zh', p.message) }));
    throw e;
  }
  return [];
}

describe('stages', () => {
  it('follows each default transition', () => {
    expect(stageFor(facts({}), R)).toBe('stranger');
    expect(stageFor(facts({ joinRequests: 1 }), R)).toBe('curious');
    expect(stageFor(facts({ clicks: 1 }), R)).toBe('curious');
    expect(stageFor(facts({ joins: 1 }), R)).toBe('acquainted');
    expect(stageFor(facts({ joins: 1, messages: 1 }), R)).toBe('engaged');
    expect(stageFor(facts({ joins: 1, checkins: 1 }), R)).toBe('engaged');
    expect(stageFor(facts({ joins: 1, messages: 3, activeWeeks: 2 }), R)).toBe('familiar');
    expect(stageFor(facts({ orders: 1 }), R)).toBe('customer');
    expect(stageFor(facts({ orders: 2 }), R)).toBe('repeat');
  });
  it('only moves forward after an event', () => {
    expect(applyStage(facts({ stage: 'customer', joins: 1 }), R)).toBe('customer');
    expect(applyStage(facts({ stage: 'acquainted', messages: 1 }), R)).toBe('engaged');
  });
  it('a stage set to null is never reached by rules', () => {
    const rules = readRules({ stages: { familiar: null } });
    expect(stageFor(facts({ joins: 1, messages: 3, activeWeeks: 5 }), rules)).toBe('engaged');
  });
});

describe('levels', () => {
  it('decays by half every half-life, and a late event is decayed to the score moment', () => {
    expect(decay(100, daysAgo(30), NOW, 30)).toBeCloseTo(50);
    expect(decay(100, daysAgo(60), NOW, 30)).toBeCloseTo(25);
    expect(decay(100, NOW, daysAgo(5), 30)).toBe(100);
    expect(addToScore(10, daysAgo(30), 2, NOW, 30)).toEqual({ score: 7, at: NOW });
    const late = addToScore(10, NOW, 4, daysAgo(30), 30);
    expect(late.at).toEqual(NOW);
    expect(late.score).toBeCloseTo(12);
  });
  it('weighs messages < replies < check-ins < answered questions < invites', () => {
    const w = R.levels.weights;
    expect(w.message < w.reply && w.reply < w.checkin && w.checkin < w.answer && w.answer < w.invite).toBe(true);
    expect(weightOf('message', {}, R)).toBe(1);
    expect(weightOf('reply', {}, R)).toBe(2);
    expect(weightOf('reply', { question: true }, R)).toBe(7);
    expect(weightOf('invite', {}, R)).toBe(0);
  });
  it('promotes at once and never demotes after an event', () => {
    expect(levelFor(9.9, R)).toBe('ordinary');
    expect(levelFor(10, R)).toBe('active');
    expect(levelFor(40, R)).toBe('contributing');
    expect(levelFor(120, R)).toBe('professional');
    expect(promote('ordinary', 45, R)).toBe('contributing');
    expect(promote('professional', 1, R)).toBe('professional');
    expect(afterEvent(facts({ level: 'contributing', score: 0 }), R, NOW).level).toBe('contributing');
  });
  it('demotes only at the weekly run, below the threshold minus the margin, after the grace days', () => {
    // contributing needs 40; with a 20% margin a member keeps it down to 32.
    expect(weeklyLevel('contributing', 33, daysAgo(30), NOW, R)).toBe('contributing');
    expect(weeklyLevel('contributing', 31, daysAgo(30), NOW, R)).toBe('active');
    expect(weeklyLevel('contributing', 2, daysAgo(30), NOW, R)).toBe('ordinary');
    expect(weeklyLevel('contributing', 2, daysAgo(3), NOW, R)).toBe('contributing');
    expect(weeklyLevel('active', 200, daysAgo(30), NOW, R)).toBe('professional');
    expect(atRun(facts({ level: 'contributing', score: 2 }), daysAgo(30), R, NOW, false).level).toBe('contributing');
    expect(atRun(facts({ level: 'contributing', score: 2 }), daysAgo(30), R, NOW, true).level).toBe('ordinary');
  });
});

describe('tags and points rules', () => {
  const rules = readRules({
    tags: [
      { tag: 'vip', when: { orders: '>=2' } },
      { tag: 'silent', when: 'inactive>14d' },
      { tag: 'star', when: 'level:professional+!tag:silent' },
    ],
    points: { checkin: { points: 5, dailyCap: 1 }, answer: { points: 2, dailyCap: 0 } },
  });
  it('adds a rule tag while it holds and takes it away after, leaving other tags alone', () => {
    expect(ruleTags(facts({ orders: 2, lastActiveAt: daysAgo(1), tags: ['manual'] }), rules.tags, NOW)).toEqual(['manual', 'vip']);
    expect(ruleTags(facts({ orders: 1, lastActiveAt: daysAgo(20), tags: ['vip', 'manual'] }), rules.tags, NOW)).toEqual(['manual', 'silent']);
    expect(ruleTags(facts({ level: 'professional', lastActiveAt: daysAgo(1) }), rules.tags, NOW)).toEqual(['star']);
  });
  it('gives points by rule, with the cap carried along', () => {
    expect(rewardsOf('checkin', {}, rules)).toEqual([{ rule: 'checkin', points: 5, dailyCap: 1 }]);
    expect(rewardsOf('reply', { question: true }, rules)).toEqual([{ rule: 'answer', points: 2, dailyCap: 0 }]);
    expect(rewardsOf('message', {}, rules)).toEqual([]);
  });
});

describe('settings', () => {
  it('lays a partial document over the defaults', () => {
    const r = readRules({ levels: { thresholds: { active: 5 } } });
    expect(r.levels.thresholds).toEqual({ active: 5, contributing: 40, professional: 120 });
    expect(r.levels.weights).toEqual(R.levels.weights);
    expect(readRules({})).toEqual(R);
  });
  it('names the field of every problem, in both languages', () => {
    expect(problems({ levels: { thresholds: { active: -1 } } })).toEqual([{ field: 'levels.thresholds.active', en: 'must be at least 0', zh: '不能小于 0' }]);
    expect(problems({ levels: { halfLifeDays: 'soon' } })[0]).toMatchObject({ field: 'levels.halfLifeDays', en: 'must be a number' });
    expect(problems({ levels: { thresholds: { contributing: 5 } } })[0]).toMatchObject({ field: 'levels.thresholds.contributing', en: 'the contributing threshold must be higher than the active threshold' });
    expect(problems({ stages: { curious: { visits: 1 } } })[0]).toMatchObject({ field: 'stages.curious', en: 'is not a setting: visits' });
    expect(problems({ colour: 'red' })[0]).toMatchObject({ field: '(document)', en: 'is not a setting: colour' });
    const tag = problems({ tags: [{ tag: 'x', when: 'group:tag:camp' }] })[0];
    expect(tag?.field).toBe('tags.0.when');
    expect(tag?.zh).toContain('标签规则不能用');
    expect(problems({ tags: [{ tag: 'x', when: { orders: 'lots' } }] })[0]?.en).toBe('orders: "lots" is not a comparison; write >=2, <=5, >0, <3 or =1');
    expect(problems([1, 2])[0]?.field).toBe('(document)');
  });
  it('has a JSON schema', () => {
    const s = rulesJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(s.properties)).toEqual(['stages', 'levels', 'tags', 'points']);
  });
  it('tells a question', () => {
    for (const q of ['这个怎么报名？', '明天上课吗', 'How do I join', 'is it free?', '请问几点开始']) expect(isQuestion(q), q).toBe(true);
    for (const s of ['打卡', '好的，收到', 'thanks!']) expect(isQuestion(s), s).toBe(false);
  });
});
