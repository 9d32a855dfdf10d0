// The pure parts of audiences: who sends one member's row, what a person is told, the `unless:`
// words and their lint rule, and `/start <token>` from Telegram.

import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { normalizeUpdate } from '../../src/channels/telegram/normalize.ts';
import { SANDBOX_CAPABILITIES } from '../../src/channels/sandbox/index.ts';
import { TELEGRAM_CAPABILITIES } from '../../src/channels/telegram/index.ts';
import { WECHATY_CAPABILITIES } from '../../src/channels/wechaty/index.ts';
import { WECOM_CAPABILITIES } from '../../src/channels/wecom/index.ts';
import { MANUAL_CAPABILITIES } from '../../src/channels/manual/index.ts';
import { botUsername, startLink } from '../../src/community/start-links.ts';
import { audienceOf, isAudienceStep } from '../../src/run/expand.ts';
import { memberLabel, messageDelivery, moveDelivery } from '../../src/run/member-delivery.ts';
import { memberTaskInstruction } from '../../src/run/member-task.ts';
import { unlessProblem } from '../../src/sop/unless.ts';
import { lineOf, lint, sheet } from '../lint/support.ts';

const id = { externalId: '502', username: 'bo_tg' };

describe('who sends one member’s row', () => {
  it('Telegram only after the person pressed Start; WeCom and Wechaty always; manual never', () => {
    expect(messageDelivery({ kind: 'telegram', caps: TELEGRAM_CAPABILITIES, executor: 'bot', identity: id })).toEqual({ mode: 'human', why: 'not_started' });
    expect(messageDelivery({ kind: 'telegram', caps: TELEGRAM_CAPABILITIES, executor: 'bot', identity: { ...id, dmChatId: '502' } })).toEqual({ mode: 'bot', userId: '502' });
    expect(messageDelivery({ kind: 'wecom', caps: WECOM_CAPABILITIES, executor: 'bot', identity: { externalId: 'wmX' } })).toEqual({ mode: 'bot', userId: 'wmX' });
    expect(messageDelivery({ kind: 'wechaty', caps: WECHATY_CAPABILITIES, executor: 'bot', identity: { externalId: 'wxid_a' } })).toEqual({ mode: 'bot', userId: 'wxid_a' });
    expect(messageDelivery({ kind: 'manual', caps: MANUAL_CAPABILITIES, executor: 'bot', identity: id })).toEqual({ mode: 'human', why: 'no_api' });
    expect(messageDelivery({ kind: 'sandbox', caps: SANDBOX_CAPABILITIES, executor: 'bot' })).toEqual({ mode: 'human', why: 'no_identity' });
    expect(messageDelivery({ kind: 'sandbox', caps: SANDBOX_CAPABILITIES, executor: 'leader', identity: id })).toEqual({ mode: 'human', why: 'by_person' });
  });

  it('moves: Telegram a private invite link, Wechaty room.add, WeCom a person', () => {
    expect(moveDelivery({ kind: 'telegram', caps: TELEGRAM_CAPABILITIES, executor: 'bot', identity: { ...id, dmChatId: '502' } })).toEqual({ mode: 'bot', userId: '502' });
    expect(moveDelivery({ kind: 'telegram', caps: TELEGRAM_CAPABILITIES, executor: 'bot', identity: id })).toEqual({ mode: 'human', why: 'not_started' });
    expect(moveDelivery({ kind: 'wechaty', caps: WECHATY_CAPABILITIES, executor: 'bot', identity: { externalId: 'wxid_a' } })).toMatchObject({ mode: WECHATY_CAPABILITIES.add_member === 'auto' ? 'bot' : 'human' });
    expect(moveDelivery({ kind: 'wecom', caps: WECOM_CAPABILITIES, executor: 'bot', identity: { externalId: 'wmX' } })).toEqual({ mode: 'human', why: 'no_api' });
  });

  it('names the member with their handle, and words the task in the text’s language', () => {
    expect(memberLabel('Bo', id, 'telegram')).toBe('Bo (@bo_tg)');
    expect(memberLabel('安妮', { externalId: 'wmAnn' }, 'wecom')).toBe('安妮 (wmAnn)');
    const link = startLink('chorus_bot', 'AbC_123-xyz');
    expect(link).toBe('https://t.me/chorus_bot?start=AbC_123-xyz');
    expect(memberTaskInstruction({ action: 'notify', who: 'Bo (@bo_tg)', groupName: 'Camp 1', text: 'Hi', startLink: link })).toBe(
      'Write privately to Bo (@bo_tg) of “Camp 1”: send the message below. The bot cannot write to them yet: send them this link once — https://t.me/chorus_bot?start=AbC_123-xyz — after they tap Start, the bot writes to them itself.',
    );
    expect(memberTaskInstruction({ action: 'move', who: '安妮', groupName: '一群', text: '', into: { name: '二群', link: 'https://t.me/+x' } })).toBe('请邀请「一群」的 安妮 加入「二群」。 群邀请链接：https://t.me/+x');
    expect(botUsername('@chorus_test_bot')).toBe('chorus_test_bot');
    expect(botUsername('Camp bot (12345)')).toBeUndefined();
  });

  it('which steps expand, and their audience', () => {
    const when = { kind: 'day', day: 0, minute: 0 } as const;
    expect(isAudienceStep({ do: 'notify', when })).toBe(true);
    expect(isAudienceStep({ do: 'survey', when })).toBe(true);
    expect(isAudienceStep({ do: 'post', when })).toBe(false);
    expect(isAudienceStep({ do: 'remind', when: { kind: 'event', event: 'member_join', after: { kind: 'duration', minutes: 60 } } })).toBe(false);
    expect(audienceOf({ do: 'notify' })).toBe('members');
    expect(audienceOf({ do: 'move', to: 'enrolled', where: 'stage:customer' })).toBe('enrolled+stage:customer');
  });
});

describe('unless: words and the audience lint rule', () => {
  it('knows its words and any member selector', () => {
    for (const w of ['checked_in_today', 'checked_in', 'answered_survey', 'spoke_today', 'invited', 'clicked', 'customer', 'tag:signed_up', '!stage:stranger+points>=3']) expect(unlessProblem(w), w).toBeUndefined();
    expect(unlessProblem('task_done')?.key).toBe('audiences.unlessUnknown');
    expect(unlessProblem('stage:buyer')?.key).toBe('audience.badStage');
  });

  it('a bad to:, where: or unless: is an error at its place', () => {
    const text = sheet(
      {},
      `  - id: a
    at: D0 10:00
    do: remind
    to: vips
    unless: task_done
    text: hi
  - id: b
    at: D0 11:00
    do: move
    where: "stage:buyer"
    into: g2
  - id: c
    at: D0 12:00
    do: notify
    to: "tag:vip+!stage:customer"
    unless: checked_in_today
    text: ok`,
    );
    const found = lint(text, 'audience');
    expect(found.map((f) => [f.line, f.column, f.severity])).toEqual([
      [lineOf(text, 'to: vips'), 9, 'error'],
      [lineOf(text, 'unless: task_done'), 13, 'error'],
      [lineOf(text, 'stage:buyer'), 12, 'error'],
    ]);
    expect(found[0].message).toMatch(/`to:` cannot be read: "vips" is not a member selector term/);
    expect(found[1].message).toMatch(/"task_done" is not an `unless:` word/);
  });
});

describe('Telegram /start', () => {
  const u = (message: Record<string, unknown>) => ({ update_id: 1, message }) as unknown as Update;
  const from = { id: 502, is_bot: false, first_name: 'Bo', username: 'bo_tg' };
  const chat = { id: 502, type: 'private', first_name: 'Bo' };
  it('/start <token> in private becomes private_started with the token; another command nothing, other words a private message', () => {
    expect(normalizeUpdate(u({ message_id: 1, from, chat, date: 1_700_000_000, text: '/start AbC_123' }))).toEqual([
      { type: 'private_started', chatId: '502', member: { externalId: '502', name: 'Bo' }, username: 'bo_tg', token: 'AbC_123', at: new Date(1_700_000_000_000) },
    ]);
    expect(normalizeUpdate(u({ message_id: 2, from, chat, date: 1_700_000_000, text: '/start' }))[0]).toMatchObject({ type: 'private_started', chatId: '502' });
    expect(normalizeUpdate(u({ message_id: 3, from, chat, date: 1_700_000_000, text: 'hello bot' }))).toEqual([
      { type: 'private_message', chatId: '502', messageId: '3', from: { externalId: '502', name: 'Bo' }, text: 'hello bot', at: new Date(1_700_000_000_000) },
    ]);
    expect(normalizeUpdate(u({ message_id: 4, from, chat, date: 1_700_000_000, text: '/start bad token!' }))).toEqual([]);
  });
});
