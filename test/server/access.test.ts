// The whole route table, walked as every role. For each registered API route (read from the
// registry, so a new route cannot slip by) and each caller — anonymous, the CLI's admin token,
// and a signed-in owner, admin, operator, leader and viewer — the answer must match the
// permission table: forbidden → 403, anonymous on a non-public route → 401, allowed → neither.
// Then leader scoping with two leaders: each sees only their own groups, tasks, ledger rows and
// board cells, and cannot act on the other's.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, PERMISSIONS, type Role } from '../../src/access/roles.ts';
import { buildApp } from '../../src/server/app.ts';
import { mountedApiRoutes, type Route, routeTable } from '../../src/server/registry.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { anonymous, type Caller, makeUser, signIn, withToken } from './accounts-world.ts';

const SHEET = `sop: access-camp
title: Access camp
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: hello
    at: T+1d
    do: post
    text: "Hello {{ group.name }}"
  - id: call
    at: T+2d
    do: task
    by: leader
    text: Call each new member.
`;

const ROLE_USERS: Record<Role, string> = { owner: 'olga', admin: 'adam', operator: 'otto', leader: 'ann', viewer: 'vera' };

/** A concrete URL for a route: every path parameter filled with an id that exists nowhere. */
function urlOf(r: Route): string {
  return r.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => (name === 'version' ? '1' : '999999'));
}

describe(`access control on ${engine}`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let admin: Caller;
  const callers = {} as Record<Role, Caller>;
  let bob: Caller;

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-access-'));
    const token = await ensureAdminToken(store.db, dataDir);
    app = await buildApp({ store, dataDir, consoleDir: false });
    admin = withToken(app, token, 'admin token');
    for (const [role, name] of Object.entries(ROLE_USERS) as [Role, string][]) await makeUser(store.db, name, role);
    await makeUser(store.db, 'bob', 'leader');
    for (const [role, name] of Object.entries(ROLE_USERS) as [Role, string][]) callers[role] = await signIn(app, name);
    bob = await signIn(app, 'bob');
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  it('declares a known permission on every route, and every mounted /api route is in the registry', () => {
    const routes = routeTable(app);
    expect(routes.length).toBeGreaterThan(40);
    for (const r of routes) expect(PERMISSIONS, `${r.method} ${r.path}`).toContain(r.permission);
    const declared = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const mounted = mountedApiRoutes(app);
    expect(mounted.length).toBe(routes.length);
    for (const m of mounted) expect(declared, `${m} was mounted without the registry`).toContain(m);
    // A leader-scoped permission is only ever given to a route that narrows to the leader's groups.
    for (const r of routes) if (decide('leader', r.permission) === 'scoped') expect(r.scoped, `${r.method} ${r.path}`).toBe(true);
  });

  it('answers every route as the permission table says, for every role', async () => {
    // Sign-out ends the session it is called with: it goes last.
    const routes = [...routeTable(app)].sort((a, b) => Number(a.path === '/api/logout') - Number(b.path === '/api/logout'));
    const failures: string[] = [];
    const check = async (who: string, caller: Caller, r: Route, expect: (status: number) => boolean, what: string) => {
      const res = await caller.call(r.method, urlOf(r), r.method === 'GET' ? undefined : {});
      if (!expect(res.statusCode)) failures.push(`${who} ${r.method} ${r.path}: got ${res.statusCode} (${res.json().error?.code ?? ''}), expected ${what}`);
    };
    let walked = 0;
    for (const r of routes) {
      const isPublic = r.permission === 'public';
      await check('anonymous', anonymous(app), r, (s) => (isPublic ? s !== 401 && s !== 403 : s === 401), isPublic ? 'not 401/403' : '401');
      await check('admin token', admin, r, (s) => s !== 401 && s !== 403, 'not 401/403');
      for (const role of Object.keys(ROLE_USERS) as Role[]) {
        const allowed = decide(role, r.permission) !== 'deny';
        await check(role, callers[role], r, (s) => (allowed ? s !== 401 && s !== 403 : s === 403), allowed ? 'not 401/403' : '403');
        walked++;
      }
    }
    expect(failures).toEqual([]);
    expect(walked).toBe(routeTable(app).length * 5);
    // Seven callers × every route (about 150) in turn: on a loaded 2-core machine, a minute or more.
  }, 180_000);

  describe('leaders see and act on their own groups only', () => {
    let runId: string;
    let annGroup: string;
    let bobGroup: string;
    let annTask: number;
    let bobTask: number;

    beforeAll(async () => {
      // Sessions used by the walk above were signed out at its end.
      callers.leader = await signIn(app, 'ann');
      callers.operator = await signIn(app, 'otto');
      bob = await signIn(app, 'bob');
      expect((await admin.call('POST', '/api/channels', { kind: 'sandbox', name: 'sandbox' })).statusCode).toBe(201);
      const add = async (externalId: string, leader: string) => (await admin.call('POST', '/api/groups', { channel: 'sandbox', externalId, name: `Group of ${leader}`, leader })).json().id as string;
      annGroup = await add('chat-ann', 'ann');
      bobGroup = await add('chat-bob', 'bob');
      // A leader who is not in the team (set by an import, say): the API refuses to type it in.
      const nobody = (await admin.call('POST', '/api/groups', { channel: 'sandbox', externalId: 'chat-nobody', name: 'Group of carol' })).json().id as string;
      await store.db.updateTable('groups').set({ leader: 'carol' }).where('id', '=', nobody).execute();
      const run = await callers.operator.call('POST', '/api/runs', { sheet: SHEET, groups: 'channel:sandbox', anchor: new Date(Date.now() + 86_400_000).toISOString() });
      expect(run.statusCode).toBe(201);
      runId = run.json().id;
      const tasks = (await admin.call('GET', '/api/tasks')).json().tasks as { id: number; assignee: string }[];
      annTask = tasks.find((t) => t.assignee === 'ann')!.id;
      bobTask = tasks.find((t) => t.assignee === 'bob')!.id;
    });

    it('lists only their groups', async () => {
      const ann = (await callers.leader.call('GET', '/api/groups')).json().groups.map((g: { id: string }) => g.id);
      expect(ann).toEqual([annGroup]);
      // (The walk above may have made the demo workspace: count this channel's groups.)
      const all = (await callers.operator.call('GET', '/api/groups?groups=channel:sandbox')).json().groups;
      expect(all).toHaveLength(3);
      expect((await callers.leader.call('GET', '/api/groups?groups=channel:sandbox')).json().groups).toHaveLength(1);
    });

    it('lists only their tasks, and refuses to list or complete the other leader’s', async () => {
      const mine = (await callers.leader.call('GET', '/api/tasks')).json().tasks;
      expect(mine.map((t: { id: number }) => t.id)).toEqual([annTask]);
      const asked = await callers.leader.call('GET', '/api/tasks?assignee=bob');
      expect(asked.statusCode).toBe(403);
      expect(asked.json().error.code).toBe('forbidden');
      const other = await callers.leader.call('POST', `/api/tasks/${bobTask}/done`, {});
      expect(other.statusCode).toBe(403);
      expect(other.json().error.message).toBe(`Task ${bobTask} is not yours; you can mark done only your own tasks.`);
      const onBehalf = await callers.leader.call('POST', `/api/tasks/${annTask}/done`, { by: 'bob' });
      expect(onBehalf.statusCode).toBe(403);
      const done = await callers.leader.call('POST', `/api/tasks/${annTask}/done`, {});
      expect(done.statusCode).toBe(200);
      expect(done.json().state).toBe('done');
      const bobs = (await bob.call('GET', '/api/tasks')).json().tasks;
      expect(bobs.map((t: { id: number }) => t.id)).toEqual([bobTask]);
    });

    it('shows a ledger row of their group, and refuses the other leader’s', async () => {
      expect((await callers.leader.call('GET', `/api/ledger/${annTask}`)).statusCode).toBe(200);
      const r = await callers.leader.call('GET', `/api/ledger/${bobTask}`);
      expect(r.statusCode).toBe(403);
      expect(r.json().error.message).toContain('belongs to a group you do not lead');
    });

    it('gives them only their groups’ board cells, run status and run counts', async () => {
      const board = (await callers.leader.call('GET', `/api/runs/${runId}/board`)).json();
      expect(board.groups.map((g: { id: string }) => g.id)).toEqual([annGroup]);
      expect(board.cells).toHaveLength(2);
      expect(board.cells.every((c: [number, number, string, number]) => c[0] === 0)).toBe(true);
      const full = (await callers.operator.call('GET', `/api/runs/${runId}/board`)).json();
      expect(full.groups).toHaveLength(3);
      expect(full.cells).toHaveLength(6);
      const annIds = new Set(board.cells.map((c: [number, number, string, number]) => c[3]));
      const bobIndex = full.groups.findIndex((g: { id: string }) => g.id === bobGroup);
      for (const c of full.cells.filter((x: [number, number, string, number]) => x[0] === bobIndex)) expect(annIds.has(c[3])).toBe(false);

      const status = (await callers.leader.call('GET', `/api/runs/${runId}`)).json();
      expect(new Set(status.actions.map((a: { group: string }) => a.group))).toEqual(new Set([annGroup]));
      expect(Object.values(status.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(2);
      const list = (await callers.leader.call('GET', '/api/runs')).json().runs;
      expect(list).toEqual([expect.objectContaining({ id: runId, groups: 1, counts: { planned: 1, done: 1 } })]);
    });

    it('refuses a run or broadcast that has none of their groups', async () => {
      const bc = await callers.operator.call('POST', '/api/broadcasts', { text: 'Pin the rules', groups: 'leader:bob', by: 'leader' });
      expect(bc.statusCode).toBe(201);
      const id = bc.json().id;
      for (const url of [`/api/runs/${id}`, `/api/runs/${id}/board`, `/api/broadcasts/${id}`]) {
        const r = await callers.leader.call('GET', url);
        expect(r.statusCode, url).toBe(403);
        expect(r.json().error.message).toContain('has none of your groups');
        expect((await bob.call('GET', url)).statusCode, url).toBe(200);
      }
      expect((await callers.leader.call('GET', '/api/runs')).json().runs.map((r: { id: string }) => r.id)).toEqual([runId]);
      expect((await bob.call('GET', '/api/runs?kind=broadcast')).json().runs.map((r: { id: string }) => r.id)).toEqual([id]);
    });
  });
});
