// A small client for WeCom's server API (qyapi.weixin.qq.com) over fetch. It owns the access
// token: fetched with gettoken, cached until shortly before `expires_in`, fetched by one caller at
// a time (single flight), and refreshed once when WeCom says the token is invalid or expired
// (40014 / 42001 / 42009). It never retries anything else and never sleeps: the dispatcher does.

import { ChannelError } from '../port.ts';
import { errcodeError, httpError, networkError, TOKEN_REFRESH_CODES } from './errors.ts';

export const DEFAULT_API_ROOT = 'https://qyapi.weixin.qq.com';

export interface WecomApiOptions {
  corpId: string;
  secret: string;
  apiRoot?: string;
  /** Milliseconds before a call is abandoned (default 15 s). */
  timeoutMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

interface CachedToken {
  value: string;
  /** When to stop using it (epoch ms), some minutes before WeCom's own expiry. */
  refreshAt: number;
}

export interface WecomReply {
  errcode?: number;
  errmsg?: string;
  [key: string]: unknown;
}

/** Stop using a token this long before it expires: 5 minutes, or a tenth of a short lifetime. */
export function refreshMarginMs(expiresInSec: number): number {
  return Math.min(300_000, (expiresInSec * 1000) / 10);
}

export class WecomApi {
  readonly corpId: string;
  readonly apiRoot: string;
  readonly #secret: string;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #token: CachedToken | undefined;
  #pending: Promise<string> | undefined;
  /** How many times gettoken was called (visible to tests and metrics). */
  tokenFetches = 0;

  constructor(opts: WecomApiOptions) {
    this.corpId = opts.corpId;
    this.#secret = opts.secret;
    this.apiRoot = (opts.apiRoot ?? DEFAULT_API_ROOT).replace(/\/+$/, '');
    this.#timeoutMs = opts.timeoutMs ?? 15_000;
    this.#now = opts.now ?? Date.now;
  }

  /** A valid access token, from the cache when it is still fresh. */
  async accessToken(): Promise<string> {
    const t = this.#token;
    if (t && this.#now() < t.refreshAt) return t.value;
    this.#pending ??= this.#fetchToken().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #fetchToken(): Promise<string> {
    this.tokenFetches++;
    const url = `${this.apiRoot}/cgi-bin/gettoken?corpid=${encodeURIComponent(this.corpId)}&corpsecret=${encodeURIComponent(this.#secret)}`;
    const reply = await this.#send('gettoken', url, undefined, false);
    const code = reply.errcode ?? 0;
    if (code !== 0) throw errcodeError(code, this.#redact(reply.errmsg), 'gettoken');
    const value = reply.access_token;
    const expiresIn = Number(reply.expires_in);
    if (typeof value !== 'string' || value.length === 0 || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new ChannelError('transient', 'WeCom gettoken answered without an access token; Chorus tries again later.');
    }
    this.#token = { value, refreshAt: this.#now() + expiresIn * 1000 - refreshMarginMs(expiresIn) };
    return value;
  }

  /**
   * POSTs `body` to `/cgi-bin/<path>` with the access token and returns the reply when errcode
   * is 0. `sends`: this call makes WeCom message people (time-outs become `ambiguous`).
   */
  async call<T extends WecomReply = WecomReply>(path: string, body: unknown, opts: { sends?: boolean } = {}): Promise<T> {
    const sends = opts.sends ?? false;
    let token = await this.accessToken();
    let reply = await this.#send(path, this.#url(path, token), body, sends);
    let code = reply.errcode ?? 0;
    if (TOKEN_REFRESH_CODES.has(code)) {
      // Only drop the cache if nobody refreshed it meanwhile, so a burst of failures refreshes once.
      if (this.#token?.value === token) this.#token = undefined;
      token = await this.accessToken();
      reply = await this.#send(path, this.#url(path, token), body, sends);
      code = reply.errcode ?? 0;
    }
    if (code !== 0) throw errcodeError(code, this.#redact(reply.errmsg), path);
    return reply as T;
  }

  /**
   * Uploads a temporary material (media/upload, multipart field "media"): `type` is image, voice,
   * video or file. Returns the reply (media_id, created_at) when errcode is 0.
   */
  async upload<T extends WecomReply = WecomReply>(type: string, file: { bytes: Uint8Array; filename: string; contentType: string }): Promise<T> {
    const path = 'media/upload';
    const send = (token: string) => {
      const form = new FormData();
      form.append('media', new Blob([file.bytes], { type: file.contentType }), file.filename);
      return this.#send(path, `${this.#url(path, token)}&type=${encodeURIComponent(type)}`, form, false);
    };
    let token = await this.accessToken();
    let reply = await send(token);
    let code = reply.errcode ?? 0;
    if (TOKEN_REFRESH_CODES.has(code)) {
      if (this.#token?.value === token) this.#token = undefined;
      token = await this.accessToken();
      reply = await send(token);
      code = reply.errcode ?? 0;
    }
    if (code !== 0) throw errcodeError(code, this.#redact(reply.errmsg), path);
    return reply as T;
  }

  /** WeCom's errmsg never echoes credentials today; this keeps it so if that ever changes. */
  #redact(errmsg: unknown): string {
    let text = String(errmsg ?? '');
    for (const secret of [this.#secret, this.#token?.value]) {
      if (secret) text = text.split(secret).join('[redacted]');
    }
    return text;
  }

  #url(path: string, token: string): string {
    return `${this.apiRoot}/cgi-bin/${path}?access_token=${encodeURIComponent(token)}`;
  }

  async #send(api: string, url: string, body: unknown, sends: boolean): Promise<WecomReply> {
    let res: Response;
    try {
      // A FormData body sets its own multipart content type (with the boundary).
      const form = body instanceof FormData;
      res = await fetch(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined || form ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : form ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      throw networkError(err, api, sends);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw networkError(err, api, sends);
    }
    if (res.status !== 200) throw httpError(res.status, api, sends);
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') return parsed as WecomReply;
    } catch {
      // falls through to the error below
    }
    if (sends) {
      throw new ChannelError('ambiguous', `WeCom ${api} answered with something that is not JSON, so it is unknown whether the message was created.`);
    }
    throw new ChannelError('transient', `WeCom ${api} answered with something that is not JSON; Chorus tries again later.`);
  }
}
