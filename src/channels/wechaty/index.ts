// The Wechaty connector: personal WeChat (and other IMs) through a Wechaty puppet chosen by
// configuration. Rooms are groups. The puppet keeps a logged-in session; logging in is a QR code
// scanned with the phone, exposed through `loginQr()` / `onLoginQr()` for the console.

import { ScanStatus, WechatyBuilder, type Wechaty, type WechatyOptions } from 'wechaty';
import {
  type CapabilityMatrix,
  ChannelError,
  type Connector,
  type GroupInfo,
  type Ingest,
  type OutboundAction,
  type PerformResult,
  type SessionEvent,
} from '../port.ts';
import { redact, toChannelError } from './errors.ts';
import { person, wireRoomEvents } from './events.ts';
import { findRoom, performOnWechaty } from './perform.ts';

export const WECHATY_CAPABILITIES: CapabilityMatrix = {
  post: 'auto',
  direct_message: 'auto',
  rename: 'auto',
  announce: 'auto',
  // WeChat groups have a notice (announce) but no separate description.
  set_description: 'none',
  // WeChat has no welcome-message setting for personal-account groups.
  welcome: 'none',
  // The group's join QR code (room.qrCode()); valid 7 days, no per-person links.
  create_invite_link: 'auto',
  approve_join: 'none',
  decline_join: 'none',
  remove_member: 'auto',
  unban_member: 'none',
  add_member: 'auto',
  // Room.create; puppets that cannot create groups fail it as permanent (a human task).
  create_group: 'auto',
  // WeChat cannot dissolve a group through any puppet; the owner removes everyone by hand.
  disband: 'none',
  // A group QR code cannot be withdrawn; it stops working after 7 days, or when the group is gone.
  revoke_invite_link: 'none',
  // A puppet recalls only the account's own messages, within 2 minutes; WeChat groups have no mute.
  delete_message: 'none',
  restrict_member: 'none',
  unrestrict_member: 'none',
};

/** A ready puppet object (tests pass a wechaty-puppet-mock instance). */
export type PuppetInstance = Exclude<WechatyOptions['puppet'], string | undefined>;

export interface WechatyConnectorConfig {
  /** An npm puppet name ("wechaty-puppet-service", "wechaty-puppet-padlocal", …) or an instance. */
  puppet: string | PuppetInstance;
  /** The token the puppet provider gave (puppet service, padlocal). Never logged. */
  puppetToken?: string;
  /** More puppet options, e.g. `{ endpoint: 'host:port', tls: { disable: true } }` for a self-hosted puppet service. */
  puppetOptions?: Record<string, unknown>;
  /** The Wechaty name. With a name, Wechaty keeps the login session in `<name>.memory-card.json`. */
  name?: string;
  /** The Chorus channel id handed to ingest with each event. */
  channelId?: string;
  /** Where failures of inbound handling go (default: a line on stderr). */
  onError?: (message: string, err: unknown) => void;
}

export interface LoginQr {
  /** The text inside the QR code: render it as a QR image for the phone to scan. */
  value: string;
  status: 'waiting' | 'scanned' | 'confirmed' | 'timeout' | 'cancel' | 'unknown';
  at: Date;
}

export interface WechatyConnector extends Connector {
  readonly kind: 'wechaty';
  getGroup(chatId: string): Promise<GroupInfo>;
  start(ingest: Ingest): Promise<void>;
  stop(): Promise<void>;
  /** The latest login QR code while the account is logged out; undefined once logged in. */
  loginQr(): LoginQr | undefined;
  /** Calls `listener` with each new login QR code; returns a function that stops listening. */
  onLoginQr(listener: (qr: LoginQr) => void): () => void;
  onSession(listener: (e: SessionEvent) => void): () => void;
}

const SCAN_STATUS: Record<number, LoginQr['status']> = {
  [ScanStatus.Waiting]: 'waiting',
  [ScanStatus.Scanned]: 'scanned',
  [ScanStatus.Confirmed]: 'confirmed',
  [ScanStatus.Timeout]: 'timeout',
  [ScanStatus.Cancel]: 'cancel',
};

function puppetLabel(p: WechatyConnectorConfig['puppet']): string {
  return typeof p === 'string' ? p : 'the given puppet';
}

function buildBot(config: WechatyConnectorConfig): Wechaty {
  const name = config.name ? { name: config.name } : {};
  if (typeof config.puppet !== 'string') return WechatyBuilder.build({ ...name, puppet: config.puppet });
  const puppetOptions = { ...config.puppetOptions, ...(config.puppetToken ? { token: config.puppetToken } : {}) };
  return WechatyBuilder.build({
    ...name,
    // Wechaty types the name as one of its known puppets; any installed puppet package works.
    puppet: config.puppet as Extract<WechatyOptions, { puppetOptions?: unknown }>['puppet'],
    puppetOptions,
  });
}

export function createWechatyConnector(config: WechatyConnectorConfig): WechatyConnector {
  if (!config.puppet) throw new ChannelError('permanent', 'The WeChat connector needs a puppet name, for example "wechaty-puppet-service".');
  const secrets = config.puppetToken ? [config.puppetToken] : [];
  const channelId = config.channelId ?? config.name ?? 'wechaty';
  const report =
    config.onError ?? ((message: string, err: unknown) => console.error(`[wechaty] ${message}: ${redact(String(err), secrets)}`));

  let starting: Promise<Wechaty> | undefined;
  let bot: Wechaty | undefined;
  let ingest: Ingest | undefined;
  let unwire: (() => void) | undefined;
  let qr: LoginQr | undefined;
  const qrListeners = new Set<(qr: LoginQr) => void>();
  const sessionListeners = new Set<(e: SessionEvent) => void>();
  const tell = (e: SessionEvent) => {
    for (const l of sessionListeners) {
      try {
        l(e);
      } catch (err) {
        report('a sign-in listener failed', err);
      }
    }
  };

  const ensureBot = (): Promise<Wechaty> => {
    if (!starting) {
      starting = (async () => {
        const b = buildBot(config);
        b.on('error', (err: unknown) => report('the WeChat puppet reported an error', err));
        b.on('scan', (value: string, status: number) => {
          // A "scanned" or "confirmed" step repeats the code only on some puppets: keep the last one.
          qr = { value: value || qr?.value || '', status: SCAN_STATUS[status] ?? 'unknown', at: new Date() };
          for (const l of qrListeners) l(qr);
          tell({ type: 'qr', ...qr });
        });
        b.on('login', (user) => {
          qr = undefined;
          const me = person(user);
          tell({ type: 'login', identity: me.name ?? me.id, at: new Date() });
        });
        b.on('logout', (_user, reason?: string) => {
          tell({ type: 'logout', reason: reason || 'the WeChat account logged out', at: new Date() });
        });
        unwire = wireRoomEvents(b, {
          accepting: () => ingest !== undefined,
          deliver: async (events) => {
            for (const e of events) if (ingest) await ingest(channelId, e);
          },
          fail: (err, what) => report(`could not record ${what}`, err),
        });
        await b.start();
        bot = b;
        return b;
      })().catch((err: unknown) => {
        starting = undefined;
        throw startError(err, config, secrets);
      });
    }
    return starting;
  };

  const loggedIn = async (doing: string): Promise<Wechaty> => {
    const b = await ensureBot();
    if (!b.isLoggedIn) {
      throw new ChannelError('auth', `The WeChat account is not logged in, so Chorus cannot go on ${doing}: scan the login QR code in the Chorus console.`);
    }
    return b;
  };

  return {
    kind: 'wechaty',
    capabilities: WECHATY_CAPABILITIES,

    async perform(action: OutboundAction): Promise<PerformResult> {
      if (WECHATY_CAPABILITIES[action.type] === 'none') {
        throw new ChannelError('permanent', `WeChat offers no way to do "${action.type}" through a bot: it becomes a task for a person.`);
      }
      const b = await loggedIn(`with "${action.type}"`);
      return performOnWechaty({ bot: b, secrets }, action);
    },

    async verify() {
      let b: Wechaty;
      try {
        b = await ensureBot();
      } catch (err) {
        return { ok: false, reason: err instanceof Error ? err.message : String(err) };
      }
      if (b.isLoggedIn) {
        const me = person(b.currentUser);
        return { ok: true, identity: me.name ?? me.id };
      }
      return {
        ok: false,
        reason: qr
          ? 'The WeChat account is not logged in yet: scan the login QR code shown in the Chorus console with WeChat on the phone of that account, then confirm on the phone.'
          : `The WeChat account is not logged in yet and ${puppetLabel(config.puppet)} has not shown a login QR code: wait a few seconds and check again.`,
      };
    },

    async listGroups(): Promise<GroupInfo[]> {
      const b = await loggedIn('listing groups');
      const rooms = await b.Room.findAll();
      const out: GroupInfo[] = [];
      for (const room of rooms) {
        const title = await room.topic().catch(() => room.payload?.topic ?? '');
        out.push({ chatId: room.id, title, ...(room.payload ? { memberCount: room.payload.memberIdList.length } : {}) });
      }
      return out;
    },

    async getGroup(chatId: string): Promise<GroupInfo> {
      const b = await loggedIn(`looking up group ${chatId}`);
      const room = await findRoom({ bot: b, secrets }, chatId);
      try {
        const members = (await room.memberAll()).map((c) => {
          const p = person(c);
          return { externalId: p.id, ...(p.name ? { name: p.name } : {}), ...(p.self ? { isBot: true } : {}) };
        });
        const owner = room.owner();
        return {
          chatId,
          title: await room.topic(),
          memberCount: members.length,
          members,
          ...(owner ? { owner: { externalId: owner.id, name: owner.name() } } : {}),
        };
      } catch (err) {
        throw toChannelError(err, { doing: `looking up group ${chatId}`, sendType: false, secrets });
      }
    },

    async start(fn: Ingest): Promise<void> {
      ingest = fn;
      await ensureBot();
    },

    async stop(): Promise<void> {
      const pending = starting;
      starting = undefined;
      ingest = undefined;
      unwire?.();
      unwire = undefined;
      const b = bot ?? (await pending?.catch(() => undefined));
      bot = undefined;
      qr = undefined;
      if (b) await b.stop();
    },

    loginQr: () => qr,

    onLoginQr(listener) {
      qrListeners.add(listener);
      return () => qrListeners.delete(listener);
    },

    onSession(listener) {
      sessionListeners.add(listener);
      // A listener that comes late still learns where the sign-in is.
      if (qr) listener({ type: 'qr', ...qr });
      else if (bot?.isLoggedIn) {
        const me = person(bot.currentUser);
        listener({ type: 'login', identity: me.name ?? me.id, at: new Date() });
      }
      return () => {
        sessionListeners.delete(listener);
      };
    },
  };
}

function startError(err: unknown, config: WechatyConnectorConfig, secrets: string[]): ChannelError {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || /cannot find (package|module)/i.test(String(err))) {
    return new ChannelError(
      'permanent',
      `The WeChat puppet package ${puppetLabel(config.puppet)} is not installed on this server: install it with npm, then check the channel again.`,
      { cause: err },
    );
  }
  return toChannelError(err, { doing: `starting the WeChat puppet ${puppetLabel(config.puppet)}`, sendType: false, secrets });
}
