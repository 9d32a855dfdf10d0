// When a lead group closes and what its close is made of, per platform (pure: src/sop/lifecycle.ts,
// src/run/lifecycle.ts withClose).

import { describe, expect, it } from 'vitest';
import { SANDBOX_CAPABILITIES } from '../../src/channels/sandbox/index.ts';
import { TELEGRAM_CAPABILITIES } from '../../src/channels/telegram/index.ts';
import { WECHATY_CAPABILITIES } from '../../src/channels/wechaty/index.ts';
import { sheetLanguage, withClose } from '../../src/run/lifecycle.ts';
import type { NewLedgerRow } from '../../src/run/ledger.ts';
import { closePlan } from '../../src/sop/lifecycle.ts';
import { parseSheet } from '../../src/sop/parse.ts';

const H = 3_600_000;
const row = (stepId: string, action: string, dueMs: number, mode: 'bot' | 'human' = 'bot'): NewLedgerRow => ({
  groupId: 'g1',
  stepId,
  occurrence: 1,
  action,
  mode,
  executor: mode === 'bot' ? 'bot' : 'owner',
  assignee: null,
  senderAccount: mode === 'bot' ? 'ch' : null,
  dueAt: new Date(dueMs),
  windowMinutes: 30,
  content: { text: '' },
});
const sheet = (title: string, community = 'lead') =>
  parseSheet(`sop: s\ntitle: ${title}\ncommunity: ${community}\ntimezone: UTC\nanchor: A\nsteps:\n  - id: a\n    at: T0\n    do: post\n    text: ${title}\n`).sheet;
const group = { id: 'g1', name: 'Lead 1', channelId: 'ch', leader: 'lin', attrs: {} };

describe('closePlan', () => {
  it('closes a lead group 24 h after its creation, or at its first disband', () => {
    expect(closePlan('lead', [{ step: 'p', action: 'post', dueMs: 0 }, { step: 'c', action: 'create_group', dueMs: H }])).toEqual({ startsAt: H, closesAt: 25 * H });
    expect(closePlan('lead', [{ step: 'p', action: 'post', dueMs: 2 * H }])).toEqual({ startsAt: 2 * H, closesAt: 26 * H });
    expect(closePlan('lead', [{ step: 'c', action: 'create_group', dueMs: 0 }, { step: 'd2', action: 'disband', dueMs: 40 * H }, { step: 'd1', action: 'disband', dueMs: 30 * H }])).toEqual({ startsAt: 0, closesAt: 30 * H, disbandStep: 'd1' });
  });
  it('leaves the other types alone', () => {
    expect(closePlan('training_camp', [{ step: 'p', action: 'post', dueMs: 0 }])).toBeUndefined();
  });
});

describe('withClose', () => {
  const planned = [row('c', 'create_group', 0), row('p', 'post', H)];
  it('on the sandbox: revoke, goodbye, then the bot disbands (no archive row: the disband archives)', () => {
    const r = withClose({ sheet: sheet('Lead'), group, kind: 'sandbox', caps: SANDBOX_CAPABILITIES, rows: planned, language: 'en' })!;
    expect(r.closesAt).toEqual(new Date(24 * H));
    expect(r.rows.slice(2).map((x) => [x.stepId, x.action, x.mode, x.dueAt.getTime() - 24 * H])).toEqual([
      ['lifecycle:revoke', 'revoke_invite_links', 'bot', -5 * 60_000],
      ['lifecycle:goodbye', 'post', 'bot', -2 * 60_000],
      ['lifecycle:disband', 'disband', 'bot', 0],
    ]);
  });
  it('on Telegram the disband is the owner’s task and Chorus archives; on WeChat nothing is revoked', () => {
    const tg = withClose({ sheet: sheet('Lead'), group, kind: 'telegram', caps: TELEGRAM_CAPABILITIES, rows: planned, language: 'en' })!;
    expect(tg.rows.slice(2).map((x) => [x.stepId, x.mode, x.assignee])).toEqual([
      ['lifecycle:revoke', 'bot', null],
      ['lifecycle:goodbye', 'bot', null],
      ['lifecycle:disband', 'human', 'lin'],
      ['lifecycle:archive', 'bot', null],
    ]);
    const wx = withClose({ sheet: sheet('Lead'), group, kind: 'wechaty', caps: WECHATY_CAPABILITIES, rows: planned, language: 'en' })!;
    expect(wx.rows.map((x) => x.stepId)).not.toContain('lifecycle:revoke');
  });
  it('uses the sheet’s own disband as the close, worded for its owner in the sheet’s language', () => {
    const zh = sheet('裂变引流群');
    expect(sheetLanguage(zh)).toBe('zh');
    const r = withClose({ sheet: zh, group, kind: 'telegram', caps: TELEGRAM_CAPABILITIES, rows: [...planned, row('close', 'disband', 30 * H, 'human')], language: sheetLanguage(zh) })!;
    expect(r.closesAt).toEqual(new Date(30 * H));
    expect(r.rows.find((x) => x.stepId === 'close')?.content.text).toBe('群「Lead 1」的生命周期已到。Telegram 机器人无法删除群：请在 Telegram 里打开该群并删除（群资料 → 编辑 → 删除群组）。');
    expect(r.rows.find((x) => x.stepId === 'lifecycle:goodbye')?.content.text).toBe('本群按计划就要解散啦，感谢大家参与「Lead 1」！');
    expect(r.rows.map((x) => x.stepId)).not.toContain('lifecycle:disband');
  });
});
