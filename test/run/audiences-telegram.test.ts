// Audiences on Telegram, end to end against the local Bot API server: the bot writes privately
// only to people who pressed Start; the others are tasks for the leader with a start link; the
// person taps it (`/start <token>`), the connector reports it, ingest links the identity, and the
// next message goes from the bot. A `move` sends a one-use invite link privately.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEvent } from '../../src/community/ingest.ts';
import { updateGroup } from '../../src/community/groups.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { startRun } from '../../src/run/runs.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { addMembers } from '../support/members.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { type TelegramWorld, telegramWorld } from '../support/telegram-world.ts';
import { eventually } from '../support/world.ts';

const sheet = (steps: string) => `sop: tg-aud
title: Telegram audiences
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
${steps}`;

describe(`audiences on Telegram (local Bot API server, ${engine})`, () => {
  let store: TestStore;
  let api: TelegramBotApi;
  let t: TelegramWorld;
  let worker: Worker;
  let ann: string;
  let bo: string;
  const content = async (runId: string, memberId: string) => {
    const r = await store.db.selectFrom('ledger').selectAll().where('run_id', '=', runId).where('member_id', '=', memberId).executeTakeFirst();
    return r ? { ...r, content: (typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as Record<string, string> } : undefined;
  };

  beforeAll(async () => {
    store = await testStore();
    api = await startTelegramBotApi();
    t = await telegramWorld(store.db, api, 2);
    await updateGroup(store.db, t.groups[0], { leader: 'lin' });
    [ann, bo] = await addMembers(store.db, t.channelId, t.groups[0], [
      { externalId: '501', name: 'Ann', username: 'ann_tg', dmChatId: '501' },
      { externalId: '502', name: 'Bo', username: 'bo_tg' },
    ]);
    api.startPrivateChat(501);
    const connector = await t.connectors.get(t.channelId);
    await connector.start?.((id, e) => ingestEvent({ db: store.db }, id, e).then(() => undefined));
    worker = new Worker({ db: store.db, connectors: t.connectors, pollMs: 50, heartbeatMs: 200 });
    t.ctx.wake = () => worker.wake();
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await (await t.connectors.get(t.channelId)).stop?.();
    await api.close();
    await store.drop();
  });

  it('writes to who started the bot; the others are tasks naming them, with a start link', async () => {
    const run = await startRun(t.ctx, {
      sheet: sheet(`  - id: hello
    at: T0
    do: notify
    to: members
    text: "Hi {{ member.name }}, class starts at 8."
`),
      groups: `id:${t.groups[0]}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await eventually(async () => (await content(run.id, ann))?.state === 'sent', 10_000, 'the DM to Ann');
    expect(api.sentTexts(501)).toEqual(['Hi Ann, class starts at 8.']);
    const task = (await content(run.id, bo))!;
    expect(task).toMatchObject({ mode: 'human', state: 'assigned', assignee: 'lin' });
    expect(task.content.text).toBe('Hi Bo, class starts at 8.');
    expect(task.content.instruction).toMatch(/^Write privately to Bo \(@bo_tg\) of “Camp 1”: send the message below\. The bot cannot write to them yet: send them this link once — https:\/\/t\.me\/chorus_test_bot\?start=[A-Za-z0-9_-]{16} — after they tap Start/);
    const link = task.content.startLink;
    const token = /start=([A-Za-z0-9_-]+)$/.exec(link)![1];
    expect(token.length).toBeLessThanOrEqual(64);

    // Bo taps the link: Telegram sends "/start <token>"; the identity is linked.
    await api.pressStart({ id: 502, first_name: 'Bo', username: 'bo_tg' }, token);
    await eventually(async () => {
      const i = await store.db.selectFrom('member_identities').select('dm_chat_id').where('channel_id', '=', t.channelId).where('external_id', '=', '502').executeTakeFirst();
      return i?.dm_chat_id === '502';
    }, 10_000, 'the identity linked');
    const linked = await store.db.selectFrom('member_events').select(['kind', 'detail']).where('member_id', '=', bo).where('kind', '=', 'dm_linked').execute();
    expect(linked).toHaveLength(1);

    // The next message to Bo goes from the bot.
    const next = await startRun(t.ctx, {
      sheet: sheet(`  - id: again
    at: T0
    do: direct_message
    to: members
    text: "{{ member.name }}, see you tonight."
`),
      groups: `id:${t.groups[0]}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await eventually(async () => (await content(next.id, bo))?.state === 'sent', 10_000, 'the DM to Bo');
    expect(api.sentTexts(502)).toEqual(['Bo, see you tonight.']);
  });

  it('a start link for someone Chorus has not seen on Telegram yet links them to their member', async () => {
    // Cy was imported (no Telegram identity); a token made for Cy links the Telegram user who taps it.
    await store.db.insertInto('members').values({ id: 'mem_cy', name: 'Cy' }).execute();
    await store.db.insertInto('dm_start_tokens').values({ token: 'cyToken_123', channel_id: t.channelId, member_id: 'mem_cy' }).execute();
    await api.pressStart({ id: 503, first_name: 'Cy' }, 'cyToken_123');
    await eventually(async () => !!(await store.db.selectFrom('member_identities').select('member_id').where('external_id', '=', '503').where('member_id', '=', 'mem_cy').executeTakeFirst()), 10_000, 'Cy linked');
    const tok = await store.db.selectFrom('dm_start_tokens').select('used_at').where('token', '=', 'cyToken_123').executeTakeFirstOrThrow();
    expect(tok.used_at).not.toBeNull();
  });

  it('move: a one-use invite link into the other group, sent privately', async () => {
    const run = await startRun(t.ctx, {
      sheet: sheet(`  - id: regroup
    at: T0
    do: move
    into: "Camp 2"
`),
      groups: `id:${t.groups[0]}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await eventually(async () => (await content(run.id, ann))?.state === 'sent', 10_000, 'the invitation to Ann');
    const links = api.chat(t.chats[1])?.inviteLinks ?? [];
    expect(links.some((l: { member_limit?: number }) => l.member_limit === 1)).toBe(true);
    const dm = api.sentTexts(501).at(-1)!;
    expect(dm).toMatch(/^Hi Ann, you are invited to join “Camp 2”\. This link is for you only:\nhttps:\/\/t\.me\/\+/);
  });

  it("a member's own private message (on: member_join) to someone who never pressed Start is the leader's task, with the start link", async () => {
    const run = await startRun(t.ctx, {
      sheet: sheet(`  - id: hi
    on: member_join
    after: 10m
    do: direct_message
    text: "Welcome, {{ member.name }}!"
`),
      groups: `id:${t.groups[0]}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await api.join(t.chats[0], { id: 504, first_name: 'Dee', username: 'dee_tg' });
    await eventually(async () => !!(await store.db.selectFrom('ledger').select('id').where('run_id', '=', run.id).executeTakeFirst()), 10_000, 'the join planned');
    await store.db.updateTable('ledger').set({ due_at: new Date(Date.now() - 1000) }).where('run_id', '=', run.id).execute();
    worker.wake();
    await eventually(async () => (await store.db.selectFrom('ledger').select('state').where('run_id', '=', run.id).executeTakeFirst())?.state === 'assigned', 10_000, 'the task');
    const row = await store.db.selectFrom('ledger').selectAll().where('run_id', '=', run.id).executeTakeFirstOrThrow();
    const c = (typeof row.content === 'string' ? JSON.parse(row.content) : row.content) as Record<string, string>;
    expect(row).toMatchObject({ mode: 'human', assignee: 'lin' });
    expect(c.text).toBe('Welcome, Dee!');
    expect(c.instruction).toMatch(/^Write privately to Dee \(504\) of “Camp 1”.*https:\/\/t\.me\/chorus_test_bot\?start=/);
    expect(api.sentTexts(504)).toEqual([]);
  });

  it('a member with two Telegram accounts gets one message, on the account that started the bot', async () => {
    // Eve used 601 first, then started the bot from 602; an operator merged the two.
    const [eve] = await addMembers(store.db, t.channelId, t.groups[1], [{ externalId: '601', name: 'Eve' }]);
    await store.db.insertInto('member_identities').values({ member_id: eve, channel_id: t.channelId, external_id: '602', name: 'Eve', dm_chat_id: '602', dm_ready_at: new Date() }).execute();
    api.startPrivateChat(602);
    const run = await startRun(t.ctx, {
      sheet: sheet(`  - id: hello
    at: T0
    do: notify
    to: members
    text: "Hi {{ member.name }}, see you tonight."
`),
      groups: `id:${t.groups[1]}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await eventually(async () => (await content(run.id, eve))?.state === 'sent', 10_000, 'the DM to Eve');
    const mine = await store.db.selectFrom('ledger').select('member_id').where('run_id', '=', run.id).where('member_id', '=', eve).execute();
    expect(mine).toHaveLength(1);
    expect(api.sentTexts(602)).toEqual(['Hi Eve, see you tonight.']);
    expect(api.sentTexts(601)).toEqual([]);
  });
});
