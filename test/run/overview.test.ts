// The overview's decisions (src/run/overview.ts): late means a person's task past its due time or
// a bot's send five minutes past it; a paused run's rows are neither late nor due; sections are
// ordered (soonest due first, newest problem first) and capped with the full total kept;
// completion counts settled actions and leaves cancelled ones out.

import { describe, expect, it } from 'vitest';
import { buildOverview, channelNeedsAttention, isLate, type OverviewRow, runProgress } from '../../src/run/overview.ts';

const NOW = new Date('2030-05-01T08:00:00Z');
const MIN = 60_000;

let next = 1;
function row(p: Partial<OverviewRow> & { dueIn: number }): OverviewRow {
  const { dueIn, ...rest } = p;
  return {
    id: next++,
    runId: 'run_1',
    runTitle: 'Camp',
    runState: 'running',
    groupId: 'g1',
    groupName: 'Group 1',
    step: 'hello',
    action: 'post',
    mode: 'bot',
    assignee: null,
    due: new Date(NOW.getTime() + dueIn * MIN),
    windowMinutes: 60,
    state: 'planned',
    text: 'Hello',
    lastError: null,
    updatedAt: NOW,
    ...rest,
  };
}

const empty = { now: NOW, hours: 6, open: [], problems: [], channels: [], runs: [] };

describe('the overview', () => {
  it('calls a task late once due, a bot send only five minutes after', () => {
    expect(isLate({ mode: 'human', state: 'assigned', due: new Date(NOW.getTime() - MIN) }, NOW)).toBe(true);
    expect(isLate({ mode: 'bot', state: 'planned', due: new Date(NOW.getTime() - 4 * MIN) }, NOW)).toBe(false);
    expect(isLate({ mode: 'bot', state: 'retry_wait', due: new Date(NOW.getTime() - 6 * MIN) }, NOW)).toBe(true);
  });

  it('orders due rows soonest first, keeps paused runs out and cuts at the horizon', () => {
    const a = row({ dueIn: 90 });
    const b = row({ dueIn: 10, mode: 'human', state: 'assigned', text: `  Call   them\n${'x'.repeat(200)}` });
    const far = row({ dueIn: 7 * 60 });
    const paused = row({ dueIn: -60, runState: 'paused' });
    const bot = row({ dueIn: -2 });
    const o = buildOverview({ ...empty, open: [a, b, far, paused, bot] });
    expect(o.due.items.map((i) => i.id)).toEqual([bot.id, b.id, a.id]);
    expect(o.late.total).toBe(0);
    expect(o.due.items[1].text).toHaveLength(120);
    expect(o.due.items[1].text.startsWith('Call them x')).toBe(true);
  });

  it('caps each section but keeps its total; newest problems first', () => {
    const problems = Array.from({ length: 30 }, (_, i) => row({ dueIn: -100, state: i % 2 ? 'failed' : 'unconfirmed', updatedAt: new Date(NOW.getTime() - i * MIN) }));
    const o = buildOverview({ ...empty, problems, totals: { failed: 40 }, limit: 5 });
    expect(o.failed.total).toBe(40);
    expect(o.failed.items).toHaveLength(5);
    expect(o.failed.items[0].id).toBe(problems[1].id);
    expect(o.unconfirmed.total).toBe(15);
    expect(o.unconfirmed.items[0].id).toBe(problems[0].id);
  });

  it('counts completion without cancelled actions, and lists channels to look at', () => {
    expect(runProgress({ sent: 4, done_late: 1, missed: 1, failed: 1, planned: 2, cancelled: 5, skipped: 1 })).toEqual({
      total: 9,
      done: 4,
      late: 1,
      missed: 2,
      pending: 2,
      percent: 77,
      attention: 2,
    });
    expect(runProgress({}).percent).toBe(100);
    expect(channelNeedsAttention({ status: 'active', groupsLost: 0 })).toBe(false);
    expect(channelNeedsAttention({ status: 'active', groupsLost: 2 })).toBe(true);
    expect(channelNeedsAttention({ status: 'needs_reauth', groupsLost: 0 })).toBe(true);
  });
});
