// A lead run on the sandbox (lifecycle, issue 9): the run creates its group (a placeholder bound
// to the chat the bot's create_group made), runs there, and closes at the end of its lifespan —
// live-code seat released, invite links revoked, the goodbye with the regroup link (the sheet's
// `move` target) posted, the group disbanded and archived. Time is moved on by shifting the
// run's planned rows back, as the clock would.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel, type ConnectorCache } from '../../src/channels/registry.ts';
import { createWechatyConnector, type WechatyConnector } from '../../src/channels/wechaty/index.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { growthSweep } from '../../src/growth/sweep.ts';
import { createLiveCode } from '../../src/growth/livecodes.ts';
import { previewRun, RunError, startRun } from '../../src/run/runs.ts';
import { takeLease } from '../../src/server/leases.ts';
import { sql } from '../../src/store/db.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine } from '../support/db.ts';
import { createMockWeChat, type MockWeChat } from '../support/wechaty-mock.ts';
import { eventually, sandboxWorld, TEST_KEY, type World } from '../support/world.ts';

const SHEET = `sop: lead-test
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
  - id: regroup
    at: T+20h
    do: move
    into: Camp
`;

let w: World;
const rows = async (runId: string) =>
  (await w.store.db.selectFrom('ledger').selectAll().where('run_id', '=', runId).orderBy('due_at').execute()).map((r) => ({
    ...r,
    content: (typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as Record<string, unknown>,
  }));
const stateOf = async (runId: string, step: string) => (await rows(runId)).find((r) => r.step_id === step)?.state;
/** The clock moves on by `minutes`: every row still planned falls due that much sooner. */
const advance = (runId: string, minutes: number) =>
  sql`UPDATE ledger SET due_at = due_at - make_interval(mins => ${minutes}) WHERE run_id = ${runId} AND state = 'planned'`.execute(w.store.db);

describe(`a lead group's life on the sandbox (${engine})`, () => {
  let worker: Worker;

  beforeAll(async () => {
    w = await sandboxWorld(0);
    const camp = await ensureGroup(w.store.db, w.channelId, 'camp-chat', 'Camp');
    await w.store.db.updateTable('groups').set({ invite_link: 'https://sandbox.chorus.local/join/camp' }).where('id', '=', camp).execute();
    worker = new Worker({ db: w.store.db, connectors: w.connectors, pollMs: 50, heartbeatMs: 200 });
    w.ctx.wake = () => worker.wake();
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await w.close();
  });

  it('is created by the run, runs there, and closes at its lifespan', async () => {
    const anchor = new Date(Date.now() + 30 * 60_000);
    const run = await startRun(w.ctx, { sheet: SHEET, create: { channel: 'sandbox', count: 1 }, anchor: anchor.toISOString() });
    expect(run.groups).toBe(1);
    const groupId = (await w.store.db.selectFrom('run_groups').select('group_id').where('run_id', '=', run.id).executeTakeFirstOrThrow()).group_id;

    // Created by the bot, bound, and the rows waiting for it went there.
    await eventually(async () => (await stateOf(run.id, 'hello')) === 'sent' && (await stateOf(run.id, 'open')) === 'sent', 15_000, 'the invite link and the welcome post');
    const group = await w.store.db.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirstOrThrow();
    expect(group).toMatchObject({ status: 'active', name: 'Free lesson 1', community: 'lead' });
    expect(group.external_id).toMatch(/^sandbox-/);
    // No disband in the sheet: the lead default, 24 h after the group's creation.
    expect(new Date(group.closes_at!).getTime()).toBe(anchor.getTime() - 60 * 60_000 + 24 * 3_600_000);
    const posts = await w.store.db.selectFrom('sandbox_messages').select(['kind', 'text']).where('chat_id', '=', group.external_id).orderBy('id').execute();
    expect(posts.map((p) => p.kind)).toEqual(expect.arrayContaining(['create_invite_link', 'post']));
    expect(posts.find((p) => p.kind === 'post')?.text).toBe('Welcome to Free lesson 1!');
    const link = (await w.store.db.selectFrom('group_invite_links').selectAll().where('group_id', '=', groupId).executeTakeFirstOrThrow()).link;
    expect(group.invite_link).toBe(link);

    // A live code holds the group until shortly before the close.
    const lc = await createLiveCode(w.store.db, { selector: `id:${groupId}` });
    const slots = () => w.store.db.selectFrom('livecode_groups').select('group_id').where('livecode_id', '=', lc.id).execute();
    expect((await growthSweep(w.store.db)).seatsReleased).toBe(0);
    expect(await slots()).toHaveLength(1);

    // 23 h 29 min on (the close is 23 h 30 min away): revoke (−5 min) and goodbye (−2 min) are due.
    const closesAt = new Date(group.closes_at!).getTime();
    expect((await growthSweep(w.store.db, new Date(closesAt - 8 * 60_000))).seatsReleased).toBe(1);
    expect(await slots()).toHaveLength(0);
    await advance(run.id, 23 * 60 + 29);
    await eventually(async () => (await stateOf(run.id, 'lifecycle:goodbye')) === 'sent', 15_000, 'the goodbye');
    expect(await stateOf(run.id, 'lifecycle:revoke')).toBe('sent');
    expect(await stateOf(run.id, 'lifecycle:disband')).toBe('planned');
    const revoked = await w.store.db.selectFrom('group_invite_links').select(['link', 'revoked_at']).where('group_id', '=', groupId).execute();
    expect(revoked).toEqual([{ link, revoked_at: expect.anything() }]);
    const after = await w.store.db.selectFrom('sandbox_messages').select(['kind', 'text']).where('chat_id', '=', group.external_id).orderBy('id').execute();
    expect(after.filter((m) => m.kind === 'revoke_invite_link').map((m) => m.text)).toEqual([link]);
    // The goodbye carries the regroup link (sent as a tracked link, like every `link:`).
    expect(after.at(-1)?.text).toMatch(/^This group closes now, as planned\. Thank you all for taking part in "Free lesson 1"! Carry on with us in the next group:\nhttp:\/\/\S+\/l\/\w+$/);
    expect((await rows(run.id)).find((r) => r.step_id === 'lifecycle:goodbye')?.content.link).toBe('https://sandbox.chorus.local/join/camp');

    // The close itself: disbanded by the bot, archived in Chorus.
    await advance(run.id, 5);
    await eventually(async () => (await stateOf(run.id, 'lifecycle:disband')) === 'sent', 15_000, 'the disband');
    const closed = await w.store.db.selectFrom('groups').select(['status', 'invite_link']).where('id', '=', groupId).executeTakeFirstOrThrow();
    expect(closed).toEqual({ status: 'dismissed', invite_link: null });
    expect((await w.store.db.selectFrom('sandbox_messages').select('kind').where('chat_id', '=', group.external_id).orderBy('id', 'desc').executeTakeFirstOrThrow()).kind).toBe('disband');
    // The sandbox disbands, so there is no archive row (nobody to wait for).
    expect(await stateOf(run.id, 'lifecycle:archive')).toBeUndefined();
  }, 60_000);

  it('previews the groups it would create, and refuses to create groups for a sheet without a create_group step', async () => {
    const preview = await previewRun(w.ctx, { sheet: SHEET, create: { channel: 'sandbox', count: 2 }, anchor: new Date(Date.now() + 3_600_000).toISOString() });
    expect(preview.groups).toBe(2);
    expect(new Set(preview.sample.map((a) => a.group))).toEqual(new Set(['Free lesson 1', 'Free lesson 2']));
    expect(preview.byAction.create_group).toEqual({ total: 2, human: 0 });
    const err = await startRun(w.ctx, { sheet: SHEET.replace(/ {2}- id: create\n(.*\n){3}/, '').replace('lead-test', 'lead-nocreate'), create: { channel: 'sandbox', count: 1 }, anchor: new Date().toISOString() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).code).toBe('no_create_step');
  });
});

describe(`a lead group's life on WeChat (puppet mock, ${engine})`, () => {
  let world: MockWeChat;
  let connector: WechatyConnector;
  let worker: Worker;
  let channelId: string;
  beforeAll(async () => {
    w = await sandboxWorld(0);
    world = createMockWeChat();
    const channel = await addChannel(w.store.db, secretBox(TEST_KEY), { kind: 'wechaty', name: 'WeChat', config: { puppet: 'wechaty-puppet-mock' }, verify: false });
    channelId = channel.id;
    await w.store.db.updateTable('channels').set({ status: 'active', pacing: JSON.stringify({ minIntervalMs: 100, jitterMs: 0 }) }).where('id', '=', channel.id).execute();
    connector = createWechatyConnector({ puppet: world.puppet, channelId: channel.id });
    await connector.start(async () => undefined);
    world.login();
    await eventually(async () => (await connector.verify()).ok, 10_000, 'the login');
    await takeLease(w.store.db, channel.id, 'srv-1', 60_000);
    worker = new Worker({ db: w.store.db, connectors: { get: async () => connector } as unknown as ConnectorCache, pollMs: 50, heartbeatMs: 200, sessionHolder: 'srv-1' });
    w.ctx.wake = () => worker.wake();
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await connector.stop();
    await w.close();
  });

  it('creates the room with the staff contacts (Room.create), runs there, and gives the owner the disband task', async () => {
    const sheet = SHEET.replace('lead-test', 'lead-wx').replace(/ {2}- id: regroup\n(.*\n){3}/, '');
    const run = await startRun(w.ctx, { sheet, create: { channel: channelId, count: 1, leader: 'lin', members: [world.alice.id, world.bob.id] }, anchor: new Date(Date.now() + 30 * 60_000).toISOString() });
    await eventually(async () => (await stateOf(run.id, 'hello')) === 'sent', 15_000, 'the welcome post');
    const groupId = (await rows(run.id))[0].group_id;
    const group = await w.store.db.selectFrom('groups').select(['external_id', 'status']).where('id', '=', groupId).executeTakeFirstOrThrow();
    expect(group.status).toBe('active');
    const room = world.mocker.roomPayload(group.external_id);
    expect(room.topic).toBe('Free lesson 1');
    expect(room.memberIdList).toEqual(expect.arrayContaining([world.alice.id, world.bob.id]));
    expect(world.puppet.sent.filter((m) => m.conversationId === group.external_id).map((m) => m.text)).toContain('Welcome to Free lesson 1!');
    // A WeChat group QR code cannot be withdrawn: no revoke in the close.
    expect(await stateOf(run.id, 'lifecycle:revoke')).toBeUndefined();

    await advance(run.id, 24 * 60);
    // All of the close at once (as after a stop): the archive leaves the goodbye to go out.
    await eventually(async () => (await stateOf(run.id, 'lifecycle:archive')) === 'sent' && (await stateOf(run.id, 'lifecycle:goodbye')) === 'sent', 15_000, 'the archive and the goodbye');
    expect(world.puppet.sent.filter((m) => m.conversationId === group.external_id).at(-1)?.text).toMatch(/^This group closes now, as planned\./);
    const disband = (await rows(run.id)).find((r) => r.step_id === 'lifecycle:disband')!;
    expect(disband).toMatchObject({ mode: 'human', state: 'assigned', assignee: 'lin' });
    expect(disband.content.text).toMatch(/WeChat has no way for a bot to dismiss a group/);
    expect((await w.store.db.selectFrom('groups').select('status').where('id', '=', groupId).executeTakeFirstOrThrow()).status).toBe('archived');
  }, 60_000);
});
