// The member and order imports against the database, and the candidate ranking: members created
// by phone or e-mail and updated by id or platform identity, attributes merged, all or nothing;
// orders idempotent by order id — counters and `order` events move once — and carried by a
// merge; candidates scored from the group's own events, with the excluded left out.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidateFacts } from '../../src/community/candidate-facts.ts';
import { type CandidateFacts, rankCandidates } from '../../src/community/candidates.ts';
import { recordMemberEvent } from '../../src/community/events.ts';
import { readMemberCsv, readOrderCsv } from '../../src/community/imports/people-csv.ts';
import { importMembers } from '../../src/community/member-import.ts';
import { ensureMember, linkMembers, openMembership } from '../../src/community/members.ts';
import { importOrders, ordersOf } from '../../src/community/orders.ts';
import { english, render } from '../../src/i18n/index.ts';
import type { Db } from '../../src/store/db.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const NOW = new Date('2026-12-01T12:00:00Z');
const members = (csv: string, db: Db) => importMembers(db, readMemberCsv(bytes(csv)), { at: NOW, actor: 'ann' });
const orders = (csv: string, db: Db) => importOrders(db, readOrderCsv(bytes(csv), 'Asia/Shanghai'), 'csv');

describe(`member import (${engine})`, () => {
  let store: TestStore;
  let db: Db;
  let alice: string;
  beforeAll(async () => {
    store = await testStore();
    db = store.db;
    await db.insertInto('channels').values({ id: 'tg', kind: 'telegram', name: 'Telegram', config_sealed: 'unused' }).execute();
    alice = (await ensureMember(db, 'tg', { externalId: '111', name: 'Alice' })).id;
  });
  afterAll(() => store.drop());

  it('creates members by phone and e-mail and updates members by id or platform identity', async () => {
    const r = await members(`member,phone,email,name,City\ntg:111,,,Alice W,Hangzhou\n,13800138000,,Bob,Shanghai\n,,carol@x.com,,\n${alice},,,,Beijing\n`, db);
    expect(r).toEqual({ created: 2, updated: 1, errors: [] });
    const a = await db.selectFrom('members').selectAll().where('id', '=', alice).executeTakeFirstOrThrow();
    // Later rows about the same member win; attributes merge.
    expect(a).toMatchObject({ name: 'Alice W', attrs: { city: 'Beijing' } });
    const bob = await db.selectFrom('members').selectAll().where('phone', '=', '+8613800138000').executeTakeFirstOrThrow();
    expect(bob).toMatchObject({ name: 'Bob', attrs: { city: 'Shanghai' }, email: null });
    const carol = await db.selectFrom('members').selectAll().where('email', '=', 'carol@x.com').executeTakeFirstOrThrow();
    expect(carol.name).toBe('carol@x.com');
    const events = await db.selectFrom('member_events').select(['member_id', 'kind', 'detail']).where('kind', '=', 'import').execute();
    expect(events).toHaveLength(3);
    expect(events.find((e) => e.member_id === bob.id)?.detail).toMatchObject({ created: true, by: 'ann', row: 3 });
  });

  it('is idempotent: the same file again updates the same members, creates nobody', async () => {
    const before = await db.selectFrom('members').select('id').execute();
    const r = await members('手机,姓名,城市,课程\n138 0013 8000,Bob,Shanghai,Python\n', db);
    expect(r).toEqual({ created: 0, updated: 1, errors: [] });
    expect(await db.selectFrom('members').select('id').execute()).toHaveLength(before.length);
    const bob = await db.selectFrom('members').select('attrs').where('phone', '=', '+8613800138000').executeTakeFirstOrThrow();
    // An empty cell keeps what is known; a new column adds to it.
    expect(bob.attrs).toEqual({ city: 'Shanghai', 城市: 'Shanghai', 课程: 'Python' });
  });

  it('one new member per phone, however many rows name it, and an e-mail on the same row joins it', async () => {
    const r = await members('phone,email,name\n13900139000,,D1\n13900139000,dora@x.com,Dora\n,dora@x.com,\n', db);
    expect(r).toEqual({ created: 1, updated: 0, errors: [] });
    expect(await db.selectFrom('members').select(['name', 'phone', 'email']).where('phone', '=', '+8613900139000').execute()).toEqual([{ name: 'Dora', phone: '+8613900139000', email: 'dora@x.com' }]);
  });

  it('writes nothing when any row has a problem, and names every one', async () => {
    const count = async () => (await db.selectFrom('members').select('id').execute()).length;
    const before = await count();
    const r = await members('member,phone,name\n,13700137000,New\nmem_nobody,,X\ntg:999,,Y\n,123,Z\n', db);
    expect(r.created).toBe(0);
    expect(r.updated).toBe(0);
    expect(r.errors.map((e) => [e.row, e.field, english(e.message)])).toEqual([
      [3, 'member', 'member: there is no member "mem_nobody"'],
      [4, 'member', 'member: there is no member "tg:999"'],
      [5, 'phone', expect.stringContaining('"123" is not a phone number')],
    ]);
    expect(render('zh', r.errors[0].message)).toBe('成员：找不到成员“mem_nobody”');
    expect(await count()).toBe(before);
  });

  it('refuses a phone two members hold, and a phone and e-mail of two different members', async () => {
    await db.insertInto('members').values([{ id: 'mem_t1', name: 'T1', phone: '+8613600136000' }, { id: 'mem_t2', name: 'T2', phone: '+8613600136000' }]).execute();
    const r = await members('phone,email\n13600136000,\n13800138000,carol@x.com\n', db);
    expect(r.errors.map((e) => [e.row, e.field])).toEqual([
      [2, 'phone'],
      [3, 'email'],
    ]);
    expect(english(r.errors[0].message)).toBe('phone: +8613600136000 belongs to 2 members (mem_t1, mem_t2); write the member column instead, or merge them first');
  });

  // 10,000 rows keep the file fast; 100,000 (the cap) is the same code, 50 statements per table
  // instead of 5 (figures in docs/member-import.md).
  it('imports 10,000 rows in batches', async () => {
    const lines = ['phone,name,tier'];
    for (let i = 0; i < 10_000; i++) lines.push(`+1555${String(i).padStart(7, '0')},P${i},${i % 3}`);
    const t = Date.now();
    const r = await members(lines.join('\n'), db);
    const ms = Date.now() - t;
    expect(r).toMatchObject({ created: 10_000, updated: 0, errors: [] });
    expect(ms).toBeLessThan(30_000);
    expect(await db.selectFrom('members').select((eb) => eb.fn.countAll<string>().as('n')).where('phone', 'like', '+1555%').executeTakeFirstOrThrow()).toEqual({ n: expect.anything() });
  }, 60_000);
});

describe(`order import (${engine})`, () => {
  let store: TestStore;
  let db: Db;
  let alice: string;
  const counter = async (id: string) => (await db.selectFrom('members').select('orders').where('id', '=', id).executeTakeFirstOrThrow()).orders;
  const orderEvents = async (id: string) => db.selectFrom('member_events').select(['detail', 'at']).where('member_id', '=', id).where('kind', '=', 'order').orderBy('id').execute();
  beforeAll(async () => {
    store = await testStore();
    db = store.db;
    await db.insertInto('channels').values({ id: 'tg', kind: 'telegram', name: 'Telegram', config_sealed: 'unused' }).execute();
    alice = (await ensureMember(db, 'tg', { externalId: '111', name: 'Alice' })).id;
  });
  afterAll(() => store.drop());

  it('stores new orders, one order event each, and moves the member counter', async () => {
    const r = await orders(`order,member,amount,product,at\nA-1,tg:111,199,Camp,2026-12-01 20:00\nA-2,${alice},99.5,Book,2026-12-02T10:00:00Z\n`, db);
    expect(r).toMatchObject({ imported: 2, updated: 0, errors: [] });
    expect(await counter(alice)).toBe(2);
    const events = await orderEvents(alice);
    expect(events.map((e) => e.detail)).toEqual([
      { order: 'A-1', amount: '199.00', product: 'Camp' },
      { order: 'A-2', amount: '99.50', product: 'Book' },
    ]);
    expect(new Date(events[0].at).toISOString()).toBe('2026-12-01T12:00:00.000Z');
    expect((await ordersOf(db, alice)).map((o) => [o.order, o.amount, o.source])).toEqual([
      ['A-2', '99.50', 'csv'],
      ['A-1', '199.00', 'csv'],
    ]);
  });

  it('is idempotent by order id: a re-import updates and never counts twice', async () => {
    const r = await orders('订单号,成员,金额,商品,时间\nA-1,tg:111,299,Camp Plus,2026-12-01 20:00\nA-3,tg:111,10,Pen,2026-12-03 09:00\n', db);
    expect(r).toMatchObject({ imported: 1, updated: 1, errors: [] });
    expect(await counter(alice)).toBe(3);
    expect(await orderEvents(alice)).toHaveLength(3);
    const a1 = await db.selectFrom('orders').selectAll().where('id', '=', 'A-1').executeTakeFirstOrThrow();
    expect([String(a1.amount), a1.product, a1.updated_at !== null]).toEqual(['299.00', 'Camp Plus', true]);
    expect((await orders('order,member,amount,at\nA-1,tg:111,299,2026-12-01 20:00\n', db)).updated).toBe(1);
    expect(await counter(alice)).toBe(3);
  });

  it('creates the member of an unknown phone, refuses an unknown member id, and writes nothing then', async () => {
    const bad = await orders('order,phone,member,amount,at\nB-1,13500135000,,5,2026-12-01\nB-2,,mem_nobody,5,2026-12-01\n', db);
    expect(bad.errors.map((e) => [e.row, e.field])).toEqual([[3, 'member']]);
    expect(await db.selectFrom('orders').select('id').where('id', 'like', 'B-%').execute()).toEqual([]);
    expect(await db.selectFrom('members').select('id').where('phone', '=', '+8613500135000').execute()).toEqual([]);
    const ok = await orders('order,phone,name,amount,at\nB-1,13500135000,Eve,5,2026-12-01\nB-2,135 0013 5000,,6,2026-12-02\n', db);
    expect(ok).toMatchObject({ imported: 2, updated: 0 });
    const eve = await db.selectFrom('members').select(['id', 'name', 'orders']).where('phone', '=', '+8613500135000').execute();
    expect(eve).toEqual([{ id: expect.stringMatching(/^mem_/), name: 'Eve', orders: 2 }]);
  });

  it('keeps no member made for an order it already had', async () => {
    const r = await orders('order,phone,amount,at\nA-3,13300133000,10,2026-12-03 09:00\n', db);
    expect(r).toMatchObject({ imported: 0, updated: 1 });
    expect(await db.selectFrom('members').select('id').where('phone', '=', '+8613300133000').execute()).toEqual([]);
    expect((await db.selectFrom('orders').select('member_id').where('id', '=', 'A-3').executeTakeFirstOrThrow()).member_id).toBe(alice);
  });

  it('records a large file’s order events in batches, with the same rows and counters', async () => {
    const lines = ['order,phone,amount,at'];
    for (let i = 0; i < 600; i++) lines.push(`L-${i},+1555000${String(i % 3).padStart(4, '0')},${i},2026-12-04 10:00`);
    expect(await orders(lines.join('\n'), db)).toMatchObject({ imported: 600, updated: 0 });
    const buyers = await db.selectFrom('members').select(['id', 'orders']).where('phone', 'like', '+15550000%').orderBy('phone').execute();
    expect(buyers.map((b) => b.orders)).toEqual([200, 200, 200]);
    // Their stage moved as it would one order at a time: two orders or more make a repeat customer.
    expect((await db.selectFrom('members').select('stage').where('phone', 'like', '+15550000%').execute()).map((b) => b.stage)).toEqual(['repeat', 'repeat', 'repeat']);
    expect((await orderEvents(buyers[1].id)).length).toBe(200);
    expect((await orderEvents(buyers[1].id))[0].detail).toEqual({ order: 'L-1', amount: '1.00' });
    expect((await orders(lines.join('\n'), db)).updated).toBe(600);
    expect((await db.selectFrom('members').select('orders').where('id', '=', buyers[0].id).executeTakeFirstOrThrow()).orders).toBe(200);
  });

  it('a merge carries the orders to the kept member', async () => {
    const other = await db.selectFrom('members').select('id').where('phone', '=', '+8613500135000').executeTakeFirstOrThrow();
    await linkMembers(db, alice, other.id);
    expect((await ordersOf(db, alice)).length).toBe(5);
    expect(await counter(alice)).toBe(5);
  });
});

describe('candidate ranking (pure)', () => {
  const f = (member: string, over: Partial<CandidateFacts>): CandidateFacts => ({ member, name: member, messages: 0, replies: 0, invites: 0, checkins: 0, checkinsHeld: 0, tenureDays: 0, points: 0, ...over });

  it('ranks who answers others and checks in above who only talks, with the reasons strongest first', () => {
    const ranked = rankCandidates([f('talker', { messages: 200, tenureDays: 40 }), f('helper', { messages: 30, replies: 12, checkins: 9, checkinsHeld: 10, tenureDays: 40 }), f('quiet', { tenureDays: 300 })]);
    expect(ranked.map((c) => c.member)).toEqual(['helper', 'talker']);
    expect(ranked[0].score).toBeGreaterThan(ranked[1].score);
    expect(ranked[0].reasons.map(english)).toEqual(['answered 12 questions from others', 'checked in 9 of 10 times', 'wrote 30 messages in the group', 'in the group for 40 days']);
    expect(ranked[0].reasons.map((r) => render('zh', r))).toEqual(['回答了别人 12 个问题', '10 次打卡中打了 9 次', '在群里发言 30 次', '入群 40 天']);
    expect(ranked[1].reasons.map(english)).toEqual(['wrote 200 messages in the group', 'in the group for 40 days']);
  });

  it('scores out of 100: the best at everything gets 100', () => {
    const [top] = rankCandidates([f('a', { messages: 5, replies: 5, invites: 2, checkins: 3, checkinsHeld: 3, tenureDays: 90, points: 10 }), f('b', { messages: 1 })]);
    expect(top).toMatchObject({ member: 'a', score: 100 });
    expect(rankCandidates([f('a', { messages: 1 })], 0)).toEqual([]);
    expect(english(rankCandidates([f('a', { replies: 1, invites: 1, points: 1, tenureDays: 1 })])[0].reasons[0])).toBe('answered 1 question from others');
  });
});

describe(`candidate facts (${engine})`, () => {
  let store: TestStore;
  let db: Db;
  beforeAll(async () => {
    store = await testStore();
    db = store.db;
  });
  afterAll(() => store.drop());

  it('counts the group’s own events and check-ins; leaves out bots, the blacklisted, leaders, assistants and who left', async () => {
    await db.insertInto('channels').values({ id: 'tg', kind: 'telegram', name: 'Telegram', config_sealed: 'unused' }).execute();
    await db.insertInto('groups').values([{ id: 'g1', channel_id: 'tg', external_id: '-1', name: 'Camp' }, { id: 'g2', channel_id: 'tg', external_id: '-2', name: 'Other' }]).execute();
    const m = async (id: string, opts: { bot?: boolean } = {}) => (await ensureMember(db, 'tg', { externalId: id, name: id, isBot: opts.bot })).id;
    const [helper, talker, bot, banned, lead, gone] = [await m('helper'), await m('talker'), await m('bot', { bot: true }), await m('banned'), await m('lead'), await m('gone')];
    const joined = new Date(NOW.getTime() - 40 * 86_400_000);
    for (const id of [helper, talker, bot, banned, lead, gone]) await openMembership(db, { groupId: 'g1', memberId: id, joinedAt: joined });
    await db.updateTable('memberships').set({ left_at: NOW }).where('member_id', '=', gone).execute();
    await db.updateTable('members').set({ blacklisted_at: NOW }).where('id', '=', banned).execute();
    await db.insertInto('member_roles').values({ group_id: 'g1', member_id: lead, role: 'leader' }).execute();
    const at = new Date(NOW.getTime() - 86_400_000);
    for (const id of [helper, talker, bot, banned, lead, gone]) await recordMemberEvent(db, { memberId: id, groupId: 'g1', kind: 'message', at });
    for (let i = 0; i < 3; i++) await recordMemberEvent(db, { memberId: helper, groupId: 'g1', kind: 'reply', at });
    // Another group's activity does not count here.
    await recordMemberEvent(db, { memberId: talker, groupId: 'g2', kind: 'reply', at });
    await db.insertInto('runs').values({ id: 'run_1', sheet_id: 'x', sheet_version: 1, anchor: NOW, state: 'running', timezone: 'Asia/Shanghai', title: 't', kind: 'run' } as never).execute().catch(() => undefined);
    const facts = await candidateFacts(db, 'g1', NOW);
    expect(facts.map((x) => x.member).sort()).toEqual([helper, talker].sort());
    expect(facts.find((x) => x.member === helper)).toMatchObject({ messages: 1, replies: 3, tenureDays: 40, checkins: 0, checkinsHeld: 0 });
    expect(facts.find((x) => x.member === talker)).toMatchObject({ messages: 1, replies: 0 });
  });
});
