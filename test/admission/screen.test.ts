// The screening rules and the settings check, pure.

import { describe, expect, it } from 'vitest';
import { type ScreenInput, screen, screenJoin } from '../../src/community/admission/screen.ts';
import { DEFAULT_SETTINGS, readSettings, SettingsError } from '../../src/community/admission/settings.ts';

const base: ScreenInput = { blacklisted: false, tags: [], answers: [], leftVoluntarily: false, rejoinPolicy: 'allowed', rules: [] };

describe('screening an application', () => {
  it('rejects a blacklisted person whatever the rules say', () => {
    expect(screen({ ...base, blacklisted: true, tags: ['vip'], rules: [{ tag: 'vip' }] })).toEqual({ decision: 'reject', why: 'blacklisted' });
  });
  it('applies the rejoin policy after a voluntary leave', () => {
    expect(screen({ ...base, leftVoluntarily: true, rejoinPolicy: 'never' })).toEqual({ decision: 'reject', why: 'no_rejoin' });
    expect(screen({ ...base, leftVoluntarily: true, rejoinPolicy: 'review', tags: ['vip'], rules: [{ tag: 'vip' }] })).toEqual({ decision: 'review', why: 'rejoin_review' });
    expect(screen({ ...base, leftVoluntarily: true, rejoinPolicy: 'allowed', tags: ['vip'], rules: [{ tag: 'vip' }] })).toMatchObject({ decision: 'approve' });
    expect(screen({ ...base, leftVoluntarily: false, rejoinPolicy: 'never' })).toEqual({ decision: 'review', why: 'no_rule' });
  });
  it('approves on a tag or an answer (case and spaces ignored), naming the rule', () => {
    expect(screen({ ...base, tags: ['vip'], rules: [{ tag: 'alumni' }, { tag: 'vip' }] })).toEqual({ decision: 'approve', why: 'rule', rule: 2 });
    expect(screen({ ...base, answers: ['x', '  Spring  2025 '], rules: [{ answer: { question: 2, equals: 'spring 2025' } }] })).toMatchObject({ decision: 'approve', rule: 1 });
    expect(screen({ ...base, answers: ['x'], rules: [{ answer: { question: 2, equals: 'x' } }] })).toEqual({ decision: 'review', why: 'no_rule' });
  });
  it('decides what a direct join means', () => {
    expect(screenJoin({ blacklisted: true, leftVoluntarily: false, rejoinPolicy: 'allowed' })).toEqual({ undo: true, ban: true, why: 'blacklisted' });
    expect(screenJoin({ blacklisted: false, leftVoluntarily: true, rejoinPolicy: 'never' })).toEqual({ undo: true, ban: false, why: 'no_rejoin' });
    expect(screenJoin({ blacklisted: false, leftVoluntarily: true, rejoinPolicy: 'review' })).toEqual({ undo: false, tellReviewer: true });
    expect(screenJoin({ blacklisted: false, leftVoluntarily: false, rejoinPolicy: 'review' })).toEqual({ undo: false, tellReviewer: false });
  });
});

describe('application settings', () => {
  it('reads questions, the policy and rules', () => {
    const s = readSettings(DEFAULT_SETTINGS, { questions: [' Why? ', 'Code?'], rejoinPolicy: 'review', autoApprove: [{ tag: 'vip' }, { answer: { question: 2, equals: 'A1' } }] });
    expect(s).toEqual({ questions: ['Why?', 'Code?'], rejoinPolicy: 'review', autoApprove: [{ tag: 'vip' }, { answer: { question: 2, equals: 'A1' } }], language: 'en' });
  });
  it('names the field of the first problem', () => {
    const field = (change: Record<string, unknown>) => {
      try {
        readSettings(DEFAULT_SETTINGS, change);
      } catch (e) {
        return (e as SettingsError).field;
      }
      return undefined;
    };
    expect(field({ questions: ['ok', ''] })).toBe('questions[1]');
    expect(field({ questions: Array(11).fill('q') })).toBe('questions');
    expect(field({ rejoinPolicy: 'sometimes' })).toBe('rejoinPolicy');
    expect(field({ autoApprove: [{ answer: { question: 1, equals: 'x' } }] })).toBe('autoApprove[0]');
    expect(field({ questions: ['a'], autoApprove: [{ tag: 'vip' }, { colour: 'red' }] })).toBe('autoApprove[1]');
  });
  it('refuses removing a question that an answer rule reads', () => {
    const s = readSettings(DEFAULT_SETTINGS, { questions: ['a', 'b'], autoApprove: [{ answer: { question: 2, equals: 'x' } }] });
    expect(() => readSettings(s, { questions: ['a'] })).toThrow(SettingsError);
  });
});
