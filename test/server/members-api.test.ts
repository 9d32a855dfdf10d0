// The members API on a small world: the list (selector, search, group, sort, page), the profile,
// tags, points, roles, merging with suggestions, forgetting, export and segments — and a leader's
// view on every route: a member only in someone else's group is "not found", and of a member a
// leader sees only their own groups.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { type PeopleWorld, seedPeople } from '../support/people-seed.ts';
import { type Caller, makeUser, signIn, withToken } from './accounts-world.ts';

interface Summary {
  id: string;
  name: string;
  groups: { group: string; groupName: string; role: string | null; leftAt: string | null; via: unknown }[];
  identities: { channel: string; externalId: string; username: string | null }[];
  tags: string[];
  points: number;
  blacklisted: boolean;
}

describe(`members API (${engine})`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let admin: Caller;
  let ann: Caller;
  let bob: Caller;
  let otto: Caller;
  let w: PeopleWorld;
  const names = (list: Summary[]) => list.map((m) => m.name);
  const list = async (caller: Caller, qs = '') => {
    const r = await caller.call('GET', `/api/members${qs}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { members: Summary[]; total: number; totalCapped: boolean };
  };

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-members-'));
    app = await buildApp({ store, dataDir, consoleDir: false });
    admin = withToken(app, await ensureAdminToken(store.db, dataDir), 'admin');
    await makeUser(store.db, 'ann', 'leader');
    await makeUser(store.db, 'bob', 'leader');
    await makeUser(store.db, 'otto', 'operator');
    ann = await signIn(app, 'ann');
    bob = await signIn(app, 'bob');
    otto = await signIn(app, 'otto');
    w = await seedPeople(store.db, new Date());
    await store.db
      .insertInto('messages')
      .values({ group_id: w.g1, member_id: w.m.alice, external_id: 'msg1', text: 'my phone is 138', links: ['https://alice.example'], mentions: [], sent_at: new Date() })
      .execute();
    await store.db.insertInto('member_events').values({ member_id: w.m.alice, group_id: w.g1, kind: 'message', at: new Date(Date.now() - 60_000), detail: JSON.stringify({ message: 'msg1' }) }).execute();
    await store.db.insertInto('member_events').values({ member_id: w.m.frank, group_id: w.g2, kind: 'message', at: new Date(), detail: JSON.stringify({}) }).execute();
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  describe('the list', () => {
    it('lists everyone not forgotten, most recently active first, with identities, groups and roles', async () => {
      const r = await list(admin);
      // Never active last; ties by id.
      expect(names(r.members)).toEqual(['Frank', 'Alice Wang', 'Dave', 'Bob Li', 'Erin', 'Botty']);
      expect(r).toMatchObject({ total: 6, totalCapped: false });
      const alice = r.members.find((m) => m.id === w.m.alice)!;
      expect(Object.keys(alice).sort()).toEqual(['blacklisted', 'checkins', 'groups', 'id', 'identities', 'lastActiveAt', 'level', 'messages', 'name', 'points', 'stage', 'tags'].sort());
      expect(alice.identities).toEqual([{ channel: w.tg, externalId: '111', username: 'alicew' }]);
      expect(alice.groups).toEqual([
        { group: w.g1, groupName: 'Camp One', role: null, joinedAt: expect.any(String), leftAt: null, via: { link: 'https://t.me/+abc', inviter: null, scene: null } },
      ]);
      const bobLi = r.members.find((m) => m.id === w.m.bob)!;
      expect(bobLi.groups.map((g) => [g.group, g.leftAt === null, g.via])).toEqual([
        [w.g1, false, null],
        [w.g2, true, null],
      ]);
      expect(r.members.find((m) => m.id === w.m.dave)!.groups[0].role).toBe('leader');
    });

    it('filters by selector, search and group; sorts and pages', async () => {
      expect(names((await list(admin, '?where=tag:vip&sort=name')).members)).toEqual(['Alice Wang', 'Erin']);
      expect(names((await list(admin, `?where=${encodeURIComponent('enrolled+!stage:customer')}&sort=name`)).members)).toEqual(['Alice Wang', 'Bob Li', 'Frank']);
      expect(names((await list(admin, '?q=wang')).members)).toEqual(['Alice Wang']);
      expect(names((await list(admin, '?q=222')).members)).toEqual(['Bob Li']);
      expect(names((await list(admin, '?q=%40alicew')).members)).toEqual(['Alice Wang']);
      expect(names((await list(admin, '?q=100%25')).members)).toEqual([]);
      expect(names((await list(admin, `?group=${w.g2}&sort=name`)).members)).toEqual(['Bob Li', 'Frank']);
      expect(names((await list(admin, `?group=${encodeURIComponent(`${w.tg}:-200`)}&sort=name`)).members)).toEqual(['Bob Li', 'Frank']);
      expect(names((await list(admin, '?sort=points')).members).slice(0, 3)).toEqual(['Frank', 'Alice Wang', 'Dave']);
      expect(names((await list(admin, '?sort=name&order=desc')).members)[0]).toBe('Frank');
      const page = await list(admin, '?sort=name&limit=2&offset=2');
      expect(names(page.members)).toEqual(['Botty', 'Dave']);
      expect(page.total).toBe(6);
      expect(names((await list(admin, '?sort=joined&order=asc')).members)[0]).toBe('Dave');
      expect(names((await list(admin, '?sort=messages')).members)[0]).toBe('Alice Wang');
    });

    it('refuses a bad selector naming the term, an unknown group, a bad sort', async () => {
      const bad = await admin.call('GET', '/api/members?where=tag:vip%2Bstage:rich');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatchObject({ code: 'invalid_selector', field: 'where', message: expect.stringContaining('"rich" is not a stage') });
      const zh = await admin.call('GET', '/api/members?where=frob&lang=zh');
      expect(zh.json().error.message).toContain('“frob”不是成员筛选条件');
      const group = await admin.call('GET', '/api/members?group=nope');
      expect(group.statusCode).toBe(404);
      expect(group.json().error).toMatchObject({ field: 'group', message: expect.stringContaining('There is no group "nope"') });
      const gsel = await admin.call('GET', '/api/members?where=group:frob:x');
      expect(gsel.statusCode).toBe(400);
      expect(gsel.json().error.field).toBe('where');
      expect((await admin.call('GET', '/api/members?sort=age')).statusCode).toBe(400);
      expect((await admin.call('GET', '/api/members?limit=5000')).statusCode).toBe(400);
    });
  });

  describe('a leader', () => {
    it('lists only members of their own groups, and of them only those groups', async () => {
      const r = await list(ann, '?sort=name');
      expect(names(r.members)).toEqual(['Alice Wang', 'Bob Li', 'Botty', 'Dave', 'Erin']);
      expect(r.members.find((m) => m.id === w.m.bob)!.groups.map((g) => g.group)).toEqual([w.g1]);
      const theirs = await list(bob, '?sort=name');
      expect(names(theirs.members)).toEqual(['Bob Li', 'Frank']);
      expect(theirs.members[0].groups.map((g) => g.group)).toEqual([w.g2]);
      // Someone else's group is not a filter they can use: it would tell who was there.
      const other = await ann.call('GET', `/api/members?group=${w.g2}`);
      expect(other.statusCode).toBe(404);
      expect(other.json().error.field).toBe('group');
      expect((await ann.call('GET', `/api/members/export?group=${w.g2}`)).statusCode).toBe(404);
      expect(names((await list(ann, `?group=${w.g3}`)).members)).toEqual(['Erin']);
      expect(names((await list(ann, '?q=frank')).members)).toEqual([]);
    });

    it("never reaches a member only in someone else's group, on any route", async () => {
      const frank = encodeURIComponent(w.m.frank);
      const answers = [
        await ann.call('GET', `/api/members/${frank}`),
        await ann.call('GET', `/api/members/${encodeURIComponent(`${w.tg}:555`)}`),
        await ann.call('POST', `/api/members/${frank}/points`, { add: 5, reason: 'x' }),
        await ann.call('PUT', `/api/members/${frank}/role`, { group: w.g2, role: 'kol' }),
        await ann.call('POST', '/api/members/tags', { members: [w.m.frank], add: ['x'] }),
      ];
      for (const a of answers) {
        expect(a.statusCode, a.body).toBe(404);
        expect(a.json().error.message).toContain('There is no member');
      }
      // A selector reaches only their own members.
      expect((await ann.call('POST', '/api/members/tags', { where: 'all', add: ['seen-by-ann'] })).json()).toEqual({ changed: 5 });
      const frankRow = await store.db.selectFrom('members').select('tags').where('id', '=', w.m.frank).executeTakeFirstOrThrow();
      expect(frankRow.tags).toEqual([]);
      await admin.call('POST', '/api/members/tags', { where: 'tag:seen-by-ann', remove: ['seen-by-ann'] });
      // A role only in their own groups (Bob was in g1 but is in g2 now, bob's group).
      const role = await ann.call('PUT', `/api/members/${w.m.bob}/role`, { group: w.g2, role: 'kol' });
      expect(role.statusCode).toBe(404);
      expect(role.json().error.field).toBe('group');
      // Export, and the counts of segments.
      const csv = (await ann.call('GET', '/api/members/export')).body;
      expect(csv).not.toContain('Frank');
      expect(csv).toContain('Alice Wang');
      await admin.call('PUT', '/api/segments/everyone', { where: 'all' });
      expect(((await ann.call('GET', '/api/segments')).json() as { name: string; members: number }[]).find((g) => g.name === 'everyone')?.members).toBe(5);
      expect(((await bob.call('GET', '/api/segments')).json() as { name: string; members: number }[]).find((g) => g.name === 'everyone')?.members).toBe(2);
      await admin.call('DELETE', '/api/segments/everyone');
    });

    it("sees a member's profile with their own groups' events only", async () => {
      const p = (await bob.call('GET', `/api/members/${w.m.bob}`)).json();
      expect(p.groups.map((g: { group: string }) => g.group)).toEqual([w.g2]);
      await store.db.insertInto('member_events').values({ member_id: w.m.bob, group_id: w.g1, kind: 'leave', at: new Date(), detail: JSON.stringify({ reason: 'voluntary' }) }).execute();
      const kinds = async (caller: Caller) => (await caller.call('GET', `/api/members/${w.m.bob}`)).json().events.filter((e: { group: string | null }) => e.group).map((e: { kind: string }) => e.kind);
      expect(await kinds(bob)).toEqual([]);
      expect(await kinds(ann)).toEqual(['leave']);
    });

    it('may not merge, forget or save segments', async () => {
      expect((await ann.call('POST', '/api/members/merge', { keep: w.m.alice, merge: w.m.erin })).statusCode).toBe(403);
      expect((await ann.call('POST', `/api/members/${w.m.alice}/forget`)).statusCode).toBe(403);
      expect((await otto.call('POST', `/api/members/${w.m.alice}/forget`)).statusCode).toBe(403);
      expect((await ann.call('PUT', '/api/segments/x', { where: 'all' })).statusCode).toBe(403);
      expect((await ann.call('GET', '/api/members/merge-suggestions')).statusCode).toBe(403);
    });
  });

  describe('the profile', () => {
    it('adds contacts, attributes, orders, score, the timeline and the points ledger; finds a member by channel:platform id', async () => {
      const r = await admin.call('GET', `/api/members/${encodeURIComponent(`${w.wc}:e1`)}`);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ id: w.m.erin, phone: '13800000000', email: 'Erin@Example.com', attrs: {}, orders: 0, score: 0, pointsLedger: [] });
      // By channel name too.
      expect((await admin.call('GET', `/api/members/${encodeURIComponent('tg:111')}`)).json().id).toBe(w.m.alice);
      const alice = (await admin.call('GET', `/api/members/${w.m.alice}`)).json();
      expect(alice.events.find((e: { kind: string }) => e.kind === 'message')).toEqual({ at: expect.any(String), kind: 'message', group: w.g1, groupName: 'Camp One', detail: { message: 'msg1' } });
    });

    it('answers 404 naming an unknown member', async () => {
      const r = await admin.call('GET', '/api/members/mem_nobody');
      expect(r.statusCode).toBe(404);
      expect(r.json().error.message).toBe('There is no member "mem_nobody": give a member id (mem_…) or <channel>:<platform user id>; see chorus member list');
      expect((await admin.call('GET', `/api/members/${encodeURIComponent('tg:000')}`)).statusCode).toBe(404);
      expect((await admin.call('GET', `/api/members/${w.m.gina}`)).statusCode).toBe(404);
    });
  });

  describe('changes', () => {
    it('tags one member or many in one go, with a tag event per member changed', async () => {
      const r = await otto.call('POST', '/api/members/tags', { members: [w.m.alice], add: [' gold ', 'vip'], remove: [] });
      expect(r.json()).toEqual({ changed: 1 });
      expect((await otto.call('POST', '/api/members/tags', { members: [w.m.alice], add: ['gold'] })).json()).toEqual({ changed: 0 });
      const bulk = await otto.call('POST', '/api/members/tags', { where: 'tag:vip', add: ['q4'], remove: ['gold'] });
      expect(bulk.json()).toEqual({ changed: 2 });
      const tags = await store.db.selectFrom('members').select(['id', 'tags']).where('id', 'in', [w.m.alice, w.m.erin]).orderBy('id').execute();
      expect(tags.map((t) => t.tags)).toEqual([
        ['vip', 'q4'],
        ['vip', 'buyer', 'q4'],
      ]);
      const events = await store.db.selectFrom('member_events').select(['detail']).where('member_id', '=', w.m.alice).where('kind', '=', 'tag').orderBy('id').execute();
      expect(events.map((e) => (typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail)).filter((d) => d.by === 'otto')).toEqual([
        { added: ['gold'], removed: [], by: 'otto' },
        { added: ['q4'], removed: ['gold'], by: 'otto' },
      ]);
      const audit = await store.db.selectFrom('audit_log').select('actor').where('action', '=', 'member.tag').where('actor', '=', 'otto').execute();
      expect(audit.length).toBe(3);
    });

    it('refuses bad tags and unclear requests, changing nothing', async () => {
      const comma = await otto.call('POST', '/api/members/tags', { members: [w.m.alice], add: ['a,b'] });
      expect(comma.statusCode).toBe(400);
      expect(comma.json().error).toMatchObject({ field: 'add', message: expect.stringContaining('"a,b"') });
      expect((await otto.call('POST', '/api/members/tags', { members: [w.m.alice], add: ['x'.repeat(51)] })).json().error.message).toContain('longer than 50');
      expect((await otto.call('POST', '/api/members/tags', { members: [w.m.alice], where: 'all', add: ['x'] })).statusCode).toBe(400);
      expect((await otto.call('POST', '/api/members/tags', { members: [w.m.alice] })).json().error.reason).toBe('say which tags to add or remove');
      const unknown = await otto.call('POST', '/api/members/tags', { members: [w.m.alice, 'mem_nobody'], add: ['half'] });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error).toMatchObject({ field: 'members', message: expect.stringContaining('mem_nobody') });
      expect((await store.db.selectFrom('members').select('tags').where('id', '=', w.m.alice).executeTakeFirstOrThrow()).tags).not.toContain('half');
      expect((await otto.call('POST', '/api/members/tags', { where: 'stage:rich', add: ['x'] })).json().error.field).toBe('where');
    });

    it('adds and spends points with a reason; never below 0', async () => {
      const add = await ann.call('POST', `/api/members/${w.m.alice}/points`, { add: 5, reason: 'helped a newcomer' });
      expect(add.json()).toEqual({ balance: 35 });
      expect((await otto.call('POST', `/api/members/${w.m.alice}/points`, { spend: 35, reason: 'mug' })).json()).toEqual({ balance: 0 });
      const over = await otto.call('POST', `/api/members/${w.m.alice}/points`, { spend: 1, reason: 'mug' });
      expect(over.statusCode).toBe(409);
      expect(over.json().error.message).toBe('the member has 0 points, fewer than the 1 to spend; a balance never goes below 0');
      expect((await otto.call('POST', `/api/members/${w.m.alice}/points`, { add: 1, spend: 1, reason: 'x' })).statusCode).toBe(400);
      expect((await otto.call('POST', `/api/members/${w.m.alice}/points`, { add: 1.5, reason: 'x' })).statusCode).toBe(400);
      expect((await otto.call('POST', `/api/members/${w.m.alice}/points`, { add: 1 })).json().error.field).toBe('reason');
      const p = (await otto.call('GET', `/api/members/${w.m.alice}`)).json();
      expect(p.points).toBe(0);
      expect(p.pointsLedger.map((l: { delta: number; balance: number; actor: string }) => [l.delta, l.balance, l.actor])).toEqual([
        [-35, 0, 'otto'],
        [5, 35, 'ann'],
      ]);
    });

    it('sets and removes a role in a group the member is or was in', async () => {
      const set = await ann.call('PUT', `/api/members/${w.m.alice}/role`, { group: `${w.tg}:-100`, role: 'committee' });
      expect(set.json()).toEqual({ role: 'committee' });
      expect((await list(admin, '?where=role:committee')).members.map((m) => m.id)).toEqual([w.m.alice]);
      expect((await ann.call('PUT', `/api/members/${w.m.bob}/role`, { group: w.g1, role: 'assistant' })).json()).toEqual({ role: 'assistant' });
      expect((await ann.call('PUT', `/api/members/${w.m.alice}/role`, { group: w.g1, role: 'none' })).json()).toEqual({ role: 'none' });
      expect((await list(admin, '?where=role:committee')).members).toEqual([]);
      const events = await store.db.selectFrom('member_events').select('detail').where('member_id', '=', w.m.alice).where('kind', '=', 'role').orderBy('id').execute();
      expect(events.map((e) => (typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail))).toEqual([
        { role: 'committee', previous: 'none', by: 'ann' },
        { role: 'none', previous: 'committee', by: 'ann' },
      ]);
      const stranger = await otto.call('PUT', `/api/members/${w.m.erin}/role`, { group: w.g1, role: 'kol' });
      expect(stranger.statusCode).toBe(422);
      expect(stranger.json().error).toMatchObject({ code: 'not_in_group', field: 'group' });
      expect((await otto.call('PUT', `/api/members/${w.m.erin}/role`, { group: w.g3, role: 'king' })).json().error.field).toBe('role');
      expect((await otto.call('PUT', `/api/members/${w.m.erin}/role`, { group: 'nope', role: 'kol' })).statusCode).toBe(404);
    });
  });

  describe('merging', () => {
    it('suggests members on different channels with the same phone, and merges them', async () => {
      const s = (await otto.call('GET', '/api/members/merge-suggestions')).json();
      expect(s).toEqual([{ a: expect.objectContaining({ id: w.m.erin }), b: expect.objectContaining({ id: w.m.frank }), reason: 'phone' }]);
      const merged = await otto.call('POST', '/api/members/merge', { keep: w.m.erin, merge: `${w.tg}:555` });
      expect(merged.statusCode, merged.body).toBe(200);
      expect(merged.json().identities.map((i: { channel: string }) => i.channel).sort()).toEqual([w.tg, w.wc]);
      expect(merged.json().points).toBe(100);
      expect((await otto.call('GET', `/api/members/${w.m.frank}`)).statusCode).toBe(404);
      expect((await otto.call('GET', '/api/members/merge-suggestions')).json()).toEqual([]);
      expect(await store.db.selectFrom('audit_log').select('target').where('action', '=', 'member.merge').execute()).toEqual([{ target: `member:${w.m.erin}` }]);
      // The activity log names the member.
      const log = (await admin.call('GET', '/api/audit?action=member.merge')).json();
      expect(log.entries[0].targetName).toEqual({ kind: 'member', name: 'Erin' });
    });

    it('refuses two accounts on one channel, and names an unknown member', async () => {
      const same = await otto.call('POST', '/api/members/merge', { keep: w.m.alice, merge: w.m.bob });
      expect(same.statusCode).toBe(409);
      expect(same.json().error.code).toBe('same_channel');
      const unknown = await otto.call('POST', '/api/members/merge', { keep: w.m.alice, merge: 'mem_nobody' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.field).toBe('merge');
    });
  });

  describe('export', () => {
    it('answers CSV with a byte-order mark, quoted where needed', async () => {
      const r = await otto.call('GET', '/api/members/export?where=tag:vip');
      expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(r.headers['content-disposition']).toContain('members.csv');
      const lines = r.body.split('\r\n');
      expect(lines[0]).toBe('\uFEFFid,name,identities,groups,leftGroups,stage,level,points,tags,messages,checkins,lastActiveAt,blacklisted');
      expect(lines.filter(Boolean)).toHaveLength(3);
      expect(r.body).toContain(`${w.m.erin},Erin,`);
      // Merging united Erin's and Frank's tags.
      expect(r.body).toContain('"buyer,q4,vip"');
    });
  });

  describe('segments', () => {
    it('saves a checked selector, lists with counts, deletes', async () => {
      const saved = await otto.call('PUT', '/api/segments/vips', { where: 'tag:vip + active<7d' });
      expect(saved.json()).toEqual({ name: 'vips', selector: 'tag:vip+active<1w' });
      const listed = (await otto.call('GET', '/api/segments')).json();
      expect(listed).toEqual([{ name: 'vips', selector: 'tag:vip+active<1w', members: 2, createdBy: 'otto', createdAt: expect.any(String) }]);
      const bad = await otto.call('PUT', '/api/segments/vips', { where: 'tag:vip+frob' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatchObject({ field: 'where', message: expect.stringContaining('"frob"') });
      expect((await otto.call('PUT', '/api/segments/a%20b', { where: 'all' })).json().error.field).toBe('name');
      // A segment is a term of other selectors; one that names a missing segment is not saved.
      expect((await list(otto, '?where=segment:vips&sort=name')).members.map((m) => m.name)).toEqual(['Alice Wang', 'Erin']);
      const missing = await otto.call('PUT', '/api/segments/quiet', { where: 'segment:nope+inactive>7d' });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.message).toContain('there is no segment "nope"');
      expect(await store.db.selectFrom('segments').select('name').execute()).toEqual([{ name: 'vips' }]);
      expect((await otto.call('DELETE', '/api/segments/vips')).json()).toEqual({ deleted: true });
      expect((await otto.call('DELETE', '/api/segments/vips')).statusCode).toBe(404);
      expect(await store.db.selectFrom('audit_log').select('action').where('action', 'like', 'segment.%').orderBy('id').execute()).toEqual(
        expect.arrayContaining([{ action: 'segment.save' }, { action: 'segment.delete' }]),
      );
    });
  });

  describe('forgetting', () => {
    it("erases a member's personal data, keeps the counts, and drops them from lists", async () => {
      await store.db.updateTable('members').set({ attrs: JSON.stringify({ city: 'Wuhan' }), email: 'a@x.cn' }).where('id', '=', w.m.alice).execute();
      // A welcome still planned for her, and one already sent.
      await store.db.insertInto('runs').values({ id: 'run_f', kind: 'run', selector: 'all', state: 'running', vars: JSON.stringify({}) }).execute();
      const row = (state: string, step: string) => ({
        run_id: 'run_f',
        group_id: w.g1,
        step_id: step,
        occurrence: 1,
        member_id: w.m.alice,
        action: 'direct_message',
        mode: 'bot',
        executor: 'bot',
        due_at: new Date(Date.now() + 60_000),
        window_minutes: 60,
        content: JSON.stringify({ text: 'Hi Alice' }),
        state,
      });
      await store.db.insertInto('ledger').values([row('planned', 'greet'), row('sent', 'hello')]).execute();
      const r = await admin.call('POST', `/api/members/${encodeURIComponent(`${w.tg}:111`)}/forget`);
      expect(r.json()).toEqual({ forgotten: true, id: w.m.alice, cancelled: 1 });
      expect((await store.db.selectFrom('ledger').select(['step_id', 'state']).where('run_id', '=', 'run_f').orderBy('step_id').execute())).toEqual([
        { step_id: 'greet', state: 'cancelled' },
        { step_id: 'hello', state: 'sent' },
      ]);
      const m = await store.db.selectFrom('members').selectAll().where('id', '=', w.m.alice).executeTakeFirstOrThrow();
      expect(m).toMatchObject({ name: '(erased)', phone: null, email: null, tags: [], messages: 10, checkins: 3 });
      expect(m.attrs).toEqual({});
      expect(m.forgotten_at).not.toBeNull();
      expect(await store.db.selectFrom('member_identities').select(['name', 'username', 'external_id']).where('member_id', '=', w.m.alice).execute()).toEqual([{ name: null, username: null, external_id: '111' }]);
      expect(await store.db.selectFrom('messages').select(['text', 'links']).where('member_id', '=', w.m.alice).execute()).toEqual([{ text: '', links: [] }]);
      const tagEvents = await store.db.selectFrom('member_events').select('detail').where('member_id', '=', w.m.alice).where('kind', '=', 'tag').execute();
      for (const e of tagEvents) expect(Object.keys(typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail)).toEqual(['by']);
      expect(await store.db.selectFrom('memberships').select('group_id').where('member_id', '=', w.m.alice).execute()).toHaveLength(1);
      expect((await list(admin)).members.map((x) => x.id)).not.toContain(w.m.alice);
      expect((await admin.call('GET', `/api/members/${w.m.alice}`)).statusCode).toBe(404);
      expect((await admin.call('POST', `/api/members/${w.m.alice}/forget`)).statusCode).toBe(404);
      expect(await store.db.selectFrom('audit_log').select('target').where('action', '=', 'member.forget').execute()).toEqual([{ target: `member:${w.m.alice}` }]);
    });
  });
});
