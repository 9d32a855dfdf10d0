// The leader page's and the command center's decisions (web/src/pages/leader/tasks.ts,
// web/src/pages/command/progress.ts) and the launch form's (web/src/pages/runs/launch-data.ts).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BroadcastAction, progressOf, settledPercent } from '../../web/src/pages/command/progress.ts';
import { openGroupLink, planDay, relativeTo, scriptOf, type Task } from '../../web/src/pages/leader/tasks.ts';
import { anchorInstant, defaultAnchor, missingVars, readVars, selectorOf, spanOf } from '../../web/src/pages/runs/launch-data.ts';

const NOW = new Date('2025-03-01T12:00:00Z');
const at = (min: number) => new Date(NOW.getTime() + min * 60_000).toISOString();

function task(id: number, dueMin: number, windowMin: number, state = 'assigned'): Task {
  return {
    id,
    runId: 'run_1',
    runKind: 'run',
    runTitle: 'Camp',
    group: { id: `g${id}`, name: `Group ${id}`, channelKind: 'telegram', externalId: '-1001234567890' },
    step: 'call',
    action: 'task',
    text: 'Call each new member.',
    due: at(dueMin),
    deadline: at(dueMin + windowMin),
    state,
    late: false,
    assignee: 'ann',
  };
}

describe('leader page', () => {
  it('says how far a deadline is, in the largest sensible unit', () => {
    expect(relativeTo(new Date(at(20)), NOW)).toEqual({ late: false, unit: 'min', n: 20 });
    expect(relativeTo(new Date(at(-35)), NOW)).toEqual({ late: true, unit: 'min', n: 35 });
    expect(relativeTo(new Date(at(125)), NOW)).toEqual({ late: false, unit: 'h', n: 2, m: 5 });
    expect(relativeTo(new Date(at(-3 * 24 * 60)), NOW)).toEqual({ late: true, unit: 'd', n: 3 });
    expect(relativeTo(new Date(at(0.5)), NOW)).toEqual({ late: false, unit: 'now' });
  });

  it("puts overdue tasks first (longest overdue on top), then today's by due time; later and done apart", () => {
    const start = new Date('2025-03-01T00:00:00Z');
    const end = new Date('2025-03-02T00:00:00Z');
    const tasks = [
      task(1, 60, 30),
      task(2, -120, 60), // deadline 60 min ago
      task(3, -30, 10), // deadline 20 min ago
      task(4, 24 * 60, 30), // tomorrow
      task(5, 30, 30, 'missed'),
      task(6, -60, 30, 'done'),
      task(7, -24 * 60, 30, 'done_late'), // yesterday
      task(8, 10, 30),
      task(8, 10, 30),
    ];
    const day = planDay(tasks, NOW, start, end);
    expect(day.today.map((t) => t.id)).toEqual([2, 3, 5, 8, 1]);
    expect(day.later.map((t) => t.id)).toEqual([4]);
    expect(day.done.map((t) => t.id)).toEqual([6]);
  });

  it('links to Telegram supergroups and public groups only', () => {
    expect(openGroupLink({ channelKind: 'telegram', externalId: '-1001234567890' })).toBe('https://t.me/c/1234567890');
    expect(openGroupLink({ channelKind: 'telegram', externalId: '@camp_chat' })).toBe('https://t.me/camp_chat');
    expect(openGroupLink({ channelKind: 'telegram', externalId: '-4567' })).toBeUndefined();
    expect(openGroupLink({ channelKind: 'wecom', externalId: 'wrOgAAA' })).toBeUndefined();
    expect(openGroupLink({ channelKind: 'sandbox', externalId: '-1001234567890' })).toBeUndefined();
  });

  it('copies the text with its link on its own line, once', () => {
    expect(scriptOf({ text: 'Join us', link: 'https://x.example' })).toBe('Join us\nhttps://x.example');
    expect(scriptOf({ text: 'Join us at https://x.example', link: 'https://x.example' })).toBe('Join us at https://x.example');
    expect(scriptOf({ text: 'Hello' })).toBe('Hello');
  });
});

function action(id: number, state: string, executor: string, assignee: string | null, onTime: boolean | null = null): BroadcastAction {
  return { id, group: `g${id}`, groupName: `Group ${id}`, due: at(0), state, executor, assignee, onTime };
}

describe('command center progress', () => {
  it('sums done, late, missed and pending like the server, and lists who is late per leader', () => {
    const rows = [
      action(1, 'sent', 'bot', null, true),
      action(2, 'sent', 'bot', null, false),
      action(3, 'failed', 'bot', null),
      action(4, 'done', 'leader', 'ann'),
      action(5, 'assigned', 'leader', 'ann'),
      action(6, 'missed', 'leader', 'bob'),
      action(7, 'done_late', 'leader', 'bob'),
      action(8, 'assigned', 'leader', null),
      action(9, 'cancelled', 'leader', 'ann'),
    ];
    const before = progressOf(rows, new Date(at(60)), NOW);
    expect(before).toMatchObject({ total: 9, done: 2, late: 2, missed: 2, pending: 2, cancelled: 1 });
    expect(before.bot).toEqual({ total: 3, done: 2, pending: 0, failed: 1 });
    expect(before.byLeader.map((l) => [l.leader, l.overdue.map((o) => o.groupName)])).toEqual([
      ['bob', ['Group 6']],
      ['ann', []],
      [null, []],
    ]);
    const after = progressOf(rows, new Date(at(-1)), NOW);
    expect(after.byLeader.find((l) => l.leader === 'ann')?.overdue.map((o) => o.ledgerId)).toEqual([5]);
    expect(after.byLeader.find((l) => l.leader === null)?.overdue).toHaveLength(1);
    expect(settledPercent(after)).toBe(78);
  });

  it('property: the buckets always add up to the total', () => {
    const states = ['planned', 'due', 'sending', 'sent', 'assigned', 'done', 'done_late', 'missed', 'failed', 'unconfirmed', 'skipped', 'cancelled', 'awaiting_confirmation'];
    fc.assert(
      fc.property(fc.array(fc.record({ state: fc.constantFrom(...states), bot: fc.boolean(), onTime: fc.constantFrom(true, false, null), who: fc.constantFrom('ann', 'bob', null) })), (xs) => {
        const p = progressOf(xs.map((x, i) => action(i, x.state, x.bot ? 'bot' : 'leader', x.bot ? null : x.who, x.onTime)), new Date(at(-5)), NOW);
        expect(p.done + p.late + p.missed + p.pending + p.cancelled).toBe(p.total);
        const people = p.byLeader.reduce((n, l) => n + l.total, 0);
        expect(people + p.bot.total).toBe(p.total);
      }),
    );
  });
});

describe('launch form', () => {
  it("reads the sheet's variables: required unless it says otherwise or has a default", () => {
    const vars = readVars(`sop: x\nvars:\n  course: { required: true, description: "What the camp teaches" }\n  teacher:\n  city: { default: Paris }\n  size: { default: 30, required: true }\n  note: { required: false }\nsteps: []\n`);
    expect(vars).toEqual([
      { name: 'course', required: true, description: 'What the camp teaches' },
      { name: 'teacher', required: true },
      { name: 'city', required: false, default: 'Paris' },
      { name: 'size', required: true, default: '30' },
      { name: 'note', required: false },
    ]);
    expect(missingVars(vars, { course: ' ', teacher: 'Li' })).toEqual(['course']);
    expect(readVars('sop: [broken')).toEqual([]);
    expect(readVars('sop: x\nsteps: []')).toEqual([]);
  });

  it('turns a filter into a group selector', () => {
    expect(selectorOf({ channel: '', community: '', tag: '', leader: '' })).toEqual({ selector: 'all' });
    expect(selectorOf({ channel: 'ch_1', community: 'training_camp', tag: 'vip', leader: 'ann' })).toEqual({ selector: 'channel:ch_1+community:training_camp+tag:vip+leader:ann' });
    expect(selectorOf({ channel: '', community: '', tag: 'a+b', leader: '' })).toEqual({ error: 'separator', field: 'tag' });
  });

  it("reads the anchor's date and time in the operator's zone", () => {
    expect(anchorInstant('2025-03-01', '20:00', 'Asia/Shanghai')).toBe('2025-03-01T20:00:00+08:00');
    expect(anchorInstant('2025-07-01', '09:30', 'Europe/Paris')).toBe('2025-07-01T09:30:00+02:00');
    expect(anchorInstant('2025-02-30', '09:30', 'UTC')).toBeUndefined();
    expect(anchorInstant('', '09:30', 'UTC')).toBeUndefined();
    expect(defaultAnchor(new Date('2025-03-01T15:20:00Z'), 'Asia/Shanghai')).toEqual({ date: '2025-03-02', time: '00:00' });
  });

  it('says delays in the largest sensible unit', () => {
    expect(spanOf(42)).toEqual({ unit: 's', n: 42 });
    expect(spanOf(600)).toEqual({ unit: 'min', n: 10 });
    expect(spanOf(3 * 3600 + 20 * 60)).toEqual({ unit: 'h', n: 3, m: 20 });
  });
});
