import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../src/dispatch/worker.ts';
import { ledgerHistory } from '../../src/run/ledger.ts';
import { cancelRun, pauseRun, previewRun, replanRun, resumeRun, runStatus, startRun } from '../../src/run/runs.ts';
import { engine } from '../support/db.ts';
import { eventually, sandboxWorld, type World } from '../support/world.ts';

const SHEET = (title = 'Kick-off') => `sop: kickoff
title: ${title}
community: training_camp
timezone: Asia/Shanghai
anchor: Kick-off
vars:
  course: { required: true }
steps:
  - id: hello
    at: T0
    do: post
    text: "Welcome to {{ course }}, {{ group.name }}!"
  - id: rules
    at: T0
    do: announce
    kind: rules
    text: Be kind. One question per message.
  - id: call
    at: T+1h
    do: task
    by: leader
    text: Call each new member.
  - id: later
    at: T+2d
    do: post
    text: Day two.
`;

describe(`runs on the sandbox channel (${engine})`, () => {
  let w: World;
  let worker: Worker;
  beforeAll(async () => {
    w = await sandboxWorld(6);
    worker = new Worker({ db: w.store.db, connectors: w.connectors, pollMs: 100, heartbeatMs: 200 });
    w.ctx.wake = () => worker.wake();
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await w.close();
  });

  it('previews without writing anything: counts, bot vs person, forecast', async () => {
    const anchor = new Date(Date.now() + 60_000).toISOString();
    const p = await previewRun(w.ctx, { sheet: SHEET(), groups: 'all', anchor, vars: { course: 'Python' } });
    expect(p.groups).toBe(6);
    expect(p.actions).toBe(24);
    expect(p.byMode).toEqual({ bot: 18, human: 6 });
    expect(p.byAction.task).toEqual({ total: 6, human: 6 });
    expect(p.forecast.finishAt).toBeTruthy();
    expect(await w.store.db.selectFrom('runs').selectAll().execute()).toHaveLength(0);
  });

  it('starts a run: due bot rows are sent exactly once, people get their tasks', async () => {
    const anchor = new Date(Date.now() + 500).toISOString();
    const run = await startRun(w.ctx, { sheet: SHEET(), groups: 'tag:odd', anchor, vars: { course: 'Python' } });
    expect(run.groups).toBe(3);
    await eventually(async () => {
      const s = await runStatus(w.store.db, run.id);
      return (s.counts.sent ?? 0) === 6;
    }, 10_000, 'six sends');
    const sent = await w.store.db.selectFrom('sandbox_messages').selectAll().execute();
    expect(sent.filter((m) => m.kind === 'post')).toHaveLength(3);
    expect(sent.filter((m) => m.kind === 'announce')).toHaveLength(3);
    expect(new Set(sent.map((m) => `${m.chat_id}|${m.kind}`)).size).toBe(6);
    expect(sent.find((m) => m.kind === 'post')?.text).toMatch(/^Welcome to Python, Group \d!$/);
    const s = await runStatus(w.store.db, run.id);
    expect(s.counts).toEqual({ sent: 6, assigned: 3, planned: 3 });
    const task = s.actions.find((a) => a.step === 'call')!;
    expect(task).toMatchObject({ executor: 'leader', assignee: 'leader-1', state: 'assigned' });
    const hello = s.actions.find((a) => a.step === 'hello')!;
    const history = await ledgerHistory(w.store.db, hello.id);
    expect(history.map((h) => h.to_state)).toEqual(['due', 'sending', 'sent']);
    expect(hello.onTime).toBe(true);
  });

  it('pauses, resumes and cancels; cancelled rows are never sent', async () => {
    const anchor = new Date(Date.now() + 60 * 60_000).toISOString();
    const run = await startRun(w.ctx, { sheet: SHEET('Pausable'), groups: 'tag:even', anchor, vars: { course: 'Go' } });
    await pauseRun(w.ctx, run.id);
    expect((await runStatus(w.store.db, run.id)).state).toBe('paused');
    await expect(pauseRun(w.ctx, run.id)).rejects.toThrow(/paused/);
    await resumeRun(w.ctx, run.id);
    const cancelled = await cancelRun(w.ctx, run.id);
    expect(cancelled).toBe(12);
    const s = await runStatus(w.store.db, run.id);
    expect(s.state).toBe('cancelled');
    expect(s.counts).toEqual({ cancelled: 12 });
  });

  it('re-plans future actions after a sheet change and keeps what was executed', async () => {
    const anchor = new Date(Date.now() + 300).toISOString();
    const run = await startRun(w.ctx, { sheet: SHEET('Replan me'), groups: 'id:chat-1', anchor, vars: { course: 'Rust' } });
    await eventually(async () => ((await runStatus(w.store.db, run.id)).counts.sent ?? 0) === 2, 10_000, 'two sends');
    const changed = `${SHEET('Replan me').replace('Day two.', 'Day two, new copy.')}  - id: extra
    at: T+3d
    do: post
    text: An extra post.
`;
    const r = await replanRun(w.ctx, run.id, changed);
    expect(r.version).toBeGreaterThan(1);
    expect(r.cancelled).toBe(2); // the future task and the future post
    expect(r.created).toBe(3); // the task, the changed post, the extra post
    const s = await runStatus(w.store.db, run.id);
    expect(s.counts.sent).toBe(2);
    expect(s.sheet?.version).toBe(r.version);
  });
});
