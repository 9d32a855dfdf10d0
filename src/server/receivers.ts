// Inbound receivers of the serve process: connectors that fetch their own events (Telegram long
// polling when the channel has no webhook secret, a Wechaty puppet's session) are started for
// each active channel and stopped on shutdown. Telegram lets one getUpdates consumer per bot, and
// a puppet holds one login, so only `chorus serve` starts them — never `chorus worker` — and with
// several servers on one database only the holder of the channel's lease (leases.ts) does. Every
// `renewMs` each server looks again: it renews what it holds, takes over leases whose holder died,
// stops what it lost or what no longer needs receiving (a channel disabled or given a webhook on
// another server), and restarts a receiver whose connector was rebuilt (settings changed).

import type { ConnectorCache } from '../channels/registry.ts';
import { NEEDS_LOGIN, trackSignIn } from '../channels/sign-in.ts';
import type { Connector, Ingest } from '../channels/port.ts';
import type { Db } from '../store/db.ts';
import type { SecretBox } from '../store/secrets.ts';
import { DEFAULT_LEASE_MS, leaseHolderId, releaseLeases, takeLease } from './leases.ts';

/** How long a stop waits for one receiver (a server's stop must end within 10 s). */
const STOP_WAIT_MS = 4_000;

interface Running {
  connector: Connector;
  /** Local time until which the lease is surely ours (renewals that fail do not extend it). */
  heldUntil: number;
  /** Stops following a WeChat account's QR sign-in (sign-in.ts). */
  untrack?: () => void;
}

export class Receivers {
  private readonly started = new Map<string, Running>();
  readonly holder: string;
  private readonly leaseMs: number;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private again = false;
  private stopped = false;
  /** The last complaint per channel, so a channel that cannot start is reported once, not every look. */
  private readonly complained = new Map<string, string>();
  /** Receivers being started: a slow start (a puppet connecting) must not hold up the renewals. */
  private readonly starting = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      db: Db;
      box: SecretBox;
      connectors: ConnectorCache;
      ingest: Ingest;
      log: (line: string) => void;
      holder?: string;
      /** How long a lease lasts without renewal (default 30 s); renewed every third of it. */
      leaseMs?: number;
    },
  ) {
    this.holder = deps.holder ?? leaseHolderId();
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Starts receivers for the channels whose lease this process gets, and keeps looking. */
  async startAll(): Promise<void> {
    this.stopped = false;
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(200, Math.floor(this.leaseMs / 3)));
  }

  /** A channel was added or changed here: look now rather than at the next renewal. */
  async start(_channel?: { id: string; kind: string; name: string }): Promise<void> {
    await this.tick();
  }

  async stopAll(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    await Promise.allSettled([...this.starting.values()]);
    const ids = [...this.started.keys()];
    await Promise.allSettled(ids.map((id) => this.stopOne(id)));
    // Released at once, so another server takes over without waiting for the lease to expire.
    await releaseLeases(this.deps.db, this.holder).catch((e) => this.deps.log(`could not release the receiver leases: ${(e as Error).message}`));
  }

  /** One look at a time; a call during a look runs one more look after it. */
  private tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.ticking) {
      this.again = true;
      return this.ticking;
    }
    this.ticking = (async () => {
      do {
        this.again = false;
        await this.look().catch((e) => this.lookFailed(e as Error));
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async look(): Promise<void> {
    const wanted = await this.wanted();
    for (const channel of wanted) {
      if (this.stopped) return;
      const askedAt = Date.now();
      if (!(await takeLease(this.deps.db, channel.id, this.holder, this.leaseMs))) {
        if (this.started.has(channel.id)) {
          this.deps.log(`another server now receives events for ${channel.kind} channel "${channel.name}"; stopping here`);
          await this.stopOne(channel.id);
        }
        continue;
      }
      const running = this.started.get(channel.id);
      if (running) running.heldUntil = askedAt + this.leaseMs;
      if (!this.starting.has(channel.id)) {
        const p = this.run(channel, askedAt + this.leaseMs).finally(() => this.starting.delete(channel.id));
        this.starting.set(channel.id, p);
      }
    }
    const ids = new Set(wanted.map((c) => c.id));
    await Promise.allSettled([...this.starting.values()].map((p) => Promise.race([p, new Promise((r) => setTimeout(r, 1_000))])));
    const gone = [...this.started.keys()].filter((id) => !ids.has(id));
    for (const id of gone) await this.stopOne(id);
    await releaseLeases(this.deps.db, this.holder, gone);
  }

  /** The database is away: a lease that may have expired meanwhile is no longer surely ours. */
  private async lookFailed(e: Error): Promise<void> {
    this.deps.log(`could not renew the receiver leases: ${e.message}`);
    const now = Date.now();
    for (const [id, r] of this.started) {
      if (r.heldUntil <= now) {
        this.deps.log(`the receiver lease of channel ${id} may have passed to another server; stopping here until it is renewed`);
        await this.stopOne(id);
      }
    }
  }

  /** Starts the channel's receiver, or restarts it when its connector was rebuilt. */
  private async run(channel: { id: string; kind: string; name: string }, heldUntil: number): Promise<void> {
    try {
      const connector = await this.deps.connectors.get(channel.id);
      const running = this.started.get(channel.id);
      if (running?.connector === connector) return;
      if (running) await this.stopOne(channel.id);
      if (!connector.start) return;
      // A WeChat account's QR code and login go to the channel's row, for every API server to show.
      const untrack = trackSignIn(this.deps.db, channel, connector, this.deps.log);
      try {
        await connector.start(this.deps.ingest);
      } catch (e) {
        untrack?.();
        throw e;
      }
      this.started.set(channel.id, { connector, heldUntil, ...(untrack ? { untrack } : {}) });
      this.complained.delete(channel.id);
      this.deps.log(`receiving events from ${channel.kind} channel "${channel.name}"`);
    } catch (e) {
      const line = `could not start receiving events from ${channel.kind} channel "${channel.name}": ${(e as Error).message}`;
      if (this.complained.get(channel.id) !== line) this.deps.log(line);
      this.complained.set(channel.id, line);
      // A channel waiting for its sign-in says why no QR code comes (puppet missing, service unreachable).
      await this.deps.db
        .updateTable('channels')
        .set({ status_reason: (e as Error).message })
        .where('id', '=', channel.id)
        .where('status', '=', NEEDS_LOGIN)
        .execute()
        .catch(() => undefined);
    }
  }

  /** Stops one receiver; one that does not stop within STOP_WAIT_MS (a puppet service gone quiet) is left behind. */
  private async stopOne(id: string): Promise<void> {
    const r = this.started.get(id);
    this.started.delete(id);
    // Stopping the puppet is not the account signing out: its session is kept for the next start.
    r?.untrack?.();
    if (!r?.connector.stop) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), STOP_WAIT_MS);
    });
    const stopped = r.connector.stop().then(
      () => 'stopped' as const,
      (e: unknown) => void this.deps.log(`stopping the receiver of channel ${id} failed: ${(e as Error).message}`),
    );
    if ((await Promise.race([stopped, late])) === 'late') this.deps.log(`the receiver of channel ${id} did not stop within ${STOP_WAIT_MS / 1000} s; going on without it`);
    clearTimeout(timer);
  }

  /** Active channels that fetch their own events (Telegram without a webhook secret, Wechaty), and WeChat accounts waiting for their QR sign-in. */
  private async wanted(): Promise<{ id: string; kind: string; name: string }[]> {
    const rows = await this.deps.db
      .selectFrom('channels')
      .select(['id', 'kind', 'name', 'config_sealed'])
      .where('status', 'in', ['active', NEEDS_LOGIN])
      .where('kind', 'in', ['telegram', 'wechaty'])
      .orderBy('id')
      .execute();
    return rows.filter((r) => r.kind === 'wechaty' || !this.hasWebhook(r.config_sealed)).map(({ id, kind, name }) => ({ id, kind, name }));
  }

  private hasWebhook(sealed: string): boolean {
    try {
      return Boolean((JSON.parse(this.deps.box.open(sealed)) as { webhookSecret?: string }).webhookSecret);
    } catch {
      return false;
    }
  }
}
