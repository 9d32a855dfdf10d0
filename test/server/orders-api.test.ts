// Members and orders over HTTP: the CSV imports (words in the request's language), the signed
// orders webhook (valid, forged, missing, replayed, rotated), its settings for owners and admins
// only, and the leader candidates with their nomination, a leader narrowed to their own groups.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordMemberEvent } from '../../src/community/events.ts';
import { ensureMember, openMembership } from '../../src/community/members.ts';
import { signOrderBody } from '../../src/community/orders-webhook.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { anonymous, type Caller, makeUser, signIn, withToken } from './accounts-world.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe(`members and orders over HTTP (${engine})`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let admin: Caller;
  let linwei: Caller;
  let viewer: Caller;
  let operator: Caller;
  const db = () => store.db;
  const ordersOf = async (phone: string) => (await db().selectFrom('members').select('orders').where('phone', '=', phone).executeTakeFirst())?.orders;

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-orders-'));
    app = await buildApp({ store, dataDir, consoleDir: false });
    admin = withToken(app, await ensureAdminToken(store.db, dataDir));
    await makeUser(store.db, 'linwei', 'leader');
    await makeUser(store.db, 'vera', 'viewer');
    await makeUser(store.db, 'otto', 'operator');
    linwei = await signIn(app, 'linwei');
    viewer = await signIn(app, 'vera');
    operator = await signIn(app, 'otto');
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  describe('imports', () => {
    it('imports members and answers every problem by row in the request language', async () => {
      const ok = await operator.call('POST', '/api/members/import', { fileName: 'people.csv', contentBase64: b64('手机,姓名,城市\n13800138000,林小姐,杭州\n') });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ created: 1, updated: 0, errors: [] });
      const bad = await operator.call('POST', '/api/members/import?lang=zh', { contentBase64: b64('phone,name\n123,A\n,B\n') });
      expect(bad.json()).toEqual({
        created: 0,
        updated: 0,
        errors: [
          { row: 2, message: expect.stringContaining('手机：“123”不是手机号') },
          { row: 3, message: '这一行没有成员、手机或邮箱：每行至少要有一项' },
        ],
      });
      expect((await viewer.call('POST', '/api/members/import', { contentBase64: b64('phone\n13800138000\n') })).statusCode).toBe(403);
      expect((await operator.call('POST', '/api/members/import', { fileName: 'x.xlsx', contentBase64: 'eA==' })).json().error.field).toBe('fileName');
      const log = await db().selectFrom('audit_log').select(['action', 'detail']).where('action', '=', 'members.import').execute();
      expect(log).toEqual([{ action: 'members.import', detail: { file: 'people.csv', created: 1, updated: 0 } }]);
    });

    it('imports orders idempotently', async () => {
      const csv = b64('订单号,手机号,金额,商品,时间\nO-1,13800138000,199,Camp,2026-12-01 20:00\n');
      expect((await operator.call('POST', '/api/orders/import', { contentBase64: csv })).json()).toEqual({ imported: 1, updated: 0, errors: [] });
      expect((await operator.call('POST', '/api/orders/import', { contentBase64: csv })).json()).toEqual({ imported: 0, updated: 1, errors: [] });
      expect(await ordersOf('+8613800138000')).toBe(1);
      const o = await db().selectFrom('orders').selectAll().where('id', '=', 'O-1').executeTakeFirstOrThrow();
      expect(new Date(o.at).toISOString()).toBe('2026-12-01T12:00:00.000Z');
    });
  });

  describe('the orders webhook', () => {
    let secret: string;
    const post = (body: string, signature?: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: '/webhooks/orders', payload: body, headers: { 'content-type': 'application/json', ...(signature ? { 'x-chorus-signature': signature } : {}), ...headers } });
    const order = (id: string, extra: Record<string, unknown> = {}) => JSON.stringify({ order: id, phone: '+86 139 0013 9000', amount: 88, product: 'Mug', at: '2026-12-02T08:00:00Z', ...extra });

    beforeAll(async () => {
      const r = await admin.call('GET', '/api/settings/orders-webhook');
      expect(r.statusCode).toBe(200);
      ({ secret } = r.json());
      expect(r.json().url).toMatch(/^http:\/\/.+\/webhooks\/orders$/);
      expect(secret).toMatch(/^whsec_[0-9a-f]{48}$/);
    });

    it('is for owners and admins to see and rotate', async () => {
      for (const who of [operator, linwei, viewer]) expect((await who.call('GET', '/api/settings/orders-webhook')).statusCode).toBe(403);
      expect((await anonymous(app).call('GET', '/api/settings/orders-webhook')).statusCode).toBe(401);
      expect((await admin.call('GET', '/api/settings/orders-webhook')).json().secret).toBe(secret);
    });

    it('stores a signed order once, however often it is delivered', async () => {
      const body = order('W-1');
      const first = await post(body, signOrderBody(secret, body));
      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual({ order: 'W-1', created: true });
      const again = await post(body, signOrderBody(secret, body));
      expect(again.json()).toEqual({ order: 'W-1', created: false });
      expect(await ordersOf('+8613900139000')).toBe(1);
      const events = await db().selectFrom('member_events').innerJoin('members', 'members.id', 'member_events.member_id').select('detail').where('members.phone', '=', '+8613900139000').where('kind', '=', 'order').execute();
      expect(events).toEqual([{ detail: { order: 'W-1', amount: '88.00', product: 'Mug' } }]);
      const row = await db().selectFrom('orders').selectAll().where('id', '=', 'W-1').executeTakeFirstOrThrow();
      expect(row.source).toBe('webhook');
    });

    it('refuses a forged, altered or missing signature with 401 and stores nothing', async () => {
      const body = order('W-forged');
      const forged = await post(body, signOrderBody('whsec_not-the-secret', body));
      expect(forged.statusCode).toBe(401);
      expect(forged.json().error.code).toBe('bad_signature');
      expect((await post(order('W-forged', { amount: 1 }), signOrderBody(secret, body))).statusCode).toBe(401);
      const missing = await post(body, undefined, { 'accept-language': 'zh-CN' });
      expect(missing.statusCode).toBe(401);
      expect(missing.json().error.message).toContain('缺少 X-Chorus-Signature');
      expect((await post(body, 'sha256=zz')).statusCode).toBe(401);
      expect(await db().selectFrom('orders').select('id').where('id', '=', 'W-forged').execute()).toEqual([]);
    });

    it('names the bad field of a signed order', async () => {
      const body = order('W-2', { amount: 'lots' });
      const r = await post(body, signOrderBody(secret, body));
      expect(r.statusCode).toBe(422);
      expect(r.json().error).toMatchObject({ code: 'invalid_order', field: 'amount' });
      const broken = '{"order":';
      expect((await post(broken, signOrderBody(secret, broken))).statusCode).toBe(400);
    });

    it('a rotated secret replaces the old one at once', async () => {
      const r = await admin.call('POST', '/api/settings/orders-webhook', {});
      const fresh = r.json().secret as string;
      expect(fresh).not.toBe(secret);
      const body = order('W-3');
      expect((await post(body, signOrderBody(secret, body))).statusCode).toBe(401);
      expect((await post(body, signOrderBody(fresh, body))).statusCode).toBe(200);
      secret = fresh;
    });

    it('refuses a body over its limit', async () => {
      const big = JSON.stringify({ order: 'W-big', pad: 'x'.repeat(70 * 1024) });
      expect((await post(big, signOrderBody(secret, big))).statusCode).toBe(413);
    });
  });

  describe('leader candidates', () => {
    let helper: string;
    let talker: string;
    beforeAll(async () => {
      await db().insertInto('channels').values({ id: 'tg', kind: 'telegram', name: 'Telegram', config_sealed: 'unused' }).execute();
      await db()
        .insertInto('groups')
        .values([
          { id: 'g1', channel_id: 'tg', external_id: '-100', name: 'Camp', leader: 'linwei' },
          { id: 'g2', channel_id: 'tg', external_id: '-200', name: 'Other' },
        ])
        .execute();
      helper = (await ensureMember(db(), 'tg', { externalId: '1', name: 'Helper' })).id;
      talker = (await ensureMember(db(), 'tg', { externalId: '2', name: 'Talker' })).id;
      const joined = new Date(Date.now() - 12 * 86_400_000);
      for (const g of ['g1', 'g2']) for (const m of [helper, talker]) await openMembership(db(), { groupId: g, memberId: m, joinedAt: joined });
      const at = new Date(Date.now() - 3_600_000);
      for (let i = 0; i < 4; i++) await recordMemberEvent(db(), { memberId: helper, groupId: 'g1', kind: 'reply', at });
      for (let i = 0; i < 6; i++) await recordMemberEvent(db(), { memberId: talker, groupId: 'g1', kind: 'message', at });
    });

    it("ranks a group's members with the reasons in the reader's language", async () => {
      const en = await linwei.call('GET', '/api/groups/g1/candidates');
      expect(en.statusCode).toBe(200);
      expect(en.json()).toEqual({
        group: 'g1',
        candidates: [
          { member: helper, name: 'Helper', score: expect.any(Number), reasons: ['answered 4 questions from others', 'in the group for 12 days'] },
          { member: talker, name: 'Talker', score: expect.any(Number), reasons: ['wrote 6 messages in the group', 'in the group for 12 days'] },
        ],
      });
      const zh = await admin.call('GET', '/api/groups/tg:-100/candidates?top=1', undefined, { 'accept-language': 'zh-CN,zh;q=0.9' });
      expect(zh.json().candidates).toEqual([{ member: helper, name: 'Helper', score: expect.any(Number), reasons: ['回答了别人 4 个问题', '入群 12 天'] }]);
      expect((await admin.call('GET', '/api/groups/nope/candidates')).statusCode).toBe(404);
      expect((await admin.call('GET', '/api/groups/g1/candidates?top=0')).statusCode).toBe(400);
    });

    it("keeps a leader to their own groups, reading and nominating", async () => {
      expect((await linwei.call('GET', '/api/groups/g2/candidates')).statusCode).toBe(403);
      expect((await linwei.call('POST', `/api/groups/g2/candidates/${helper}/nominate`, { role: 'committee' })).statusCode).toBe(403);
      expect(await db().selectFrom('member_roles').selectAll().execute()).toEqual([]);
    });

    it('nominates: a role in the group and a role event; a new leader is no candidate any more', async () => {
      const r = await linwei.call('POST', `/api/groups/g1/candidates/${helper}/nominate`, { role: 'committee' });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ group: 'g1', member: helper, role: 'committee', previous: null });
      expect((await linwei.call('GET', '/api/groups/g1/candidates')).json().candidates).toHaveLength(2);
      const promoted = await admin.call('POST', `/api/groups/g1/candidates/${helper}/nominate`, { role: 'leader' });
      expect(promoted.json().previous).toBe('committee');
      expect((await linwei.call('GET', '/api/groups/g1/candidates')).json().candidates.map((c: { member: string }) => c.member)).toEqual([talker]);
      const events = await db().selectFrom('member_events').select(['group_id', 'detail']).where('member_id', '=', helper).where('kind', '=', 'role').orderBy('id').execute();
      expect(events).toEqual([
        { group_id: 'g1', detail: { role: 'committee', previous: null, by: 'linwei', via: 'candidates' } },
        { group_id: 'g1', detail: { role: 'leader', previous: 'committee', by: expect.stringMatching(/^admin/), via: 'candidates' } },
      ]);
      expect((await admin.call('POST', `/api/groups/g1/candidates/${helper}/nominate`, { role: 'boss' })).statusCode).toBe(400);
      expect((await admin.call('POST', '/api/groups/g1/candidates/mem_nobody/nominate', { role: 'kol' })).json().error).toMatchObject({ code: 'not_found', field: 'member' });
      expect((await viewer.call('POST', `/api/groups/g1/candidates/${talker}/nominate`, { role: 'kol' })).statusCode).toBe(403);
    });
  });
});
