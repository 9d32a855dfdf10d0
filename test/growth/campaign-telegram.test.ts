// A whole 48-hour fission on the local Telegram Bot API server, with a fake clock for the sweep:
// a lead group, a campaign made on the API, personal links made through the ledger
// (createChatInviteLink), a member enrolling by writing "参加" in the group, joins through the
// links (chat_member.invite_link) and a leave, the fraud rules (not new, a bot, left early), the
// stay, the reward (points) and the regroup (a one-use link into the completers' group sent
// privately), the progress asked in private, the leaderboard after a day, the end after 48 hours,
// the lead group's close (its run on a lead sheet: the goodbye with the regroup group's link, every
// link the bot made revoked through the Bot API, the owner's disband task, the group archived),
// and a leader's scope.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../src/channels/port.ts';
import { createIngest } from '../../src/community/ingest.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { campaignRegroupLink } from '../../src/growth/campaign-regroup-link.ts';
import { growthSweep } from '../../src/growth/sweep.ts';
import { startRun } from '../../src/run/runs.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { type Caller, makeUser, signIn, withToken } from '../server/accounts-world.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { type TelegramWorld, telegramWorld } from '../support/telegram-world.ts';
import { eventually, TEST_KEY } from '../support/world.ts';

// The lead group's own sheet: a welcome, and the group closes (disbands) after 47 hours.
const LEAD_SHEET = `sop: fission-lead
title: 新人裂变群
community: lead
timezone: UTC
anchor: 开始
steps:
  - id: hello
    at: T+0m
    do: post
    text: 欢迎来到{{ group.name }}！
  - id: close
    at: T+47h
    do: disband
`;

describe(`a 48-hour fission on Telegram (${engine})`, () => {
  let leadRun = '';
  let store: TestStore;
  let api: TelegramBotApi;
  let world: TelegramWorld;
  let app: FastifyInstance;
  let worker: Worker;
  let connector: Connector;
  let admin: Caller;

  const memberOf = async (userId: number) =>
    (await store.db.selectFrom('member_identities').select('member_id').where('channel_id', '=', world.channelId).where('external_id', '=', String(userId)).executeTakeFirst())?.member_id;
  const inGroup = async (userId: number, group: string) => {
    const m = await memberOf(userId);
    return !!m && !!(await store.db.selectFrom('memberships').select('id').where('member_id', '=', m).where('group_id', '=', group).where('left_at', 'is', null).executeTakeFirst());
  };
  const leave = (chat: number, userId: number) =>
    api.inject({
      chat_member: {
        chat: { id: chat, type: 'supergroup', title: '' },
        from: { id: userId, is_bot: false, first_name: `U${userId}` },
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { user: { id: userId, is_bot: false, first_name: `U${userId}` }, status: 'member' },
        new_chat_member: { user: { id: userId, is_bot: false, first_name: `U${userId}` }, status: 'left' },
      },
    });

  // The sweep runs on the fake clock, the dispatcher on the real one: what the sweep queued for
  // "hours later" is due now.
  const sweep = async (at: Date) => {
    const r = await growthSweep(store.db, at);
    await store.db.updateTable('ledger').set({ due_at: new Date() }).where('state', 'in', ['planned', 'due']).where('due_at', '>', new Date()).where('run_id', '<>', leadRun).execute();
    worker.wake();
    return r;
  };

  beforeAll(async () => {
    store = await testStore();
    api = await startTelegramBotApi();
    world = await telegramWorld(store.db, api, 3);
    await store.db.updateTable('groups').set({ community: 'lead', leader: 'ann' }).where('id', '=', world.groups[0]).execute();
    await store.db.updateTable('groups').set({ leader: 'bob' }).where('id', '=', world.groups[2]).execute();
    await makeUser(store.db, 'ann', 'leader');
    await makeUser(store.db, 'bob', 'leader');
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-campaign-'));
    app = await buildApp({ store, dataDir, consoleDir: false, box: secretBox(TEST_KEY), connectors: world.connectors });
    admin = withToken(app, await ensureAdminToken(store.db, dataDir));
    worker = new Worker({ db: store.db, connectors: world.connectors, pollMs: 50, heartbeatMs: 200, regroupLink: (d, row) => campaignRegroupLink(d, row) });
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

  it('runs the campaign end to end', async () => {
    const [lead, regroup, other] = world.chats;
    const start = Date.now();
    const hours = (h: number) => new Date(start + h * 3_600_000);
    // Lin and Bo are in the lead group; Old was in another group of the workspace before.
    await api.join(lead, { id: 11, first_name: 'Lin' });
    await api.join(lead, { id: 12, first_name: 'Bo' });
    await api.join(other, { id: 20, first_name: 'Old' });
    await eventually(async () => (await inGroup(11, world.groups[0])) && (await inGroup(12, world.groups[0])) && (await inGroup(20, world.groups[2])), 15_000, 'the first members');
    await api.pressStart({ id: 11, first_name: 'Lin' });
    await eventually(async () => !!(await store.db.selectFrom('member_identities').select('dm_chat_id').where('external_id', '=', '11').where('dm_chat_id', 'is not', null).executeTakeFirst()), 15_000, 'Lin started the bot');

    // The lead group runs its own sheet: it closes after 47 hours.
    leadRun = (await startRun({ ...world.ctx, wake: () => worker.wake() }, { sheet: LEAD_SHEET, groups: `id:${world.groups[0]}`, anchor: new Date(start).toISOString() })).id;

    const made = await admin.call('POST', '/api/campaigns', {
      kind: 'invite',
      groups: `id:${world.groups[0]}`,
      goal: 2,
      stay: '2h',
      newOnly: true,
      cap: 5,
      rewardPoints: 50,
      regroup: world.groups[1],
      name: '新人裂变',
      until: hours(48).toISOString(),
      board: '1d',
    });
    expect(made.statusCode).toBe(201);
    const { id } = made.json() as { id: string };

    // Lin is enrolled on the API and gets her personal link; Bo enrols by writing 参加 in the group.
    const joined = await admin.call('POST', `/api/campaigns/${id}/join`, { member: `${world.channelId}:11` });
    expect(joined.statusCode).toBe(200);
    const linLink = (joined.json() as { link: string }).link;
    expect(api.chat(lead)!.inviteLinks.find((l) => l.invite_link === linLink)).toMatchObject({ name: 'Lin', creator: { is_bot: true } });
    expect(api.chat(lead)!.inviteLinks.find((l) => l.invite_link === linLink)).not.toHaveProperty('member_limit');
    await api.say(lead, 12, '参加');
    await eventually(async () => api.sentTexts(lead).some((t) => t.includes('你已参加“新人裂变”')), 15_000, 'the bot answers Bo');
    const status = async () => (await admin.call('GET', `/api/campaigns/${id}`)).json() as Record<string, unknown> & { leaders: { name: string; link: string | null; qualified: number; completed: boolean }[]; rejected: Record<string, number> };
    await eventually(async () => !!(await status()).leaders.find((l) => l.name === 'Bo')?.link, 15_000, "Bo's link");
    const boLink = (await status()).leaders.find((l) => l.name === 'Bo')!.link!;
    expect(boLink).not.toBe(linLink);
    // The group's own link is not replaced by a personal one.
    expect((await store.db.selectFrom('groups').select('invite_link').where('id', '=', world.groups[0]).executeTakeFirstOrThrow()).invite_link).toBeNull();

    // Joins through the links.
    await api.join(lead, { id: 101, first_name: 'A1' }, { inviteLink: linLink });
    await api.join(lead, { id: 102, first_name: 'A2' }, { inviteLink: linLink });
    await api.join(lead, { id: 103, first_name: 'A3' }, { inviteLink: linLink });
    await api.join(lead, { id: 20, first_name: 'Old' }, { inviteLink: boLink });
    await api.join(lead, { id: 30, first_name: 'Spam', is_bot: true }, { inviteLink: boLink });
    await api.join(lead, { id: 104, first_name: 'B1' }, { inviteLink: boLink });
    await eventually(async () => (await status()).invited === 4, 15_000, 'the joins attributed');
    // A3 leaves within the stay: that invite is rejected.
    await leave(lead, 103);
    await eventually(async () => (await status()).invited === 3, 15_000, 'the leave reversed');
    let s = await status();
    expect(s).toMatchObject({ kind: 'invite', state: 'active', goal: 2, participants: 2, invited: 3, qualified: 0, completed: 0, name: '新人裂变', groups: [{ id: world.groups[0] }] });
    expect(s.rejected).toEqual({ bot: 1, left_early: 1, not_new: 1 });

    // Two hours later (the fake clock of the sweep): the three who stayed qualify, Lin completes.
    expect(await sweep(hours(1))).toMatchObject({ qualified: 0, completed: 0 });
    expect(await sweep(hours(2.5))).toMatchObject({ qualified: 3, completed: 1 });
    s = await status();
    expect(s).toMatchObject({ qualified: 3, completed: 1, kFactor: 1.5 });
    expect(s.leaders[0]).toMatchObject({ name: 'Lin', qualified: 2, completed: true, link: linLink });
    expect((await store.db.selectFrom('members').select('points').where('id', '=', (await memberOf(11))!).executeTakeFirstOrThrow()).points).toBe(50);
    // The regroup: a one-use link into the completers' group, sent to Lin privately.
    await eventually(async () => api.sent(11).some((m) => (m.text ?? '').includes('恭喜你完成“新人裂变”')), 15_000, 'the regroup message');
    const invite = api.sent(11).find((m) => (m.text ?? '').includes('恭喜'))!.text!;
    const oneUse = api.chat(regroup)!.inviteLinks.find((l) => invite.includes(l.invite_link))!;
    expect(oneUse).toMatchObject({ member_limit: 1 });
    // A sweep again gives nothing twice.
    await sweep(hours(3));
    expect((await store.db.selectFrom('members').select('points').where('id', '=', (await memberOf(11))!).executeTakeFirstOrThrow()).points).toBe(50);

    // Bo asks for his progress in private.
    await api.pressStart({ id: 12, first_name: 'Bo' });
    await api.sayPrivately(12, '进度');
    await eventually(async () => api.sent(12).some((m) => (m.text ?? '').includes('1/2')), 15_000, "Bo's progress");
    expect(api.sent(12).find((m) => (m.text ?? '').includes('1/2'))!.text).toContain(boLink);

    // A day on: the leaderboard in the lead group. 48 hours on: the campaign ends.
    const posts = api.sentTexts(lead).length;
    expect((await sweep(hours(25))).boards).toBe(1);
    await eventually(async () => api.sentTexts(lead).length > posts, 15_000, 'the leaderboard');
    const board = api.sentTexts(lead).at(-1)!;
    expect(board).toContain('“新人裂变”助力排行榜');
    expect(board).toMatch(/1\. Lin：2\/2[\s\S]*2\. Bo：1\/2/);
    await sweep(hours(48.1));
    expect((await status()).state).toBe('ended');
    // A join after the end counts for nobody.
    await api.join(lead, { id: 105, first_name: 'Late' }, { inviteLink: boLink });
    await eventually(async () => inGroup(105, world.groups[0]), 15_000, 'the late join');
    expect((await status()).invited).toBe(3);

    // The close: the lead run's rows fall due (47 hours on). The goodbye carries the regroup group's
    // own link (asked for when the campaign was made), every link the bot made for the lead group —
    // Lin's and Bo's personal links too — is revoked, the owner disbands it, Chorus archives it.
    const regroupLink = (await store.db.selectFrom('groups').select('invite_link').where('id', '=', world.groups[1]).executeTakeFirstOrThrow()).invite_link;
    expect(regroupLink).toBeTruthy();
    await store.db.updateTable('ledger').set({ due_at: new Date() }).where('run_id', '=', leadRun).where('state', '=', 'planned').execute();
    worker.wake();
    const leadRow = async (step: string) => store.db.selectFrom('ledger').select(['state', 'assignee', 'mode']).where('run_id', '=', leadRun).where('step_id', '=', step).executeTakeFirst();
    await eventually(async () => (await leadRow('lifecycle:goodbye'))?.state === 'sent' && (await leadRow('lifecycle:revoke'))?.state === 'sent', 20_000, 'the goodbye and the revoke');
    const goodbye = api.sentTexts(lead).find((t) => t.startsWith('本群按计划就要解散啦'))!;
    // Sent as a tracked link (/l/<slug>) that leads to the regroup group's link.
    const slug = goodbye.match(/\/l\/([A-Za-z0-9_-]+)/)![1];
    const target = await store.db.selectFrom('link_slugs').innerJoin('links', 'links.id', 'link_slugs.link_id').select('links.url').where('link_slugs.slug', '=', slug).executeTakeFirstOrThrow();
    expect(target.url).toBe(regroupLink);
    const revoked = new Set(api.chat(lead)!.inviteLinks.filter((l) => l.is_revoked).map((l) => l.invite_link));
    expect(revoked.has(linLink) && revoked.has(boLink)).toBe(true);
    await eventually(async () => (await store.db.selectFrom('groups').select('status').where('id', '=', world.groups[0]).executeTakeFirstOrThrow()).status === 'archived', 20_000, 'the lead group archived');
    expect(await leadRow('close')).toMatchObject({ mode: 'human', assignee: 'ann', state: 'assigned' });

    // A leader sees the campaigns of their groups only.
    const ann = await signIn(app, 'ann');
    const bob = await signIn(app, 'bob');
    expect(((await ann.call('GET', '/api/campaigns')).json() as { campaigns: { id: string }[] }).campaigns.map((c) => c.id)).toEqual([id]);
    expect(((await bob.call('GET', '/api/campaigns')).json() as { campaigns: unknown[] }).campaigns).toEqual([]);
    expect((await bob.call('GET', `/api/campaigns/${id}`)).statusCode).toBe(403);
  }, 120_000);
});
