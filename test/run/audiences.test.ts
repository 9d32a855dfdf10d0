// Audiences on the sandbox and manual channels: a step sent `to:` members becomes one row per
// member when due, each with its own text; `unless:` leaves members out; tag, move and survey do
// what they say. Both engines.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel } from '../../src/channels/registry.ts';
import { ensureGroup, updateGroup } from '../../src/community/groups.ts';
import { readSurveyToken } from '../../src/community/survey-link.ts';
import { whoUnless } from '../../src/community/unless.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { expandRow } from '../../src/run/expand.ts';
import { getLedgerRows } from '../../src/run/ledger.ts';
import { startRun } from '../../src/run/runs.ts';
import { workspaceKey } from '../../src/store/link-keys.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine } from '../support/db.ts';
import { addMembers } from '../support/members.ts';
import { eventually, sandboxWorld, TEST_KEY, type World } from '../support/world.ts';

const sheet = (steps: string) => `sop: aud
title: Audiences
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
${steps}`;

interface Row {
  id: number;
  member_id: string;
  step_id: string;
  state: string;
  mode: string;
  assignee: string | null;
  last_error: string | null;
  content: Record<string, unknown> & { text: string };
  result: string | null;
}

describe(`audiences on the sandbox (${engine})`, () => {
  let w: World;
  let worker: Worker;
  let ids: string[];
  const rows = async (runId: string): Promise<Row[]> => {
    const r = await w.store.db.selectFrom('ledger').selectAll().where('run_id', '=', runId).orderBy('member_id').execute();
    return r.map((x) => ({ ...x, content: typeof x.content === 'string' ? JSON.parse(x.content) : x.content }) as unknown as Row);
  };
  const settled = (runId: string, n: number) =>
    eventually(async () => (await rows(runId)).filter((r) => !['planned', 'due', 'sending'].includes(r.state)).length === n, 10_000, `${n} settled rows`);

  beforeAll(async () => {
    w = await sandboxWorld(2);
    ids = await addMembers(w.store.db, w.channelId, w.groups[0], [
      { externalId: 'u1', name: 'Ann', attrs: { city: 'Hangzhou' } },
      { externalId: 'u2', name: 'Bo', attrs: { city: 'Suzhou' }, tags: ['vip'] },
      { externalId: 'u3', name: 'Cy' },
    ]);
    worker = new Worker({ db: w.store.db, connectors: w.connectors, pollMs: 50, heartbeatMs: 200, publicBase: 'https://chorus.example' });
    w.ctx.wake = () => worker.wake();
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await w.close();
  });

  it('a notify to members becomes one row per member, each with its own text; a missing attribute fails that row only', async () => {
    const run = await startRun(w.ctx, {
      sheet: sheet(`  - id: hello
    at: T0
    do: notify
    to: members
    text: "Hi {{ member.name }} from {{ member.city }}, welcome to {{ group.name }}!"
`),
      groups: `id:${w.groups[0]}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await settled(run.id, 4);
    const all = await rows(run.id);
    const parent = all.find((r) => r.member_id === '')!;
    expect(parent.state).toBe('expanded');
    expect(typeof parent.result === 'string' ? JSON.parse(parent.result) : parent.result).toMatchObject({ members: 3, bot: 2, failed: 1 });
    expect(parent.content.text).not.toMatch(/\{\{|\}\}/);
    const byMember = new Map(all.map((r) => [r.member_id, r]));
    expect(byMember.get(ids[0])).toMatchObject({ state: 'sent', mode: 'bot' });
    expect(byMember.get(ids[0])!.content.text).toBe('Hi Ann from Hangzhou, welcome to Group 1!');
    expect(byMember.get(ids[2])!.state).toBe('failed');
    expect(byMember.get(ids[2])!.last_error).toMatch(/member\.city.*no value for member Cy/);
    expect(byMember.get(ids[2])!.content.text).not.toMatch(/\{\{|\}\}/);
    const sent = await w.store.db.selectFrom('sandbox_messages').select(['chat_id', 'text']).where('kind', '=', 'direct_message').orderBy('text').execute();
    expect(sent.map((s) => s.text)).toEqual(['Hi Ann from Hangzhou, welcome to Group 1!', 'Hi Bo from Suzhou, welcome to Group 1!']);

    // A second expansion of the same row creates nothing (the ledger's unique key).
    const [again] = await getLedgerRows(w.store.db, [parent.id]);
    expect(await expandRow(w.store.db, { ...again, state: 'due' }, { actor: 'test' })).toBe(0);
    expect(await rows(run.id)).toHaveLength(4);
  });

  it('the audience is the one at due time, and `unless: checked_in_today` leaves out who checked in today', async () => {
    const run = await startRun(w.ctx, {
      sheet: sheet(`  - id: nudge
    at: T+1h
    do: remind
    to: members
    unless: checked_in_today
    text: "{{ member.name }}, check in today!"
`),
      groups: `id:${w.groups[0]}`,
      anchor: new Date(Date.now()).toISOString(),
    });
    // Before it is due: Bo checks in today, and Dee joins.
    const c = await w.store.db
      .insertInto('checkins')
      .values({ run_id: run.id, group_id: w.groups[0], step_id: 'x', occurrence: 1, keyword: '打卡', opens_at: new Date(Date.now() - 60_000) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await w.store.db.insertInto('checkin_marks').values({ checkin_id: c.id, member_id: ids[1], at: new Date() }).execute();
    const [dee] = await addMembers(w.store.db, w.channelId, w.groups[0], [{ externalId: 'u4', name: 'Dee' }]);
    // Its time comes.
    await w.store.db.updateTable('ledger').set({ due_at: new Date() }).where('run_id', '=', run.id).execute();
    worker.wake();
    await settled(run.id, 4);
    const all = await rows(run.id);
    const members = all.filter((r) => r.member_id).map((r) => r.member_id);
    expect(members.sort()).toEqual([ids[0], ids[2], dee].sort());
    expect(all.find((r) => r.member_id === dee)!.content.text).toBe('Dee, check in today!');
    await w.store.db.updateTable('memberships').set({ left_at: new Date() }).where('member_id', '=', dee).execute();
  });

  it('each unless: word is a question about the member, asked at due time', async () => {
    const db = w.store.db;
    const g = w.groups[0];
    const now = new Date();
    await db.insertInto('member_events').values({ member_id: ids[0], group_id: g, kind: 'message', at: now, detail: '{}' }).execute();
    await db.insertInto('member_events').values({ member_id: ids[2], group_id: g, kind: 'click', at: now, detail: '{}' }).execute();
    await db.insertInto('member_events').values({ member_id: ids[2], group_id: g, kind: 'invite', at: now, detail: '{}' }).execute();
    await db.insertInto('member_events').values({ member_id: ids[1], group_id: g, kind: 'answer', at: now, detail: '{}' }).execute();
    await db.updateTable('members').set({ stage: 'repeat' }).where('id', '=', ids[1]).execute();
    const scope = { groupId: g, zone: 'Asia/Shanghai', now: new Date(now.getTime() + 1000), since: new Date(now.getTime() - 60_000) };
    const who = async (word: string) => [...(await whoUnless(db, word, ids, scope))].sort();
    expect(await who('spoke_today')).toEqual([ids[0]]);
    expect(await who('clicked')).toEqual([ids[2]]);
    expect(await who('invited')).toEqual([ids[2]]);
    expect(await who('answered_survey')).toEqual([ids[1]]);
    expect(await who('customer')).toEqual([ids[1]]);
    expect(await who('tag:vip')).toEqual([ids[1]]);
    expect(await who('checked_in_today')).toEqual([ids[1]]);
    expect(await who('checked_in')).toEqual([ids[1]]);
    await db.updateTable('members').set({ stage: 'stranger' }).where('id', '=', ids[1]).execute();
  });

  it('tag steps tag the audience and record it on each timeline', async () => {
    const run = await startRun(w.ctx, {
      sheet: sheet(`  - id: mark
    at: T0
    do: tag
    to: "tag:vip"
    tag: star
`),
      groups: `id:${w.groups[0]}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await settled(run.id, 2);
    const all = await rows(run.id);
    expect(all.map((r) => r.state).sort()).toEqual(['expanded', 'sent']);
    const bo = await w.store.db.selectFrom('members').select('tags').where('id', '=', ids[1]).executeTakeFirstOrThrow();
    expect(bo.tags).toEqual(['star', 'vip']);
    const events = await w.store.db.selectFrom('member_events').select(['kind', 'group_id']).where('member_id', '=', ids[1]).where('kind', '=', 'tag').execute();
    expect(events).toEqual([{ kind: 'tag', group_id: w.groups[0] }]);
  });

  it('move invites the audience into another group (sandbox: adds them)', async () => {
    const run = await startRun(w.ctx, {
      sheet: sheet(`  - id: regroup
    at: T0
    do: move
    where: "tag:vip"
    into: "Group 2"
`),
      groups: `id:${w.groups[0]}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await settled(run.id, 2);
    const bo = (await rows(run.id)).find((r) => r.member_id === ids[1])!;
    expect(bo.state).toBe('sent');
    const added = await w.store.db.selectFrom('sandbox_messages').select(['chat_id', 'text']).where('kind', '=', 'add_member').execute();
    expect(added).toEqual([{ chat_id: 'chat-2', text: 'u2' }]);
  });

  it('a move into a group that does not exist fails the group row with the reason; an expansion cut short resumes without doubles', async () => {
    const run = await startRun(w.ctx, {
      sheet: sheet(`  - id: regroup
    at: T0
    do: move
    into: "No such group"
`),
      groups: `id:${w.groups[0]}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await settled(run.id, 1);
    const [row] = await rows(run.id);
    expect(row).toMatchObject({ state: 'failed', last_error: 'there is no group "No such group" to invite the members into (into:)' });

    // A worker stopped half-way through an expansion: one member's row exists, the group row is claimed again.
    const again = await startRun(w.ctx, {
      sheet: sheet(`  - id: hello
    at: T+1h
    do: notify
    text: "Hi {{ member.name }}"
`),
      groups: `id:${w.groups[0]}`,
      anchor: new Date().toISOString(),
    });
    const [parent] = await rows(again.id);
    await w.store.db
      .insertInto('ledger')
      .values({ run_id: again.id, group_id: w.groups[0], step_id: 'hello', occurrence: 1, member_id: ids[0], action: 'notify', mode: 'bot', executor: 'bot', sender_account: w.channelId, due_at: new Date(Date.now() + 3_600_000), window_minutes: 30, content: JSON.stringify({ text: 'Hi Ann', userId: 'u1' }), state: 'planned' })
      .execute();
    await w.store.db.updateTable('ledger').set({ state: 'due' }).where('id', '=', parent.id).execute();
    const [claimed] = await getLedgerRows(w.store.db, [parent.id]);
    expect(await expandRow(w.store.db, claimed, { actor: 'test' })).toBe(2);
    const after = await rows(again.id);
    expect(after.filter((r) => r.member_id === ids[0])).toHaveLength(1);
    expect(after.find((r) => r.member_id === '')!.state).toBe('expanded');
    expect(after.filter((r) => r.member_id)).toHaveLength(3);
  });

  it("survey steps end each member's text with that member's personal link", async () => {
    const run = await startRun(w.ctx, {
      sheet: sheet(`  - id: feedback
    at: T0
    do: survey
    kind: feedback
    questions: [How was it?]
    text: "{{ member.name }}, 1 minute please:"
  - id: poll
    at: T0
    do: survey
    kind: feedback
    text: "{{ member.name }}, reply 1, 2 or 3"
`),
      groups: `id:${w.groups[0]}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await settled(run.id, 8);
    // Without questions there is no form: the text is the survey, and no link leads nowhere.
    const poll = (await rows(run.id)).find((r) => r.member_id === ids[0] && r.step_id === 'poll')!;
    expect(poll.content.text).toBe('Ann, reply 1, 2 or 3');
    const ann = (await rows(run.id)).find((r) => r.member_id === ids[0] && r.step_id === 'feedback')!;
    expect(ann.state).toBe('sent');
    const m = /^Ann, 1 minute please:\n\nhttps:\/\/chorus\.example\/s\/(\S+)$/.exec(ann.content.text);
    expect(m).toBeTruthy();
    const ref = readSurveyToken(await workspaceKey(w.store.db), m![1]);
    expect(ref).toEqual({ runId: run.id, groupId: w.groups[0], stepId: 'feedback', occurrence: 1, memberId: ids[0] });
  });
});

describe(`audiences on a manual channel: each member is a task for the leader (${engine})`, () => {
  let w: World;
  let worker: Worker;
  let group: string;
  beforeAll(async () => {
    w = await sandboxWorld(0);
    const channel = await addChannel(w.store.db, secretBox(TEST_KEY), { kind: 'manual', name: 'by hand', config: {} });
    group = await ensureGroup(w.store.db, channel.id, 'm-1', '杭州 1 群');
    await updateGroup(w.store.db, group, { leader: 'lin' });
    await addMembers(w.store.db, channel.id, group, [{ externalId: 'wx-ann', name: '安妮' }]);
    worker = new Worker({ db: w.store.db, connectors: w.connectors, pollMs: 50, heartbeatMs: 200 });
    w.ctx.wake = () => worker.wake();
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await w.close();
  });

  it('names the member and gives the text filled in for them', async () => {
    const run = await startRun(w.ctx, {
      sheet: sheet(`  - id: hello
    at: T0
    do: direct_message
    to: enrolled
    text: "{{ member.name }}你好，明天见！"
`),
      groups: `id:${group}`,
      anchor: new Date(Date.now() - 1000).toISOString(),
    });
    await eventually(async () => (await w.store.db.selectFrom('ledger').select('state').where('run_id', '=', run.id).where('state', '=', 'assigned').execute()).length === 1);
    const task = await w.store.db.selectFrom('ledger').selectAll().where('run_id', '=', run.id).where('member_id', '<>', '').executeTakeFirstOrThrow();
    const content = (typeof task.content === 'string' ? JSON.parse(task.content) : task.content) as { text: string; instruction: string };
    expect(task).toMatchObject({ mode: 'human', assignee: 'lin', state: 'assigned' });
    expect(content.text).toBe('安妮你好，明天见！');
    expect(content.instruction).toBe('请私聊「杭州 1 群」的 安妮 (wx-ann)，发送下面这条消息。');
  });
});
