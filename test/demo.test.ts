import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoSummary } from '../src/demo/seed.ts';
import { DEMO_GROUPS, DEMO_LEADERS } from '../src/demo/workspace.ts';
import { listTasks } from '../src/run/tasks.ts';
import { buildApp } from '../src/server/app.ts';
import { listSheets } from '../src/store/sheets.ts';
import { engine, type TestStore, testStore } from './support/db.ts';
import { type Caller, makeUser, signIn } from './server/accounts-world.ts';

describe(`the demo workspace (${engine})`, () => {
  let store: TestStore;
  let dataDir: string;
  let app: FastifyInstance;
  let owner: Caller;
  let demo: DemoSummary;
  let madeAt: Date;

  beforeAll(async () => {
    store = await testStore();
    dataDir = mkdtempSync(join(tmpdir(), 'chorus-demo-'));
    app = await buildApp({ store, dataDir, consoleDir: false });
    await makeUser(store.db, 'boss', 'owner');
    await makeUser(store.db, 'olivia', 'operator');
    owner = await signIn(app, 'boss');
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await store?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is made by an owner or admin only', async () => {
    const operator = await signIn(app, 'olivia');
    const r = await operator.call('POST', '/api/demo');
    expect(r.statusCode).toBe(403);
    expect(await store.db.selectFrom('channels').selectAll().execute()).toEqual([]);
  });

  it('answers the owner with what it made and the leaders\' demo passwords, which sign in', async () => {
    madeAt = new Date();
    const r = await owner.call('POST', '/api/demo');
    expect(r.statusCode, r.body).toBe(201);
    demo = r.json();
    expect(demo.created).toBe(true);
    expect(demo.leaders.map((l) => l.name)).toEqual(DEMO_LEADERS.map((l) => l.name));
    for (const l of demo.leaders) {
      expect(l.account).toBe(true);
      expect(demo.message).toContain(`${l.name} / ${l.password}`);
      const leader = await signIn(app, l.name, l.password);
      const me = await leader.call('GET', '/api/session');
      expect(me.json().user).toMatchObject({ name: l.name, role: 'leader' });
    }
    const audit = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'demo.create').execute();
    expect(audit).toHaveLength(1);
    // Random, long, and never in the audit log.
    const passwords = demo.leaders.map((l) => l.password!);
    for (const p of passwords) expect(p).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(new Set(passwords).size).toBe(passwords.length);
    expect(JSON.stringify(await store.db.selectFrom('audit_log').selectAll().execute())).not.toContain(passwords[0]);
  }, 60_000);

  it('keeps the leaders\' sign-ins for the demo banner (owners and admins only), sealed, until a leader sets their own password', async () => {
    const r = await owner.call('GET', '/api/demo/sign-ins');
    expect(r.statusCode).toBe(200);
    expect(r.json().signIns).toEqual(demo.leaders.map((l) => ({ name: l.name, displayName: l.displayName, password: l.password })));
    const sealed = await store.db.selectFrom('demo_sign_ins').select('password_sealed').execute();
    expect(sealed).toHaveLength(2);
    for (const s of sealed) for (const l of demo.leaders) expect(s.password_sealed).not.toContain(l.password!);
    const [first, second] = demo.leaders;
    const leader = await signIn(app, first.name, first.password);
    expect((await leader.call('GET', '/api/demo/sign-ins')).statusCode).toBe(403);
    expect((await leader.call('PATCH', '/api/me', { password: 'my very own passphrase', currentPassword: first.password })).statusCode).toBe(200);
    expect((await owner.call('GET', '/api/demo/sign-ins')).json().signIns.map((s: { name: string }) => s.name)).toEqual([second.name]);
    expect(await store.db.selectFrom('demo_sign_ins').select('user_id').execute()).toHaveLength(1);
  }, 60_000);

  it('makes a dozen groups of every community type on a sandbox channel named Demo', async () => {
    expect(demo.created).toBe(true);
    const channel = await store.db.selectFrom('channels').selectAll().where('id', '=', demo.channel.id).executeTakeFirstOrThrow();
    expect(channel).toMatchObject({ kind: 'sandbox', name: 'Demo' });
    const groups = await store.db.selectFrom('groups').selectAll().where('channel_id', '=', channel.id).execute();
    expect(groups).toHaveLength(12);
    expect(new Set(groups.map((g) => g.community))).toEqual(new Set(['lead', 'newcomer', 'training_camp', 'delivery', 'fans', 'local']));
    expect(groups.filter((g) => g.community === 'training_camp')).toHaveLength(3);
    expect(new Set(groups.map((g) => g.leader))).toEqual(new Set(DEMO_LEADERS.map((l) => l.name)));
    expect(groups.some((g) => /[\u4e00-\u9fff]/.test(g.name))).toBe(true);
    expect(groups.some((g) => /^[\x20-\x7e·]+$/.test(g.name))).toBe(true);
    expect(groups.every((g) => g.tags.length > 0)).toBe(true);
  });

  it('gives the groups members who joined over the past days, and their messages', async () => {
    const memberships = await store.db
      .selectFrom('memberships')
      .innerJoin('groups', 'groups.id', 'memberships.group_id')
      .select(['memberships.group_id', 'memberships.joined_at', 'memberships.left_at'])
      .where('groups.channel_id', '=', demo.channel.id)
      .execute();
    expect(memberships.length).toBe(DEMO_GROUPS.reduce((n, g) => n + g.members, 0));
    const joinedDaysAgo = memberships.map((m) => (madeAt.getTime() - new Date(m.joined_at).getTime()) / 86_400_000);
    expect(Math.min(...joinedDaysAgo)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...joinedDaysAgo)).toBeGreaterThan(5);
    expect(memberships.some((m) => m.left_at !== null)).toBe(true);
    // member_count follows the joins and leaves, as ingest keeps it.
    const groups = await store.db.selectFrom('groups').select(['id', 'member_count', 'last_activity_at']).where('channel_id', '=', demo.channel.id).execute();
    for (const g of groups) {
      const open = memberships.filter((m) => m.group_id === g.id && m.left_at === null).length;
      expect(g.member_count).toBe(open);
      expect(g.last_activity_at).not.toBeNull();
    }
    // Everyone who joined a group; the one who only asked to join is not counted.
    const inGroups = await store.db.selectFrom('memberships').select('member_id').distinct().execute();
    expect(demo.members).toBe(inGroups.length);
    const messages = await store.db.selectFrom('messages').select('text').execute();
    expect(messages).toHaveLength(demo.messages);
    expect(messages.length).toBeGreaterThanOrEqual(24);
  });

  it('knows its people: tags, a committee member per camp, points, orders, and a join request waiting', async () => {
    const tagged = await store.db.selectFrom('members').select('tags').execute();
    expect(tagged.some((m) => m.tags.includes('early-bird'))).toBe(true);
    expect(tagged.some((m) => m.tags.includes('vip'))).toBe(true);
    const roles = await store.db.selectFrom('member_roles').select('role').execute();
    expect(roles.map((r) => r.role)).toEqual(['committee', 'committee', 'committee']);
    const orders = await store.db.selectFrom('orders').select('member_id').execute();
    expect(orders).toHaveLength(10);
    const buyers = await store.db.selectFrom('members').select(['stage', 'orders']).where('orders', '>', 0).execute();
    expect(buyers.filter((b) => b.orders === 2)).toHaveLength(2);
    const pending = await store.db.selectFrom('admissions').select(['state', 'source']).execute();
    expect(pending).toEqual([{ state: 'pending', source: 'join_request' }]);
    expect((await store.db.selectFrom('points_ledger').select('id').execute()).length).toBe(12);
  });

  it('saves three templates as sheets', async () => {
    const sheets = await listSheets(store.db);
    expect(sheets.map((s) => s.id).sort()).toEqual(['camp-7d', 'local-event-month', 'newcomer-7d']);
  });

  it('starts a training camp that opened two days ago: the past happened, the future is planned', async () => {
    const run = await store.db.selectFrom('runs').selectAll().where('id', '=', demo.run!.id).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ kind: 'run', state: 'running', sheet_id: 'camp-7d' });
    const opening = DateTime.fromJSDate(madeAt).setZone('Asia/Shanghai').minus({ days: 2 }).set({ hour: 20, minute: 0, second: 0, millisecond: 0 });
    expect(new Date(run.anchor!).toISOString()).toBe(opening.toUTC().toISO());
    const rows = await store.db.selectFrom('ledger').select(['id', 'state', 'mode', 'due_at', 'group_id', 'executed_at', 'on_time']).where('run_id', '=', run.id).execute();
    expect(new Set(rows.map((r) => r.group_id)).size).toBe(3);
    const states = new Set(rows.map((r) => r.state));
    for (const s of ['sent', 'done', 'done_late', 'missed', 'failed', 'unconfirmed', 'planned', 'assigned']) expect(states, s).toContain(s);
    const past = rows.filter((r) => new Date(r.due_at) <= madeAt);
    const future = rows.filter((r) => new Date(r.due_at) > new Date(Date.now() + 1000));
    // Nothing due before the demo was made is left for a worker to send now.
    expect(past.filter((r) => r.mode === 'bot' && ['planned', 'due', 'sending'].includes(r.state))).toEqual([]);
    expect(future.length).toBeGreaterThan(20);
    expect(future.every((r) => r.state === (r.mode === 'bot' ? 'planned' : 'assigned'))).toBe(true);
    for (const r of rows.filter((x) => x.state === 'sent')) {
      expect(new Date(r.executed_at!).getTime()).toBeGreaterThanOrEqual(new Date(r.due_at).getTime());
      expect(r.on_time).toBe(true);
    }
    expect(demo.run!.counts).toEqual(Object.fromEntries([...states].map((s) => [s, rows.filter((r) => r.state === s).length])));
  });

  it('got every past state through the ledger transitions, each noted "demo"', async () => {
    const rows = await store.db.selectFrom('ledger').select(['id', 'state', 'mode']).where('run_id', '=', demo.run!.id).where('state', 'not in', ['planned', 'assigned']).execute();
    const history = await store.db
      .selectFrom('ledger_history')
      .selectAll()
      .where(
        'ledger_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const h = history.filter((x) => x.ledger_id === r.id);
      expect(h.length, `history of row ${r.id}`).toBeGreaterThan(0);
      expect(h.at(-1)!.to_state).toBe(r.state);
      expect(h.every((x) => x.note?.startsWith('demo'))).toBe(true);
      if (r.state === 'sent') expect(h.map((x) => x.to_state)).toEqual(['due', 'sending', 'sent']);
      if (r.state === 'missed') expect(h.map((x) => x.from_state)).toEqual(['assigned']);
    }
  });

  it('leaves tasks open for both leaders, with a broadcast waiting for them', async () => {
    for (const l of DEMO_LEADERS) {
      const tasks = await listTasks(store.db, { assignee: l.name });
      expect(tasks.length, l.name).toBeGreaterThan(0);
      expect(tasks.every((t) => t.group.channelKind === 'sandbox')).toBe(true);
    }
    const broadcast = await store.db.selectFrom('ledger').select(['state', 'assignee', 'mode']).where('run_id', '=', demo.broadcast!.id).execute();
    expect(broadcast).toHaveLength(3);
    expect(broadcast.every((r) => r.mode === 'human')).toBe(true);
    expect(broadcast.map((r) => r.state).sort()).toEqual(['assigned', 'assigned', 'done']);
  });

  it('a second call says the demo exists and changes nothing', async () => {
    const count = async (table: 'groups' | 'runs' | 'ledger' | 'channels' | 'members' | 'users') =>
      Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const tables = ['groups', 'runs', 'ledger', 'channels', 'members', 'users'] as const;
    const before = await Promise.all(tables.map(count));
    const r = await owner.call('POST', '/api/demo');
    expect(r.statusCode).toBe(200);
    const again: DemoSummary = r.json();
    expect(again.created).toBe(false);
    expect(again.message).toMatch(/already exists/);
    expect(again.run?.id).toBe(demo.run!.id);
    expect(again.channel.id).toBe(demo.channel.id);
    expect(again.leaders.every((l) => l.password === undefined)).toBe(true);
    expect(await Promise.all(tables.map(count))).toEqual(before);
  });
});
