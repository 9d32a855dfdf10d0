// Moderation and keyword alerts end to end against the local Telegram Bot API server: messages
// come in through the connector's polling and the real ingest, the judgement's rows go through
// the ledger and the dispatcher — deleteMessage, the warning in the group, restrictChatMember for
// the mute, banChatMember for the removal — and the undo lifts them. Staff are never judged; a
// keyword alert notifies once per message and writes to the command-center group.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../src/channels/port.ts';
import { createIngest } from '../../src/community/ingest.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { type Caller, withToken } from '../server/accounts-world.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { type TelegramWorld, telegramWorld } from '../support/telegram-world.ts';
import { eventually, TEST_KEY } from '../support/world.ts';

describe(`moderation on Telegram (${engine})`, () => {
  let store: TestStore;
  let api: TelegramBotApi;
  let world: TelegramWorld;
  let app: FastifyInstance;
  let worker: Worker;
  let connector: Connector;
  let admin: Caller;

  const memberOf = async (userId: number) =>
    (await store.db.selectFrom('member_identities').select('member_id').where('channel_id', '=', world.channelId).where('external_id', '=', String(userId)).executeTakeFirst())?.member_id;
  const log = async () => (await admin.call('GET', '/api/moderation/log')).json().log as Record<string, unknown>[];
  const joinAndWait = async (chat: number, user: { id: number; first_name: string }) => {
    await api.join(chat, user);
    await eventually(async () => !!(await memberOf(user.id)), 15_000, `${user.first_name}'s join`);
  };
  const say = async (chat: number, user: number, text: string) => (await api.say(chat, user, text)) as unknown as { messageId: number };
  const texts = (chat: number) => api.sentTexts(chat);

  beforeAll(async () => {
    store = await testStore();
    api = await startTelegramBotApi();
    // Pacing kept short: the test is about what is done, not when.
    world = await telegramWorld(store.db, api, 3, { pacing: { minIntervalMs: 50, jitterMs: 0 } });
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-moderation-'));
    app = await buildApp({ store, dataDir, consoleDir: false, box: secretBox(TEST_KEY), connectors: world.connectors });
    admin = withToken(app, await ensureAdminToken(store.db, dataDir));
    worker = new Worker({ db: store.db, connectors: world.connectors, pollMs: 50, heartbeatMs: 200 });
    await worker.start();
    connector = await world.connectors.get(world.channelId);
    await connector.start!(createIngest({ db: store.db }));
    await eventually(async () => api.calls('getUpdates').length > 0, 10_000, 'the first poll');
  }, 120_000);
  afterAll(async () => {
    await connector?.stop?.();
    await worker?.stop();
    await app?.close();
    await api?.close();
    await store?.drop();
  });

  it('refuses wrong settings naming the field', async () => {
    const r = await admin.call('PUT', '/api/moderation', { groups: `id:${world.groups[0]}`, settings: { warn: 0, links: 'maybe' } });
    expect(r.statusCode).toBe(400);
    const fields = (r.json().error.problems as { field: string }[]).map((p) => p.field).sort();
    expect(fields).toEqual(['links', 'warn']);
  });

  it('deletes a contact-hunting message and warns; the last warning mutes; undo unmutes', async () => {
    const chat = world.chats[0];
    const set = await admin.call('PUT', '/api/moderation', { groups: `id:${world.groups[0]}`, settings: { warn: 2, after: 'mute', newMemberHours: 0 } });
    expect(set.statusCode).toBe(200);
    expect(set.json().scopes).toMatchObject([{ scope: `group:${world.groups[0]}`, groups: [world.groups[0]], settings: { warn: 2, after: 'mute', contacts: 'block' } }]);
    const user = { id: 601, first_name: 'Spammy' };
    await joinAndWait(chat, user);

    const first = await say(chat, user.id, '有需要的加我微信 abc_12345');
    await eventually(async () => api.deletedMessages(chat).some((d) => d.message_id === first.messageId), 15_000, 'deleteMessage');
    await eventually(async () => texts(chat).some((t) => t.includes('warning 1 of 2')), 15_000, 'the first warning');
    expect(texts(chat).find((t) => t.includes('warning 1 of 2'))).toBe("Spammy: Please don't post contact details in this group (warning 1 of 2).");
    await say(chat, user.id, 'hello everyone'); // fine
    await say(chat, user.id, 'call me 138 0013 8000');
    await eventually(async () => texts(chat).some((t) => t.includes('warning 2 of 2; next time you will be muted')), 15_000, 'the last warning');
    await say(chat, user.id, 'wx: abc_12345');
    await eventually(async () => api.restriction(chat, user.id) !== undefined, 15_000, 'restrictChatMember');
    expect(api.restriction(chat, user.id)!.permissions.can_send_messages).toBe(false);
    expect(api.restriction(chat, user.id)!.until_date).toBeGreaterThan(Date.now() / 1000 + 23 * 3600);
    expect(api.memberStatus(chat, user.id)).toBe('restricted');
    await eventually(async () => texts(chat).some((t) => t === 'Spammy was muted after 2 warnings (contact details).'), 15_000, 'the group told');
    expect(api.deletedMessages(chat)).toHaveLength(3);

    const entries = (await log()).filter((l) => l.group === world.groups[0]);
    expect(entries.map((l) => l.action)).toEqual(['mute', 'warn', 'warn']);
    expect(entries.every((l) => l.rule === 'contact' && l.deleted === true)).toBe(true);
    const csv = (await admin.call('GET', `/api/moderation/log?group=${world.groups[0]}&format=csv&lang=zh`)).body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(csv[0]).toBe('时间,群,成员,规则,处理,消息,命中内容,消息已删除,撤销时间,撤销人');
    expect(csv.slice(1).map((l) => l.split(',').slice(1, 5).join(','))).toEqual(['Camp 1,Spammy,发联系方式,已禁言', 'Camp 1,Spammy,发联系方式,已提醒', 'Camp 1,Spammy,发联系方式,已提醒']);

    const undo = await admin.call('POST', `/api/moderation/log/${entries[0].id}/undo`, {});
    expect(undo.statusCode).toBe(200);
    expect(undo.json()).toMatchObject({ undo: 'unmute', note: { key: 'moderation.undo.deletedStays' } });
    await eventually(async () => api.restriction(chat, user.id) === undefined, 15_000, 'the mute lifted');
    expect(api.memberStatus(chat, user.id)).toBe('member');
    expect((await admin.call('POST', `/api/moderation/log/${entries[0].id}/undo`, {})).statusCode).toBe(409);
  }, 90_000);

  it('never judges staff', async () => {
    const chat = world.chats[0];
    const user = { id: 602, first_name: 'Coach' };
    await joinAndWait(chat, user);
    await store.db.updateTable('members').set({ tags: ['staff'] }).where('id', '=', (await memberOf(user.id))!).execute();
    const before = (await log()).length;
    const m = await say(chat, user.id, '报名请加我微信 coach_2024');
    await say(chat, 602, 'marker after staff');
    await eventually(async () => !!(await store.db.selectFrom('messages').select('id').where('text', '=', 'marker after staff').executeTakeFirst()), 15_000, 'the messages stored');
    expect((await log()).length).toBe(before);
    expect(api.deletedMessages(chat).some((d) => d.message_id === m.messageId)).toBe(false);
  }, 60_000);

  it('removes with a ban after the warnings, and the undo unbans', async () => {
    const chat = world.chats[1];
    await admin.call('PUT', '/api/moderation', { groups: `id:${world.groups[1]}`, settings: { warn: 1, after: 'remove', words: ['代购'], newMemberHours: 0 } });
    const user = { id: 603, first_name: 'Seller' };
    await joinAndWait(chat, user);
    await say(chat, user.id, '专业代 购，欢迎咨询');
    await eventually(async () => texts(chat).some((t) => t.includes('warning 1 of 1; next time you will be removed')), 15_000, 'the warning');
    await say(chat, user.id, '代购代购');
    await eventually(async () => api.memberStatus(chat, user.id) === 'kicked', 15_000, 'banChatMember');
    expect(api.calls('banChatMember').length).toBeGreaterThanOrEqual(1);
    const removal = (await log()).find((l) => l.group === world.groups[1] && l.action === 'remove')!;
    expect(removal).toMatchObject({ rule: 'word', undoable: true });
    expect((await admin.call('POST', `/api/moderation/log/${removal.id}/undo`, {})).json()).toMatchObject({ undo: 'unban' });
    await eventually(async () => api.memberStatus(chat, user.id) === 'left', 15_000, 'unbanChatMember');
  }, 60_000);

  it('a keyword alert notifies the operators once per message and writes to the command-center group', async () => {
    const chat = world.chats[2];
    const add = await admin.call('POST', '/api/alerts', { keyword: 'ＲＥＦＵＮＤ', groups: `id:${world.groups[2]}` });
    expect(add.statusCode).toBe(201);
    expect((await admin.call('PUT', '/api/alerts/settings', { commandCenter: world.groups[0] })).json()).toEqual({ commandCenter: world.groups[0] });
    const user = { id: 604, first_name: 'Angry' };
    await joinAndWait(chat, user);
    const m = await say(chat, user.id, 'I want a Refund right now');
    // The same update delivered twice (a retry) is one message, one alert.
    await api.inject({ message: { message_id: m.messageId, from: { id: user.id, is_bot: false, first_name: 'Angry' }, chat: { id: chat, type: 'supergroup', title: 'Camp 3' }, date: Math.floor(Date.now() / 1000), text: 'I want a Refund right now' } });
    await say(chat, user.id, 'nothing to see here');
    await eventually(async () => texts(world.chats[0]).some((t) => t.includes('Keyword "ＲＥＦＵＮＤ" in Camp 3')), 15_000, 'the command-center message');
    const notes = await store.db.selectFrom('notifications').select(['message', 'recipient']).where('kind', '=', 'alert').execute();
    expect(notes).toHaveLength(1);
    expect(notes[0].message).toContain('I want a Refund right now');
    expect(notes[0].message).toContain(`/insight/alerts?group=${world.groups[2]}`);
    const list = (await admin.call('GET', '/api/alerts')).json();
    expect(list.alerts).toMatchObject([{ keyword: 'ＲＥＦＵＮＤ', hits: 1 }]);
    expect((await admin.call('GET', '/api/alerts/hits')).json().hits).toMatchObject([{ keyword: 'ＲＥＦＵＮＤ', text: 'I want a Refund right now', group: world.groups[2] }]);
    const hits = (await admin.call('GET', '/api/alerts/hits?format=csv')).body.trim().split('\r\n');
    expect(hits).toHaveLength(2);
    expect(hits[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d,ＲＥＦＵＮＤ,Camp 3,Angry,I want a Refund right now$/);
  }, 60_000);
});
