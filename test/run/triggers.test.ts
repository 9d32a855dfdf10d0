// Member-triggered steps: a join, a leave or a keyword in a group of a running run plans that
// member's rows from the run's pinned sheet (zone, variables, group position), once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANUAL_CAPABILITIES } from '../../src/channels/manual/index.ts';
import type { InboundEvent } from '../../src/channels/port.ts';
import { ingestEvent } from '../../src/community/ingest.ts';
import { ensureMember } from '../../src/community/members.ts';
import { queuePeopleSteps } from '../../src/run/admission/platform.ts';
import { ledgerHistory } from '../../src/run/ledger.ts';
import { cancelRun, pauseRun, startRun } from '../../src/run/runs.ts';
import { onMemberEvent, triggerMatches } from '../../src/run/triggers.ts';
import { engine } from '../support/db.ts';
import { sandboxWorld, type World } from '../support/world.ts';

const SHEET = `sop: welcome-flow
title: Welcome flow
community: training_camp
timezone: Asia/Shanghai
anchor: Camp opening
vars:
  course: { default: Python }
steps:
  - id: hello
    at: D0 20:00
    do: post
    text: "Camp opens in {{ group.name }}"
  - id: soon
    on: member_join
    after: 10m
    do: direct_message
    text: "Hi {{ member.name }}, welcome to {{ group.name }} ({{ course }})"
  - id: d3
    on: member_join
    after: 3d at 19:30
    do: direct_message
    text: "How is it going, {{ member.name }}?"
  - id: call
    on: member_join
    after: 1h
    do: task
    by: leader
    text: "Call {{ member.name }} and say hello."
  - id: bye
    on: member_leave
    after: 2h
    do: direct_message
    text: "Sorry to see you go, {{ member.name }}."
  - id: price
    on: keyword:price
    after: 5m
    do: direct_message
    text: "Here is the price list, {{ member.name }}."
    link: "https://shop.example/camp?g={{ group.index }}"
`;

const QUIET_SHEET = `sop: strict-quiet
title: Strict quiet hours
community: training_camp
timezone: Asia/Shanghai
anchor: Camp opening
quiet_hours: "22:00-08:00"
quiet_policy: error
steps:
  - id: soon
    on: member_join
    after: 10m
    do: direct_message
    text: "Hi {{ member.name }}"
`;

const ANCHOR = '2026-12-01T12:00:00Z'; // 20:00 in Shanghai
// 01:00 on 3 December in Shanghai, still 2 December in UTC: `3d at 19:30` counts from the 3rd.
const JOIN_AT = new Date('2026-12-02T17:00:00Z');

describe(`member-triggered steps (${engine})`, () => {
  let w: World;
  let runId: string;
  let wakes = 0;
  const deps = () => ({ db: w.store.db, wake: () => wakes++ });
  const member = async (externalId: string, name: string) => {
    const m = await ensureMember(w.store.db, w.channelId, { externalId, name });
    return { id: m.id, externalId, name };
  };
  const rowsOf = (memberId: string) =>
    w.store.db.selectFrom('ledger').selectAll().where('member_id', '=', memberId).orderBy('due_at').orderBy('step_id').execute();

  beforeAll(async () => {
    w = await sandboxWorld(6);
    runId = (await startRun(w.ctx, { sheet: SHEET, groups: 'id:chat-1,chat-2', anchor: ANCHOR })).id;
  });
  afterAll(async () => {
    await w?.close();
  });

  it('matches steps to events: exact event names, keywords case-insensitively anywhere', () => {
    expect(triggerMatches('member_join', 'member_join')).toBe(true);
    expect(triggerMatches('member_join', 'member_leave')).toBe(false);
    expect(triggerMatches('member_join', { keyword: 'member_join' })).toBe(false);
    expect(triggerMatches({ keyword: 'Price' }, { keyword: 'what is the PRICE?' })).toBe(true);
    expect(triggerMatches({ keyword: '价格' }, { keyword: '请问价格是多少' })).toBe(true);
    expect(triggerMatches({ keyword: 'price' }, { keyword: 'prize' })).toBe(false);
    expect(triggerMatches({ keyword: 'price' }, 'member_join')).toBe(false);
  });

  it('a join plans each member_join step with due instants in the sheet zone and the member rendered', async () => {
    const ann = await member('u-ann', 'Ann');
    wakes = 0;
    const created = await onMemberEvent(deps(), { groupId: w.groups[1], member: ann, event: 'member_join', at: JOIN_AT });
    expect(created).toBe(3);
    expect(wakes).toBe(1);
    const rows = await rowsOf(ann.id);
    expect(rows.map((r) => [r.step_id, new Date(r.due_at).toISOString()])).toEqual([
      ['soon', '2026-12-02T17:10:00.000Z'],
      ['call', '2026-12-02T18:00:00.000Z'],
      ['d3', '2026-12-06T11:30:00.000Z'], // 6 December 19:30 in Shanghai
    ]);
    const soon = rows.find((r) => r.step_id === 'soon')!;
    expect(soon).toMatchObject({
      run_id: runId,
      group_id: w.groups[1],
      occurrence: 1,
      member_id: ann.id,
      action: 'direct_message',
      mode: 'bot',
      executor: 'bot',
      sender_account: w.channelId,
      state: 'planned',
      window_minutes: 30,
    });
    expect(soon.content).toEqual({ text: 'Hi Ann, welcome to Group 2 (Python)', userId: 'u-ann' });
    expect(rows.find((r) => r.step_id === 'd3')!.content).toEqual({ text: 'How is it going, Ann?', userId: 'u-ann' });
    const call = rows.find((r) => r.step_id === 'call')!;
    expect(call).toMatchObject({ mode: 'human', executor: 'leader', assignee: 'leader-2', state: 'assigned' });
    expect(call.content).toMatchObject({ text: 'Call Ann and say hello.' });
  });

  it('the same event again, or a later rejoin, plans nothing more', async () => {
    const bo = await member('u-bo', 'Bo');
    expect(await onMemberEvent(deps(), { groupId: w.groups[0], member: bo, event: 'member_join', at: JOIN_AT })).toBe(3);
    wakes = 0;
    expect(await onMemberEvent(deps(), { groupId: w.groups[0], member: bo, event: 'member_join', at: JOIN_AT })).toBe(0);
    const later = new Date(JOIN_AT.getTime() + 5 * 86_400_000);
    expect(await onMemberEvent(deps(), { groupId: w.groups[0], member: bo, event: 'member_join', at: later })).toBe(0);
    expect(wakes).toBe(0);
    const rows = await rowsOf(bo.id);
    expect(rows).toHaveLength(3);
    expect(new Date(rows[0].due_at).toISOString()).toBe('2026-12-02T17:10:00.000Z');
  });

  it('a keyword in a message plans the keyword step, with the link rendered for the group', async () => {
    const cy = await member('u-cy', 'Cy');
    const at = new Date('2026-12-03T02:00:00Z');
    expect(await onMemberEvent(deps(), { groupId: w.groups[1], member: cy, event: { keyword: 'hello all' }, at })).toBe(0);
    expect(await onMemberEvent(deps(), { groupId: w.groups[1], member: cy, event: { keyword: 'What is the PRICE of the camp?' }, at })).toBe(1);
    const [row] = await rowsOf(cy.id);
    expect(row.step_id).toBe('price');
    expect(new Date(row.due_at).toISOString()).toBe('2026-12-03T02:05:00.000Z');
    expect(row.content).toEqual({ text: 'Here is the price list, Cy.', link: 'https://shop.example/camp?g=2', userId: 'u-cy' });
  });

  it('a leave plans the member_leave step', async () => {
    const di = await member('u-di', 'Di');
    const at = new Date('2026-12-04T10:00:00Z');
    expect(await onMemberEvent(deps(), { groupId: w.groups[0], member: di, event: 'member_leave', at })).toBe(1);
    const [row] = await rowsOf(di.id);
    expect(row).toMatchObject({ step_id: 'bye', content: { text: 'Sorry to see you go, Di.', userId: 'u-di' } });
    expect(new Date(row.due_at).toISOString()).toBe('2026-12-04T12:00:00.000Z');
  });

  it('paused and cancelled runs, and groups outside any run, plan nothing', async () => {
    const paused = await startRun(w.ctx, { sheet: SHEET, groups: 'id:chat-3', anchor: ANCHOR });
    await pauseRun(w.ctx, paused.id);
    const cancelled = await startRun(w.ctx, { sheet: SHEET, groups: 'id:chat-3', anchor: ANCHOR });
    await cancelRun(w.ctx, cancelled.id);
    const ed = await member('u-ed', 'Ed');
    wakes = 0;
    expect(await onMemberEvent(deps(), { groupId: w.groups[2], member: ed, event: 'member_join', at: JOIN_AT })).toBe(0);
    expect(await onMemberEvent(deps(), { groupId: w.groups[3], member: ed, event: 'member_join', at: JOIN_AT })).toBe(0);
    expect(await onMemberEvent(deps(), { groupId: w.groups[3], member: ed, event: { keyword: 'price?' }, at: JOIN_AT })).toBe(0);
    expect(await rowsOf(ed.id)).toEqual([]);
    expect(wakes).toBe(0);
  });

  it("uses the run's time zone over the sheet's", async () => {
    await startRun(w.ctx, { sheet: SHEET, groups: 'id:chat-5', anchor: ANCHOR, timezone: 'Europe/Berlin' });
    const fa = await member('u-fa', 'Fa');
    // 18:00 on 2 December in Berlin: three days later at 19:30 Berlin time.
    expect(await onMemberEvent(deps(), { groupId: w.groups[4], member: fa, event: 'member_join', at: JOIN_AT })).toBe(3);
    const d3 = (await rowsOf(fa.id)).find((r) => r.step_id === 'd3')!;
    expect(new Date(d3.due_at).toISOString()).toBe('2026-12-05T18:30:00.000Z');
  });

  it('where the channel cannot send direct messages, the message becomes a task for a person', async () => {
    const gu = await member('u-gu', 'Gu');
    const n = await onMemberEvent({ ...deps(), capabilities: async () => MANUAL_CAPABILITIES }, { groupId: w.groups[0], member: gu, event: 'member_join', at: JOIN_AT });
    expect(n).toBe(3);
    const soon = (await rowsOf(gu.id)).find((r) => r.step_id === 'soon')!;
    expect(soon).toMatchObject({ mode: 'human', executor: 'owner', assignee: 'leader-1', state: 'assigned', sender_account: null });
    expect(soon.content).toEqual({ text: 'Hi Gu, welcome to Group 1 (Python)', userId: 'u-gu' });
  });

  it('a step that cannot be planned is reported to operators; nothing is created for it', async () => {
    const run = await startRun(w.ctx, { sheet: QUIET_SHEET, groups: 'id:chat-6', anchor: ANCHOR });
    const hu = await member('u-hu', 'Hu');
    // 23:00 in Shanghai: +10 minutes lands in the quiet hours, and the sheet says that is an error.
    const n = await onMemberEvent(deps(), { groupId: w.groups[5], member: hu, event: 'member_join', at: new Date('2026-12-02T15:00:00Z') });
    expect(n).toBe(0);
    const notes = await w.store.db.selectFrom('notifications').selectAll().where('run_id', '=', run.id).execute();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ recipient: 'operators', kind: 'failed' });
    expect(notes[0].message).toMatch(/^Step "soon" of run run_\w+ could not be planned for Hu in "Group 6": .*quiet/);
  });

  describe('through ingest', () => {
    const ingest = (event: InboundEvent) => ingestEvent(deps(), w.channelId, event);
    const message = (id: string, from: { externalId: string; name: string; isBot?: boolean }, text: string, at = '2026-12-03T03:00:00Z'): InboundEvent => ({
      type: 'message',
      chatId: 'chat-1',
      messageId: id,
      from,
      text,
      links: [],
      mentions: [],
      at: new Date(at),
    });

    it("the bot's own message is stored but fires nothing; a member's fires the keyword step once", async () => {
      const bot = await ingest(message('m-1', { externalId: 'bot-1', name: 'Chorus', isBot: true }, 'Ask me about the price!'));
      expect(bot).toMatchObject({ change: 'message', planned: 0 });
      const stored = await w.store.db.selectFrom('messages').selectAll().where('external_id', '=', 'm-1').execute();
      expect(stored).toHaveLength(1);
      const member = await ingest(message('m-2', { externalId: 'u-ivy', name: 'Ivy' }, 'price please'));
      expect(member).toMatchObject({ change: 'message', planned: 1 });
      // Telegram re-sends the same update after a 500: nothing new.
      expect(await ingest(message('m-2', { externalId: 'u-ivy', name: 'Ivy' }, 'price please'))).toMatchObject({ change: 'duplicate', planned: 0 });
      // The same keyword again in a new message: the step has fired for Ivy already.
      expect(await ingest(message('m-3', { externalId: 'u-ivy', name: 'Ivy' }, 'the PRICE?'))).toMatchObject({ change: 'message', planned: 0 });
    });

    it("a leader pasting the text of one of Chorus's own actions fires nothing", async () => {
      // The group post of this run (`hello`) carries no keyword; pretend its script mentions one.
      await w.store.db
        .updateTable('ledger')
        .set({ content: JSON.stringify({ text: 'Camp opens in Group 1 — ask for the price list!' }) })
        .where('run_id', '=', runId)
        .where('group_id', '=', w.groups[0])
        .where('step_id', '=', 'hello')
        .execute();
      const pasted = await ingest(message('m-4', { externalId: 'u-leader', name: 'Leader' }, 'Camp opens in Group 1 — ask for the price list!'));
      expect(pasted).toMatchObject({ change: 'message', planned: 0 });
      const own = await ingest(message('m-5', { externalId: 'u-leader', name: 'Leader' }, 'and the price list is here'));
      expect(own.planned).toBe(1);
    });

    it('a leave ends what was pending for the member, plans the leave step, and a rejoin restarts nothing', async () => {
      const jo = { externalId: 'u-jo', name: 'Jo' };
      const joined = await ingest({ type: 'member_joined', chatId: 'chat-1', member: jo, at: JOIN_AT });
      expect(joined).toMatchObject({ change: 'joined', planned: 3 });
      const left = await ingest({ type: 'member_left', chatId: 'chat-1', member: jo, reason: 'voluntary', at: new Date('2026-12-03T00:00:00Z') });
      expect(left).toMatchObject({ change: 'left', planned: 1, closed: 3 });
      const rows = await rowsOf(joined.memberId!);
      expect(Object.fromEntries(rows.map((r) => [r.step_id, r.state]))).toEqual({ soon: 'skipped', call: 'cancelled', d3: 'skipped', bye: 'planned' });
      const soon = rows.find((r) => r.step_id === 'soon')!;
      expect((await ledgerHistory(w.store.db, Number(soon.id))).map((h) => [h.to_state, h.note])).toEqual([['skipped', 'the member left the group']]);
      const back = await ingest({ type: 'member_joined', chatId: 'chat-1', member: jo, at: new Date('2026-12-04T00:00:00Z') });
      expect(back).toMatchObject({ change: 'joined', planned: 0 });
      expect(await rowsOf(joined.memberId!)).toHaveLength(4);
    });

    it('a leave leaves a ban or an unban of the member to be done (it keeps them out, or lets them back)', async () => {
      const kim = { externalId: 'u-kim', name: 'Kim' };
      const joined = await ingest({ type: 'member_joined', chatId: 'chat-2', member: kim, at: JOIN_AT });
      const group = w.groups[1]!;
      const queued = await queuePeopleSteps(
        w.store.db,
        { title: 'moderation', actor: null },
        [
          { groupId: group, memberId: joined.memberId!, action: 'ban', step: 'test:ban', content: { text: '', userId: 'u-kim' } },
          { groupId: group, memberId: joined.memberId!, action: 'unban', step: 'test:unban', content: { text: '', userId: 'u-kim' } },
        ],
        new Date('2026-12-05T00:00:00Z'),
      );
      await ingest({ type: 'member_left', chatId: 'chat-2', member: kim, reason: 'removed', at: new Date('2026-12-03T00:00:00Z') });
      const states = await w.store.db.selectFrom('ledger').select(['action', 'state']).where('id', 'in', [...queued.ledgerIds.values()]).orderBy('action').execute();
      expect(states.map((r) => [r.action, r.state])).toEqual([
        ['ban', 'planned'],
        ['unban', 'planned'],
      ]);
    });

    it('a bot joining fires no member steps', async () => {
      const r = await ingest({ type: 'member_joined', chatId: 'chat-1', member: { externalId: 'other-bot', name: 'Helper', isBot: true }, at: JOIN_AT });
      expect(r).toMatchObject({ change: 'joined', planned: 0 });
      const identity = await w.store.db.selectFrom('member_identities').selectAll().where('external_id', '=', 'other-bot').executeTakeFirstOrThrow();
      expect(identity.is_bot).toBe(true);
    });
  });
});
