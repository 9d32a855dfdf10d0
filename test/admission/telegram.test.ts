// Admission end to end against the local Telegram Bot API server: a join request is asked the
// group's questions in private (user_chat_id), the answers come back as private messages, the
// reviewer approves on the API and approveChatJoinRequest lets the person in; an answer rule
// approves by itself; the blacklist bans everywhere the person is and declines their requests,
// and lifting it unbans; the rejoin policy undoes a comeback. Every platform call goes through
// the ledger and the dispatcher.

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
import { type Caller, makeUser, signIn, withToken } from '../server/accounts-world.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { type TelegramWorld, telegramWorld } from '../support/telegram-world.ts';
import { eventually, TEST_KEY } from '../support/world.ts';

describe(`admission on Telegram (${engine})`, () => {
  let store: TestStore;
  let api: TelegramBotApi;
  let world: TelegramWorld;
  let app: FastifyInstance;
  let worker: Worker;
  let connector: Connector;
  let admin: Caller;
  let ann: Caller;

  const admissions = async (who: Caller = admin) => (await who.call('GET', '/api/admissions')).json().admissions as Record<string, unknown>[];
  const memberOf = async (userId: number) =>
    (await store.db.selectFrom('member_identities').select('member_id').where('channel_id', '=', world.channelId).where('external_id', '=', String(userId)).executeTakeFirst())?.member_id;

  beforeAll(async () => {
    store = await testStore();
    api = await startTelegramBotApi();
    world = await telegramWorld(store.db, api, 3);
    await makeUser(store.db, 'ann', 'leader');
    await store.db.updateTable('groups').set({ leader: 'ann' }).where('id', '=', world.groups[0]).execute();
    await store.db.updateTable('groups').set({ leader: 'bob' }).where('id', '=', world.groups[1]).execute();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-admission-'));
    app = await buildApp({ store, dataDir, consoleDir: false, box: secretBox(TEST_KEY), connectors: world.connectors });
    admin = withToken(app, await ensureAdminToken(store.db, dataDir));
    ann = await signIn(app, 'ann');
    worker = new Worker({ db: store.db, connectors: world.connectors, pollMs: 50, heartbeatMs: 200 });
    await worker.start();
    connector = await world.connectors.get(world.channelId);
    await connector.start!(createIngest({ db: store.db }));
    // chat_member updates exist only once the poller asked for them (allowed_updates).
    await eventually(async () => api.calls('getUpdates').length > 0, 10_000, 'the first poll');
  }, 120_000);
  afterAll(async () => {
    await connector?.stop?.();
    await worker?.stop();
    await app?.close();
    await api?.close();
    await store?.drop();
  });

  it('asks the questions in private, takes the answers, and lets the person in when the reviewer approves', async () => {
    const settings = await admin.call('PATCH', `/api/groups/${world.groups[0]}/admission`, { questions: ['Where did you hear of us?', 'What do you hope to learn?'] });
    expect(settings.statusCode).toBe(200);
    const user = { id: 501, first_name: 'Lin' };
    await api.requestJoin(world.chats[0], user);
    await eventually(async () => api.sent(user.id).length === 1, 15_000, 'the first question in private');
    expect(api.sent(user.id)[0].text).toContain('1. Where did you hear of us?');
    const pending = (await admissions()).find((a) => a.name === 'Lin')!;
    expect(pending).toMatchObject({ source: 'join_request', state: 'pending', reviewer: 'ann', group: world.groups[0] });

    await api.sayPrivately(user.id, 'A friend');
    await eventually(async () => api.sent(user.id).length === 2, 15_000, 'the second question');
    expect(api.sent(user.id)[1].text).toBe('2. What do you hope to learn?');
    await api.sayPrivately(user.id, 'Marketing');
    await eventually(async () => api.sent(user.id).length === 3, 15_000, 'the thanks');

    // The reviewer (the group's leader) sees it with the answers, on the leader's own scope.
    const mine = (await admissions(ann)).find((a) => a.id === pending.id)!;
    expect(mine.answers).toEqual([
      { question: 'Where did you hear of us?', answer: 'A friend' },
      { question: 'What do you hope to learn?', answer: 'Marketing' },
    ]);
    expect((await ann.call('POST', `/api/admissions/${pending.id}/approve`, {})).statusCode).toBe(200);
    await eventually(async () => api.isMember(world.chats[0], user.id), 15_000, 'approveChatJoinRequest');
    expect(api.calls('approveChatJoinRequest')).toHaveLength(1);
    // The join arrives as a chat_member update (via the request) and becomes a membership.
    const member = await memberOf(user.id);
    await eventually(async () => !!(await store.db.selectFrom('memberships').select('id').where('member_id', '=', member!).where('group_id', '=', world.groups[0]).where('left_at', 'is', null).executeTakeFirst()), 15_000, 'the membership');
    expect((await admissions()).find((a) => a.id === pending.id)).toMatchObject({ state: 'approved', decidedBy: 'ann' });
    // Deciding twice is refused.
    expect((await admin.call('POST', `/api/admissions/${pending.id}/reject`, { reason: 'late' })).statusCode).toBe(409);
  }, 60_000);

  it('approves by itself when an answer matches a rule; a leader cannot see or decide other groups', async () => {
    await admin.call('PATCH', `/api/groups/${world.groups[1]}/admission`, { questions: ['Invitation code?'], autoApprove: [{ answer: { question: 1, equals: 'SPRING' } }] });
    const user = { id: 502, first_name: 'Mei' };
    await api.requestJoin(world.chats[1], user);
    await eventually(async () => api.sent(user.id).length === 1, 15_000, 'the question');
    const a = (await admissions()).find((x) => x.name === 'Mei')!;
    expect((await admissions(ann)).some((x) => x.id === a.id)).toBe(false);
    expect((await ann.call('POST', `/api/admissions/${a.id}/reject`, { reason: 'no' })).statusCode).toBe(404);
    await api.sayPrivately(user.id, ' spring ');
    await eventually(async () => api.isMember(world.chats[1], user.id), 15_000, 'approved by the rule');
    expect((await admissions()).find((x) => x.id === a.id)).toMatchObject({ state: 'approved', decidedBy: 'screening' });
  }, 60_000);

  it('rejects with a reason: the request is declined and the person told politely', async () => {
    const user = { id: 503, first_name: 'Tao' };
    await api.requestJoin(world.chats[2], user);
    await eventually(async () => (await admissions()).some((x) => x.name === 'Tao'), 15_000, 'the application');
    const a = (await admissions()).find((x) => x.name === 'Tao')!;
    expect((await admin.call('POST', `/api/admissions/${a.id}/reject`, {})).statusCode).toBe(400);
    expect((await admin.call('POST', `/api/admissions/${a.id}/reject`, { reason: 'not a student' })).statusCode).toBe(200);
    await eventually(async () => api.calls('declineChatJoinRequest').length === 1 && api.sent(user.id).length === 1, 15_000, 'declined and told');
    expect(api.sent(user.id)[0].text).toMatch(/cannot accept your request/);
    expect(api.sent(user.id)[0].text).not.toContain('not a student');
  }, 60_000);

  it('blacklists a member: banned in every group they are in, their request declined, unbanned when lifted', async () => {
    const user = { id: 504, first_name: 'Spam' };
    await api.join(world.chats[0], user);
    await api.join(world.chats[1], user);
    await eventually(async () => (await store.db.selectFrom('memberships').select('id').where('left_at', 'is', null).where('member_id', '=', (await memberOf(user.id)) ?? '').execute()).length === 2, 15_000, 'two memberships');
    const r = await admin.call('POST', '/api/blacklist', { member: `${world.channelId}:${user.id}`, reason: 'selling in the groups' });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ groups: 2 });
    await eventually(async () => api.memberStatus(world.chats[0], user.id) === 'kicked' && api.memberStatus(world.chats[1], user.id) === 'kicked', 15_000, 'banned twice');
    const member = (await memberOf(user.id))!;
    // The leave is recorded with Chorus's reason.
    await eventually(async () => (await store.db.selectFrom('member_events').select('detail').where('member_id', '=', member).where('kind', '=', 'leave').execute()).length === 2, 15_000, 'two leaves');
    const leaves = await store.db.selectFrom('member_events').select('detail').where('member_id', '=', member).where('kind', '=', 'leave').execute();
    for (const l of leaves) expect(l.detail).toMatchObject({ reason: 'removed', why: 'on the blacklist: selling in the groups' });
    const list = (await admin.call('GET', '/api/blacklist')).json().blacklist;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ member, reason: 'selling in the groups', identities: [{ channel: world.channelId, externalId: String(user.id) }] });
    expect((await store.db.selectFrom('notifications').select('message').where('kind', '=', 'admission').execute()).some((n) => n.message.includes('removing them from 2 group(s)'))).toBe(true);

    // Their join request elsewhere is declined at once.
    await api.requestJoin(world.chats[2], user);
    await eventually(async () => api.calls('declineChatJoinRequest').length === 2, 15_000, 'the request declined');
    expect((await admissions()).find((x) => x.member === member)).toMatchObject({ state: 'rejected', decidedBy: 'screening' });

    const off = await admin.call('DELETE', `/api/blacklist/${member}`);
    expect(off.json()).toMatchObject({ unbanned: 2 });
    await eventually(async () => api.memberStatus(world.chats[0], user.id) === 'left' && api.memberStatus(world.chats[1], user.id) === 'left', 15_000, 'unbanned');
    expect((await admin.call('GET', '/api/blacklist')).json().blacklist).toEqual([]);
    expect((await admin.call('POST', '/api/blacklist', { member: 'mem_nobody', reason: 'x' })).json().error).toMatchObject({ code: 'unknown_member', field: 'member' });
  }, 60_000);

  it('enforces the rejoin policy: never undoes a comeback after a voluntary leave', async () => {
    await admin.call('PATCH', `/api/groups/${world.groups[2]}/admission`, { rejoinPolicy: 'never' });
    const user = { id: 505, first_name: 'Wen' };
    await api.join(world.chats[2], user);
    const member = async () => (await memberOf(user.id)) ?? '';
    await eventually(async () => !!(await member()), 15_000, 'the member');
    await api.inject({
      chat_member: {
        chat: { id: world.chats[2], type: 'supergroup', title: 'Camp 3' },
        from: { id: user.id, is_bot: false, first_name: 'Wen' },
        date: Math.floor(Date.now() / 1000) + 1,
        old_chat_member: { user: { id: user.id, is_bot: false, first_name: 'Wen' }, status: 'member' },
        new_chat_member: { user: { id: user.id, is_bot: false, first_name: 'Wen' }, status: 'left' },
      },
    });
    await eventually(async () => (await store.db.selectFrom('memberships').select('left_reason').where('member_id', '=', await member()).where('left_reason', '=', 'voluntary').execute()).length === 1, 15_000, 'the leave');
    await new Promise((r) => setTimeout(r, 1100)); // a later second: the comeback is after the leave
    await api.join(world.chats[2], user);
    await eventually(async () => api.calls('unbanChatMember').length >= 3 && !api.isMember(world.chats[2], user.id), 15_000, 'removed again (ban, then unban)').catch(async (e) => {
      console.log(await store.db.selectFrom('ledger').select(['action', 'state', 'last_error', 'content']).where('run_id', 'like', 'pp_%').execute(), api.calls('banChatMember'), await store.db.selectFrom('memberships').selectAll().where('member_id', '=', await member()).execute());
      throw e;
    });
    expect(api.memberStatus(world.chats[2], user.id)).toBe('left');
  }, 60_000);
});
