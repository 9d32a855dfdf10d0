// Inbound receivers of the serve process: connectors that fetch their own events (Telegram long
// polling when the channel has no webhook secret, a Wechaty puppet's session) are started for
// each active channel and stopped on shutdown. Telegram lets one getUpdates consumer per bot, and
// a puppet holds one login, so only `chorus serve` starts them — never `chorus worker`.

import type { ConnectorCache } from '../channels/registry.ts';
import { NEEDS_LOGIN, trackSignIn } from '../channels/sign-in.ts';
import type { Connector, Ingest } from '../channels/port.ts';
import type { Db } from '../store/db.ts';
import type { SecretBox } from '../store/secrets.ts';

export class Receivers {
  private readonly started = new Map<string, Connector>();
  private readonly untrack = new Map<string, () => void>();

  constructor(
    private readonly deps: { db: Db; box: SecretBox; connectors: ConnectorCache; ingest: Ingest; log: (line: string) => void },
  ) {}

  /** Starts receivers for every active channel; a channel that fails to start is logged, not fatal. */
  async startAll(): Promise<void> {
    const rows = await this.deps.db.selectFrom('channels').select(['id', 'kind', 'name', 'status']).where('status', 'in', ['active', NEEDS_LOGIN]).execute();
    for (const r of rows) await this.start(r);
  }

  async start(channel: { id: string; kind: string; name: string }): Promise<void> {
    if (this.started.has(channel.id) || !(await this.receivesItself(channel))) return;
    try {
      const connector = await this.deps.connectors.get(channel.id);
      if (!connector.start) return;
      // A WeChat account's QR code and login go to the channel's row, for every API server to show.
      const untrack = trackSignIn(this.deps.db, channel, connector, this.deps.log);
      if (untrack) this.untrack.set(channel.id, untrack);
      await connector.start(this.deps.ingest);
      this.started.set(channel.id, connector);
      this.deps.log(`receiving events from ${channel.kind} channel "${channel.name}"`);
    } catch (e) {
      this.deps.log(`could not start receiving events from ${channel.kind} channel "${channel.name}": ${(e as Error).message}`);
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

  async stopAll(): Promise<void> {
    const all = [...this.started.values()];
    this.started.clear();
    // Stopping the puppet is not the account signing out: its session is kept for the next start.
    for (const untrack of this.untrack.values()) untrack();
    this.untrack.clear();
    await Promise.allSettled(all.map((c) => c.stop?.()));
  }

  /** Telegram with a webhook secret is called by Telegram instead; WeCom always calls us. */
  private async receivesItself(channel: { id: string; kind: string }): Promise<boolean> {
    if (channel.kind === 'wechaty') return true;
    if (channel.kind !== 'telegram') return false;
    const row = await this.deps.db.selectFrom('channels').select('config_sealed').where('id', '=', channel.id).executeTakeFirst();
    if (!row) return false;
    const config = JSON.parse(this.deps.box.open(row.config_sealed)) as { webhookSecret?: string };
    return !config.webhookSecret;
  }
}
