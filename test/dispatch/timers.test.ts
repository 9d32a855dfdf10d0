import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueSchema, startQueue, type Queue } from '../../src/dispatch/queue.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { runStatus, startRun } from '../../src/run/runs.ts';
import { engine } from '../support/db.ts';
import { eventually, sandboxWorld, type World } from '../support/world.ts';

const SHEET = `sop: timer-check
title: Timer check
community: fans
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: hello
    at: T0
    do: post
    text: Hello {{ group.name }}
`;

describe(`durable wake-ups on pg-boss (${engine})`, () => {
  let w: World;
  let queue: Queue;
  let worker: Worker;
  let sweeps = 0;
  beforeAll(async () => {
    w = await sandboxWorld(3);
    queue = await startQueue(w.store, { databaseUrl: process.env.DATABASE_URL || undefined, schema: queueSchema(w.store), pollingIntervalSeconds: 2 });
    // A worker that would otherwise look at the ledger only once a minute.
    worker = new Worker({ db: w.store.db, connectors: w.connectors, pollMs: 60_000, queue, sweep: async () => void sweeps++, sweepMs: 1_000 });
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await queue.stop();
    await w.close();
  });

  it('wakes a sleeping worker at the due instant of a run started elsewhere (no direct wake)', async () => {
    // Let the worker fall asleep on its long poll first.
    await new Promise((r) => setTimeout(r, 300));
    const due = new Date(Date.now() + 2_000);
    const run = await startRun({ db: w.store.db, connectors: w.connectors, queue }, { sheet: SHEET, groups: 'all', anchor: due.toISOString() });
    await eventually(async () => ((await runStatus(w.store.db, run.id)).counts.sent ?? 0) === 3, 10_000, 'three sends');
    const s = await runStatus(w.store.db, run.id);
    for (const a of s.actions) expect(a.onTime).toBe(true);
    const rows = await w.store.db.selectFrom('ledger').select(['due_at', 'executed_at']).execute();
    const late = rows.map((r) => new Date(r.executed_at!).getTime() - new Date(r.due_at).getTime());
    expect(Math.max(...late)).toBeLessThan(2_500);
  });

  it('keeps the sweep going, one slot at a time', async () => {
    await eventually(async () => sweeps >= 2, 10_000, 'two sweeps');
  });
});
