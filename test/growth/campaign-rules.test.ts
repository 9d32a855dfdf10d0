// The campaign fraud rules, pure: each rule with its reason, each switchable; the stay; the
// completion, the K-factor, durations and the bot's words.

import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { normalizeUpdate } from '../../src/channels/telegram/normalize.ts';
import { commandOf, completes, DEFAULT_RULES, durationSeconds, type JoinFacts, judgeJoin, judgeStay, kFactor, rulesOf } from '../../src/growth/campaign-rules.ts';

const facts = (f: Partial<JoinFacts> = {}): JoinFacts => ({ inviterId: 'a', inviteeId: 'b', inviteeIsBot: false, inviteeBlacklisted: false, inviteeWasMember: false, countedBy: null, inviterCounted: 0, ...f });
const rules = { ...DEFAULT_RULES, newOnly: true, cap: 2, staySeconds: 7200 };

describe('campaign rules', () => {
  it('counts a new, human, first invite under the cap', () => {
    expect(judgeJoin(rules, facts())).toEqual({ state: 'pending' });
  });
  it('rejects each fraud with its reason', () => {
    expect(judgeJoin(rules, facts({ inviteeIsBot: true }))).toEqual({ state: 'rejected', reason: 'bot' });
    expect(judgeJoin(rules, facts({ inviteeId: 'a' }))).toEqual({ state: 'rejected', reason: 'self_invite' });
    expect(judgeJoin(rules, facts({ inviteeBlacklisted: true }))).toEqual({ state: 'rejected', reason: 'blacklisted' });
    expect(judgeJoin(rules, facts({ countedBy: 'c' }))).toEqual({ state: 'rejected', reason: 'already_invited' });
    expect(judgeJoin(rules, facts({ inviteeWasMember: true }))).toEqual({ state: 'rejected', reason: 'not_new' });
    expect(judgeJoin(rules, facts({ inviterCounted: 2 }))).toEqual({ state: 'rejected', reason: 'cap_reached' });
    expect(judgeJoin(rules, facts({ countedBy: 'a' }))).toEqual({ state: 'already_counted' });
  });
  it('lets each rule be switched off', () => {
    const off = { ...rules, newOnly: false, cap: null, noBots: false, noSelf: false, noBlacklisted: false, firstLinkWins: false };
    for (const f of [{ inviteeIsBot: true }, { inviteeId: 'a' }, { inviteeBlacklisted: true }, { countedBy: 'c' }, { inviteeWasMember: true }, { inviterCounted: 9 }]) {
      expect(judgeJoin(off, facts(f))).toEqual({ state: 'pending' });
    }
  });
  it('qualifies after the stay; a leave before it rejects', () => {
    const joinedAt = new Date('2026-12-01T10:00:00Z');
    expect(judgeStay(rules, { joinedAt, leftAt: null, now: new Date('2026-12-01T11:59:59Z') })).toBe('pending');
    expect(judgeStay(rules, { joinedAt, leftAt: null, now: new Date('2026-12-01T12:00:00Z') })).toBe('qualified');
    expect(judgeStay(rules, { joinedAt, leftAt: new Date('2026-12-01T11:00:00Z'), now: new Date('2026-12-01T13:00:00Z') })).toBe('left_early');
    expect(judgeStay(rules, { joinedAt, leftAt: new Date('2026-12-01T12:30:00Z'), now: new Date('2026-12-01T13:00:00Z') })).toBe('qualified');
  });
  it('reads stored rules with defaults, completion, K-factor, durations and commands', () => {
    expect(rulesOf({ staySeconds: 60 })).toEqual({ ...DEFAULT_RULES, staySeconds: 60 });
    expect(completes(3, 2)).toBe(false);
    expect(completes(3, 3)).toBe(true);
    expect(kFactor(4, 10)).toBe(2.5);
    expect(kFactor(0, 0)).toBe(0);
    expect([durationSeconds('30s'), durationSeconds('10m'), durationSeconds('2h'), durationSeconds('3d'), durationSeconds('2 hours'), durationSeconds('0m')]).toEqual([30, 600, 7200, 259_200, undefined, undefined]);
    expect([commandOf(' 参加 '), commandOf('/join@camp_bot'), commandOf('进度'), commandOf('/progress'), commandOf('hello')]).toEqual(['join', 'join', 'progress', 'progress', undefined]);
  });
  it('reads a Telegram photo without a caption as a picture message (a screenshot)', () => {
    const from = { id: 7, is_bot: false, first_name: 'Kim' };
    const photo = [{ file_id: 'f', file_unique_id: 'u', width: 320, height: 320 }];
    const group = normalizeUpdate({ update_id: 1, message: { message_id: 5, date: 1, chat: { id: -1, type: 'supergroup', title: 'G' }, from, photo } } as unknown as Update, { knownChats: new Set(['-1']) });
    expect(group).toEqual([expect.objectContaining({ type: 'message', text: '', image: true, messageId: '5' })]);
    const dm = normalizeUpdate({ update_id: 2, message: { message_id: 6, date: 1, chat: { id: 7, type: 'private', first_name: 'Kim' }, from, photo, caption: 'done' } } as unknown as Update);
    expect(dm).toEqual([expect.objectContaining({ type: 'private_message', text: 'done', image: true })]);
  });
});
