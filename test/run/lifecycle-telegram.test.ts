// Lead groups on Telegram (lifecycle, issue 9), against the local Bot API server: the close revokes
// the links the bot made (revokeChatInviteLink), posts the goodbye, and — a bot cannot delete a
// Telegram group — gives the owner the task to disband it while Chorus archives the group. A run
// that creates its group gives a person the task ("create the group, add @bot as admin"); when the
// bot is added to a group of that name, the run's waiting rows are bound to it and go on there.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEvent } from '../../src/community/ingest.ts';
import { updateGroup } from '../../src/community/groups.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { bindCreatedGroup } from '../../src/run/bind-group.ts';
import { startRun } from '../../src/run/runs.ts';
import { sql } from '../../src/store/db.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { type TelegramWorld, telegramWorld } from '../support/telegram-world.ts';
import { eventually } from '../support/world.ts';

const SHEET = `sop: lead-tg
title: Free lesson group
community: lead
timezone: UTC
anchor: Lesson
steps:
  - id: create
    at: T-1h
    do: create_group
    name: "Free lesson {{ group.index }}"
  - id: open
    at: T-50m
    do: invite
  - id: hello
    at: T-40m
    do: post
    text: Welcome to {{ group.name }}!
`;

describe(`lead groups on Telegram (local Bot API server, ${engine})`, () => {
  let store: TestStore;
  let api: TelegramBotApi;
  let t: TelegramWorld;
  let worker: Worker;
  const rows = async (runId: string) =>
    (await store.db.selectFrom('ledger').selectAll().where('run_id', '=', runId).orderBy('due_at').execute()).map((r) => ({
      ...r,
      content: (typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as Record<string, unknown>,
    }));
  const row = async (runId: string, step: string) => (await rows(runId)).find((r) => r.step_id === step);
  const advance = (runId: string, minutes: number) =>
    sql`UPDATE ledger SET due_at = due_at - make_interval(mins => ${minutes}) WHERE run_id = ${runId} AND state = 'planned'`.execute(store.db);

  beforeAll(async () => {
    store = await testStore();
    api = await startTelegramBotApi();
    t = await telegramWorld(store.db, api, 1);
    await updateGroup(store.db, t.groups[0], { leader: 'lin' });
    const connector = await t.connectors.get(t.channelId);
    await connector.start?.((id, e) => ingestEvent({ db: store.db, wake: () => worker.wake() }, id, e).then(() => undefined));
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

  it('closes with the links revoked through the Bot API, the goodbye, a disband task, and the group archived', async () => {
    const [groupId] = t.groups;
    const chat = t.chatOf.get(groupId)!;
    const run = await startRun(t.ctx, { sheet: SHEET, groups: `id:${groupId}`, anchor: new Date(Date.now() + 30 * 60_000).toISOString() });
    await eventually(async () => (await row(run.id, 'hello'))?.state === 'sent' && (await row(run.id, 'open'))?.state === 'sent', 15_000, 'the invite link and the welcome post');
    // The group exists already: nothing to create.
    expect(await row(run.id, 'create')).toBeUndefined();
    const link = api.chat(chat)!.inviteLinks[0];
    expect(link).toMatchObject({ is_revoked: false });

    await advance(run.id, 23 * 60 + 29);
    await eventually(async () => (await row(run.id, 'lifecycle:goodbye'))?.state === 'sent', 15_000, 'the goodbye');
    expect((await row(run.id, 'lifecycle:revoke'))?.state).toBe('sent');
    expect(api.calls('revokeChatInviteLink')).toHaveLength(1);
    expect(api.chat(chat)!.inviteLinks[0]).toMatchObject({ invite_link: link.invite_link, is_revoked: true });
    expect(api.sentTexts(chat).at(-1)).toBe('This group closes now, as planned. Thank you all for taking part in "Camp 1"!');

    await advance(run.id, 5);
    await eventually(async () => (await row(run.id, 'lifecycle:archive'))?.state === 'sent', 15_000, 'the archive');
    const disband = (await row(run.id, 'lifecycle:disband'))!;
    expect(disband).toMatchObject({ mode: 'human', state: 'assigned', assignee: 'lin', executor: 'owner' });
    expect(disband.content.text).toMatch(/^The group "Camp 1" has reached the end of its life\. A bot cannot delete a Telegram group/);
    const group = await store.db.selectFrom('groups').select(['status', 'invite_link']).where('id', '=', groupId).executeTakeFirstOrThrow();
    expect(group).toEqual({ status: 'archived', invite_link: null });
  }, 60_000);

  it('gives a person the create_group task and carries on in the group the bot is added to', async () => {
    const run = await startRun(t.ctx, { sheet: SHEET.replace('lead-tg', 'lead-tg-new'), create: { channel: t.channelId, count: 1, leader: 'lin' }, anchor: new Date(Date.now() + 20 * 60_000).toISOString() });
    const create = (await row(run.id, 'create'))!;
    expect(create).toMatchObject({ mode: 'human', state: 'assigned', assignee: 'lin' });
    expect(create.content.text).toBe('Create a Telegram group named "Free lesson 1" and add @chorus_test_bot to it as an administrator. As soon as the bot is in the group, Chorus takes it over and the run carries on there.');
    // The rows already due wait for the group.
    await new Promise((r) => setTimeout(r, 400));
    expect((await row(run.id, 'hello'))?.state).toBe('planned');

    const chat = await api.addBotToChat('Free lesson 1', 777);
    await eventually(async () => (await row(run.id, 'hello'))?.state === 'sent' && (await row(run.id, 'open'))?.state === 'sent', 15_000, 'the invite link and the welcome post in the new group');
    expect(api.sentTexts(chat)).toContain('Welcome to Free lesson 1!');
    const group = await store.db.selectFrom('groups').select(['id', 'external_id', 'status']).where('id', '=', create.group_id).executeTakeFirstOrThrow();
    expect(group).toEqual({ id: create.group_id, external_id: String(chat), status: 'active' });
    // Done by the person who created the group (40 minutes after it was due, its window 30: late).
    expect((await row(run.id, 'create'))?.state).toBe('done_late');
    expect((await row(run.id, 'open'))?.state).toBe('sent');
  }, 60_000);

  it('binds the task to a group of another name when a person picks it', async () => {
    const run = await startRun(t.ctx, { sheet: SHEET.replace('lead-tg', 'lead-tg-pick'), create: { channel: t.channelId, count: 1, leader: 'lin' }, anchor: new Date(Date.now() + 30 * 60_000).toISOString() });
    const create = (await row(run.id, 'create'))!;
    const chat = await api.addBotToChat('Lesson chat (renamed)', 778);
    await eventually(async () => !!(await store.db.selectFrom('groups').select('id').where('external_id', '=', String(chat)).executeTakeFirst()), 10_000, 'the group seen');
    expect((await row(run.id, 'hello'))?.state).toBe('planned');
    await expect(bindCreatedGroup(store.db, Number(create.id), 'no-such-chat', { actor: 'lin' })).rejects.toMatchObject({ code: 'unknown_group' });
    const bound = await bindCreatedGroup(store.db, Number(create.id), String(chat), { actor: 'lin' });
    worker.wake();
    await eventually(async () => (await row(run.id, 'hello'))?.state === 'sent', 15_000, 'the welcome post in the picked group');
    expect(api.sentTexts(chat)).toContain('Welcome to Free lesson 1!');
    expect((await row(run.id, 'hello'))?.group_id).toBe(bound.group);
    expect(await store.db.selectFrom('groups').select(['status', 'community']).where('id', 'in', [create.group_id, bound.group]).orderBy('status').execute()).toEqual([
      { status: 'active', community: 'lead' },
      { status: 'merged', community: 'lead' },
    ]);
    await expect(bindCreatedGroup(store.db, Number(create.id), String(chat), { actor: 'lin' })).rejects.toMatchObject({ code: 'wrong_state' });
  }, 60_000);
});
