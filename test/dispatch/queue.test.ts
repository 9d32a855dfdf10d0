import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Job, type Queue, startQueue } from '../../src/dispatch/queue.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

describe(`queue on ${engine}`, () => {
  let store: TestStore;
  const open: Queue[] = [];
  const boss = () => (store.schema ? `${store.schema}_boss` : 'pgboss');
  const start = async (o: { wakeUp?: boolean; pollingIntervalSeconds?: number } = {}) => {
    const q = await startQueue(store, { databaseUrl: process.env.DATABASE_URL, schema: boss(), ...o });
    open.push(q);
    return q;
  };
  const stop = async (q: Queue) => {
    open.splice(open.indexOf(q), 1);
    await q.stop();
  };

  beforeAll(async () => {
    store = await testStore();
  });
  afterAll(async () => {
    for (const q of open) await q.stop();
    if (store.engine === 'postgres') await store.executeSql(`DROP SCHEMA IF EXISTS "${boss()}" CASCADE`);
    await store.drop();
  });

  it('runs a job with startAfter at, not before, its time', async () => {
    const q = await start();
    const ran: { due: number; at: number }[] = [];
    await q.work<{ due: number }>('timer', async (job) => {
      ran.push({ due: job.data.due, at: Date.now() });
    });
    const dues = [700, 1_100, 1_500, 1_900, 2_600, 3_300].map((ms) => Date.now() + ms);
    for (const due of dues) await q.send('timer', { due }, { startAfter: new Date(due) });
    await until(() => ran.length === dues.length, 10_000, 'all timers');
    const lateness = ran.map((r) => r.at - r.due);
    for (const late of lateness) expect(late).toBeGreaterThanOrEqual(0);
    // With the wake-up timer, lateness is the timer plus one fetch, far below the 2 s poll.
    expect(Math.max(...lateness)).toBeLessThan(1_000);
    console.info(`[queue ${engine}] timer lateness ms: ${lateness.join(', ')}`);
    await stop(q);
  });

  it('retries a failing job with backoff up to its limit, then fails it', async () => {
    const q = await start();
    const attempts: { at: number; retryCount: number }[] = [];
    await q.work<{ n: number }>('flaky', async (job: Job<{ n: number }>) => {
      attempts.push({ at: Date.now(), retryCount: job.retryCount });
      throw new Error('The platform is busy');
    });
    const id = await q.send('flaky', { n: 1 }, { retryLimit: 2, retryDelay: 1, retryBackoff: true });
    expect(id).toBeTruthy();
    await until(async () => (await q.getJob('flaky', id!))?.state === 'failed', 20_000, 'the job to fail');
    expect(attempts.map((a) => a.retryCount)).toEqual([0, 1, 2]);
    // pg-boss backoff: delay · 2^(n+1)/2 · (1 + random) → [1, 2) s, then [2, 4) s.
    const gap1 = attempts[1].at - attempts[0].at;
    const gap2 = attempts[2].at - attempts[1].at;
    expect(gap1).toBeGreaterThanOrEqual(1_000 - 50);
    expect(gap2).toBeGreaterThanOrEqual(2_000 - 50);
    const job = await q.getJob('flaky', id!);
    expect(job?.retryCount).toBe(2);
    expect(job?.output).toMatchObject({ message: 'The platform is busy' });
    await sleep(1_500);
    expect(attempts).toHaveLength(3); // nothing after the last allowed retry
    await stop(q);
  }, 30_000);

  it('keeps pending jobs across a restart of the queue', async () => {
    const first = await start();
    const due = Date.now() + 1_200;
    const id = await first.send('survivor', { hello: 'world' }, { startAfter: new Date(due) });
    await stop(first);

    const second = await start();
    const ran: { id: string; at: number; data: unknown }[] = [];
    await second.work('survivor', async (job) => {
      ran.push({ id: job.id, at: Date.now(), data: job.data });
    });
    await until(() => ran.length === 1, 10_000, 'the job after restart');
    expect(ran[0].id).toBe(id);
    expect(ran[0].data).toEqual({ hello: 'world' });
    expect(ran[0].at).toBeGreaterThanOrEqual(due);
    await stop(second);
  });

  it('stores a job sent in a transaction only if the transaction commits', async () => {
    const q = await start({ pollingIntervalSeconds: 0.5 });
    const ran: string[] = [];
    const handler = async (job: Job<{ tag: string }>) => {
      ran.push(job.data.tag);
    };
    // Committed and due, but nobody works the queue yet.
    await q.send('in-tx', { tag: 'before' });
    await store.db
      .transaction()
      .execute(async (trx) => {
        await q.send('in-tx', { tag: 'rolled-back' }, { tx: trx });
        // The worker starts polling while this transaction is open. On PGlite (one session) its
        // fetch must wait for the transaction: run inside it, the fetch of 'before' would be rolled
        // back with it and 'before' would run twice.
        await q.work('in-tx', handler);
        await sleep(1_200);
        throw new Error('roll back');
      })
      .catch((err: Error) => expect(err.message).toBe('roll back'));
    await store.db.transaction().execute(async (trx) => {
      await q.send('in-tx', { tag: 'committed' }, { tx: trx });
    });
    await until(() => ran.includes('committed') && ran.includes('before'), 10_000, 'the committed jobs');
    await sleep(1_000);
    expect(ran.sort()).toEqual(['before', 'committed']);
    await stop(q);
  });

  it('measures timer lateness with and without the wake-up timer', async () => {
    const measure = async (wakeUp: boolean, n: number) => {
      const q = await start({ wakeUp, pollingIntervalSeconds: 2 });
      const name = `lateness-${wakeUp}`;
      const late: number[] = [];
      await q.work<{ due: number }>(
        name,
        async (job) => {
          late.push(Date.now() - job.data.due);
        },
        { batchSize: 5 },
      );
      const t0 = Date.now();
      for (let i = 0; i < n; i++) {
        const due = t0 + 500 + Math.floor(Math.random() * 4_000);
        await q.send(name, { due }, { startAfter: new Date(due) });
      }
      await until(() => late.length === n, 20_000, `${n} timers`);
      await stop(q);
      return late;
    };
    const woken = await measure(true, 40);
    const polled = await measure(false, 40);
    const fmt = (xs: number[]) => `p50 ${percentile(xs, 50)} ms, p99 ${percentile(xs, 99)} ms, max ${Math.max(...xs)} ms`;
    console.info(`[queue ${engine}] lateness with wake-up: ${fmt(woken)}; polling every 2 s: ${fmt(polled)}`);
    for (const l of [...woken, ...polled]) expect(l).toBeGreaterThanOrEqual(0);
    expect(percentile(woken, 50)).toBeLessThan(percentile(polled, 50));
  }, 60_000);
});
