// The pure parts of members: what a tag may be and what a change does, member references, and the
// CSV cells of an export.

import { describe, expect, it } from 'vitest';
import { countersAfter } from '../../src/community/events.ts';
import { csvHead, memberCsvRow } from '../../src/community/export.ts';
import { splitRef } from '../../src/community/member-ref.ts';
import type { MemberSummary } from '../../src/community/member-summary.ts';
import { applyTags, readTags } from '../../src/community/tag-rules.ts';
import { english } from '../../src/i18n/index.ts';

const problem = (list: string[]) => {
  const r = readTags(list);
  return 'problem' in r ? english(r.problem) : r.tags;
};

describe('tags', () => {
  it('are trimmed and unique; empty, long, comma or plus are refused naming the tag', () => {
    expect(problem([' vip ', 'vip', '老学员'])).toEqual(['vip', '老学员']);
    expect(problem(['  '])).toBe('a tag cannot be empty');
    expect(problem(['x'.repeat(51)])).toBe(`the tag "${'x'.repeat(51)}" is longer than 50 characters`);
    expect(problem(['x'.repeat(50)])).toEqual(['x'.repeat(50)]);
    expect(problem(['a,b'])).toContain('"a,b" holds a comma or a +');
    expect(problem(['a+b'])).toContain('"a+b"');
    expect(problem(Array.from({ length: 51 }, (_, i) => `t${i}`))).toBe('at most 50 tags at a time');
  });

  it('a change adds what is missing, removes what is there, and says what moved', () => {
    expect(applyTags(['a', 'b'], ['c', 'a', 'c'], ['b', 'z'])).toEqual({ tags: ['a', 'c'], added: ['c'], removed: ['b'] });
    expect(applyTags(['a'], ['a'], [])).toEqual({ tags: ['a'], added: [], removed: [] });
    // Removing wins over adding the same tag.
    expect(applyTags([], ['x'], ['x'])).toEqual({ tags: [], added: [], removed: [] });
  });
});

describe('member references', () => {
  it('split at the first colon; a bare id is not a pair', () => {
    expect(splitRef('ch_tg:123')).toEqual({ channel: 'ch_tg', external: '123' });
    expect(splitRef('wechaty:@abc:def')).toEqual({ channel: 'wechaty', external: '@abc:def' });
    expect(splitRef('mem_1a2b')).toBeUndefined();
    expect(splitRef(':123')).toBeUndefined();
    expect(splitRef('ch:')).toBeUndefined();
  });
});

describe('the CSV export', () => {
  const m: MemberSummary = {
    id: 'mem_1',
    name: '=HYPERLINK("x")',
    identities: [{ channel: 'ch_tg', externalId: '1', username: null }],
    groups: [
      { group: 'g1', groupName: 'Camp, One', role: null, joinedAt: '2026-01-01T00:00:00.000Z', leftAt: null, via: null },
      { group: 'g2', groupName: 'Old', role: null, joinedAt: '2025-01-01T00:00:00.000Z', leftAt: '2025-02-01T00:00:00.000Z', via: null },
    ],
    stage: 'engaged',
    level: 'active',
    points: 3,
    tags: ['vip', '老学员'],
    messages: 2,
    checkins: 0,
    lastActiveAt: null,
    blacklisted: false,
  };

  it('starts with a byte-order mark and the header', () => {
    expect(csvHead()).toBe('\uFEFFid,name,identities,groups,leftGroups,stage,level,points,tags,messages,checkins,lastActiveAt,blacklisted\r\n');
  });

  it('quotes where needed and defuses formulas', () => {
    expect(memberCsvRow(m)).toBe(`mem_1,"'=HYPERLINK(""x"")",ch_tg:1,"Camp, One",Old,engaged,active,3,"vip,老学员",2,0,,false`);
  });
});

describe('counters after an event', () => {
  const row = {
    stage: 'new', level: 'bronze', score: 0, score_at: null, tags: [], points: 0,
    join_requests: 0, joins: 1, clicks: 0, messages: 4, replies: 1, answers: 0, checkins: 0, invites: 0, orders: 0,
    active_weeks: 2, last_active_at: '2026-11-30T10:00:00.000Z', forgotten_at: null, stamp: null, rules: null,
  };
  const at = new Date('2026-12-02T08:00:00.000Z');

  it('move the event’s own counter by one; an activity moves the last activity forward and, in a new week, the active weeks', () => {
    const m = countersAfter(row, { memberId: 'm', kind: 'message', at }, false);
    expect(m.counters).toMatchObject({ messages: 5, replies: 1, joins: 1, active_weeks: 2, last_active_at: at.toISOString() });
    expect(m.row.messages).toBe(5);
    expect(countersAfter(row, { memberId: 'm', kind: 'message', at }, true).counters.active_weeks).toBe(3);
  });

  it('a reply to a question is also an answer; a late activity does not move the last activity back; a join is no activity', () => {
    const reply = countersAfter(row, { memberId: 'm', kind: 'reply', at, detail: { question: true } }, false).counters;
    expect(reply).toMatchObject({ replies: 2, answers: 1, messages: 4 });
    const late = countersAfter(row, { memberId: 'm', kind: 'click', at: new Date('2026-11-01T00:00:00.000Z') }, false).counters;
    expect(late).toMatchObject({ clicks: 1, last_active_at: '2026-11-30T10:00:00.000Z' });
    const join = countersAfter({ ...row, last_active_at: null }, { memberId: 'm', kind: 'join', at }, true).counters;
    expect(join).toMatchObject({ joins: 2, active_weeks: 2, last_active_at: null });
  });
});
