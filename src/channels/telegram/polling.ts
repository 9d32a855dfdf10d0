// Long polling: getUpdates in a loop, each answer's events ingested in order (as one burst when
// the ingest takes bursts, else update by update) before its offset is confirmed, so an update whose ingest failed is fetched again rather than lost (its earlier
// events may then arrive twice; ingest tolerates repeats). Unlike `perform`, this loop must wait
// after a failed poll — without a pause it would hammer a Bot API that is down.

import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { ChannelError, InboundEvent, Ingest } from '../port.ts';
import { apiSignal } from './actions.ts';

/** The updates Chorus reads. `chat_member` must be named: Telegram leaves it out by default. */
export const ALLOWED_UPDATES = ['message', 'my_chat_member', 'chat_member', 'chat_join_request'] as const;

export interface PollingOptions {
  api: Api;
  ingest: Ingest;
  channelId: string;
  normalize: (u: Update) => InboundEvent[];
  seen: (e: InboundEvent) => void;
  toError: (err: unknown, method: string) => ChannelError;
  onError: (err: ChannelError) => void;
  /** Seconds Telegram holds a getUpdates open when there is nothing new. */
  timeoutSeconds: number;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export class LongPolling {
  private readonly controller = new AbortController();
  private readonly loop: Promise<void>;
  private offset = 0;
  /** False once the loop has ended, by stop() or by itself after an auth or permanent error. */
  running = true;

  constructor(private readonly o: PollingOptions) {
    this.loop = this.run().finally(() => {
      this.running = false;
    });
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    let backoffMs = 1000;
    const failed = async (err: ChannelError) => {
      this.o.onError(err);
      await pause(err.retryAfterMs ?? backoffMs, signal);
      backoffMs = Math.min(backoffMs * 2, 30_000);
    };
    while (!signal.aborted) {
      let updates: Update[];
      try {
        updates = await this.o.api.getUpdates({ offset: this.offset, timeout: this.o.timeoutSeconds, allowed_updates: ALLOWED_UPDATES }, apiSignal(signal));
      } catch (e) {
        if (signal.aborted) break;
        const err = this.o.toError(e, 'getUpdates');
        // A refused token or another poller on the same bot will not fix itself: stop and say so.
        if (err.kind === 'auth' || err.kind === 'permanent') {
          this.o.onError(err);
          break;
        }
        await failed(err);
        continue;
      }
      backoffMs = 1000;
      // A burst (up to 100 updates: a campaign's joins) in one transaction when the ingest can;
      // if that fails nothing of it was stored, and the loop below goes update by update.
      if (updates.length > 1 && this.o.ingest.many) {
        try {
          const events = updates.flatMap((u) => this.o.normalize(u));
          await this.o.ingest.many(this.o.channelId, events);
          for (const event of events) this.o.seen(event);
          this.offset = (updates[updates.length - 1] as Update).update_id + 1;
          continue;
        } catch {
          if (signal.aborted) break;
        }
      }
      for (const update of updates) {
        try {
          for (const event of this.o.normalize(update)) {
            await this.o.ingest(this.o.channelId, event);
            this.o.seen(event);
          }
        } catch (e) {
          await failed(this.o.toError(e, 'ingest'));
          break;
        }
        this.offset = update.update_id + 1;
      }
    }
  }

  /** Ends the loop at once (the open getUpdates is aborted) and confirms what was ingested. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
    if (this.offset === 0) return;
    // Telegram forgets updates only when a later getUpdates names a higher offset.
    await this.o.api.getUpdates({ offset: this.offset, limit: 1, timeout: 0 }, apiSignal(AbortSignal.timeout(2000))).catch(() => undefined);
  }
}
