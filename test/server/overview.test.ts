// `GET /api/overview`, the operator's day: what is due in the next hours, what is late or
// missed, failed and unconfirmed sends, channels to look at, runs in progress with their
// completion; a leader sees only their groups. The rows are put in each state directly, so every
// section has a known content. Also: the open-row and problem queries can use migration 009's
// partial indexes (the planner is told to avoid sequential scans; on a handful of rows it would
// rightly prefer them).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { anonymous, type Caller, makeUser, signIn, withToken } from './accounts-world.ts';

const SHEET = `sop: day-camp
title: Day camp
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: hello
    at: T0
    do: post
    text: "Hello {{ group.name }}, welcome to the camp."
  - id: call
    at: T+1h
    do: task
    by: leader
    text: Call each new member.
  - id: bye
    at: T+2h
    do: post
    text: Bye
`;

const HOUR = 3_600_000;
const NOW = new Date('2030-05-01T08:00:00.000Z');

describe(`the overview on ${engine}`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let admin: Caller;
  let ann: Caller;
  let viewer: Caller;
  let runId: string;
  let pausedId: string;
  const group: Record<string, string> = {};
  const row: Record<string, number> = {};

  async function place(g: string, step: string, set: { state: string; due: Date; error?: string; updated?: Date; run?: string }) {
    const r = await store.db
      .updateTable('ledger')
      .set({ state: set.state, due_at: set.due, last_error: set.error ?? null, updated_at: set.updated ?? NOW })
      .where('run_id', '=', set.run ?? runId)
      .where('group_id', '=', group[g])
      .where('step_id', '=', step)
      .returning('id')
      .executeTakeFirstOrThrow();
    row[`${g}.${step}${set.run ? '.paused' : ''}`] = Number(r.id);
  }

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-overview-'));
    app = await buildApp({ store, dataDir, consoleDir: false, now: () => NOW });
    admin = withToken(app, await ensureAdminToken(store.db, dataDir));
    await makeUser(store.db, 'ann', 'leader');
    await makeUser(store.db, 'vera', 'viewer');
    // Groups' leaders must be people in the team (item 17).
    await makeUser(store.db, 'bob', 'leader');
    ann = await signIn(app, 'ann');
    viewer = await signIn(app, 'vera');
    await admin.call('POST', '/api/channels', { kind: 'sandbox', name: 'Main' });
    await admin.call('POST', '/api/channels', { kind: 'sandbox', name: 'Old bot' });
    for (const [name, leader, channel] of [
      ['G0', 'ann', 'Main'],
      ['G1', 'bob', 'Main'],
      ['G2', 'ann', 'Main'],
      ['Lost', 'bob', 'Old bot'],
    ]) {
      group[name] = (await admin.call('POST', '/api/groups', { channel, externalId: name, name, leader })).json().id;
    }
    const channels = (await admin.call('GET', '/api/channels')).json().channels as { id: string; name: string }[];
    const old = channels.find((c) => c.name === 'Old bot')!.id;
    await store.db.updateTable('channels').set({ status: 'needs_reauth', status_reason: 'The platform refused the token.' }).where('id', '=', old).execute();
    await store.db.updateTable('groups').set({ status: 'access_lost' }).where('id', '=', group.Lost).execute();

    const anchor = new Date(NOW.getTime() + 30 * 86_400_000).toISOString();
    runId = (await admin.call('POST', '/api/runs', { sheet: SHEET, groups: 'channel:Main', anchor })).json().id;
    pausedId = (await admin.call('POST', '/api/runs', { sheet: SHEET, groups: `id:${group.G1}`, anchor })).json().id;
    await admin.call('POST', `/api/runs/${pausedId}/pause`);

    await place('G0', 'hello', { state: 'planned', due: new Date(NOW.getTime() + HOUR) });
    await place('G0', 'call', { state: 'assigned', due: new Date(NOW.getTime() - 30 * 60_000) });
    await place('G0', 'bye', { state: 'planned', due: new Date(NOW.getTime() + 10 * HOUR) });
    await place('G1', 'hello', { state: 'failed', due: new Date(NOW.getTime() - 2 * HOUR), error: 'The bot was removed from the group.' });
    await place('G1', 'call', { state: 'missed', due: new Date(NOW.getTime() - 5 * HOUR), updated: new Date(NOW.getTime() - HOUR) });
    await place('G1', 'bye', { state: 'missed', due: new Date(NOW.getTime() - 50 * HOUR), updated: new Date(NOW.getTime() - 48 * HOUR) });
    await place('G2', 'hello', { state: 'unconfirmed', due: new Date(NOW.getTime() - HOUR), error: 'The platform did not answer.' });
    await place('G2', 'call', { state: 'assigned', due: new Date(NOW.getTime() + 2 * HOUR) });
    await place('G2', 'bye', { state: 'sent', due: new Date(NOW.getTime() - 3 * HOUR) });
    // A paused run's rows wait on purpose: not late, not due.
    await place('G1', 'hello', { state: 'planned', due: new Date(NOW.getTime() - HOUR), run: pausedId });
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  const ids = (s: { items: { id: number }[] }) => s.items.map((i) => i.id);

  it("answers the operator's day: due soon, late, missed, failed, unconfirmed, channels and runs", async () => {
    const r = await admin.call('GET', '/api/overview');
    expect(r.statusCode).toBe(200);
    const o = r.json();
    expect(o.now).toBe(NOW.toISOString());
    expect(o.hours).toBe(6);
    expect(o.capped).toBe(false);
    expect(ids(o.due)).toEqual([row['G0.hello'], row['G2.call']]);
    expect(o.due.total).toBe(2);
    expect(o.due.items[0]).toEqual({
      id: row['G0.hello'],
      runId,
      runTitle: 'Day camp',
      groupId: group.G0,
      groupName: 'G0',
      step: 'hello',
      action: 'post',
      mode: 'bot',
      assignee: null,
      due: new Date(NOW.getTime() + HOUR).toISOString(),
      state: 'planned',
      text: 'Hello G0, welcome to the camp.',
    });
    expect(ids(o.late)).toEqual([row['G0.call']]);
    expect(o.late.items[0]).toMatchObject({ assignee: 'ann', lateMinutes: 30, state: 'assigned' });
    // Missed a day ago or less; the one two days old has left the overview.
    expect(ids(o.missed)).toEqual([row['G1.call']]);
    expect(o.missed.total).toBe(1);
    expect(ids(o.failed)).toEqual([row['G1.hello']]);
    expect(o.failed.items[0].error).toBe('The bot was removed from the group.');
    expect(ids(o.unconfirmed)).toEqual([row['G2.hello']]);
    expect(o.channels).toEqual([{ id: expect.any(String), name: 'Old bot', kind: 'sandbox', status: 'needs_reauth', reason: 'The platform refused the token.', groupsLost: 1 }]);
    expect(o.runs.map((x: { id: string }) => x.id).sort()).toEqual([runId, pausedId].sort());
    const camp = o.runs.find((x: { id: string }) => x.id === runId);
    // 9 actions: sent 1 (done), missed 2 + failed 1 (missed), unconfirmed 1 and 4 open (pending).
    expect(camp).toMatchObject({ title: 'Day camp', state: 'running', sheet: { id: 'day-camp', version: 1, title: 'Day camp' }, groups: 3, total: 9, done: 1, late: 0, missed: 3, pending: 5, percent: 44, attention: 4 });
    // The run that needs someone comes first.
    expect(o.runs[0].id).toBe(runId);

    const later = (await admin.call('GET', '/api/overview?hours=12')).json();
    expect(ids(later.due)).toEqual([row['G0.hello'], row['G2.call'], row['G0.bye']]);
  });

  it("gives a leader only their groups' rows, runs and channels", async () => {
    const o = (await ann.call('GET', '/api/overview')).json();
    expect(ids(o.due)).toEqual([row['G0.hello'], row['G2.call']]);
    expect(ids(o.late)).toEqual([row['G0.call']]);
    expect(o.missed.total).toBe(0);
    expect(o.failed.total).toBe(0);
    expect(ids(o.unconfirmed)).toEqual([row['G2.hello']]);
    expect(o.channels).toEqual([]);
    expect(o.runs.map((x: { id: string }) => x.id)).toEqual([runId]);
    expect(o.runs[0]).toMatchObject({ groups: 2, total: 6 });
  });

  it('lists the groups the health sweep judged dying, lowest score first; a leader only theirs', async () => {
    const at = new Date(NOW.getTime() - 2 * 86_400_000);
    // What the health sweep records (src/insight/health-alerts.ts).
    for (const [g, status, score] of [['G0', 'dying', 31], ['G1', 'dying', 12], ['G2', 'healthy', 80]] as const) {
      await sql`INSERT INTO group_health (group_id, status, score, reasons, changed_at, checked_at) VALUES (${group[g]}, ${status}, ${score}, '[]', ${at}, ${NOW})`.execute(store.db);
    }
    const o = (await admin.call('GET', '/api/overview')).json();
    expect(o.dying).toEqual({
      total: 2,
      groups: [
        { id: group.G1, name: 'G1', score: 12, since: at.toISOString() },
        { id: group.G0, name: 'G0', score: 31, since: at.toISOString() },
      ],
    });
    expect((await ann.call('GET', '/api/overview')).json().dying).toEqual({ total: 1, groups: [{ id: group.G0, name: 'G0', score: 31, since: at.toISOString() }] });
    await sql`DELETE FROM group_health`.execute(store.db);
  });

  it('is for signed-in people who may see runs; hours are checked', async () => {
    expect((await viewer.call('GET', '/api/overview')).statusCode).toBe(200);
    expect((await anonymous(app).call('GET', '/api/overview')).statusCode).toBe(401);
    const bad = await admin.call('GET', '/api/overview?hours=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('hours');
  });

  it('reads open rows and rows that need a person through the partial indexes', async () => {
    const plan = async (where: string) =>
      store.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL enable_seqscan = off`.execute(trx);
        const r = await sql<Record<string, string>>`EXPLAIN SELECT l.id FROM ledger l WHERE ${sql.raw(where)}`.execute(trx);
        return r.rows.map((x) => Object.values(x)[0]).join('\n');
      });
    expect(await plan(`l.state IN ('planned', 'due', 'retry_wait', 'assigned') AND l.due_at < now()`)).toContain('ledger_open_due');
    expect(await plan(`l.state IN ('failed', 'missed', 'unconfirmed', 'awaiting_confirmation') ORDER BY l.updated_at DESC LIMIT 10`)).toContain('ledger_problems');
  });
});
