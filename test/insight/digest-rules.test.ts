import { describe, expect, it } from 'vitest';
import { clip, digestFigures, digestText, lastCompleteWeek, weekDates, weekRange } from '../../src/insight/rules/digest.ts';

const at = (iso: string) => new Date(iso);
const msg = (member: string, name: string, text: string, iso: string, replies = 0) => ({ member, name, text, at: at(iso), replies });

describe('the week', () => {
  it('reads a YYYY-Www week in the zone: Monday 00:00 local to the next Monday', () => {
    const w = weekRange('2026-W48', 'Asia/Shanghai');
    // 2026-W48 is Mon 23 Nov – Sun 29 Nov 2026; Shanghai is UTC+8.
    expect(w?.start.toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(w?.end.toISOString()).toBe('2026-11-29T16:00:00.000Z');
    expect(weekRange('2026-W01', 'UTC')?.start.toISOString()).toBe('2025-12-29T00:00:00.000Z');
  });

  it('refuses what is not an ISO week', () => {
    for (const bad of ['2026-48', '2026-W54', '2026-W00', '2025-W53', 'W48', '2026-w48', '']) expect(weekRange(bad, 'UTC'), bad).toBeUndefined();
    // 2026 has 53 ISO weeks (it starts on a Thursday).
    expect(weekRange('2026-W53', 'UTC')?.start.toISOString()).toBe('2026-12-28T00:00:00.000Z');
  });

  it('defaults to the last complete week in the zone', () => {
    // Thu 3 Dec 2026: the last complete week is W48.
    expect(lastCompleteWeek(at('2026-12-03T12:00:00Z'), 'Asia/Shanghai').week).toBe('2026-W48');
    // Sunday 29 Nov 23:30 UTC is already Monday 30 Nov 07:30 in Shanghai: W48 is over there.
    expect(lastCompleteWeek(at('2026-11-29T23:30:00Z'), 'Asia/Shanghai').week).toBe('2026-W48');
    expect(lastCompleteWeek(at('2026-11-29T23:30:00Z'), 'UTC').week).toBe('2026-W47');
  });

  it('says the dates as readers do', () => {
    const w = weekRange('2026-W48', 'Asia/Shanghai');
    if (!w) throw new Error('no week');
    expect(weekDates(w, 'Asia/Shanghai', 'zh')).toBe('11月23日–11月29日');
    expect(weekDates(w, 'Asia/Shanghai', 'en')).toBe('23–29 Nov');
    const across = weekRange('2026-W49', 'UTC');
    if (!across) throw new Error('no week');
    expect(weekDates(across, 'UTC', 'en')).toBe('30 Nov – 6 Dec');
  });
});

describe('the figures', () => {
  const facts = {
    joined: ['m_a', 'm_b', 'm_b'],
    messages: [
      msg('m_a', '小王', '大家好，第一次来', '2026-11-23T01:00:00Z', 2),
      msg('m_b', '小李', '今天的作业怎么交？', '2026-11-23T02:00:00Z', 5),
      msg('m_c', '阿花', '打卡', '2026-11-24T01:00:00Z', 0),
      msg('m_a', '小王', '分享一个学习方法：每天早上读二十分钟，坚持一个月以后你会发现自己的阅读速度明显变快了', '2026-11-24T03:00:00Z', 5),
      msg('m_c', '阿花', '谢谢分享', '2026-11-25T01:00:00Z', 1),
      msg('m_b', '小李', '好的', '2026-11-25T02:00:00Z', 0),
      msg('m_c', '阿花', '明天见', '2026-11-26T01:00:00Z', 0),
    ],
    checkins: ['m_c', 'm_c', 'm_d'],
    questionsAnswered: 2,
  };

  it('counts by hand', () => {
    const d = digestFigures(facts);
    expect(d.newMembers).toBe(2); // m_a, m_b once
    expect(d.activeMembers).toBe(4); // m_a, m_b, m_c wrote; m_d checked in
    expect(d.messages).toBe(7);
    expect(d.checkins).toBe(3);
    expect(d.questionsAnswered).toBe(2);
    // 5 and 5 replies: the earlier (小李's, 23 Nov 02:00) first; then 2; 1 is fourth.
    expect(d.topMessages).toEqual([
      { member: 'm_b', name: '小李', text: '今天的作业怎么交？', replies: 5 },
      { member: 'm_a', name: '小王', text: '分享一个学习方法：每天早上读二十分钟，坚持一个月以后你会发现自己的阅读速度明显…', replies: 5 },
      { member: 'm_a', name: '小王', text: '大家好，第一次来', replies: 2 },
    ]);
    // 阿花 3, then 小王 2 and 小李 2: 小王 wrote first.
    expect(d.topContributors).toEqual([
      { member: 'm_c', name: '阿花', messages: 3 },
      { member: 'm_a', name: '小王', messages: 2 },
      { member: 'm_b', name: '小李', messages: 2 },
    ]);
  });

  it('names no message without replies, and an empty week is zeros', () => {
    expect(digestFigures({ ...facts, messages: facts.messages.map((m) => ({ ...m, replies: 0 })) }).topMessages).toEqual([]);
    expect(digestFigures({ joined: [], messages: [], checkins: [], questionsAnswered: 0 })).toEqual({
      newMembers: 0,
      activeMembers: 0,
      messages: 0,
      topMessages: [],
      topContributors: [],
      checkins: 0,
      questionsAnswered: 0,
    });
  });

  it('clips on whole characters, on one line', () => {
    expect(clip('a\nb   c', 10)).toBe('a b c');
    expect(clip('😀😀😀😀', 3)).toBe('😀😀…');
  });
});

describe('the post', () => {
  const figures = {
    newMembers: 2,
    activeMembers: 4,
    messages: 7,
    topMessages: [{ member: 'm_b', name: '小李', text: '今天的作业怎么交？', replies: 5 }],
    topContributors: [
      { member: 'm_c', name: '阿花', messages: 3 },
      { member: 'm_a', name: '小王', messages: 2 },
    ],
    checkins: 3,
    questionsAnswered: 1,
  };

  it('reads like a group magazine in Chinese', () => {
    expect(digestText(figures, { groupName: '读书营 1 群', dates: '11月23日–11月29日', locale: 'zh' })).toBe(
      [
        '📰 本周群周报 · 读书营 1 群（11月23日–11月29日）',
        '👋 欢迎 2 位新朋友加入大家庭！',
        '💬 本周 4 位群友活跃，一起聊了 7 条消息',
        '✅ 打卡 3 次，🙋 解答问题 1 个',
        '',
        '🔥 本周热帖',
        '1. 小李：“今天的作业怎么交？”（5 条回复）',
        '',
        '🏅 本周活跃之星：阿花（3 条）、小王（2 条）',
        '',
        '感谢每一位的陪伴和分享，下周见！',
      ].join('\n'),
    );
  });

  it('and in English, leaving out what is zero', () => {
    const quiet = { ...figures, newMembers: 1, checkins: 0, questionsAnswered: 0, topMessages: [{ member: 'm_b', name: 'Li', text: 'How do I hand in?', replies: 1 }], topContributors: [] };
    expect(digestText(quiet, { groupName: 'Book camp', dates: '23–29 Nov', locale: 'en' })).toBe(
      [
        '📰 This week in Book camp (23–29 Nov)',
        '👋 Welcome to our new member!',
        '💬 4 members were active and wrote 7 messages',
        '',
        '🔥 Most replied this week',
        '1. Li: "How do I hand in?" (1 reply)',
        '',
        'Thank you all for being here. See you next week!',
      ].join('\n'),
    );
    const empty = { newMembers: 0, activeMembers: 0, messages: 0, topMessages: [], topContributors: [], checkins: 0, questionsAnswered: 0 };
    expect(digestText(empty, { groupName: 'Book camp', dates: '23–29 Nov', locale: 'en' })).not.toMatch(/m_|\{/);
    const one = { ...empty, activeMembers: 1, messages: 1 };
    expect(digestText(one, { groupName: 'Book camp', dates: '23–29 Nov', locale: 'en' }).split('\n')[1]).toBe('💬 1 member was active and wrote 1 message');
    expect(digestText({ ...one, messages: 4 }, { groupName: 'Book camp', dates: '23–29 Nov', locale: 'en' }).split('\n')[1]).toBe('💬 1 member was active and wrote 4 messages');
  });
});
