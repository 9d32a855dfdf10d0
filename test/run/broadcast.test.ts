import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel, markChannelStatus } from '../../src/channels/registry.ts';
import { ensureGroup, updateGroup } from '../../src/community/groups.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { broadcastProgress, bucketOf, createBroadcast, previewBroadcast, readDeadline } from '../../src/run/broadcasts.ts';
import { runStatus } from '../../src/run/runs.ts';
import { sweep } from '../../src/run/sweep.ts';
import { completeTask, listTasks } from '../../src/run/tasks.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine } from '../support/db.ts';
import { eventually, sandboxWorld, TEST_KEY, type World } from '../support/world.ts';
import { at, minutes } from './task-rows.ts';

describe('broadcast deadlines', () => {
  const now = new Date('2025-03-01T08:00:00Z');

  it('reads durations from now and instants with their offset', () => {
    expect(readDeadline('2h', now).toISOString()).toBe('2025-03-01T10:00:00.000Z');
    expect(readDeadline('1d', now).toISOString()).toBe('2025-03-02T08:00:00.000Z');
    expect(readDeadline('1h30m', now).toISOString()).toBe('2025-03-01T09:30:00.000Z');
    expect(readDeadline('2025-03-01T20:00+08:00', now).toISOString()).toBe('2025-03-01T12:00:00.000Z');
    expect(readDeadline(undefined, now).toISOString()).toBe('2025-03-02T08:00:00.000Z');
  });

  it('refuses a deadline without a time zone, one in the past, and words it does not know', () => {
    expect(() => readDeadline('2025-03-01T20:00', now)).toThrow(/time zone/);
    expect(() => readDeadline('2025-02-28T20:00Z', now)).toThrow(/already passed/);
    expect(() => readDeadline('0m', now)).toThrow(/already passed/);
    expect(() => readDeadline('tomorrow', now)).toThrow(/not understood/);
  });

  it('any positive duration lands that many minutes later', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 * 24 * 60 }), (n) => {
        const h = Math.floor(n / 60);
        const m = n % 60;
        const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}`;
        expect(readDeadline(text, now).getTime() - now.getTime()).toBe(n * 60_000);
      }),
    );
  });

  it('counts every state in exactly one progress bucket', () => {
    expect(bucketOf({ state: 'sent', onTime: true })).toBe('done');
    expect(bucketOf({ state: 'sent', onTime: false })).toBe('late');
    expect(bucketOf({ state: 'done_late', onTime: false })).toBe('late');
    expect(bucketOf({ state: 'failed', onTime: null })).toBe('missed');
    expect(bucketOf({ state: 'awaiting_confirmation', onTime: null })).toBe('pending');
    expect(bucketOf({ state: 'assigned', onTime: null })).toBe('pending');
    expect(bucketOf({ state: 'cancelled', onTime: null })).toBe('cancelled');
  });
});

describe(`broadcasts (${engine})`, () => {
  let w: World;
  let worker: Worker;
  let manualGroups: string[];
  beforeAll(async () => {
    // Six sandbox groups (leader-1 / leader-2 alternate) and two on a manual channel (no bot).
    w = await sandboxWorld(6);
    const manual = await addChannel(w.store.db, secretBox(TEST_KEY), { kind: 'manual', name: 'phones', config: {} });
    manualGroups = [];
    for (const i of [1, 2]) {
      const id = await ensureGroup(w.store.db, manual.id, `phone-${i}`, `Phone group ${i}`);
      await updateGroup(w.store.db, id, { leader: 'leader-3', tags: ['phone'] });
      manualGroups.push(id);
    }
    worker = new Worker({ db: w.store.db, connectors: w.connectors, pollMs: 100, heartbeatMs: 200 });
    w.ctx.wake = () => worker.wake();
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await w.close();
  });

  it('previews without writing: groups, bot or person, deadline, forecast', async () => {
    const p = await previewBroadcast(w.ctx, { text: 'Tonight 20:00: live Q&A', groups: 'all', deadline: '2h' });
    expect(p).toMatchObject({ groups: 8, bot: 6, human: 2, withoutLeader: [] });
    expect(new Date(p.deadline).getTime() - Date.now()).toBeGreaterThan(minutes(119));
    expect(p.forecast.finishAt).toBeTruthy();
    expect(await w.store.db.selectFrom('runs').selectAll().execute()).toHaveLength(0);
  });

  it('refuses an empty text, an unknown executor and a selector that matches nothing', async () => {
    await expect(createBroadcast(w.ctx, { text: '  ', groups: 'all' })).rejects.toMatchObject({ code: 'empty_text' });
    await expect(createBroadcast(w.ctx, { text: 'Hi', groups: 'all', by: 'robot' as 'bot' })).rejects.toMatchObject({ code: 'bad_executor' });
    await expect(createBroadcast(w.ctx, { text: 'Hi', groups: 'tag:nowhere' })).rejects.toMatchObject({ code: 'no_groups' });
    await expect(createBroadcast(w.ctx, { text: 'Hi', groups: 'all', deadline: 'soon' })).rejects.toMatchObject({ code: 'bad_deadline' });
  });

  it('by bot: every sandbox group gets it exactly once, groups without a bot become their leader’s tasks', async () => {
    const b = await createBroadcast(w.ctx, { text: 'Live Q&A tonight at 20:00', link: 'https://example.com/live', groups: 'all', deadline: '1h' });
    expect(b).toMatchObject({ groups: 8, bot: 6, human: 2 });
    expect(b.id).toMatch(/^bc_/);
    await eventually(async () => ((await runStatus(w.store.db, b.id)).counts.sent ?? 0) === 6, 10_000, 'six posts');
    // Give a duplicate every chance to appear before counting.
    await new Promise((r) => setTimeout(r, 400));
    const posts = await w.store.db.selectFrom('sandbox_messages').selectAll().where('kind', '=', 'post').execute();
    expect(posts).toHaveLength(6);
    expect(new Set(posts.map((p) => p.chat_id)).size).toBe(6);
    expect(posts[0]!.text).toContain('Live Q&A tonight at 20:00');

    const s = await runStatus(w.store.db, b.id);
    expect(s).toMatchObject({ kind: 'broadcast', state: 'running', counts: { sent: 6, assigned: 2 } });
    expect(s.actions.every((a) => a.step === 'broadcast')).toBe(true);
    expect(s.actions.filter((a) => a.state === 'sent').every((a) => a.onTime === true)).toBe(true);

    const tasks = await listTasks(w.store.db, { assignee: 'leader-3' });
    expect(tasks.map((t) => [t.group.name, t.runKind, t.text, t.link])).toEqual([
      ['Phone group 1', 'broadcast', 'Live Q&A tonight at 20:00', 'https://example.com/live'],
      ['Phone group 2', 'broadcast', 'Live Q&A tonight at 20:00', 'https://example.com/live'],
    ]);
    for (const t of tasks) await completeTask(w.store.db, t.id, 'leader-3');
    const r = await sweep({ db: w.store.db, connectors: w.connectors });
    expect(r.completed).toBe(1);
    expect((await runStatus(w.store.db, b.id)).state).toBe('completed');
    expect(await broadcastProgress(w.store.db, b.id)).toMatchObject({ total: 8, done: 8, late: 0, missed: 0, pending: 0 });
  });

  it('a channel that lost its credentials hands its groups to their leaders', async () => {
    await markChannelStatus(w.store.db, w.channelId, 'needs_reauth', 'token refused');
    try {
      const p = await previewBroadcast(w.ctx, { text: 'Hello', groups: 'tag:odd' });
      expect(p).toMatchObject({ groups: 3, bot: 0, human: 3 });
    } finally {
      await markChannelStatus(w.store.db, w.channelId, 'active');
    }
  });

  it('by leader: tasks per leader; on time, late and missed are counted per leader', async () => {
    const b = await createBroadcast(w.ctx, { text: 'Ask everyone to fill in the survey', groups: 'community:training_camp', by: 'leader', deadline: '2h' });
    expect(b).toMatchObject({ groups: 6, bot: 0, human: 6 });
    const l1 = (await listTasks(w.store.db, { assignee: 'leader-1' })).filter((t) => t.runId === b.id);
    const l2 = (await listTasks(w.store.db, { assignee: 'leader-2' })).filter((t) => t.runId === b.id);
    expect(l1.map((t) => t.group.name)).toEqual(['Group 1', 'Group 3', 'Group 5']);
    expect(l2.map((t) => t.group.name)).toEqual(['Group 2', 'Group 4', 'Group 6']);
    const deadline = new Date(l1[0]!.deadline);
    const row = await w.store.db.selectFrom('runs').select('deadline').where('id', '=', b.id).executeTakeFirstOrThrow();
    expect(Math.abs(new Date(row.deadline!).getTime() - deadline.getTime())).toBeLessThan(minutes(1));

    // leader-1 does two on time, one late; leader-2 does one on time and misses two.
    await completeTask(w.store.db, l1[0]!.id, 'leader-1');
    await completeTask(w.store.db, l1[1]!.id, 'leader-1', { at: at(deadline, -minutes(5)) });
    await completeTask(w.store.db, l2[0]!.id, 'leader-2');
    const before = await broadcastProgress(w.store.db, b.id, { now: at(deadline, minutes(1)) });
    expect(before).toMatchObject({ total: 6, done: 3, late: 0, missed: 0, pending: 3 });
    expect(before.byLeader).toEqual([
      { leader: 'leader-2', total: 3, done: 1, late: 0, overdue: 2 },
      { leader: 'leader-1', total: 3, done: 2, late: 0, overdue: 1 },
    ]);
    expect(await completeTask(w.store.db, l1[2]!.id, 'leader-1', { at: at(deadline, minutes(1)) })).toEqual({ state: 'done_late' });

    const r = await sweep({ db: w.store.db, connectors: w.connectors, now: at(deadline, minutes(2)) });
    expect(r.missed).toBe(2);
    const after = await broadcastProgress(w.store.db, b.id, { now: at(deadline, minutes(2)) });
    expect(after).toMatchObject({ total: 6, done: 3, late: 1, missed: 2, pending: 0, cancelled: 0 });
    expect(after.byLeader).toEqual([
      { leader: 'leader-2', total: 3, done: 1, late: 0, overdue: 2 },
      { leader: 'leader-1', total: 3, done: 2, late: 1, overdue: 0 },
    ]);
    const s = await runStatus(w.store.db, b.id);
    expect(s.counts).toEqual({ done: 3, done_late: 1, missed: 2 });
    expect(s.state).toBe('completed');
    const notes = await w.store.db.selectFrom('notifications').selectAll().where('run_id', '=', b.id).where('kind', '=', 'missed').execute();
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message).toMatch(/2 tasks were not done in time.*Group 4 \(leader-2\), Group 6 \(leader-2\)/);
  });
});
