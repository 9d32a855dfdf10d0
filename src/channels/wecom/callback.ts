// Checks WeCom callback requests ("接收消息与事件", the encryption scheme of @wecom/crypto):
//   GET  ?msg_signature&timestamp&nonce&echostr  — URL verification: answer the decrypted echostr
//   POST ?msg_signature&timestamp&nonce  body <xml><ToUserName/><AgentID/><Encrypt/></xml>
// msg_signature = sha1(sort(token, timestamp, nonce, encrypt)), compared in constant time. The
// decrypted message ends with the receive id, which must be our corp id. Replays are refused: a
// timestamp more than 5 minutes away from now, or a nonce already seen within that window. The
// nonces seen are kept in the database (nonces.ts) when the connector runs in Chorus, so a replay
// is refused after a restart and on every API server; in memory otherwise (tests of the gate).

import { timingSafeEqual } from 'node:crypto';
import { decrypt, getSignature } from '@wecom/crypto';
import { childText, parseXml, XmlError } from './xml.ts';

export const REPLAY_WINDOW_MS = 5 * 60_000;

/** Where the nonces seen live; shared by every server in front of one database. */
export interface NonceStore {
  /** Records `nonce` until `until` (epoch ms); false when it was seen and has not expired at `now`. */
  claim(nonce: string, until: number, now: number): Promise<boolean>;
  /** Forgets `nonce` (its event could not be stored; WeCom's retry must get through). */
  forget(nonce: string): Promise<void>;
}

/** Nonces in this process only: for the gate on its own (tests); Chorus uses the database's. */
export function memoryNonces(): NonceStore {
  const seen = new Map<string, number>();
  return {
    async claim(nonce, until, now) {
      for (const [n, t] of seen) if (t < now) seen.delete(n);
      if (seen.has(nonce)) return false;
      seen.set(nonce, until);
      return true;
    },
    async forget(nonce) {
      seen.delete(nonce);
    },
  };
}

export interface CallbackSecrets {
  corpId: string;
  token: string;
  aesKey: string;
  now?: () => number;
  nonces?: NonceStore;
}

export type Opened =
  | { ok: true; plaintext: string; /** Forget the nonce again (the event could not be stored, WeCom will retry); never throws. */ release(): Promise<void> }
  | { ok: false; status: number; reason: string };

/** EncodingAESKey is 43 characters of base64 that decode to a 32-byte AES key. */
export function isValidAesKey(aesKey: string): boolean {
  return /^[A-Za-z0-9+/]{43}$/.test(aesKey) && Buffer.from(`${aesKey}=`, 'base64').length === 32;
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  // timingSafeEqual needs equal lengths; comparing a against itself keeps the time the same.
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

export class CallbackGate {
  readonly #s: CallbackSecrets;
  readonly #now: () => number;
  readonly #nonces: NonceStore;

  constructor(secrets: CallbackSecrets) {
    this.#s = secrets;
    this.#now = secrets.now ?? Date.now;
    this.#nonces = secrets.nonces ?? memoryNonces();
  }

  /** GET: the URL verification WeCom performs when the callback URL is saved. */
  async verifyUrl(query: Record<string, string | undefined>): Promise<Opened> {
    const echostr = query.echostr;
    if (!echostr) return { ok: false, status: 400, reason: 'The request has no echostr: this address only answers WeCom.' };
    return this.#open(query, echostr);
  }

  /** POST: an encrypted event. Returns the decrypted inner XML. */
  async openEvent(query: Record<string, string | undefined>, body: string): Promise<Opened> {
    let encrypted: string | undefined;
    try {
      encrypted = childText(parseXml(body), 'Encrypt');
    } catch (err) {
      if (err instanceof XmlError) return { ok: false, status: 400, reason: `The request body is not WeCom's XML: ${err.message}.` };
      throw err;
    }
    if (!encrypted) return { ok: false, status: 400, reason: 'The request body has no <Encrypt> element.' };
    return this.#open(query, encrypted);
  }

  async #open(query: Record<string, string | undefined>, encrypted: string): Promise<Opened> {
    const { msg_signature: signature, timestamp, nonce } = query;
    if (!signature || !timestamp || !nonce) {
      return { ok: false, status: 400, reason: 'The request lacks msg_signature, timestamp or nonce: this address only answers WeCom.' };
    }
    const now = this.#now();
    const sentAt = Number(timestamp) * 1000;
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now - sentAt) > REPLAY_WINDOW_MS) {
      return {
        ok: false,
        status: 403,
        reason: "The request's timestamp is more than 5 minutes away from this server's clock: refused as a possible replay. If every callback fails this way, check the server's clock.",
      };
    }
    if (!sameSignature(getSignature(this.#s.token, timestamp, nonce, encrypted), signature)) {
      return {
        ok: false,
        status: 401,
        reason: 'The signature does not match. Check that the Token in Chorus equals the Token in the WeCom callback settings.',
      };
    }
    let plaintext: string;
    let receiveId: string;
    try {
      const opened = decrypt(this.#s.aesKey, encrypted);
      plaintext = opened.message;
      receiveId = opened.id;
    } catch {
      return {
        ok: false,
        status: 403,
        reason: 'The message could not be decrypted. Check that the EncodingAESKey in Chorus equals the one in the WeCom callback settings.',
      };
    }
    if (receiveId !== this.#s.corpId) {
      return { ok: false, status: 403, reason: 'The message was meant for another company (its receive id is not this channel’s corp id).' };
    }
    // Kept for two windows: long enough that the timestamp check refuses it by then, whichever
    // server's clock it meets.
    if (!(await this.#nonces.claim(nonce, now + 2 * REPLAY_WINDOW_MS, now))) {
      return { ok: false, status: 403, reason: 'This request was already received (same nonce): refused as a replay.' };
    }
    return { ok: true, plaintext, release: () => this.#nonces.forget(nonce).catch(() => undefined) };
  }
}
