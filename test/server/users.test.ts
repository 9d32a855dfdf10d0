// Users and roles (only an owner makes owners and admins; the last owner stays), personal API
// tokens (shown once, stored hashed, revocable, acting with their user's role and groups), one's
// own profile, and the audit log entry of every audited action.

import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { type Caller, makeUser, PASSWORD, signIn, withToken } from './accounts-world.ts';

const SHEET = `sop: audit-camp
title: Audit camp
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

describe(`users, tokens and the audit log on ${engine}`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let adminToken: Caller;
  let owner: Caller;
  let admin: Caller;
  const idOf = async (name: string) => (await owner.call('GET', '/api/users')).json().users.find((u: { name: string }) => u.name === name).id as string;

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-users-'));
    const token = await ensureAdminToken(store.db, dataDir);
    app = await buildApp({ store, dataDir, consoleDir: false });
    adminToken = withToken(app, token, 'admin token');
    expect((await app.inject({ method: 'POST', url: '/api/setup', payload: { name: 'olga', password: PASSWORD } })).statusCode).toBe(201);
    owner = await signIn(app, 'olga');
    await makeUser(store.db, 'adam', 'admin');
    admin = await signIn(app, 'adam');
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  describe('users and roles', () => {
    it('lets an admin create operators, leaders and viewers but not admins or owners', async () => {
      const op = await admin.call('POST', '/api/users', { name: 'otto', password: PASSWORD, role: 'operator', displayName: 'Otto' });
      expect(op.statusCode).toBe(201);
      expect(op.json()).toMatchObject({ name: 'otto', displayName: 'Otto', role: 'operator', disabled: false });
      expect(op.json()).not.toHaveProperty('password_hash');
      const r = await admin.call('POST', '/api/users', { name: 'anna', password: PASSWORD, role: 'admin' });
      expect(r.statusCode).toBe(403);
      expect(r.json().error.message).toBe('Only an owner can create an admin.');
      expect((await admin.call('POST', '/api/users', { name: 'oscar', password: PASSWORD, role: 'owner' })).statusCode).toBe(403);
      expect((await owner.call('POST', '/api/users', { name: 'anna', password: PASSWORD, role: 'admin' })).statusCode).toBe(201);
    });

    it('refuses a taken name, in any letter case, and says which field', async () => {
      const r = await owner.call('POST', '/api/users', { name: 'OTTO', password: PASSWORD, role: 'viewer' });
      expect(r.statusCode).toBe(409);
      expect(r.json().error).toMatchObject({ code: 'name_taken', field: 'name' });
      const bad = await owner.call('POST', '/api/users', { name: 'two words', password: PASSWORD, role: 'viewer' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatchObject({ field: 'name', reason: 'may hold letters, digits, dots, dashes and underscores only' });
    });

    it('lets only an owner promote to admin or change an admin', async () => {
      const otto = await idOf('otto');
      const anna = await idOf('anna');
      expect((await admin.call('PATCH', `/api/users/${otto}`, { role: 'admin' })).statusCode).toBe(403);
      expect((await admin.call('PATCH', `/api/users/${anna}`, { displayName: 'Anna' })).statusCode).toBe(403);
      expect((await admin.call('PATCH', `/api/users/${otto}`, { role: 'leader' })).json().role).toBe('leader');
      expect((await owner.call('PATCH', `/api/users/${otto}`, { role: 'operator' })).json().role).toBe('operator');
    });

    it('keeps at least one owner', async () => {
      const olga = await idOf('olga');
      const r = await owner.call('PATCH', `/api/users/${olga}`, { role: 'admin' });
      expect(r.statusCode).toBe(409);
      expect(r.json().error).toMatchObject({ code: 'last_owner', field: 'role', message: 'olga is the only owner; make someone else an owner first.' });
      expect((await owner.call('PATCH', `/api/users/${olga}`, { disabled: true })).statusCode).toBe(409);
    });

    it('lets a person change their language, name and password (with the current one)', async () => {
      const otto = await signIn(app, 'otto');
      const other = await signIn(app, 'otto');
      expect((await otto.call('PATCH', '/api/me', { locale: 'en', displayName: 'Otto M.' })).json().user).toMatchObject({ locale: 'en', displayName: 'Otto M.' });
      const missing = await otto.call('PATCH', '/api/me', { password: 'a new password' });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.field).toBe('currentPassword');
      const wrong = await otto.call('PATCH', '/api/me', { password: 'a new password', currentPassword: 'nope' });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().error.code).toBe('wrong_password');
      expect((await otto.call('PATCH', '/api/me', { password: 'a new password', currentPassword: PASSWORD })).statusCode).toBe(200);
      // This session goes on; the other one ended with the old password.
      expect((await otto.call('GET', '/api/session')).json().user.name).toBe('otto');
      expect((await other.call('GET', '/api/sheets')).statusCode).toBe(401);
      expect((await signIn(app, 'otto', 'a new password')).name).toBe('otto');
      await expect(signIn(app, 'otto')).rejects.toThrow(/401/);
    });
  });

  describe('personal API tokens', () => {
    it('shows a token once, stores only its hash, and lists it without the token', async () => {
      const made = await owner.call('POST', '/api/tokens', { name: 'nightly export' });
      expect(made.statusCode).toBe(201);
      const { id, token } = made.json();
      expect(token).toMatch(/^chorus_/);
      const row = await store.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.token_sha256).toBe(createHash('sha256').update(token).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(token);
      const list = (await owner.call('GET', '/api/tokens')).json().tokens;
      expect(list).toEqual([{ id, name: 'nightly export', createdAt: expect.any(String), lastUsedAt: null }]);
      expect(JSON.stringify(list)).not.toContain(token);
    });

    it("acts with its user's current role, and with a leader's groups only", async () => {
      await makeUser(store.db, 'vic', 'viewer');
      const vic = await signIn(app, 'vic');
      const token = (await vic.call('POST', '/api/tokens', { name: 'script' })).json().token;
      const script = withToken(app, token);
      expect((await script.call('GET', '/api/sheets')).statusCode).toBe(200);
      expect((await script.call('POST', '/api/sheets', { yaml: SHEET })).statusCode).toBe(403);
      await owner.call('PATCH', `/api/users/${await idOf('vic')}`, { role: 'leader' });
      await adminToken.call('POST', '/api/channels', { kind: 'sandbox', name: 'sandbox' });
      await adminToken.call('POST', '/api/groups', { channel: 'sandbox', externalId: 'g-vic', name: 'Vic group', leader: 'vic' });
      await adminToken.call('POST', '/api/groups', { channel: 'sandbox', externalId: 'g-other', name: 'Other group' });
      await store.db.updateTable('groups').set({ leader: 'someone' }).where('external_id', '=', 'g-other').execute();
      const groups = (await script.call('GET', '/api/groups')).json().groups;
      expect(groups.map((g: { name: string }) => g.name)).toEqual(['Vic group']);
      expect((await script.call('GET', '/api/sheets')).statusCode).toBe(403);
    });

    it('stops working when revoked, or when its user is disabled; nobody revokes another person’s token', async () => {
      const t1 = (await admin.call('POST', '/api/tokens', { name: 'one' })).json();
      const t2 = (await admin.call('POST', '/api/tokens', { name: 'two' })).json();
      expect((await withToken(app, t1.token).call('GET', '/api/users')).statusCode).toBe(200);
      expect((await owner.call('DELETE', `/api/tokens/${t1.id}`)).statusCode).toBe(404);
      expect((await admin.call('DELETE', `/api/tokens/${t1.id}`)).json()).toEqual({ id: t1.id, revoked: true });
      const refused = await withToken(app, t1.token).call('GET', '/api/users');
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error.message).toContain('not valid');
      await owner.call('PATCH', `/api/users/${await idOf('adam')}`, { disabled: true });
      expect((await withToken(app, t2.token).call('GET', '/api/users')).statusCode).toBe(401);
      await owner.call('PATCH', `/api/users/${await idOf('adam')}`, { disabled: false });
      expect((await withToken(app, t2.token).call('GET', '/api/users')).statusCode).toBe(200);
    });

    it('is for people: the workspace admin token cannot make personal tokens', async () => {
      const r = await adminToken.call('POST', '/api/tokens', { name: 'x' });
      expect(r.statusCode).toBe(422);
      expect(r.json().error.code).toBe('no_account');
    });
  });

  describe('audit log', () => {
    it('records every audited action with who, what and the target', async () => {
      const op = await signIn(app, 'otto', 'a new password');
      expect((await op.call('POST', '/api/sheets', { yaml: SHEET })).statusCode).toBe(201);
      const run = (await op.call('POST', '/api/runs', { sheet: 'audit-camp', groups: 'channel:sandbox', anchor: new Date(Date.now() + 86_400_000).toISOString() })).json().id;
      await op.call('POST', `/api/runs/${run}/pause`);
      await op.call('POST', `/api/runs/${run}/resume`);
      expect((await op.call('POST', `/api/runs/${run}/replan`, { sheet: SHEET.replace('Call each new member.', 'Call each member.') })).statusCode).toBe(200);
      const bc = (await op.call('POST', '/api/broadcasts', { text: 'Pin the rules', groups: 'channel:sandbox', by: 'leader' })).json().id;
      const task = (await adminToken.call('GET', '/api/tasks?assignee=vic')).json().tasks.find((t: { runId: string }) => t.runId === bc).id;
      expect((await op.call('POST', `/api/tasks/${task}/done`, {})).statusCode).toBe(200);
      const post = await store.db.selectFrom('ledger').select('id').where('run_id', '=', run).where('step_id', '=', 'hello').executeTakeFirstOrThrow();
      await store.db.updateTable('ledger').set({ state: 'unconfirmed' }).where('id', '=', post.id).execute();
      expect((await op.call('POST', `/api/tasks/${post.id}/resolve`, { outcome: 'failed' })).statusCode).toBe(200);
      await op.call('POST', `/api/runs/${run}/cancel`);

      const entries = (await owner.call('GET', '/api/audit?limit=100')).json().entries as { actor: string; action: string; target: string; detail: Record<string, unknown> }[];
      const find = (action: string, target?: string) => entries.find((e) => e.action === action && (target === undefined || e.target === target));
      expect(find('user.create', 'user:olga')).toMatchObject({ actor: 'olga', detail: { role: 'owner', setup: true } });
      expect(find('user.create', 'user:otto')).toMatchObject({ actor: 'adam', detail: { role: 'operator' } });
      expect(find('user.role', 'user:otto')).toMatchObject({ actor: 'olga', detail: { from: 'leader', to: 'operator' } });
      expect(find('token.create')).toMatchObject({ actor: expect.any(String), detail: { name: expect.any(String) } });
      expect(find('token.revoke')).toMatchObject({ actor: 'adam' });
      expect(find('channel.add')).toMatchObject({ actor: 'admin (created on first start)', detail: { kind: 'sandbox' } });
      expect(find('sheet.save', 'sheet:audit-camp@1')).toMatchObject({ actor: 'otto' });
      // A changed text given to replan is saved as a new version; the re-plan entry names it.
      expect(find('run.replan', `run:${run}`)).toMatchObject({ detail: { version: 2 } });
      expect(find('run.start', `run:${run}`)).toMatchObject({ actor: 'otto', detail: { sheet: 'audit-camp', groups: 'channel:sandbox' } });
      for (const a of ['run.pause', 'run.resume', 'run.replan', 'run.cancel']) expect(find(a, `run:${run}`), a).toMatchObject({ actor: 'otto' });
      expect(find('broadcast.create', `run:${bc}`)).toMatchObject({ actor: 'otto', detail: { by: 'leader' } });
      expect(find('task.done', `ledger:${task}`)).toMatchObject({ actor: 'otto', detail: { by: 'otto', state: 'done' } });
      expect(find('task.resolve', `ledger:${post.id}`)).toMatchObject({ actor: 'otto', detail: { outcome: 'failed' } });

      // People and targets by name, not by code: the display name, the run's sheet title, the
      // broadcast's text, the task's group and run (the console words the action itself).
      const group = await store.db.selectFrom('ledger').innerJoin('groups', 'groups.id', 'ledger.group_id').select('groups.name').where('ledger.id', '=', post.id).executeTakeFirstOrThrow();
      expect(find('run.start', `run:${run}`)).toMatchObject({ actorName: 'Otto M.', targetName: { kind: 'run', name: 'Audit camp' } });
      expect(find('broadcast.create', `run:${bc}`)).toMatchObject({ targetName: { kind: 'broadcast', name: 'Pin the rules' } });
      expect(find('task.resolve', `ledger:${post.id}`)).toMatchObject({ targetName: { kind: 'task', name: group.name, context: 'Audit camp', runKind: 'run' } });
      expect(find('task.done', `ledger:${task}`)).toMatchObject({ targetName: { kind: 'task', context: 'Pin the rules', runKind: 'broadcast' } });
      expect(find('user.role', 'user:otto')).toMatchObject({ targetName: { kind: 'user', name: 'Otto M.' } });
      expect(find('sheet.save', 'sheet:audit-camp@1')).toMatchObject({ targetName: { kind: 'sheet', name: 'Audit camp', context: 'v1' } });
      expect(find('channel.add')).toMatchObject({ actorName: 'admin (created on first start)', targetName: { kind: 'channel', name: expect.any(String) } });
    });

    it('writes nothing when the change is refused (the entry shares its transaction)', async () => {
      const op = await signIn(app, 'otto', 'a new password');
      const before = (await owner.call('GET', '/api/audit?limit=1')).json().entries[0].id;
      const done = (await adminToken.call('GET', '/api/tasks?state=done')).json().tasks[0].id;
      expect((await op.call('POST', `/api/tasks/${done}/done`, {})).statusCode).toBe(409);
      expect((await owner.call('GET', '/api/audit?limit=1')).json().entries[0].id).toBe(before);
    });

    it('pages newest first with limit and before', async () => {
      const all = (await owner.call('GET', '/api/audit?limit=1000')).json().entries as { id: number }[];
      expect(all.length).toBeGreaterThan(15);
      expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
      const first = (await owner.call('GET', '/api/audit?limit=5')).json().entries as { id: number }[];
      const next = (await owner.call('GET', `/api/audit?limit=5&before=${first[4].id}`)).json().entries as { id: number }[];
      expect([...first, ...next].map((e) => e.id)).toEqual(all.slice(0, 10).map((e) => e.id));
      expect((await signIn(app, 'otto', 'a new password')).call('GET', '/api/audit').then((r) => r.statusCode)).resolves.toBe(403);
    });
  });
});
