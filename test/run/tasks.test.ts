import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerHistory, moveRows } from '../../src/run/ledger.ts';
import { runStatus, startRun } from '../../src/run/runs.ts';
import { completeTask, listTasks, resolveUnconfirmed } from '../../src/run/tasks.ts';
import { engine } from '../support/db.ts';
import { sandboxWorld, type World } from '../support/world.ts';
import { addRows, addRun, at, minutes } from './task-rows.ts';

const SHEET = `sop: calls
title: Welcome calls
community: training_camp
timezone: Asia/Shanghai
anchor: Kick-off
steps:
  - id: call
    at: T+1h
    do: task
    by: leader
    window: 2h
    text: Call each new member.
    link: https://example.com/script
`;

async function stateOf(w: World, id: number): Promise<string> {
  return (await w.store.db.selectFrom('ledger').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
}

describe(`human tasks (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await sandboxWorld(4);
  });
  afterAll(async () => {
    await w.close();
  });

  it('lists a run’s tasks with the text to paste, the group, the deadline and the sheet title', async () => {
    const anchor = new Date(Date.now() + minutes(10));
    const run = await startRun(w.ctx, { sheet: SHEET, groups: 'all', anchor: anchor.toISOString() });
    const tasks = await listTasks(w.store.db, { assignee: 'leader-2' });
    const mine = tasks.filter((t) => t.runId === run.id);
    expect(mine.map((t) => t.group.name).sort()).toEqual(['Group 2', 'Group 4']);
    const t = mine[0]!;
    expect(t).toMatchObject({
      runKind: 'run',
      runTitle: 'Welcome calls',
      step: 'call',
      action: 'task',
      text: 'Call each new member.',
      link: 'https://example.com/script',
      state: 'assigned',
      late: false,
      assignee: 'leader-2',
      group: { channelKind: 'sandbox' },
    });
    expect(t.group.externalId).toMatch(/^chat-\d$/);
    expect(new Date(t.due).getTime()).toBe(anchor.getTime() + minutes(60));
    expect(new Date(t.deadline).getTime() - new Date(t.due).getTime()).toBe(minutes(120));
  });

  it('puts overdue tasks first, then the rest by due time, and filters by state, person and time', async () => {
    const now = new Date();
    const run = await addRun(w.store.db);
    const bc = await addRun(w.store.db, { kind: 'broadcast', text: 'Share the enrolment form in every group before Friday evening, please.' });
    const [later, overdue, soon, otherPerson] = await addRows(w.store.db, run, [
      { groupId: w.groups[0]!, stepId: 'later', dueAt: at(now, minutes(120)), assignee: 'ana' },
      { groupId: w.groups[0]!, stepId: 'overdue', dueAt: at(now, -minutes(90)), windowMinutes: 30, assignee: 'ana' },
      { groupId: w.groups[1]!, stepId: 'soon', dueAt: at(now, -minutes(10)), windowMinutes: 30, assignee: 'ana' },
      { groupId: w.groups[1]!, stepId: 'other', dueAt: at(now, -minutes(200)), assignee: 'ben' },
    ]);
    const [fromBroadcast] = await addRows(w.store.db, bc, [{ groupId: w.groups[2]!, stepId: 'broadcast', action: 'post', dueAt: at(now, minutes(30)), assignee: 'ana' }]);
    const ana = await listTasks(w.store.db, { assignee: 'ana', now });
    expect(ana.map((t) => t.id)).toEqual([overdue, soon, fromBroadcast, later]);
    expect(ana.map((t) => t.late)).toEqual([true, false, false, false]);
    expect(ana[2]).toMatchObject({ runKind: 'broadcast', runTitle: 'Share the enrolment form in every group…', action: 'post' });
    expect(ana.find((t) => t.id === later)!.runTitle).toBe(run);

    const window = await listTasks(w.store.db, { assignee: 'ana', from: at(now, -minutes(30)), to: at(now, minutes(60)), now });
    expect(window.map((t) => t.id)).toEqual([soon, fromBroadcast]);
    expect((await listTasks(w.store.db, { assignee: 'ana', limit: 2, now })).map((t) => t.id)).toEqual([overdue, soon]);

    await completeTask(w.store.db, otherPerson!, 'ben');
    expect(await listTasks(w.store.db, { assignee: 'ben' })).toEqual([]);
    const closed = await listTasks(w.store.db, { assignee: 'ben', states: ['done', 'done_late'] });
    expect(closed.map((t) => [t.id, t.state, t.late])).toEqual([[otherPerson, 'done_late', true]]);
  });

  it('marks a task done on time until its deadline, late after it, and late when it was missed', async () => {
    const due = new Date(Date.now() - minutes(60));
    const run = await addRun(w.store.db);
    const [a, b, c] = await addRows(w.store.db, run, [
      { groupId: w.groups[0]!, stepId: 'a', dueAt: due, windowMinutes: 30 },
      { groupId: w.groups[0]!, stepId: 'b', dueAt: due, windowMinutes: 30 },
      { groupId: w.groups[0]!, stepId: 'c', dueAt: due, windowMinutes: 30 },
    ]);
    // Exactly at the deadline is still on time.
    expect(await completeTask(w.store.db, a!, 'leader-1', { at: at(due, minutes(30)), note: 'pasted' })).toEqual({ state: 'done' });
    expect(await completeTask(w.store.db, b!, 'leader-1', { at: at(due, minutes(30) + 1) })).toEqual({ state: 'done_late' });
    await moveRows(w.store.db, [c!], { from: ['assigned'], to: 'missed', actor: 'sweep' });
    expect(await completeTask(w.store.db, c!, 'leader-1', { at: at(due, minutes(5)) })).toEqual({ state: 'done_late' });

    const row = await w.store.db.selectFrom('ledger').selectAll().where('id', '=', a!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'done', executed_by: 'leader-1', on_time: true });
    expect(new Date(row.executed_at!).getTime()).toBe(due.getTime() + minutes(30));
    const history = await ledgerHistory(w.store.db, a!);
    expect(history.map((h) => [h.from_state, h.to_state, h.actor, h.note])).toEqual([['assigned', 'done', 'leader-1', 'pasted']]);
    expect(await stateOf(w, c!)).toBe('done_late');
  });

  it('refuses what cannot be marked done, in plain words', async () => {
    const run = await addRun(w.store.db);
    const [task, bot] = await addRows(w.store.db, run, [
      { groupId: w.groups[1]!, stepId: 'once' },
      { groupId: w.groups[1]!, stepId: 'post', action: 'post', mode: 'bot', executor: 'bot', assignee: null, senderAccount: w.channelId },
    ]);
    await completeTask(w.store.db, task!, 'leader-1');
    await expect(completeTask(w.store.db, task!, 'leader-1')).rejects.toMatchObject({ code: 'wrong_state', message: expect.stringMatching(/already marked done/) });
    await expect(completeTask(w.store.db, bot!, 'leader-1')).rejects.toMatchObject({ code: 'not_a_task' });
    await expect(completeTask(w.store.db, 987654, 'leader-1')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('two people marking the same task at once: one wins, the other is told', async () => {
    const run = await addRun(w.store.db);
    const [id] = await addRows(w.store.db, run, [{ groupId: w.groups[2]!, stepId: 'race' }]);
    const results = await Promise.allSettled([completeTask(w.store.db, id!, 'ana'), completeTask(w.store.db, id!, 'ben')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'wrong_state' });
    expect((await ledgerHistory(w.store.db, id!)).map((h) => h.to_state)).toEqual(['done']);
  });

  async function interruptedSend(runId: string, stepId: string): Promise<number> {
    const [id] = await addRows(w.store.db, runId, [
      { groupId: w.groups[3]!, stepId, action: 'post', mode: 'bot', executor: 'bot', assignee: null, senderAccount: w.channelId, dueAt: new Date(Date.now() - minutes(5)) },
    ]);
    await moveRows(w.store.db, [id!], { from: ['planned'], to: 'due', set: { claimed_by: 'w1' } });
    await moveRows(w.store.db, [id!], { from: ['due'], to: 'sending', attempt: true });
    await moveRows(w.store.db, [id!], { from: ['sending'], to: 'unconfirmed', set: { claimed_by: null, last_error: 'the worker stopped while sending' } });
    return id!;
  }

  it('settles an interrupted send: sent (at the time it was attempted), failed, or sent again', async () => {
    const run = await addRun(w.store.db);
    const sent = await interruptedSend(run, 's1');
    const failed = await interruptedSend(run, 's2');
    const again = await interruptedSend(run, 's3');

    await resolveUnconfirmed(w.store.db, sent, 'op', 'sent');
    const sentRow = await w.store.db.selectFrom('ledger').selectAll().where('id', '=', sent).executeTakeFirstOrThrow();
    const attempt = (await ledgerHistory(w.store.db, sent)).find((h) => h.to_state === 'sending')!;
    expect(sentRow).toMatchObject({ state: 'sent', executed_by: 'bot', on_time: true, last_error: null });
    expect(new Date(sentRow.executed_at!).getTime()).toBe(new Date(attempt.at).getTime());

    await resolveUnconfirmed(w.store.db, failed, 'op', 'failed');
    expect(await stateOf(w, failed)).toBe('failed');

    // A run that had ended takes the send up again.
    await w.store.db.updateTable('runs').set({ state: 'completed' }).where('id', '=', run).execute();
    await resolveUnconfirmed(w.store.db, again, 'op', 'resend');
    expect(await stateOf(w, again)).toBe('planned');
    expect((await runStatus(w.store.db, run)).state).toBe('running');
    const last = (await ledgerHistory(w.store.db, again)).at(-1)!;
    expect(last).toMatchObject({ from_state: 'unconfirmed', to_state: 'planned', actor: 'op' });

    await expect(resolveUnconfirmed(w.store.db, again, 'op', 'sent')).rejects.toMatchObject({ code: 'wrong_state' });
    await expect(resolveUnconfirmed(w.store.db, 987654, 'op', 'sent')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a WeCom send still waiting for its staff member can be settled, but not sent again', async () => {
    const run = await addRun(w.store.db);
    const id = await interruptedSend(run, 'w1');
    // Make it a send that waits for confirmation instead.
    await w.store.db.updateTable('ledger').set({ state: 'awaiting_confirmation', external_task_id: 'msgABC' }).where('id', '=', id).execute();
    await expect(resolveUnconfirmed(w.store.db, id, 'op', 'resend')).rejects.toMatchObject({ code: 'wrong_state', message: expect.stringMatching(/outcome is unknown/) });
    await resolveUnconfirmed(w.store.db, id, 'op', 'sent');
    expect(await stateOf(w, id)).toBe('sent');
  });
});
