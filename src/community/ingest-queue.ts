// Ingest in the background, as `chorus serve` runs it: a webhook (or a long-polling answer) only
// stores its events in `inbound_events` and returns — platforms retry slow webhooks; concurrent
// webhooks share one INSERT — then the events are applied per channel in arrival order, in bursts of
// up to 500 that each take about a tenth of a second (applyBurst: one transaction each, the same
// code as ingesting them at once).
//
// Nothing is lost: an event is stored before the platform hears "ok", and applied once. The burst's
// transaction marks its rows applied only where they are still waiting, so when two servers drain
// the same channel, one applies the burst and the other reads again after it. A burst that fails is
// applied one event at a time; an event that fails alone is kept with its `failure` and the ones
// after it go on. Events left waiting by a stop or a crash are applied at the next start, and a
// timer looks for waiting events every few seconds (another server's, say).

import type { InboundEvent, Ingest } from '../channels/port.ts';
import { sql } from '../store/db.ts';
import { applyBurst, type IngestDeps, type StoredBurst } from './ingest.ts';

export type QueuedIngest = Ingest & {
  /** Applies what is waiting in every channel (at start, and from the timer). */
  drainAll(): Promise<void>;
  /** Resolves when nothing this process started applying is still running. */
  idle(): Promise<void>;
  /** Starts the timer that looks for waiting events. */
  start(everyMs?: number): void;
  /** Stops the timer and waits for the running bursts. */
  stop(): Promise<void>;
};

const BURST_MS = 100;

/** Another process applied some of the burst first. */
class TakenElsewhere extends Error {}

export function createQueuedIngest(deps: IngestDeps & { burst?: number }): QueuedIngest {
  const { db } = deps;
  const burst = deps.burst ?? 500;
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  // Webhooks that arrive while an INSERT is on its way wait for the next one, together: under load
  // a hundred concurrent webhooks cost one statement and one commit, not a hundred.
  let pending: { channelId: string; events: InboundEvent[]; receivedAt: Date; done: (err?: unknown) => void }[] = [];
  let writing = false;
  // One JSON parameter for the whole batch: cheaper to build and bind than five per event.
  const insert = (batch: typeof pending) => {
    const rows = batch.flatMap((b) => b.events.map((event) => ({ c: b.channelId, t: event.type, h: event.chatId ?? null, p: event, r: b.receivedAt })));
    return sql`
      INSERT INTO inbound_events (channel_id, type, chat_id, payload, received_at)
      SELECT v.c, v.t, v.h, v.p, v.r FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS (c text, t text, h text, p jsonb, r timestamptz)) WITH ORDINALITY AS v(c, t, h, p, r, n)
      ORDER BY v.n`.execute(db);
  };
  const write = async () => {
    while (pending.length) {
      const batch = pending;
      pending = [];
      try {
        await insert(batch);
        for (const b of batch) b.done();
      } catch (err) {
        // One at a time: a request whose events cannot be stored fails alone.
        for (const b of batch) await insert([b]).then(() => b.done(), (e) => b.done(e ?? err));
      }
      for (const channelId of new Set(batch.map((b) => b.channelId))) drain(channelId);
    }
    writing = false;
  };
  const store = (channelId: string, events: InboundEvent[]) =>
    new Promise<void>((resolve, reject) => {
      if (!events.length) return resolve();
      pending.push({ channelId, events, receivedAt: new Date(), done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!writing) {
        writing = true;
        void write();
      }
    });

  /** Starts draining a channel, or asks the running drain to look once more. */
  const drain = (channelId: string): void => {
    if (stopped) return;
    if (running.has(channelId)) {
      again.add(channelId);
      return;
    }
    const work = (async () => {
      do {
        again.delete(channelId);
        await drainChannel(channelId);
      } while (again.has(channelId) && !stopped);
    })()
      .catch((err) => deps.log?.(`could not apply the waiting events of channel ${channelId}: ${(err as Error).message}`))
      .finally(() => running.delete(channelId));
    running.set(channelId, work);
  };

  // A burst holds its transaction — on PGlite the one connection, so webhooks wait to store theirs
  // — for about BURST_MS: its size follows what an event has been taking.
  let msPerEvent = 1;
  const drainChannel = async (channelId: string): Promise<void> => {
    while (!stopped) {
      const size = Math.max(1, Math.min(burst, Math.floor(BURST_MS / msPerEvent)));
      const rows = await db
        .selectFrom('inbound_events')
        .select(['id', 'payload', 'received_at'])
        .where('channel_id', '=', channelId)
        .where('applied_at', 'is', null)
        .orderBy('id')
        .limit(size)
        .execute();
      if (!rows.length) return;
      const waiting = rows.map((r) => ({ id: Number(r.id), event: eventOf(r.payload), receivedAt: new Date(r.received_at) }));
      const started = performance.now();
      try {
        await applyWaiting(channelId, waiting);
        msPerEvent = 0.7 * msPerEvent + (0.3 * (performance.now() - started)) / waiting.length;
      } catch (err) {
        if (err instanceof TakenElsewhere) continue;
        // One at a time, so one bad event holds up none of the others.
        for (const w of waiting) {
          try {
            await applyWaiting(channelId, [w]);
          } catch (one) {
            if (one instanceof TakenElsewhere) continue;
            const why = (one as Error).message ?? String(one);
            await db.updateTable('inbound_events').set({ applied_at: new Date(), failure: why.slice(0, 2000) }).where('id', '=', w.id).where('applied_at', 'is', null).execute();
            deps.log?.(`event ${w.id} (${w.event.type}) of channel ${channelId} could not be applied: ${why}`);
          }
        }
      }
    }
  };

  const applyWaiting = async (channelId: string, waiting: { id: number; event: InboundEvent; receivedAt: Date }[]) => {
    const ids = waiting.map((w) => w.id);
    await applyBurst(
      deps,
      channelId,
      waiting.map((w) => w.event),
      async (trx): Promise<StoredBurst> => {
        const marked = await trx.updateTable('inbound_events').set({ applied_at: new Date() }).where('id', 'in', ids).where('applied_at', 'is', null).returning('id').execute();
        if (marked.length !== ids.length) throw new TakenElsewhere();
        return { ids, receivedAt: waiting.map((w) => w.receivedAt) };
      },
    );
  };

  const ingest = (async (channelId, event) => store(channelId, [event])) as QueuedIngest;
  ingest.many = store;
  ingest.drainAll = async () => {
    const channels = await db.selectFrom('inbound_events').select('channel_id').distinct().where('applied_at', 'is', null).execute();
    for (const c of channels) drain(c.channel_id);
    await ingest.idle();
  };
  ingest.idle = async () => {
    while (running.size) await Promise.all([...running.values()]);
  };
  ingest.start = (everyMs = 5_000) => {
    stopped = false;
    timer ??= setInterval(() => void ingest.drainAll().catch(() => {}), everyMs);
    timer.unref();
  };
  ingest.stop = async () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    stopped = true;
    await ingest.idle();
  };
  return ingest;
}

/** A stored event as the connector handed it (its time was written as text). */
function eventOf(payload: unknown): InboundEvent {
  const e = (typeof payload === 'string' ? JSON.parse(payload) : payload) as InboundEvent & { at: string | Date };
  return { ...e, at: new Date(e.at) } as InboundEvent;
}
