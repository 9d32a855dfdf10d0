import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel } from '../../src/channels/registry.ts';
import { ensureGroup, updateGroup } from '../../src/community/groups.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { broadcastProgress, createBroadcast } from '../../src/run/broadcasts.ts';
import { ledgerHistory, moveRows } from '../../src/run/ledger.ts';
import { runStatus } from '../../src/run/runs.ts';
import { sweep } from '../../src/run/sweep.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine } from '../support/db.ts';
import { startWecomApi, type WecomApiServer } from '../support/wecom-api.ts';
import { eventually, sandboxWorld, TEST_KEY, type World } from '../support/world.ts';
import { addRows, addRun, at, minutes } from './task-rows.ts';

const HOUR = minutes(60);

async function stateOf(w: World, id: number): Promise<string> {
  return (await w.store.db.selectFrom('ledger').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
}

async function notes(w: World, filter: { ledgerId?: number; runId?: string; kind?: string }) {
  let q = w.store.db.selectFrom('notifications').selectAll();
  if (filter.ledgerId !== undefined) q = q.where('ledger_id', '=', filter.ledgerId);
  if (filter.runId !== undefined) q = q.where('run_id', '=', filter.runId);
  if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
  return q.orderBy('id').execute();
}

describe(`the sweep: reminders, missed tasks, completed runs (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await sandboxWorld(3);
    await updateGroup(w.store.db, w.groups[2]!, { leader: null, timezone: 'Asia/Shanghai' });
  });
  afterAll(async () => {
    await w.close();
  });
  const sweepAt = (now: Date) => sweep({ db: w.store.db, connectors: w.connectors, now });

  it('reminds once, shortly before the deadline, with the text to paste', async () => {
    const now = new Date();
    const run = await addRun(w.store.db);
    const [soon, later, nobody, passed] = await addRows(w.store.db, run, [
      { groupId: w.groups[0]!, stepId: 'soon', dueAt: at(now, -minutes(20)), windowMinutes: 30, content: { text: 'Say hello to the newcomers', link: 'https://example.com/a' } },
      { groupId: w.groups[0]!, stepId: 'later', dueAt: at(now, minutes(30)), windowMinutes: 30 },
      { groupId: w.groups[2]!, stepId: 'nobody', dueAt: at(now, -minutes(25)), windowMinutes: 30, assignee: null, content: { text: 'Pin the rules' } },
      { groupId: w.groups[1]!, stepId: 'passed', dueAt: at(now, -minutes(40)), windowMinutes: 30 },
    ]);
    const r = await sweepAt(now);
    expect(r.reminded).toBe(2);
    const [n] = await notes(w, { ledgerId: soon });
    expect(n).toMatchObject({ recipient: 'leader-1', kind: 'reminder', run_id: run });
    expect(n!.message).toMatch(/^Reminder: in group "Group 1" \(run_\w+\), do this by \d{4}-\d\d-\d\d \d\d:\d\d \(UTC\)\.\nSay hello to the newcomers\nhttps:\/\/example.com\/a$/);
    const [toOps] = await notes(w, { ledgerId: nobody });
    expect(toOps).toMatchObject({ recipient: 'operators', kind: 'reminder' });
    expect(toOps!.message).toMatch(/\(Asia\/Shanghai\)\. Nobody is responsible for this group: set its leader\.\nPin the rules$/);
    expect(await notes(w, { ledgerId: later })).toEqual([]);
    expect(await notes(w, { ledgerId: passed })).toEqual([]);

    // Again, and from two workers at once: nothing more.
    const again = await Promise.all([sweepAt(at(now, minutes(1))), sweepAt(at(now, minutes(1)))]);
    expect(again.map((x) => x.reminded)).toEqual([0, 0]);
    // The later task's turn comes; two sweeps at once write one reminder.
    const both = await Promise.all([sweepAt(at(now, minutes(50))), sweepAt(at(now, minutes(50)))]);
    expect(both[0]!.reminded + both[1]!.reminded).toBe(1);
    expect(await notes(w, { ledgerId: later })).toHaveLength(1);
    const row = await w.store.db.selectFrom('ledger').select(['state', 'reminded_at']).where('id', '=', soon!).executeTakeFirstOrThrow();
    expect(row.state).toBe('assigned');
    expect(new Date(row.reminded_at!).getTime()).toBe(now.getTime());
  });

  it('marks a sheet task missed a day after it was due, a broadcast task at the broadcast deadline', async () => {
    const now = new Date();
    const run = await addRun(w.store.db);
    const [old, lateButOpen, longWindow] = await addRows(w.store.db, run, [
      { groupId: w.groups[0]!, stepId: 'old', dueAt: at(now, -25 * HOUR), windowMinutes: 30 },
      { groupId: w.groups[1]!, stepId: 'late', dueAt: at(now, -2 * HOUR), windowMinutes: 30 },
      { groupId: w.groups[1]!, stepId: 'long', dueAt: at(now, -25 * HOUR), windowMinutes: 26 * 60 },
    ]);
    const deadline = at(now, -minutes(1));
    const bc = await addRun(w.store.db, { kind: 'broadcast', deadline });
    const [b1, b2] = await addRows(w.store.db, bc, [
      { groupId: w.groups[0]!, stepId: 'broadcast', action: 'post', dueAt: at(deadline, -HOUR), windowMinutes: 60 },
      { groupId: w.groups[1]!, stepId: 'broadcast', action: 'post', dueAt: at(deadline, -HOUR), windowMinutes: 60, assignee: 'leader-2' },
    ]);
    const paused = await addRun(w.store.db, { state: 'paused' });
    const [frozen] = await addRows(w.store.db, paused, [{ groupId: w.groups[0]!, stepId: 'frozen', dueAt: at(now, -30 * HOUR) }]);

    const [r1, r2] = await Promise.all([sweepAt(now), sweepAt(now)]);
    expect(r1!.missed + r2!.missed).toBe(3);
    for (const id of [old!, b1!, b2!]) {
      expect(await stateOf(w, id)).toBe('missed');
      expect((await ledgerHistory(w.store.db, id)).map((h) => [h.to_state, h.actor])).toEqual([['missed', 'sweep']]);
    }
    expect(await stateOf(w, lateButOpen!)).toBe('assigned');
    expect(await stateOf(w, longWindow!)).toBe('assigned');
    expect(await stateOf(w, frozen!)).toBe('assigned');

    const bcNotes = await notes(w, { runId: bc, kind: 'missed' });
    expect(bcNotes.length).toBeGreaterThanOrEqual(1);
    expect(bcNotes.every((n) => n.recipient === 'operators')).toBe(true);
    expect(bcNotes.map((n) => n.message).join(' ')).toMatch(/Group 1 \(leader-1\)/);
    expect(bcNotes.map((n) => n.message).join(' ')).toMatch(/Group 2 \(leader-2\)/);
    // The broadcast has nothing left open: it is completed. The run still has open tasks.
    expect((await runStatus(w.store.db, bc)).state).toBe('completed');
    expect((await runStatus(w.store.db, run)).state).toBe('running');
    expect((await runStatus(w.store.db, paused)).state).toBe('paused');
  });

  it('completes a run only when every row has ended, and never one whose sheet waits for members', async () => {
    const run = await addRun(w.store.db);
    const [a, b] = await addRows(w.store.db, run, [
      { groupId: w.groups[0]!, stepId: 'a' },
      { groupId: w.groups[0]!, stepId: 'b', mode: 'bot', executor: 'bot', assignee: null, senderAccount: w.channelId, action: 'post', dueAt: at(new Date(), HOUR) },
    ]);
    await moveRows(w.store.db, [a!], { from: ['assigned'], to: 'done' });
    expect((await sweepAt(new Date())).completed).toBe(0);
    await moveRows(w.store.db, [b!], { from: ['planned'], to: 'skipped' });
    expect((await sweepAt(new Date())).completed).toBe(1);
    expect((await runStatus(w.store.db, run)).state).toBe('completed');
    expect((await sweepAt(new Date())).completed).toBe(0);

    // A sheet with a member step: new members bring new rows, so the run stays open.
    const yaml = `sop: welcome-each\ntitle: Welcome each\ncommunity: training_camp\ntimezone: UTC\nanchor: Start\nsteps:\n  - id: hi\n    on: member_join\n    after: 10m\n    do: direct_message\n    text: Welcome!\n`;
    await w.store.db.insertInto('sheets').values({ id: 'welcome-each', title: 'Welcome each', community: 'training_camp', latest_version: 1 }).execute();
    await w.store.db
      .insertInto('sheet_versions')
      .values({ sheet_id: 'welcome-each', version: 1, yaml, sha256: 'x', title: 'Welcome each', community: 'training_camp', step_count: 1 })
      .execute();
    const open = await addRun(w.store.db);
    await w.store.db.updateTable('runs').set({ sheet_id: 'welcome-each', sheet_version: 1 }).where('id', '=', open).execute();
    const [c] = await addRows(w.store.db, open, [{ groupId: w.groups[1]!, stepId: 'hi', memberId: 'm1' }]);
    await moveRows(w.store.db, [c!], { from: ['assigned'], to: 'done' });
    expect((await sweepAt(new Date())).completed).toBe(0);
    expect((await runStatus(w.store.db, open)).state).toBe('running');
  });
});

describe(`the sweep and WeCom confirmations (${engine})`, () => {
  let w: World;
  let s: WecomApiServer;
  let worker: Worker;
  let channelId: string;
  const chats = ['wrChatOnTime', 'wrChatLate', 'wrChatRefused', 'wrChatNever'];
  beforeAll(async () => {
    s = await startWecomApi();
    w = await sandboxWorld(0);
    const channel = await addChannel(w.store.db, secretBox(TEST_KEY), {
      kind: 'wecom',
      name: 'wecom',
      config: { corpId: s.corpId, secret: s.secret, token: s.token, aesKey: s.aesKey, apiRoot: s.url },
    });
    channelId = channel.id;
    // WeCom's default pacing (2 s apart, one mass message per group a day) would only slow the test.
    await w.store.db.updateTable('channels').set({ pacing: JSON.stringify({ minIntervalMs: 0, jitterMs: 0, perChatDailyCap: null }) }).where('id', '=', channelId).execute();
    for (const [i, chat] of chats.entries()) {
      s.addGroup({ chat_id: chat, name: `WeCom ${i + 1}`, owner: 'zhangsan' });
      const id = await ensureGroup(w.store.db, channelId, chat, `WeCom ${i + 1}`);
      await updateGroup(w.store.db, id, { leader: 'leader-1' });
    }
    worker = new Worker({ db: w.store.db, connectors: w.connectors, pollMs: 100, heartbeatMs: 200 });
    w.ctx.wake = () => worker.wake();
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await w.close();
    await s.close();
  });

  it('post → awaiting confirmation → staff confirms → sent with WeCom’s time; late, refused and never-confirmed sends too', async () => {
    const b = await createBroadcast(w.ctx, { text: 'Class photo at 19:00', groups: `channel:${channelId}`, deadline: '1h' });
    expect(b).toMatchObject({ groups: 4, bot: 4, human: 0 });
    await eventually(async () => ((await runStatus(w.store.db, b.id)).counts.awaiting_confirmation ?? 0) === 4, 15_000, 'four WeCom tasks');
    const rows = await w.store.db.selectFrom('ledger').innerJoin('groups', 'groups.id', 'ledger.group_id').select(['ledger.id', 'ledger.external_task_id', 'groups.external_id', 'ledger.due_at', 'ledger.window_minutes']).where('run_id', '=', b.id).execute();
    const row = (chat: string) => rows.find((r) => r.external_id === chat)!;
    const deadline = at(new Date(rows[0]!.due_at), rows[0]!.window_minutes * 60_000);
    expect(s.templates.size).toBe(4);
    expect([...s.templates.values()].map((t) => t.text?.content)).toEqual(Array(4).fill('Class photo at 19:00'));

    // The staff member sends two in the client; WeCom refuses one (the group hit its mass-message limit).
    const sentAt = Math.floor(Date.now() / 1000);
    s.confirmSend(row('wrChatOnTime').external_task_id!, { sendTime: sentAt });
    s.confirmSend(row('wrChatRefused').external_task_id!, { statuses: { wrChatRefused: 3 } });
    const now = new Date();
    const first = await sweep({ db: w.store.db, connectors: w.connectors, now });
    expect(first).toMatchObject({ confirmed: 1, confirmationFailed: 1, confirmationMissed: 0, reminded: 0 });
    const onTime = await w.store.db.selectFrom('ledger').selectAll().where('id', '=', row('wrChatOnTime').id).executeTakeFirstOrThrow();
    expect(onTime).toMatchObject({ state: 'sent', on_time: true, executed_by: 'bot' });
    expect(new Date(onTime.executed_at!).getTime()).toBe(sentAt * 1000);
    expect((await ledgerHistory(w.store.db, onTime.id)).map((h) => h.to_state)).toEqual(['due', 'sending', 'awaiting_confirmation', 'sent']);
    const refused = await w.store.db.selectFrom('ledger').selectAll().where('id', '=', row('wrChatRefused').id).executeTakeFirstOrThrow();
    expect(refused.state).toBe('failed');
    expect(refused.last_error).toMatch(/most mass messages allowed/);
    expect((await notes(w, { ledgerId: refused.id, kind: 'failed' }))[0]!.message).toMatch(/group "WeCom 3" did not go out/);

    // Ten minutes before the deadline the staff member is reminded, once.
    const r2 = await sweep({ db: w.store.db, connectors: w.connectors, now: at(deadline, -minutes(10)) });
    expect(r2.reminded).toBe(2);
    const r3 = await sweep({ db: w.store.db, connectors: w.connectors, now: at(deadline, -minutes(5)) });
    expect(r3.reminded).toBe(0);
    expect(s.templates.get(row('wrChatLate').external_task_id!)!.reminders).toBe(1);
    expect(s.templates.get(row('wrChatNever').external_task_id!)!.reminders).toBe(1);
    expect(s.calls.filter((c) => c.path === 'externalcontact/remind_groupmsg_send')).toHaveLength(2);

    // One is sent after the deadline; the other never is: missed, and withdrawn in WeCom.
    const lateAt = Math.floor(at(deadline, minutes(2)).getTime() / 1000);
    s.confirmSend(row('wrChatLate').external_task_id!, { sendTime: lateAt });
    const r4 = await sweep({ db: w.store.db, connectors: w.connectors, now: at(deadline, minutes(3)) });
    expect(r4).toMatchObject({ confirmed: 1, confirmationMissed: 1, completed: 1 });
    const late = await w.store.db.selectFrom('ledger').selectAll().where('id', '=', row('wrChatLate').id).executeTakeFirstOrThrow();
    expect(late).toMatchObject({ state: 'sent', on_time: false });
    expect(new Date(late.executed_at!).getTime()).toBe(lateAt * 1000);
    expect(await stateOf(w, row('wrChatNever').id)).toBe('missed');
    expect(s.templates.get(row('wrChatNever').external_task_id!)!.cancelled).toBe(true);
    expect(s.templates.get(row('wrChatLate').external_task_id!)!.cancelled).toBe(false);
    const missedNote = await notes(w, { runId: b.id, kind: 'missed' });
    expect(missedNote).toHaveLength(1);
    expect(missedNote[0]!.message).toMatch(/1 WeCom message was not confirmed.*withdrawn.*WeCom 4/);

    expect(await broadcastProgress(w.store.db, b.id)).toMatchObject({ total: 4, done: 1, late: 1, missed: 2, pending: 0 });
    expect((await runStatus(w.store.db, b.id)).state).toBe('completed');
    // Nothing is waiting: a further sweep asks WeCom nothing.
    const before = s.calls.length;
    await sweep({ db: w.store.db, connectors: w.connectors, now: at(deadline, minutes(10)) });
    expect(s.calls.length).toBe(before);
  });

  it('checks a waiting send again only after the recheck interval, and keeps it when WeCom cannot answer', async () => {
    const b = await createBroadcast(w.ctx, { text: 'Second notice', groups: `id:${chats[0]}`, deadline: '1h' });
    await eventually(async () => ((await runStatus(w.store.db, b.id)).counts.awaiting_confirmation ?? 0) === 1, 15_000, 'one WeCom task');
    const now = new Date();
    const asks = () => s.calls.filter((c) => c.path === 'externalcontact/get_groupmsg_task').length;
    const n0 = asks();
    s.inject({ path: 'externalcontact/get_groupmsg_task', reset: true });
    const logs: string[] = [];
    const r = await sweep({ db: w.store.db, connectors: w.connectors, now, log: (l) => logs.push(l) });
    expect(r.confirmed).toBe(0);
    expect(logs.join('\n')).toMatch(/WeCom could not be asked/);
    expect((await runStatus(w.store.db, b.id)).counts).toEqual({ awaiting_confirmation: 1 });
    await sweep({ db: w.store.db, connectors: w.connectors, now: at(now, 30_000) });
    expect(asks()).toBe(n0 + 1);
    await sweep({ db: w.store.db, connectors: w.connectors, now: at(now, 61_000) });
    expect(asks()).toBe(n0 + 2);
  });
});
