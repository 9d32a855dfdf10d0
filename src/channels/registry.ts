// Channels in the database: add (credentials checked with the platform first, then sealed),
// list (never with secrets), and build the connector for a channel row.

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { english, msg, type Text } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';
import type { SecretBox } from '../store/secrets.ts';
import { credentialShapeProblem, verifyFailure } from './credentials.ts';
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

/** Where each platform's API is when the channel does not name one. */
const DEFAULT_API_ROOT: Partial<Record<ChannelKind, string>> = { telegram: 'https://api.telegram.org', wecom: 'https://qyapi.weixin.qq.com' };
/** Channels whose account signs in by scanning a QR code (src/channels/sign-in.ts). */
export const QR_SIGN_IN: readonly ChannelKind[] = ['wechaty'];

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
  /** The API error code: invalid_channel (the input), channel_refused, channel_unreachable, channel_busy. */
  readonly code: string;
  readonly status: number;
  /** The message as a catalogue text, rendered in the reader's language by the API. */
  readonly text: Text;
  constructor(field: string, message: Text, opts: { code?: string; status?: number } = {}) {
    super(english(message));
    this.text = message;
    this.name = 'ChannelConfigError';
    this.field = field;
    this.code = opts.code ?? 'invalid_channel';
    this.status = opts.status ?? 422;
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
      const { dbMediaCache } = await import('./wecom/media.ts');
      const { databaseNonces } = await import('./wecom/nonces.ts');
      return createWecomConnector({ ...CHANNEL_CONFIG.wecom.parse(config), mediaCache: dbMediaCache(db, id), nonces: databaseNonces(db, id) });
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
  /** Runs in the transaction that stores the channel (the audit entry). */
  onAdded?: (trx: Db, channel: ChannelRow) => Promise<void>,
): Promise<ChannelRow> {
  if (!isChannelKind(input.kind)) {
    throw new ChannelConfigError('kind', msg('channel.unknownKind', { kind: input.kind, kinds: Object.keys(CHANNEL_CONFIG).join(', ') }));
  }
  const kind = input.kind;
  const parsed = CHANNEL_CONFIG[kind].safeParse(input.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join('.') || 'config';
    throw new ChannelConfigError(field, msg('channel.badField', { kind, field, reason: issue.message }));
  }
  const id = `ch_${randomBytes(6).toString('hex')}`;
  let identity: string | null = null;
  // A WeChat account signs in by scanning a QR code, which only the running puppet can show: the
  // channel is added waiting for that (`needs_login`), and the process that runs the puppet shows
  // the code (src/channels/sign-in.ts). What can be checked now is that the puppet is installed.
  const signsInByQr = QR_SIGN_IN.includes(kind);
  if (signsInByQr) await checkPuppetInstalled((parsed.data as ChannelConfig<'wechaty'>).puppet);
  else if (input.verify !== false) {
    // A token cut short when copied is said before anything is called.
    const shape = credentialShapeProblem(kind, parsed.data);
    if (shape) throw new ChannelConfigError(shape.field, shape.text);
    const connector = await connectorFor(db, id, kind, parsed.data);
    const v = await connector.verify();
    if (!v.ok) {
      const apiRoot = 'apiRoot' in parsed.data && typeof parsed.data.apiRoot === 'string' ? parsed.data.apiRoot : undefined;
      const f = verifyFailure(kind, v.kind, v.reason, apiRoot ?? DEFAULT_API_ROOT[kind]);
      throw new ChannelConfigError(f.field, f.text, { code: f.code, status: f.status });
    }
    identity = v.identity;
  }
  const name = input.name?.trim() || identity || kind;
  const row: ChannelRow = { id, kind, name, status: signsInByQr ? 'needs_login' : 'active', statusReason: null, identity, createdAt: new Date() };
  const store = async (trx: Db) => {
    await trx
      .insertInto('channels')
      .values({ id, kind, name, config_sealed: box.seal(JSON.stringify(parsed.data)), identity, status: row.status })
      .execute();
    await onAdded?.(trx, row);
  };
  await (db.isTransaction ? store(db) : db.transaction().execute(store));
  return row;
}

// An npm package name (optionally scoped): never a path, so that only installed packages load.
const PACKAGE_NAME = /^(@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*$/;

async function checkPuppetInstalled(puppet: string): Promise<void> {
  if (!PACKAGE_NAME.test(puppet)) {
    throw new ChannelConfigError('puppet', msg('channel.puppetNotAPackage', { puppet }));
  }
  try {
    await import(puppet);
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || /cannot find (package|module)/i.test(String(err))) {
      throw new ChannelConfigError('puppet', msg('channel.puppetMissing', { puppet }));
    }
    throw err;
  }
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

export async function markChannelStatus(db: Db, channelId: string, status: 'active' | 'needs_reauth' | 'needs_login' | 'disabled', reason?: string): Promise<void> {
  if (status === 'needs_reauth') {
    // A channel that signs in by QR code needs a new scan, not new credentials: it waits for
    // sign-in, so that its puppet keeps running and shows the fresh code.
    await db
      .updateTable('channels')
      .set((eb) => ({
        status: eb.case().when('kind', 'in', [...QR_SIGN_IN]).then('needs_login').else('needs_reauth').end(),
        status_reason: reason ?? null,
      }))
      .where('id', '=', channelId)
      .execute();
    return;
  }
  await db.updateTable('channels').set({ status, status_reason: reason ?? null }).where('id', '=', channelId).execute();
}
