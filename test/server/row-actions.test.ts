// Acting on one ledger row from the run board: what each state allows (the pure table), and the
// API — retry (never twice; an unknown outcome only after a person confirms), send now, skip,
// hand a task on, change the text — with 409 for a state that does not allow it, the audit
// entry, a leader's narrower reach, the board showing the change at once, and the worker woken.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorCache } from '../../src/channels/registry.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { moveRows } from '../../src/run/ledger.ts';
import { availableActions, leaderMay, planRowAction, ROW_ACTIONS } from '../../src/run/row-actions.ts';
import { canMove, LEDGER_STATES } from '../../src/run/states.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { eventually, TEST_KEY } from '../support/world.ts';
import { type Caller, makeUser, signIn, withToken } from './accounts-world.ts';

describe('what each row state allows', () => {
  const row = (state: (typeof LEDGER_STATES)[number], mode: 'bot' | 'human' = 'bot', runState = 'running') => ({ state, mode, runState });

  it('offers each attention state its way out', () => {
    expect(availableActions(row('failed'))).toEqual(['retry', 'skip', 'edit']);
    expect(availableActions(row('planned'))).toEqual(['send_now', 'skip', 'edit']);
    expect(availableActions(row('missed', 'human'))).toEqual(['skip', 'reassign', 'edit']);
    expect(availableActions(row('assigned', 'human'))).toEqual(['skip', 'reassign', 'edit']);
    expect(availableActions(row('unconfirmed'))).toEqual(['retry']);
    for (const s of ['sent', 'sending', 'due', 'done', 'done_late', 'skipped', 'cancelled'] as const) expect(availableActions(row(s))).toEqual([]);
  });

  it('never repeats a send whose outcome is unknown without a person saying it was not sent', () => {
    expect(planRowAction('retry', row('unconfirmed'))).toMatchObject({ ok: false, code: 'needs_confirmation' });
    expect(planRowAction('retry', row('missed'))).toMatchObject({ ok: false, code: 'needs_confirmation' });
    expect(planRowAction('retry', row('unconfirmed'), { confirmedNotSent: true })).toMatchObject({ ok: true, to: 'planned' });
    expect(planRowAction('retry', row('failed'))).toMatchObject({ ok: true, to: 'planned' });
    expect(planRowAction('retry', row('sent'), { confirmedNotSent: true })).toMatchObject({ ok: false, code: 'wrong_state' });
    expect(planRowAction('retry', row('sending'), { confirmedNotSent: true })).toMatchObject({ ok: false });
  });

  it('sends now only while the run runs; nothing acts in a cancelled run; a completed run reopens', () => {
    expect(planRowAction('send_now', row('planned', 'bot', 'paused'))).toMatchObject({ ok: false, reason: expect.stringContaining('resume') });
    for (const a of ROW_ACTIONS) expect(planRowAction(a, row('failed', 'bot', 'cancelled')).ok).toBe(false);
    expect(planRowAction('retry', row('failed', 'bot', 'completed'))).toMatchObject({ ok: true, reopensRun: true });
    expect(planRowAction('skip', row('failed', 'bot', 'completed'))).toMatchObject({ ok: true, reopensRun: false });
    expect(planRowAction('reassign', row('missed', 'human'))).toMatchObject({ ok: true, to: 'assigned', dueNow: true });
  });

  it('moves only through transitions of the state machine', () => {
    for (const a of ROW_ACTIONS) {
      for (const state of LEDGER_STATES) {
        for (const mode of ['bot', 'human'] as const) {
          const p = planRowAction(a, { state, mode, runState: 'running' }, { confirmedNotSent: true });
          if (p.ok) expect(canMove(state, p.to), `${a} from ${state}`).toBe(true);
        }
      }
    }
  });

  it('lets a leader only change and hand on the tasks of their own groups', () => {
    expect(leaderMay('edit', { mode: 'human', groupLeader: 'ann', assignee: 'ann' }, 'ann')).toBe(true);
    expect(leaderMay('reassign', { mode: 'human', groupLeader: 'bob', assignee: 'ann' }, 'ann')).toBe(true);
    expect(leaderMay('edit', { mode: 'human', groupLeader: 'bob', assignee: 'bob' }, 'ann')).toBe(false);
    expect(leaderMay('edit', { mode: 'bot', groupLeader: 'ann', assignee: null }, 'ann')).toBe(false);
    expect(leaderMay('skip', { mode: 'human', groupLeader: 'ann', assignee: 'ann' }, 'ann')).toBe(false);
  });
});

const SHEET = `sop: act-camp
title: Acting camp
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: hello
    at: T+1d
    do: post
    text: "Hello {{ group.name }}"
  - id: call
    at: T+1d
    do: task
    by: leader
    text: Call each new member.
`;

describe(`acting on board cells (${engine})`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let worker: Worker;
  let admin: Caller;
  let op: Caller;
  let ann: Caller;
  let runId: string;
  const rows = new Map<string, number>();

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-act-'));
    const box = secretBox(TEST_KEY);
    const connectors = new ConnectorCache(store.db, box);
    worker = new Worker({ db: store.db, connectors, pollMs: 60_000, heartbeatMs: 200 });
    app = await buildApp({ store, dataDir, box, connectors, consoleDir: false, wake: () => worker.wake() });
    await worker.start();
    admin = withToken(app, await ensureAdminToken(store.db, dataDir));
    await makeUser(store.db, 'ann', 'leader');
    await makeUser(store.db, 'bob', 'leader');
    await makeUser(store.db, 'otto', 'operator');
    ann = await signIn(app, 'ann');
    op = await signIn(app, 'otto');
    await admin.call('POST', '/api/channels', { kind: 'sandbox', name: 'sandbox' });
    for (const [i, leader] of ['ann', 'bob'].entries()) {
      expect((await admin.call('POST', '/api/groups', { channel: 'sandbox', externalId: `a${i}`, name: `A${i}`, leader })).statusCode).toBe(201);
    }
    runId = (await op.call('POST', '/api/runs', { sheet: SHEET, groups: 'channel:sandbox', anchor: new Date(Date.now() + 3_600_000).toISOString() })).json().id;
    const ledger = await store.db.selectFrom('ledger').innerJoin('groups', 'groups.id', 'ledger.group_id').select(['ledger.id', 'ledger.step_id', 'groups.name']).where('run_id', '=', runId).execute();
    for (const r of ledger) rows.set(`${r.name}/${r.step_id}`, Number(r.id));
  });
  afterAll(async () => {
    await worker.stop();
    await app.close();
    await store.drop();
  });

  const sandboxCount = async (text: string) => (await store.db.selectFrom('sandbox_messages').select('id').where('text', '=', text).execute()).length;

  it('retries a failed send once: it is sent, and a second retry is refused', async () => {
    const id = rows.get('A0/hello')!;
    await moveRows(store.db, [id], { from: ['planned'], to: 'failed', set: { last_error: 'the bot was removed', due_at: new Date(Date.now() - 60_000) } });
    const detail = (await op.call('GET', `/api/ledger/${id}`)).json();
    expect(detail.actions).toEqual(['retry', 'skip', 'edit']);
    const r = await op.call('POST', `/api/ledger/${id}/retry`, {});
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ id, state: 'planned' });
    // The worker polls once a minute here: only the wake-up after the retry makes it send now.
    await eventually(async () => (await op.call('GET', `/api/ledger/${id}`)).json().state === 'sent', 10_000, 'the retried send');
    const again = await op.call('POST', `/api/ledger/${id}/retry`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'wrong_state', message: expect.stringContaining('already sent') });
    expect(await sandboxCount('Hello A0')).toBe(1);
    const audit = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'ledger.retry').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'otto', target: `ledger:${id}` });
  });

  it('asks a person to confirm before repeating a send whose outcome is unknown', async () => {
    const id = rows.get('A1/hello')!;
    await moveRows(store.db, [id], { from: ['planned'], to: 'due' });
    await moveRows(store.db, [id], { from: ['due'], to: 'sending' });
    await moveRows(store.db, [id], { from: ['sending'], to: 'unconfirmed', set: { last_error: 'the worker stopped while sending' } });
    const refused = await op.call('POST', `/api/ledger/${id}/retry`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('needs_confirmation');
    expect((await op.call('POST', `/api/ledger/${id}/skip`, {})).statusCode).toBe(409);
    // A viewer-level change is refused before anything: a leader may not retry.
    expect((await ann.call('POST', `/api/ledger/${id}/retry`, { confirmNotSent: true })).statusCode).toBe(403);
    const ok = await op.call('POST', `/api/ledger/${id}/retry`, { confirmNotSent: true });
    expect(ok.statusCode, ok.body).toBe(200);
    const hist = (await op.call('GET', `/api/ledger/${id}`)).json().history.at(-1);
    expect(hist).toMatchObject({ from: 'unconfirmed', to: 'planned', actor: 'otto', note: expect.stringContaining('not sent') });
  });

  it('changes the text of a task and hands it on; a leader only in their own groups', async () => {
    const mine = rows.get('A0/call')!;
    const bobs = rows.get('A1/call')!;
    const edit = await ann.call('PATCH', `/api/ledger/${mine}`, { text: 'Call each new member before Sunday.' });
    expect(edit.statusCode, edit.body).toBe(200);
    expect((await ann.call('GET', `/api/ledger/${mine}`)).json()).toMatchObject({ content: { text: 'Call each new member before Sunday.' }, actions: ['reassign', 'edit'] });
    expect((await ann.call('PATCH', `/api/ledger/${bobs}`, { text: 'Not mine' })).statusCode).toBe(403);
    expect((await ann.call('POST', `/api/ledger/${mine}/skip`, {})).statusCode).toBe(403);
    expect((await op.call('PATCH', `/api/ledger/${mine}`, { text: 'x', link: 'javascript:alert(1)' })).statusCode).toBe(400);

    const typo = await ann.call('POST', `/api/ledger/${mine}/reassign`, { to: 'bbo' });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().error).toMatchObject({ code: 'unknown_person', field: 'to', message: expect.stringContaining('Did you mean bob') });
    expect((await ann.call('POST', `/api/ledger/${mine}/reassign`, { to: 'bob' })).json()).toMatchObject({ state: 'assigned' });
    const tasks = (await admin.call('GET', '/api/tasks?assignee=bob')).json().tasks.map((t: { id: number }) => t.id);
    expect(tasks).toContain(mine);
    const told = await store.db.selectFrom('notifications').select(['kind', 'message']).where('recipient', '=', 'bob').where('ledger_id', '=', mine).execute();
    expect(told).toEqual([{ kind: 'assigned', message: 'ann handed you a task in A0: Call each new member before Sunday.' }]);
    const audit = await store.db.selectFrom('audit_log').select(['action', 'detail']).where('target', '=', `ledger:${mine}`).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['ledger.edit', 'ledger.reassign']);
    expect(audit[0].detail).toMatchObject({ previousText: 'Call each new member.', text: 'Call each new member before Sunday.' });
  });

  it('hands a missed task on with a new window, and skips; the board shows it at once', async () => {
    const id = rows.get('A1/call')!;
    await moveRows(store.db, [id], { from: ['assigned'], to: 'missed' });
    const board = async () => (await op.call('GET', `/api/runs/${runId}/board`)).json().cells.find((c: [number, number, string, number]) => c[3] === id)[2];
    expect(await board()).toBe('missed');
    const r = await op.call('POST', `/api/ledger/${id}/reassign`, { to: 'ann' });
    expect(r.statusCode, r.body).toBe(200);
    expect(new Date(r.json().due).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await board()).toBe('assigned');
    expect((await op.call('POST', `/api/ledger/${id}/skip`, { reason: 'done by phone' })).json().state).toBe('skipped');
    expect(await board()).toBe('skipped');
    const skip = await op.call('PATCH', `/api/ledger/${id}`, { text: 'too late' });
    expect(skip.statusCode).toBe(409);
    expect(skip.json().error.message).toContain('already skipped');
  });

  it('sends a planned message now, and refuses while the run is paused', async () => {
    // A second run with a planned post an hour away.
    const other = (await op.call('POST', '/api/runs', { sheet: 'act-camp', groups: 'id:a0', anchor: new Date(Date.now() + 3_600_000).toISOString() })).json().id;
    const row = await store.db.selectFrom('ledger').select('id').where('run_id', '=', other).where('step_id', '=', 'hello').executeTakeFirstOrThrow();
    const id = Number(row.id);
    await op.call('POST', `/api/runs/${other}/pause`, {});
    const paused = await op.call('POST', `/api/ledger/${id}/send-now`, {});
    expect(paused.statusCode).toBe(409);
    expect(paused.json().error.message).toContain('resume');
    await op.call('POST', `/api/runs/${other}/resume`, {});
    const before = await sandboxCount('Hello A0');
    expect((await op.call('POST', `/api/ledger/${id}/send-now`, {})).statusCode).toBe(200);
    await eventually(async () => (await sandboxCount('Hello A0')) === before + 1, 10_000, 'the message sent now');
  });
});
