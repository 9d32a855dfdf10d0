// Live codes: routing order and takeover when a group fills, the group staff made for the task
// adopted when the bot is added to it (the task, missed by then, done late),
// concurrent scans never past a cap,
// a group without a link gets one through the ledger, the WeChat and WeCom QR pages, all full
// (the alert and the staff task), QR renewal a day before expiry, the API within a leader's
// scope, the public page's 404 and rate limit.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorCache } from '../../src/channels/registry.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { LiveCodeDesk } from '../../src/growth/livecode-desk.ts';
import { scanLiveCode } from '../../src/growth/livecode-scan.ts';
import { renewExpiringQrs } from '../../src/growth/livecode-tasks.ts';
import { ingestEvent } from '../../src/community/ingest.ts';
import { createLiveCode } from '../../src/growth/livecodes.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { type Caller, makeUser, signIn, withToken } from '../server/accounts-world.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { eventually, TEST_KEY } from '../support/world.ts';

describe(`live codes (${engine})`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let worker: Worker;
  let admin: Caller;
  let ann: Caller;
  const codeOf = (url: string) => url.split('/j/')[1];

  async function channel(id: string, kind: string) {
    await store.db.insertInto('channels').values({ id, kind, name: id, config_sealed: '', status: 'active', status_reason: null, identity: null, pacing: '{}' }).execute();
  }
  async function group(id: string, channelId: string, o: { members?: number; link?: string | null; expires?: Date; leader?: string; tag?: string } = {}) {
    await store.db
      .insertInto('groups')
      .values({
        id,
        channel_id: channelId,
        external_id: id,
        name: `Group ${id}`,
        tags: o.tag ? [o.tag] : [],
        attrs: '{}',
        leader: o.leader ?? null,
        community: null,
        timezone: null,
        member_count: o.members ?? 0,
        last_activity_at: null,
        invite_link: o.link === undefined ? `https://t.example/${id}` : o.link,
        invite_expires_at: o.expires ?? null,
      })
      .execute();
  }

  beforeAll(async () => {
    process.env.CHORUS_LIVECODE_SCANS_PER_MINUTE = '1000';
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-livecode-'));
    const box = secretBox(TEST_KEY);
    const connectors = new ConnectorCache(store.db, box);
    app = await buildApp({ store, dataDir, consoleDir: false, box, connectors, publicUrl: new URL('https://chorus.example.com') });
    admin = withToken(app, await ensureAdminToken(store.db, dataDir));
    await makeUser(store.db, 'ann', 'leader');
    ann = await signIn(app, 'ann');
    worker = new Worker({ db: store.db, connectors, pollMs: 50, heartbeatMs: 200 });
    await worker.start();
    await channel('ch_tg', 'manual');
    await channel('ch_wx', 'wechaty');
    await channel('ch_wc', 'wecom');
  }, 120_000);
  afterAll(async () => {
    delete process.env.CHORUS_LIVECODE_SCANS_PER_MINUTE;
    await worker?.stop();
    await app?.close();
    await store?.drop();
  });

  it('routes to the first group with room, and the next takes over when it fills; then all full alerts and tasks', async () => {
    await group('r1', 'ch_tg', { members: 1, tag: 'route', leader: 'ann' });
    await group('r2', 'ch_tg', { tag: 'route' });
    const made = await admin.call('POST', '/api/livecodes', { groups: 'tag:route', cap: 3, autoCreate: true, name: 'Spring' });
    expect(made.statusCode).toBe(201);
    const { id, url } = made.json();
    expect(url).toMatch(/^https:\/\/chorus\.example\.com\/j\/[A-Za-z0-9_-]{16}$/);
    const where: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await app.inject({ method: 'GET', url: `/j/${codeOf(url)}` });
      expect(r.statusCode).toBe(302);
      where.push(r.headers.location as string);
    }
    // r1 had 1 member: 2 seats; r2 had none: 3.
    expect(where).toEqual(['https://t.example/r1', 'https://t.example/r1', 'https://t.example/r2', 'https://t.example/r2', 'https://t.example/r2']);
    const full = await app.inject({ method: 'GET', url: `/j/${codeOf(url)}?lang=zh` });
    expect(full.statusCode).toBe(200);
    expect(full.body).toContain('所有群暂时都满了');
    expect(full.body).not.toContain('Group r');
    // Scans are written in batches, every 50 ms.
    await eventually(async () => (await admin.call('GET', `/api/livecodes/${id}`)).json().scans === 6, 5_000, 'the scans written');
    const status = (await admin.call('GET', `/api/livecodes/${id}`)).json();
    expect(status).toMatchObject({ id, url, current: null, scans: 6, joins: 0 });
    expect(status.groups.map((g: { group: string; full: boolean; cap: number }) => [g.group, g.full, g.cap])).toEqual([['r1', true, 3], ['r2', true, 3]]);
    const notes = await store.db.selectFrom('notifications').select('message').execute();
    expect(notes.filter((n) => n.message.includes('every group is full'))).toHaveLength(1);
    const task = await store.db.selectFrom('ledger').select(['action', 'mode', 'assignee', 'state']).where('step_id', '=', 'livecode-new-group').execute();
    expect(task).toEqual([{ action: 'create_group', mode: 'human', assignee: null, state: 'assigned' }]);
    // A second full scan raises nothing new while the task is open.
    await app.inject({ method: 'GET', url: `/j/${codeOf(url)}` });
    expect(await store.db.selectFrom('ledger').select('id').where('step_id', '=', 'livecode-new-group').execute()).toHaveLength(1);
  });

  it('adopts the group staff made for the task when the bot is added to it, and routes there', async () => {
    const spring = await store.db.selectFrom('livecodes').select(['id', 'code']).where('name', '=', 'Spring').executeTakeFirstOrThrow();
    // Past its window (the sweep marked it missed): the group staff made late still adopts, and the task is done late.
    await store.db.updateTable('ledger').set({ state: 'missed' }).where('step_id', '=', 'livecode-new-group').execute();
    await ingestEvent({ db: store.db }, 'ch_tg', { type: 'group_seen', chatId: 'r3', title: 'Spring 3', memberCount: 1, at: new Date() });
    const slots = await store.db.selectFrom('livecode_groups as s').innerJoin('groups as g', 'g.id', 's.group_id').select(['g.name', 's.position', 's.cap', 's.seats']).where('s.livecode_id', '=', spring.id).orderBy('s.position').execute();
    expect(slots.at(-1)).toEqual({ name: 'Spring 3', position: 3, cap: 3, seats: 2 });
    expect(await store.db.selectFrom('ledger').select(['state', 'on_time']).where('step_id', '=', 'livecode-new-group').execute()).toEqual([{ state: 'done_late', on_time: false }]);
    await store.db.updateTable('groups').set({ invite_link: 'https://t.example/r3' }).where('name', '=', 'Spring 3').execute();
    const r = await app.inject({ method: 'GET', url: `/j/${spring.code}` });
    expect(r.headers.location).toBe('https://t.example/r3');
  });

  it('counts a join through its link in the very second the group was added (platform times are whole seconds)', async () => {
    await group('j1', 'ch_tg', { tag: 'sec' });
    const second = Math.floor(Date.now() / 1000) * 1000;
    const { id, code } = await createLiveCode(store.db, { selector: 'tag:sec' }, new Date(second + 900));
    expect(await scanLiveCode(store.db, code, new Date(second + 950))).toMatchObject({ kind: 'routed', groupId: 'j1' });
    await ingestEvent({ db: store.db }, 'ch_tg', { type: 'member_joined', chatId: 'j1', member: { externalId: 'u-j1', name: 'Quick' }, via: { inviteLink: 'https://t.example/j1', scene: 'invite_link' }, at: new Date(second) });
    expect((await admin.call('GET', `/api/livecodes/${id}`)).json()).toMatchObject({ joins: 1, groups: [{ group: 'j1', joins: 1 }] });
  });

  it('never routes a group past its cap under many parallel scans', async () => {
    for (const g of ['p1', 'p2', 'p3']) await group(g, 'ch_tg', { tag: 'par' });
    const { code } = await createLiveCode(store.db, { selector: 'tag:par', cap: 20 });
    const results = await Promise.all(Array.from({ length: 80 }, () => scanLiveCode(store.db, code)));
    const counts: Record<string, number> = {};
    for (const r of results) {
      const k = r.kind === 'routed' ? r.groupId : r.kind;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(counts).toEqual({ p1: 20, p2: 20, p3: 20, full: 20 });
  });

  it('routes through two front desks (two processes) at once without passing a cap, and gives back the seats it did not use', async () => {
    for (const g of ['d1', 'd2', 'd3']) await group(g, 'ch_tg', { tag: 'desk' });
    const { id, code } = await createLiveCode(store.db, { selector: 'tag:desk', cap: 30 });
    const desks = [new LiveCodeDesk(store.db), new LiveCodeDesk(store.db)];
    // 70 of the 90 seats: some held seats stay unused.
    const results = await Promise.all(Array.from({ length: 70 }, (_, i) => (i % 5 === 4 ? scanLiveCode(store.db, code) : (desks[i % 2] as LiveCodeDesk).scan(code))));
    const counts: Record<string, number> = {};
    for (const r of results) if (r.kind === 'routed') counts[r.groupId] = (counts[r.groupId] ?? 0) + 1;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(70);
    for (const n of Object.values(counts)) expect(n).toBeLessThanOrEqual(30);
    for (const d of desks) await d.close();
    const slots = await store.db.selectFrom('livecode_groups').select(['group_id', 'routed']).where('livecode_id', '=', id).orderBy('position').execute();
    // Closing gave back every reserved seat: what is counted is what was routed.
    expect(slots.map((s) => s.routed)).toEqual(['d1', 'd2', 'd3'].map((g) => counts[g] ?? 0));
    const scans = await store.db.selectFrom('livecode_scans').select((eb) => eb.fn.countAll<number>().as('n')).where('livecode_id', '=', id).executeTakeFirstOrThrow();
    expect(Number(scans.n)).toBe(70);
  });

  it('reserves seats ahead while far from the cap, never past it, and gives them all back on close', async () => {
    for (const g of ['a1', 'a2', 'a3']) await group(g, 'ch_tg', { tag: 'ahead' });
    const { id, code } = await createLiveCode(store.db, { selector: 'tag:ahead', cap: 100 });
    const desks = [new LiveCodeDesk(store.db), new LiveCodeDesk(store.db)];
    // 260 of the 300 seats, in waves so that each desk runs low and reserves ahead between them.
    const results: Awaited<ReturnType<LiveCodeDesk['scan']>>[] = [];
    for (let wave = 0; wave < 13; wave++) {
      results.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 7 === 6 ? scanLiveCode(store.db, code) : (desks[i % 2] as LiveCodeDesk).scan(code))))));
    }
    const counts: Record<string, number> = {};
    for (const r of results) if (r.kind === 'routed') counts[r.groupId] = (counts[r.groupId] ?? 0) + 1;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(260);
    for (const n of Object.values(counts)) expect(n).toBeLessThanOrEqual(100);
    // Far from the cap, the desks held more than they gave out: the database counted those seats too.
    const held = await store.db.selectFrom('livecode_groups').select(['group_id', 'routed', 'seats']).where('livecode_id', '=', id).orderBy('position').execute();
    for (const s of held) expect(s.routed).toBeLessThanOrEqual(s.seats ?? 0);
    for (const d of desks) await d.close();
    const slots = await store.db.selectFrom('livecode_groups').select(['group_id', 'routed']).where('livecode_id', '=', id).orderBy('position').execute();
    expect(slots.map((s) => s.routed)).toEqual(['a1', 'a2', 'a3'].map((g) => counts[g] ?? 0));
  });

  it('shows WeChat and WeCom groups as a QR page, without script', async () => {
    await group('wx1', 'ch_wx', { tag: 'qr', link: 'https://weixin.qq.com/g/AbCd', expires: new Date(Date.now() + 5 * 86_400_000) });
    const { code } = await createLiveCode(store.db, { selector: 'tag:qr' });
    const r = await app.inject({ method: 'GET', url: `/j/${code}`, headers: { 'accept-language': 'zh-CN' } });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('加入Group wx1');
    expect(r.body).toContain('src="data:image/png;base64,');
    expect(r.body).not.toContain('<script');
    await group('wc1', 'ch_wc', { tag: 'wecom', link: 'https://wework.qpic.cn/wwpic/qr.png' });
    const wc = await createLiveCode(store.db, { selector: 'tag:wecom' });
    const page = await app.inject({ method: 'GET', url: `/j/${wc.code}?lang=en` });
    expect(page.body).toContain('src="https://wework.qpic.cn/wwpic/qr.png"');
    expect(page.headers['content-security-policy']).toContain('img-src https:');
    const caps = await store.db.selectFrom('livecode_groups').select(['group_id', 'cap']).where('group_id', 'in', ['wx1', 'wc1']).orderBy('group_id').execute();
    expect(caps).toEqual([{ group_id: 'wc1', cap: 500 }, { group_id: 'wx1', cap: 200 }]);
  });

  it('asks the connector for a link a group lacks; the page says it is being prepared meanwhile', async () => {
    const sandbox = (await admin.call('POST', '/api/channels', { kind: 'sandbox', name: 'sandbox' })).json().id;
    const gid = (await admin.call('POST', '/api/groups', { channel: 'sandbox', externalId: 'sb1', name: 'Sandbox One' })).json().id;
    await store.db.updateTable('groups').set({ tags: ['prep'] }).where('id', '=', gid).execute();
    expect(sandbox).toBeTruthy();
    const { code } = await createLiveCode(store.db, { selector: 'tag:prep' });
    const first = await app.inject({ method: 'GET', url: `/j/${code}?lang=en` });
    if (first.statusCode === 200) expect(first.body).toContain('being prepared');
    await eventually(async () => !!(await store.db.selectFrom('groups').select('invite_link').where('id', '=', gid).executeTakeFirst())?.invite_link, 10_000, 'the link');
    const r = await app.inject({ method: 'GET', url: `/j/${code}` });
    expect(r.statusCode).toBe(302);
    expect(r.headers.location).toMatch(/^https:\/\/sandbox\.chorus\.local\/join\//);
  });

  it('renews an expiring WeChat QR through the bot, and gives a WeCom-less channel a task instead', async () => {
    const soon = new Date(Date.now() + 3_600_000);
    await channel('ch_man', 'manual');
    await group('exp1', 'ch_wx', { tag: 'exp', link: 'wx-qr', expires: soon });
    await group('exp2', 'ch_man', { tag: 'exp', link: 'https://m.example/x', expires: soon });
    await createLiveCode(store.db, { selector: 'tag:exp' });
    const r = await renewExpiringQrs(store.db);
    expect(r.tasks).toBeGreaterThanOrEqual(1);
    const rows = await store.db.selectFrom('ledger').select(['group_id', 'action', 'mode']).where('group_id', 'in', ['exp1', 'exp2']).orderBy('group_id').execute();
    expect(rows).toEqual(expect.arrayContaining([{ group_id: 'exp1', action: 'invite', mode: 'bot' }, { group_id: 'exp2', action: 'task', mode: 'human' }]));
    // Once per expiry.
    expect((await renewExpiringQrs(store.db)).tasks).toBe(0);
  });

  it('lets a leader see only live codes of their groups, and only their groups in them', async () => {
    const list = (await ann.call('GET', '/api/livecodes')).json().livecodes;
    expect(list).toHaveLength(1);
    const st = await ann.call('GET', `/api/livecodes/${list[0].id}`);
    expect(st.statusCode).toBe(200);
    expect(st.json().groups.map((g: { group: string }) => g.group)).toEqual(['r1']);
    const other = (await admin.call('GET', '/api/livecodes')).json().livecodes.find((l: { name: string }) => l.name === 'Group p1');
    expect((await ann.call('GET', `/api/livecodes/${other.id}`)).statusCode).toBe(403);
    expect((await ann.call('POST', '/api/livecodes', { groups: 'all' })).statusCode).toBe(403);
    const png = await admin.call('GET', `/api/livecodes/${other.id}/qr.png`);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    expect((await admin.call('POST', '/api/livecodes', { groups: 'tag:nothing' })).json().error).toMatchObject({ code: 'invalid_livecode', field: 'groups' });
    expect((await admin.call('GET', '/api/livecodes/lc_nope')).statusCode).toBe(404);
  });

  it('answers an unknown code with a 404 page in the visitor language, and limits scans per address', async () => {
    for (const bad of ['nope', 'A'.repeat(16), '%00', 'x'.repeat(90)]) {
      const r = await app.inject({ method: 'GET', url: `/j/${bad}`, headers: { 'accept-language': 'zh-CN' } });
      expect(r.statusCode).toBe(404);
      expect(r.body).toContain('页面不存在');
    }
    let limited = 0;
    for (let i = 0; i < 1010 && !limited; i++) {
      const r = await app.inject({ method: 'GET', url: '/j/nope', remoteAddress: '10.9.9.9' });
      if (r.statusCode === 429) limited = i;
    }
    expect(limited).toBeGreaterThan(900);
  });
});
