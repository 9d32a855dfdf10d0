// What the routes are given: the app context (what `chorus serve` and tests pass in) with every
// default filled in. Apart from app.ts so that route files can name it without importing the app,
// which imports every route (docs/ARCHITECTURE.md, "Layering").

import type { Ingest } from '../channels/port.ts';
import { type ChannelRow, ConnectorCache } from '../channels/registry.ts';
import { createIngest } from '../community/ingest.ts';
import type { Queue } from '../dispatch/queue.ts';
import type { Db, Store } from '../store/db.ts';
import { loadSecretKey, type SecretBox, secretBox } from '../store/secrets.ts';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './accounts/throttle.ts';
import type { Actor } from './auth.ts';
import type { TrustProxy } from './public-address.ts';

export interface AppContext {
  store: Store;
  dataDir: string;
  /** Seals channel credentials; by default from the data folder's secret key. */
  box?: SecretBox;
  /** One connector per channel for this process; built from `box` when not given. */
  connectors?: ConnectorCache;
  /** Tells the in-process worker that rows became due. */
  wake?: () => void;
  /** pg-boss: durable wake-ups for workers in any process. */
  queue?: Queue;
  /** Where webhooks hand normalized events; by default `createIngest({ db, wake })`. */
  ingest?: Ingest;
  /** Told after a channel is added (serve starts polling / puppet receivers for it). */
  onChannelAdded?: (channel: ChannelRow) => void;
  /** The clock for sessions and sign-in throttling (tests move it). */
  now?: () => Date;
  /** Sign-in throttling; default 5 failures per name, 20 per address, in 15 minutes. */
  loginLimits?: LoginLimits;
  /** The built console (web/dist); false serves none. */
  consoleDir?: string | false;
  /** Which proxies to believe about the client's address and protocol (public-address.ts). */
  trustProxy?: TrustProxy;
  /** The address people open; https makes session cookies Secure. */
  publicUrl?: URL;
  /** How the sign-in throttle holds an answer (tests record instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
}

/** What the routes use: the app context with every default filled in. */
export interface Services {
  store: Store;
  db: Db;
  dataDir: string;
  box: SecretBox;
  connectors: ConnectorCache;
  wake?: () => void;
  queue?: Queue;
  ingest: Ingest;
  onChannelAdded?: (channel: ChannelRow) => void;
  now: () => Date;
  loginLimits: LoginLimits;
  publicUrl?: URL;
  secureCookies: boolean;
  sleep: (ms: number) => Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, set by the registry's auth step. */
    actor?: Actor;
  }
}

export function services(ctx: AppContext): Services {
  const db = ctx.store.db;
  const box = ctx.box ?? secretBox(loadSecretKey(ctx.dataDir));
  return {
    store: ctx.store,
    db,
    dataDir: ctx.dataDir,
    box,
    connectors: ctx.connectors ?? new ConnectorCache(db, box),
    wake: ctx.wake,
    queue: ctx.queue,
    ingest: ctx.ingest ?? createIngest({ db, wake: ctx.wake }),
    onChannelAdded: ctx.onChannelAdded,
    now: ctx.now ?? (() => new Date()),
    loginLimits: ctx.loginLimits ?? DEFAULT_LOGIN_LIMITS,
    publicUrl: ctx.publicUrl,
    secureCookies: ctx.publicUrl?.protocol === 'https:',
    sleep: ctx.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
}
