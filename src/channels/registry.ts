// Channels in the database: add (credentials checked with the platform first, then sealed),
// list (never with secrets), and build the connector for a channel row.

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import type { SecretBox } from '../store/secrets.ts';
import { createManualConnector } from './manual/index.ts';
import type { ChannelKind, Connector } from './port.ts';
import { createSandboxConnector } from './sandbox/index.ts';

export const CHANNEL_CONFIG = {
  telegram: z.strictObject({
    token: z.string().regex(/^\d+:[\w-]+$/, 'a bot token looks like 123456:ABC-DEF… (from @BotFather)'),
    apiRoot: z.url().optional(),
    webhookSecret: z.string().regex(/^[\w-]{1,256}$/).optional(),
  }),
  wecom: z.strictObject({
    corpId: z.string().min(1),
    secret: z.string().min(1),
    token: z.string().min(1),
    aesKey: z.string().length(43, 'the EncodingAESKey is 43 characters long'),
    apiRoot: z.url().optional(),
    sender: z.string().optional(),
  }),
  wechaty: z.strictObject({
    puppet: z.string().min(1),
    puppetToken: z.string().optional(),
    // e.g. { endpoint: '127.0.0.1:8788', tls: { disable: true } } for a self-hosted puppet service
    puppetOptions: z.record(z.string(), z.unknown()).optional(),
  }),
  manual: z.strictObject({}),
  sandbox: z.strictObject({}),
} satisfies Record<ChannelKind, z.ZodType>;

export type ChannelConfig<K extends ChannelKind> = z.infer<(typeof CHANNEL_CONFIG)[K]>;

export interface ChannelRow {
  id: string;
  kind: ChannelKind;
  name: string;
  status: string;
  statusReason: string | null;
  identity: string | null;
  createdAt: Date;
}

export class ChannelConfigError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'ChannelConfigError';
    this.field = field;
  }
}

/** The channel itself cannot be used (deleted, unknown kind, credentials that do not open). */
export class ChannelUnusable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelUnusable';
  }
}

export function isChannelKind(k: string): k is ChannelKind {
  return k in CHANNEL_CONFIG;
}

/** Builds the connector for a kind and its (decrypted) configuration. */
export async function connectorFor(db: Db, id: string, kind: ChannelKind, config: unknown): Promise<Connector> {
  switch (kind) {
    case 'telegram': {
      const { createTelegramConnector } = await import('./telegram/index.ts');
      return createTelegramConnector({ ...CHANNEL_CONFIG.telegram.parse(config), channelId: id });
    }
    case 'wecom': {
      const { createWecomConnector } = await import('./wecom/index.ts');
      const { databaseNonces } = await import('./wecom/nonces.ts');
      return createWecomConnector({ ...CHANNEL_CONFIG.wecom.parse(config), nonces: databaseNonces(db, id) });
    }
    case 'wechaty': {
      const { createWechatyConnector } = await import('./wechaty/index.ts');
      return createWechatyConnector({ ...CHANNEL_CONFIG.wechaty.parse(config), channelId: id });
    }
    case 'manual':
      return createManualConnector();
    case 'sandbox':
      return createSandboxConnector(db, id);
  }
}

export async function addChannel(
  db: Db,
  box: SecretBox,
  input: { kind: string; name?: string; config: Record<string, unknown>; verify?: boolean },
): Promise<ChannelRow> {
  if (!isChannelKind(input.kind)) {
    throw new ChannelConfigError('kind', `"${input.kind}" is not a channel type; use ${Object.keys(CHANNEL_CONFIG).join(', ')}`);
  }
  const kind = input.kind;
  const parsed = CHANNEL_CONFIG[kind].safeParse(input.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join('.') || 'config';
    throw new ChannelConfigError(field, `${kind} channel: ${field} — ${issue.message}`);
  }
  const id = `ch_${randomBytes(6).toString('hex')}`;
  let identity: string | null = null;
  if (input.verify !== false) {
    const connector = await connectorFor(db, id, kind, parsed.data);
    const v = await connector.verify();
    if (!v.ok) throw new ChannelConfigError('config', `The ${kind} credentials were refused: ${v.reason}`);
    identity = v.identity;
  }
  const name = input.name?.trim() || identity || kind;
  await db
    .insertInto('channels')
    .values({ id, kind, name, config_sealed: box.seal(JSON.stringify(parsed.data)), identity })
    .execute();
  return { id, kind, name, status: 'active', statusReason: null, identity, createdAt: new Date() };
}

export async function listChannels(db: Db): Promise<ChannelRow[]> {
  const rows = await db
    .selectFrom('channels')
    .select(['id', 'kind', 'name', 'status', 'status_reason', 'identity', 'created_at'])
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as ChannelKind,
    name: r.name,
    status: r.status,
    statusReason: r.status_reason,
    identity: r.identity,
    createdAt: new Date(r.created_at),
  }));
}

/** Finds a channel by id or by name. */
export async function findChannel(db: Db, ref: string): Promise<ChannelRow | undefined> {
  return (await listChannels(db)).find((c) => c.id === ref || c.name === ref);
}

interface Entry {
  connector: Promise<Connector>;
  /** The sealed settings it was built from; unknown for connectors registered with set(). */
  sealed?: string;
  checkedAt: number;
  checking: boolean;
}

/**
 * Connectors built once per process and channel. Several servers and workers share one database,
 * so a channel changed on one of them (new settings, a webhook secret) must reach the others: an
 * entry older than `refreshMs` is checked against the channel's sealed settings on its next use
 * and rebuilt when they changed (receivers.ts restarts a receiver whose connector was rebuilt).
 */
export class ConnectorCache {
  private readonly built = new Map<string, Entry>();
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly refreshMs = 5_000,
  ) {}

  /**
   * The channel's connector. A stale entry is answered as it is while its check runs in the
   * background (sends never wait for it); the use after a change gets the rebuilt connector.
   */
  get(channelId: string): Promise<Connector> {
    const entry = this.built.get(channelId);
    if (entry) {
      if (entry.sealed !== undefined && !entry.checking && Date.now() - entry.checkedAt >= this.refreshMs) void this.check(channelId, entry);
      return entry.connector;
    }
    const next: Entry = { connector: Promise.resolve(undefined as never), checkedAt: Date.now(), checking: false };
    next.connector = this.load(channelId, (sealed) => {
      next.sealed = sealed;
    });
    this.built.set(channelId, next);
    next.connector.catch(() => {
      if (this.built.get(channelId) === next) this.built.delete(channelId);
    });
    return next.connector;
  }

  private async check(channelId: string, entry: Entry): Promise<void> {
    entry.checking = true;
    try {
      const row = await this.db.selectFrom('channels').select('config_sealed').where('id', '=', channelId).executeTakeFirst();
      if (this.built.get(channelId) !== entry) return;
      if (row?.config_sealed === entry.sealed) entry.checkedAt = Date.now();
      else this.built.delete(channelId);
    } catch {
      // The database is away: the connector stays, and is checked again on a later use.
    } finally {
      entry.checking = false;
    }
  }

  /** Registers a connector built elsewhere (tests, a connector with live state); kept until set again. */
  set(channelId: string, connector: Connector): void {
    this.built.set(channelId, { connector: Promise.resolve(connector), checkedAt: Date.now(), checking: false });
  }

  private async load(channelId: string, seen: (sealed: string) => void): Promise<Connector> {
    // A failure of this query (the database is away) is not the channel's fault: it stays as it is.
    const row = await this.db.selectFrom('channels').select(['kind', 'config_sealed']).where('id', '=', channelId).executeTakeFirst();
    if (!row) throw new ChannelUnusable(`channel ${channelId} does not exist`);
    seen(row.config_sealed);
    if (!isChannelKind(row.kind)) throw new ChannelUnusable(`channel ${channelId} has an unknown kind ${row.kind}`);
    try {
      return await connectorFor(this.db, channelId, row.kind, JSON.parse(this.box.open(row.config_sealed)));
    } catch (e) {
      throw new ChannelUnusable((e as Error).message);
    }
  }
}

export async function markChannelStatus(db: Db, channelId: string, status: 'active' | 'needs_reauth' | 'disabled', reason?: string): Promise<void> {
  await db.updateTable('channels').set({ status, status_reason: reason ?? null }).where('id', '=', channelId).execute();
}
