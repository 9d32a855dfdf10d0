// Growth on WeCom, against the local WeCom API server and its signed callbacks: a personal join way
// (create_invite_link with a state) made through the ledger, and a join through it arriving with
// via.state (groupchat/get member_list.state), or — when groupchat/get failed at the callback —
// the reconciliation mending the recorded join with it; a live code whose groups fill up making WeCom create
// the next group through an auto-create join way over the newest 5 groups, showing that join way's
// QR meanwhile, and adopting the new group as its next slot. Both engines.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel } from '../../src/channels/registry.ts';
import type { WecomConnector } from '../../src/channels/wecom/index.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import { createIngest } from '../../src/community/ingest.ts';
import { reconcileChannel } from '../../src/community/reconcile.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { scanLiveCode } from '../../src/growth/livecode-scan.ts';
import { createLiveCode } from '../../src/growth/livecodes.ts';
import type { Ingest } from '../../src/channels/port.ts';
import { insertLedger } from '../../src/run/ledger.ts';
import { CLOSE_STEPS, REVOKE_LINKS } from '../../src/run/lifecycle.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine } from '../support/db.ts';
import { type CallbackFields, startWecomApi, type WecomApiServer } from '../support/wecom-api.ts';
import { eventually, sandboxWorld, TEST_KEY, type World } from '../support/world.ts';

const OWNER = 'zhangsan';

describe(`growth on WeCom (local API server, ${engine})`, () => {
  let w: World;
  let s: WecomApiServer;
  let worker: Worker;
  let channelId: string;
  let connector: WecomConnector;
  let ingest: Ingest;
  const db = () => w.store.db;
  const callback = async (fields: CallbackFields) => {
    const r = await connector.handleCallback(s.signedCallback(fields), ingest, channelId);
    expect(r).toMatchObject({ status: 200, body: 'success' });
  };
  /** A customer group of `members` people (the owner and customers), known to Chorus with that count. */
  const group = async (chatId: string, name: string, members: number, tag: string) => {
    s.addGroup({ chat_id: chatId, name, owner: OWNER, members: Array.from({ length: members - 1 }, (_, i) => ({ userid: `wm${chatId}${i}` })) });
    const id = await ensureGroup(db(), channelId, chatId, name);
    await db().updateTable('groups').set({ member_count: members, tags: [tag] }).where('id', '=', id).execute();
    return id;
  };
  const joinWayCalls = () => s.calls.filter((c) => c.path === 'externalcontact/groupchat/add_join_way').map((c) => c.body as Record<string, unknown>);

  beforeAll(async () => {
    s = await startWecomApi();
    w = await sandboxWorld(0);
    const channel = await addChannel(w.store.db, secretBox(TEST_KEY), {
      kind: 'wecom',
      name: 'wecom',
      config: { corpId: s.corpId, secret: s.secret, token: s.token, aesKey: s.aesKey, apiRoot: s.url },
    });
    channelId = channel.id;
    await db().updateTable('channels').set({ pacing: JSON.stringify({ minIntervalMs: 0, jitterMs: 0, perChatDailyCap: null }) }).where('id', '=', channelId).execute();
    connector = (await w.connectors.get(channelId)) as WecomConnector;
    worker = new Worker({ db: db(), connectors: w.connectors, pollMs: 50, heartbeatMs: 200 });
    ingest = createIngest({ db: db(), wake: () => worker.wake() });
    await worker.start();
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await w?.close();
    await s?.close();
  });

  it('makes a personal join way with a state through the ledger; a join through it carries the state', async () => {
    const groupId = await group('wrFission', '裂变 1 群', 3, 'fission');
    await db().insertInto('runs').values({ id: 'run_personal', kind: 'people', selector: '', state: 'running' }).execute();
    await insertLedger(db(), 'run_personal', [
      {
        groupId,
        stepId: 'personal-link',
        occurrence: 1,
        action: 'invite',
        mode: 'bot',
        executor: 'bot',
        assignee: null,
        senderAccount: channelId,
        dueAt: new Date(Date.now() - 1000),
        windowMinutes: 60,
        content: { text: 'Ann', state: 'cp_ann' },
      },
    ]);
    worker.wake();
    await eventually(async () => (await db().selectFrom('ledger').select('state').where('run_id', '=', 'run_personal').executeTakeFirst())?.state === 'sent', 10_000, 'the join way');
    expect(joinWayCalls().at(-1)).toEqual({ scene: 2, auto_create_room: 0, chat_id_list: ['wrFission'], remark: 'Ann', state: 'cp_ann' });
    const row = await db().selectFrom('ledger').select('result').where('run_id', '=', 'run_personal').executeTakeFirstOrThrow();
    const result = (typeof row.result === 'string' ? JSON.parse(row.result) : row.result) as { inviteLink: string; configId: string; state: string };
    expect(result.inviteLink).toBe(`http://p.qpic.cn/wwhead/${result.configId}/0`);
    expect(result.state).toBe('cp_ann');
    // A personal link is its participant's, not the group's shared link.
    expect((await db().selectFrom('groups').select('invite_link').where('id', '=', groupId).executeTakeFirstOrThrow()).invite_link).toBeNull();

    // Bob scans Ann's code; WeCom calls back with add_member, and groupchat/get tells the state.
    expect(s.scanJoinWay(result.configId, { userid: 'wmBob', name: 'Bob' })).toEqual({ chatId: 'wrFission', created: false });
    await callback({ ChatId: 'wrFission', ChangeType: 'update', UpdateDetail: 'add_member', JoinScene: 3, MemChangeCnt: 1, MemChangeList: ['wmBob'] });
    const join = await db()
      .selectFrom('member_events as e')
      .innerJoin('member_identities as i', 'i.member_id', 'e.member_id')
      .select(['e.kind', 'e.detail'])
      .where('i.external_id', '=', 'wmBob')
      .where('e.kind', '=', 'join')
      .executeTakeFirstOrThrow();
    expect(typeof join.detail === 'string' ? JSON.parse(join.detail) : join.detail).toEqual({ scene: 'qr_code', state: 'cp_ann' });

    // Cara scans too, but groupchat/get fails when her callback comes: her join is recorded without
    // the state, and the reconciliation takes it from groupchat/get's member_list later.
    s.scanJoinWay(result.configId, { userid: 'wmCara', name: 'Cara' });
    s.inject({ path: 'externalcontact/groupchat/get', errcode: -1 });
    await callback({ ChatId: 'wrFission', ChangeType: 'update', UpdateDetail: 'add_member', JoinScene: 3, MemChangeCnt: 1, MemChangeList: ['wmCara'] });
    const caraJoin = () =>
      db()
        .selectFrom('member_events as e')
        .innerJoin('member_identities as i', 'i.member_id', 'e.member_id')
        .select('e.detail')
        .where('i.external_id', '=', 'wmCara')
        .where('e.kind', '=', 'join')
        .executeTakeFirstOrThrow()
        .then((r) => (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<string, unknown>);
    expect(await caraJoin()).toEqual({ scene: 'qr_code' });
    expect((await reconcileChannel({ db: db() }, channelId, connector)).states).toBe(1);
    expect(await caraJoin()).toEqual({ scene: 'qr_code', state: 'cp_ann' });

    // WeCom's limit: a state of at most 30 characters, refused before anything is made.
    const before = joinWayCalls().length;
    await expect(connector.perform({ type: 'create_invite_link', chatId: 'wrFission', state: 'x'.repeat(31) })).rejects.toMatchObject({ kind: 'permanent' });
    expect(joinWayCalls()).toHaveLength(before);
  });

  it("a lead group's close withdraws the join QR codes Chorus made for it (groupchat/del_join_way)", async () => {
    const groupId = (await db().selectFrom('groups').select('id').where('external_id', '=', 'wrFission').executeTakeFirstOrThrow()).id;
    const made = await db().selectFrom('group_invite_links').select(['link', 'platform_ref']).where('group_id', '=', groupId).execute();
    expect(made).toHaveLength(1);
    const configId = made[0]!.platform_ref!;
    expect(s.joinWays.has(configId)).toBe(true);
    await insertLedger(db(), 'run_personal', [
      {
        groupId,
        stepId: CLOSE_STEPS.revoke,
        occurrence: 1,
        action: REVOKE_LINKS,
        mode: 'bot',
        executor: 'bot',
        assignee: null,
        senderAccount: channelId,
        dueAt: new Date(Date.now() - 1000),
        windowMinutes: 60,
        content: { text: '' },
      },
    ]);
    worker.wake();
    const revokeRow = () => db().selectFrom('ledger').select(['state', 'result']).where('run_id', '=', 'run_personal').where('step_id', '=', CLOSE_STEPS.revoke).executeTakeFirstOrThrow();
    await eventually(async () => (await revokeRow()).state === 'sent', 10_000, 'the revoke');
    expect(s.calls.filter((c) => c.path === 'externalcontact/groupchat/del_join_way').map((c) => c.body)).toEqual([{ config_id: configId }]);
    expect(s.joinWays.has(configId)).toBe(false);
    expect((await db().selectFrom('group_invite_links').select('revoked_at').where('group_id', '=', groupId).executeTakeFirstOrThrow()).revoked_at).not.toBeNull();
    // A join way deleted in the admin console already (40058) is withdrawn all the same.
    await expect(connector.perform({ type: 'revoke_invite_link', chatId: 'wrFission', link: made[0]!.link, ref: configId })).resolves.toMatchObject({ status: 'done' });
    // One Chorus did not make has no config_id to withdraw it by: the owner deletes it.
    await expect(connector.perform({ type: 'revoke_invite_link', chatId: 'wrFission', link: 'https://example.com/qr' })).rejects.toMatchObject({ kind: 'permanent' });
  });

  it('fills, has WeCom create the next group through a join way over the newest 5 groups, and adopts it', async () => {
    // Four groups full already (WeCom's 500), two with two seats each (498 of 500).
    for (let i = 1; i <= 4; i++) await group(`wrLc${i}`, `春季营 ${i}`, 500, 'spring');
    await group('wrLc5', '春季营 5', 498, 'spring');
    await group('wrLc6', '春季营 6', 498, 'spring');
    const { id, code } = await createLiveCode(db(), { selector: 'tag:spring', autoCreate: true, name: '春季营' });
    // The groups with seats get their own join QR codes (auto_create_room 0) through the ledger.
    await eventually(
      async () => (await db().selectFrom('groups').select('invite_link').where('external_id', 'in', ['wrLc5', 'wrLc6']).execute()).every((g) => g.invite_link),
      10_000,
      'the groups’ QR codes',
    );
    const routed: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await scanLiveCode(db(), code);
      expect(r.kind).toBe('routed');
      if (r.kind === 'routed') routed.push(r.groupName);
    }
    expect(routed).toEqual(['春季营 5', '春季营 5', '春季营 6', '春季营 6']);
    // WeCom fills them as those four scan (its own count; Chorus counted the seats).
    for (const [i, chat] of ['wrLc5', 'wrLc5', 'wrLc6', 'wrLc6'].entries()) {
      const way = [...s.joinWays.values()].find((j) => j.chat_id_list.length === 1 && j.chat_id_list[0] === chat)!;
      s.scanJoinWay(way.config_id, { userid: `wmSpring${i}` });
    }

    // All full: the next group is asked of WeCom, a join way with auto_create_room over the newest five.
    expect((await scanLiveCode(db(), code)).kind).toBe('preparing');
    await eventually(async () => (await scanLiveCode(db(), code)).kind === 'creating', 10_000, 'the auto-create join way');
    const auto = joinWayCalls().at(-1)!;
    expect(auto).toEqual({ scene: 2, auto_create_room: 1, room_base_name: '春季营', room_base_id: 7, chat_id_list: ['wrLc2', 'wrLc3', 'wrLc4', 'wrLc5', 'wrLc6'], remark: '春季营', state: id });
    const page = await scanLiveCode(db(), code);
    const created = await db().selectFrom('ledger').select('result').where('step_id', '=', 'livecode-new-group').executeTakeFirstOrThrow();
    const autoWay = s.joinWays.get(((typeof created.result === 'string' ? JSON.parse(created.result) : created.result) as { configId: string }).configId)!;
    expect(autoWay).toMatchObject({ auto_create_room: 1, state: id });
    expect(page).toEqual({ kind: 'creating', name: '春季营', entry: { kind: 'qr_image', url: `http://p.qpic.cn/wwhead/${autoWay.config_id}/0` } });
    // One creation per filling, however many scan meanwhile.
    expect(await db().selectFrom('ledger').select('id').where('step_id', '=', 'livecode-new-group').execute()).toHaveLength(1);

    // A visitor scans that QR: WeCom creates "春季营7" and puts them in; it calls back create, then add_member.
    const made = s.scanJoinWay(autoWay.config_id, { userid: 'wmNew', name: 'New' })!;
    expect(made.created).toBe(true);
    expect(s.groups.get(made.chatId)?.name).toBe('春季营7');
    await callback({ ChatId: made.chatId, ChangeType: 'create' });
    await callback({ ChatId: made.chatId, ChangeType: 'update', UpdateDetail: 'add_member', JoinScene: 3, MemChangeCnt: 1, MemChangeList: ['wmNew'] });

    const slots = await db()
      .selectFrom('livecode_groups as s')
      .innerJoin('groups as g', 'g.id', 's.group_id')
      .select(['g.external_id', 's.position', 's.cap', 's.seats', 's.routed'])
      .where('s.livecode_id', '=', id)
      .orderBy('s.position')
      .execute();
    expect(slots.map((x) => [x.external_id, x.position, x.cap])).toEqual([...['wrLc1', 'wrLc2', 'wrLc3', 'wrLc4', 'wrLc5', 'wrLc6'].map((c, i) => [c, i + 1, 500]), [made.chatId, 7, 500]]);
    // The adopted group gets its own QR code, and the live code routes there.
    await eventually(async () => (await scanLiveCode(db(), code)).kind === 'routed', 10_000, 'the new group’s QR code');
    const next = await scanLiveCode(db(), code);
    expect(next).toMatchObject({ kind: 'routed', groupName: '春季营7', entry: { kind: 'qr_image' } });
    const newJoin = await db()
      .selectFrom('member_events as e')
      .innerJoin('member_identities as i', 'i.member_id', 'e.member_id')
      .select('e.detail')
      .where('i.external_id', '=', 'wmNew')
      .executeTakeFirstOrThrow();
    expect((typeof newJoin.detail === 'string' ? JSON.parse(newJoin.detail) : newJoin.detail).state).toBe(id);
    // No group was routed past its seats.
    for (const x of await db().selectFrom('livecode_groups').select(['routed', 'seats']).where('livecode_id', '=', id).execute()) expect(x.routed).toBeLessThanOrEqual(x.seats ?? 0);
  });
});
