// Signing a channel in with a QR code (a WeChat account through Wechaty). The process that holds
// the connector's session follows its sign-in and writes it to the channel's row, so that every
// API server (and the CLI through any of them) can show the current QR code:
//   a QR code  → status `needs_login`, login_qr = the code's text, login_qr_status = waiting | scanned | …
//   logged in  → status `active`, identity = the account, login_qr cleared
//   logged out → status `needs_login` with the reason, until the puppet shows a fresh QR code.
// The QR code is also written to the process's log as text, for a terminal.

import QRCode from 'qrcode';
import type { Db } from '../store/db.ts';
import type { Connector, SessionEvent } from './port.ts';

export const NEEDS_LOGIN = 'needs_login';

/** The QR code as block characters, for a terminal or a log file. */
export async function qrText(value: string): Promise<string> {
  return QRCode.toString(value, { type: 'utf8', margin: 2 });
}

/** The QR code as an SVG data URL, for an <img> in the console. */
export async function qrImage(value: string): Promise<string> {
  const svg = await QRCode.toString(value, { type: 'svg', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** The channel row's columns for a sign-in event. Pure. */
export function signInColumns(e: SessionEvent): {
  status: string;
  status_reason: string | null;
  login_qr: string | null;
  login_qr_status: string | null;
  login_qr_at: Date | null;
  identity?: string;
} {
  switch (e.type) {
    case 'qr':
      return {
        status: NEEDS_LOGIN,
        status_reason: null,
        login_qr: e.value,
        login_qr_status: e.status,
        login_qr_at: e.at,
      };
    case 'login':
      return { status: 'active', status_reason: null, login_qr: null, login_qr_status: null, login_qr_at: null, identity: e.identity };
    case 'logout':
      return { status: NEEDS_LOGIN, status_reason: e.reason, login_qr: null, login_qr_status: null, login_qr_at: null };
  }
}

/**
 * Follows a connector's sign-in into the database and the log; returns an unsubscribe (or
 * undefined for connectors that do not sign in with a QR code). Writes are chained so that they
 * land in the order the events came.
 */
export function trackSignIn(
  db: Db,
  channel: { id: string; name: string },
  connector: Connector,
  log: (line: string) => void,
): (() => void) | undefined {
  if (!connector.onSession) return undefined;
  let chain = Promise.resolve();
  let lastLogged: string | undefined;
  return connector.onSession((e) => {
    chain = chain
      .then(async () => {
        await db.updateTable('channels').set(signInColumns(e)).where('id', '=', channel.id).execute();
        if (e.type === 'qr' && e.status === 'waiting' && e.value && e.value !== lastLogged) {
          lastLogged = e.value;
          log(
            `WeChat channel "${channel.name}" needs signing in: scan this QR code with WeChat on the account's phone ` +
              `(or open the channel in the console):\n${await qrText(e.value)}\n${e.value}`,
          );
        } else if (e.type === 'qr' && e.status === 'scanned') {
          log(`WeChat channel "${channel.name}": QR code scanned, confirm the sign-in on the phone`);
        } else if (e.type === 'login') {
          lastLogged = undefined;
          log(`WeChat channel "${channel.name}" signed in as ${e.identity}`);
        } else if (e.type === 'logout') {
          log(`WeChat channel "${channel.name}" was signed out (${e.reason}); it shows a new QR code to sign in again`);
        }
      })
      .catch((err: unknown) => log(`could not record the sign-in of channel "${channel.name}": ${(err as Error).message}`));
  });
}
