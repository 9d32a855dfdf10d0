// The same campaign's attribution on the other platforms, end to end through the real connectors:
// - WeCom (the local WeCom API server): a participant enrols, their `campaign_link` row goes through
//   the dispatcher and the connector to add_join_way / get_join_way with their token as the
//   `state`; a person scans that join way, WeCom calls back (change_external_chat add_member) and
//   groupchat/get tells the state (or, when that read failed, the reconciliation tells it later);
//   the invites count for the participant, qualify after the stay
//   (the growth sweep on a fake clock), completes and rewards (points); their poster's QR code is
//   that join way's code.
// - WeChat (wechaty-puppet-mock): the participant's link is the room's QR code; they invite a
//   friend into the room (room-join with the inviter), and the join counts for them; their poster
//   after the QR code's 7 days has the bot fetch a new one; in a poster campaign a picture in the
//   room is the participant's screenshot.
// Both engines.

import { FileBox } from 'file-box';
import jsQR from 'jsqr';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ingest } from '../../src/channels/port.ts';
import { addChannel, type ConnectorCache } from '../../src/channels/registry.ts';
import type { WecomConnector } from '../../src/channels/wecom/index.ts';
import { createWechatyConnector, type WechatyConnector } from '../../src/channels/wechaty/index.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import { createIngest } from '../../src/community/ingest.ts';
import { reconcileChannel } from '../../src/community/reconcile.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { enrol, firstLink } from '../../src/growth/campaign-enrol.ts';
import { participantPoster } from '../../src/growth/campaign-poster-image.ts';
import { campaignStatus } from '../../src/growth/campaign-status.ts';
import { createCampaign } from '../../src/growth/campaigns.ts';
import { growthSweep } from '../../src/growth/sweep.ts';
import { takeLease } from '../../src/server/leases.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine } from '../support/db.ts';
import { addMembers } from '../support/members.ts';
import { createMockWeChat, type MockWeChat } from '../support/wechaty-mock.ts';
import { startWecomApi, type WecomApiServer } from '../support/wecom-api.ts';
import { eventually, sandboxWorld, TEST_KEY, type World } from '../support/world.ts';

async function decodeQr(png: Buffer): Promise<string | undefined> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), info.width, info.height)?.data;
}

describe(`campaign attribution on WeCom and WeChat (${engine})`, () => {
  let w: World;
  let s: WecomApiServer;
  let wechat: MockWeChat;
  let wecom: WecomConnector;
  let wechaty: WechatyConnector;
  let worker: Worker;
  let ingest: Ingest;
  let wecomId: string;
  let wechatyId: string;
  const db = () => w.store.db;
  const memberOf = async (channelId: string, externalId: string) =>
    (await db().selectFrom('member_identities').select('member_id').where('channel_id', '=', channelId).where('external_id', '=', externalId).executeTakeFirstOrThrow()).member_id;

  beforeAll(async () => {
    s = await startWecomApi();
    w = await sandboxWorld(0);
    const box = secretBox(TEST_KEY);
    wecomId = (await addChannel(db(), box, { kind: 'wecom', name: 'WeCom', config: { corpId: s.corpId, secret: s.secret, token: s.token, aesKey: s.aesKey, apiRoot: s.url } })).id;
    wechat = createMockWeChat();
    wechatyId = (await addChannel(db(), box, { kind: 'wechaty', name: 'WeChat', config: { puppet: 'wechaty-puppet-mock' }, verify: false })).id;
    await db().updateTable('channels').set({ status: 'active', pacing: JSON.stringify({ minIntervalMs: 0, jitterMs: 0, perChatDailyCap: null }) }).execute();
    wecom = (await w.connectors.get(wecomId)) as WecomConnector;
    // PuppetMock answers Wechaty's reload after a join with "no payload found": kept out of the log.
    wechaty = createWechatyConnector({ puppet: wechat.puppet, channelId: wechatyId, onError: (m, e) => void (/no payload found/.test(String(e)) || console.error(m, e)) });
    await takeLease(db(), wechatyId, 'srv-1', 60_000);
    const connectors = { get: async (id: string) => (id === wechatyId ? wechaty : w.connectors.get(id)) } as unknown as ConnectorCache;
    worker = new Worker({ db: db(), connectors, pollMs: 50, heartbeatMs: 200, sessionHolder: 'srv-1' });
    ingest = createIngest({ db: db(), wake: () => worker.wake() });
    await wechaty.start(ingest);
    wechat.login();
    await eventually(async () => (await wechaty.verify()).ok, 10_000, 'the WeChat login');
    await worker.start();
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await wechaty?.stop();
    await w?.close();
    await s?.close();
  });

  it('WeCom: the participant’s join way carries their state; a join through it counts, qualifies after the stay, completes and rewards', async () => {
    // A customer group of the owner and Ann (a customer); Chorus knows Ann is in it.
    s.addGroup({ chat_id: 'wrSpring', name: '春季裂变群', owner: 'zhangsan', members: [{ userid: 'wmAnn', name: 'Ann' }] });
    const group = await ensureGroup(db(), wecomId, 'wrSpring', '春季裂变群');
    const [ann] = await addMembers(db(), wecomId, group, [{ externalId: 'wmAnn', name: 'Ann' }]);
    const t0 = new Date();
    const { id } = await createCampaign(db(), { kind: 'invite', groups: `id:${group}`, goal: 2, staySeconds: 2 * 3600, newOnly: true, rewardPoints: 50, name: '春季裂变' }, t0);

    const { participant } = await enrol(db(), id, ann, { now: t0 });
    worker.wake();
    const link = await firstLink(db(), participant.id, 10_000);
    const call = s.calls.filter((c) => c.path === 'externalcontact/groupchat/add_join_way').at(-1)!.body as Record<string, unknown>;
    expect(call).toMatchObject({ scene: 2, auto_create_room: 0, chat_id_list: ['wrSpring'], state: participant.token });
    const way = [...s.joinWays.values()].find((j) => j.state === participant.token)!;
    expect(link).toBe(`http://p.qpic.cn/wwhead/${way.config_id}/0`);
    expect(s.calls.some((c) => c.path === 'externalcontact/groupchat/get_join_way' && (c.body as { config_id?: string }).config_id === way.config_id)).toBe(true);
    // Her poster's QR code is that join way's code.
    expect(await decodeQr((await participantPoster(db(), id, ann)).png)).toBe(link);

    // Bob scans Ann's code: WeCom adds him and calls back; groupchat/get tells his state.
    expect(s.scanJoinWay(way.config_id, { userid: 'wmBob', name: 'Bob' })).toEqual({ chatId: 'wrSpring', created: false });
    const r = await wecom.handleCallback(s.signedCallback({ ChatId: 'wrSpring', ChangeType: 'update', UpdateDetail: 'add_member', JoinScene: 3, MemChangeCnt: 1, MemChangeList: ['wmBob'] }), ingest, wecomId);
    expect(r).toMatchObject({ status: 200, body: 'success' });
    const bob = await memberOf(wecomId, 'wmBob');
    expect(await campaignStatus(db(), id)).toMatchObject({ participants: 1, invited: 1, qualified: 0, completed: 0, rejected: {} });
    // Cara scans too, but groupchat/get fails when her callback comes: her join is recorded without
    // the state; the reconciliation finds it in groupchat/get later, and then she counts for Ann.
    s.scanJoinWay(way.config_id, { userid: 'wmCara', name: 'Cara' });
    s.inject({ path: 'externalcontact/groupchat/get', errcode: -1 });
    await wecom.handleCallback(s.signedCallback({ ChatId: 'wrSpring', ChangeType: 'update', UpdateDetail: 'add_member', JoinScene: 3, MemChangeCnt: 1, MemChangeList: ['wmCara'] }), ingest, wecomId);
    expect((await campaignStatus(db(), id)).invited).toBe(1);
    expect((await reconcileChannel({ db: db() }, wecomId, wecom)).states).toBe(1);
    expect((await campaignStatus(db(), id)).invited).toBe(2);
    const cara = await memberOf(wecomId, 'wmCara');

    // The stay: an hour later nothing qualifies; after two, Bob does, Ann completes and gets her points once.
    expect(await growthSweep(db(), new Date(t0.getTime() + 3600_000))).toMatchObject({ qualified: 0, completed: 0 });
    expect(await growthSweep(db(), new Date(t0.getTime() + 2.5 * 3600_000))).toMatchObject({ qualified: 2, completed: 1 });
    expect(await growthSweep(db(), new Date(t0.getTime() + 3 * 3600_000))).toMatchObject({ qualified: 0, completed: 0 });
    const s1 = await campaignStatus(db(), id);
    expect(s1).toMatchObject({ invited: 2, qualified: 2, completed: 1, kFactor: 2 });
    expect(s1.leaders[0]).toMatchObject({ member: ann, name: 'Ann', invited: 2, qualified: 2, completed: true, link });
    const invites = (await sql<{ invitee_id: string; state: string }>`SELECT invitee_id, state FROM campaign_invites WHERE campaign_id = ${id} ORDER BY id`.execute(db())).rows;
    expect(invites).toEqual([
      { invitee_id: bob, state: 'qualified' },
      { invitee_id: cara, state: 'qualified' },
    ]);
    expect((await db().selectFrom('members').select('points').where('id', '=', ann).executeTakeFirstOrThrow()).points).toBe(50);
  }, 60_000);

  it('WeChat: the participant invites a friend into the room (the room-join’s inviter attributes it to them); their poster renews an expired QR; a picture is a screenshot', async () => {
    const room = await ensureGroup(db(), wechatyId, wechat.room.id, 'Camp 1');
    const [alice] = await addMembers(db(), wechatyId, room, [
      { externalId: wechat.alice.id, name: 'Alice' },
      { externalId: wechat.bob.id, name: 'Bob' },
    ]);
    const { id } = await createCampaign(db(), { kind: 'invite', groups: `id:${room}`, goal: 1, rewardPoints: 5, name: 'Camp friends' });
    const { participant } = await enrol(db(), id, alice);
    worker.wake();
    // Her link is the room's QR code (WeChat has no personal links), and so is her poster's.
    const link = await firstLink(db(), participant.id, 10_000);
    expect(link).toMatch(/^https:\/\/weixin\.qq\.com\/g\//);
    expect(await decodeQr((await participantPoster(db(), id, alice)).png)).toBe(link);

    wechat.room.add(wechat.carol).by(wechat.alice);
    await eventually(async () => (await campaignStatus(db(), id)).invited === 1, 10_000, 'the attributed join');
    const carol = await memberOf(wechatyId, wechat.carol.id);
    const invites = (await sql<{ participant_id: string; invitee_id: string; state: string }>`SELECT participant_id, invitee_id, state FROM campaign_invites WHERE campaign_id = ${id}`.execute(db())).rows;
    expect(invites.map((v) => ({ ...v, participant_id: Number(v.participant_id) }))).toEqual([{ participant_id: participant.id, invitee_id: carol, state: 'qualified' }]);
    expect(await campaignStatus(db(), id)).toMatchObject({ qualified: 1, completed: 1 });

    // A WeChat group QR code works 7 days: her poster 8 days on has the bot fetch the room's code again.
    // (The ask is due at the fake clock's now; the dispatcher runs on the real one.)
    await expect(participantPoster(db(), id, alice, { now: new Date(Date.now() + 8 * 86_400_000) })).rejects.toMatchObject({ code: 'conflict' });
    await db().updateTable('ledger').set({ due_at: new Date() }).where('state', 'in', ['planned', 'due']).execute();
    worker.wake();
    const later = await participantPoster(db(), id, alice, { waitMs: 10_000 });
    expect(await decodeQr(later.png)).toMatch(/^https:\/\/weixin\.qq\.com\/g\//);
    const rows = await db().selectFrom('ledger').select(['occurrence', 'state']).where('run_id', '=', `${id}_ops`).where('action', '=', 'campaign_link').orderBy('occurrence').execute();
    expect(rows).toEqual([
      { occurrence: 1, state: 'sent' },
      { occurrence: 2, state: 'sent' },
    ]);

    // Her 进度 once that code expired too: the bot asks for a new one and does not show the dead one.
    await sql`UPDATE ledger SET result = result || jsonb_build_object('expiresAt', ${new Date(Date.now() - 1000).toISOString()}::text)
      WHERE run_id = ${`${id}_ops`} AND action = 'campaign_link' AND occurrence = 2`.execute(db());
    wechat.alice.say('进度').to(wechat.room);
    await eventually(async () => wechat.sentTexts(wechat.room.id).some((t) => t.includes('Camp friends') && t.includes('1')), 10_000, 'the progress answer');
    expect(wechat.sentTexts(wechat.room.id).filter((t) => t.includes('weixin.qq.com/g/'))).toEqual([]);
    await eventually(async () => (await db().selectFrom('ledger').select('id').where('run_id', '=', `${id}_ops`).where('action', '=', 'campaign_link').execute()).length === 3, 10_000, 'the third ask');

    // A poster campaign: Bob's screenshot in the room (a picture message) is his submission.
    const shot = await createCampaign(db(), { kind: 'poster', groups: `id:${room}`, rewardPoints: 3, name: 'Share the poster' });
    const bob = await memberOf(wechatyId, wechat.bob.id);
    await enrol(db(), shot.id, bob);
    wechat.bob.say(FileBox.fromBase64((await participantPoster(db(), shot.id, bob, { waitMs: 10_000 })).png.toString('base64'), 'shot.png')).to(wechat.room);
    await eventually(async () => (await campaignStatus(db(), shot.id)).completed === 1, 10_000, 'the screenshot');
  }, 60_000);
});
