// WeCom answers HTTP 200 with `{ errcode, errmsg }`; a non-zero errcode is the failure. Codes and
// meanings from the global error code table (developer.work.weixin.qq.com/document/path/90455).
// Every message names the API and says in plain words what to do; none ever contains the secret
// or an access token (URLs carrying them are never put into messages).

import { ChannelError } from '../port.ts';

/** Codes that mean "the access token we sent is no good": refresh it once and retry the call. */
export const TOKEN_REFRESH_CODES: ReadonlySet<number> = new Set([40014, 42001, 42009, 41001]);

// WeCom gives no retry-after; its frequency limits are counted per minute (45009) and per
// moment of concurrency (45033), so these are the waits the dispatcher is told to honour.
const FREQUENCY_WAIT_MS = 60_000;
const CONCURRENCY_WAIT_MS = 1_000;

interface Known {
  kind: ChannelError['kind'];
  say: string;
  retryAfterMs?: number;
}

const KNOWN: Record<number, Known> = {
  [-1]: { kind: 'transient', say: 'WeCom is busy right now; the call can be tried again shortly.' },
  6000: { kind: 'transient', say: 'WeCom reported a data version conflict; the call can be tried again shortly.' },
  45009: { kind: 'rate_limited', say: 'WeCom says Chorus called it too often; Chorus slows down and tries again.', retryAfterMs: FREQUENCY_WAIT_MS },
  45033: { kind: 'rate_limited', say: 'WeCom says too many calls are running at once; Chorus tries again in a moment.', retryAfterMs: CONCURRENCY_WAIT_MS },
  40001: { kind: 'auth', say: 'WeCom refused the secret. Check the Secret of the app (or of Customer Contact) in the channel settings.' },
  40013: { kind: 'auth', say: 'WeCom does not know this corp id. Check the CorpID (My Company → Company Information) in the channel settings.' },
  40014: { kind: 'auth', say: 'WeCom refused the access token even after a fresh one was fetched. Check the corp id and secret.' },
  42001: { kind: 'auth', say: 'WeCom said the access token expired even after a fresh one was fetched. Check the corp id and secret.' },
  41001: { kind: 'auth', say: 'WeCom did not receive an access token. Check the corp id and secret.' },
  60020: { kind: 'auth', say: "WeCom refused this server's IP address. Add the server's public IP to the app's trusted IPs (企业可信IP)." },
  48002: { kind: 'auth', say: 'WeCom says this app may not call this API. Add the app to Customer Contact → "apps that can call the API" (可调用接口的应用), or use the Customer Contact secret.' },
  84074: { kind: 'auth', say: 'WeCom says this app has no customer contact permission. Give it access to Customer Contact in the WeCom admin console.' },
  81017: { kind: 'permanent', say: "More than 1000 staff are in the app's visible range, so WeCom will not list every group at once. Narrow the app's visible range to the group owners." },
  40003: { kind: 'permanent', say: 'WeCom does not know this staff member (userid). Check that the group owner is still in the company and in the app’s visible range.' },
  40050: { kind: 'permanent', say: 'WeCom does not know this group (chat_id). The group may have been dismissed or belong to another company.' },
  60011: { kind: 'permanent', say: 'The staff member or group is outside the app’s visible range. Add the group owner to the app’s visible range.' },
  84061: { kind: 'permanent', say: 'This person is not a customer contact of the staff member, so WeCom cannot send to them.' },
};

/** A ChannelError for a WeCom errcode returned by `api` (the path, e.g. `externalcontact/add_msg_template`). */
export function errcodeError(errcode: number, errmsg: string, api: string): ChannelError {
  const known = KNOWN[errcode];
  const said = `WeCom ${api} failed with errcode ${errcode} (${shortErrmsg(errmsg)}).`;
  if (known) {
    return new ChannelError(known.kind, `${said} ${known.say}`, {
      platformCode: errcode,
      ...(known.retryAfterMs !== undefined ? { retryAfterMs: known.retryAfterMs } : {}),
    });
  }
  return new ChannelError('permanent', `${said} WeCom will not accept this request as it is; the item fails and other groups go on.`, {
    platformCode: errcode,
  });
}

// WeCom appends ", hint: [...], from ip: ..., more info at https://..." to errmsg; the first part
// is the readable one. Kept short so messages stay readable in the console.
function shortErrmsg(errmsg: string): string {
  const first = errmsg.split(/,\s*hint:/)[0]?.trim() ?? '';
  return first.length > 0 ? first.slice(0, 200) : 'no message';
}

/** Error codes of the Node fetch stack that mean the request never left this machine or never got a connection. */
const NEVER_REACHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function causeCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A network failure of a call. `sends` is true for calls that make WeCom message people
 * (add_msg_template): when the request may have been written and no answer came, the outcome is
 * unknown and the ledger must not send again — `ambiguous`. Otherwise `transient`.
 */
export function networkError(err: unknown, api: string, sends: boolean): ChannelError {
  const code = causeCode(err);
  const name = err && typeof err === 'object' ? (err as { name?: unknown }).name : undefined;
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  const how = timedOut ? 'did not answer in time' : `could not be reached${code ? ` (${code})` : ''}`;
  // The cause keeps only the code: undici errors can carry the request URL, which holds the token.
  const opts = { cause: { code: code ?? (timedOut ? 'TIMEOUT' : 'NETWORK') } };
  if (!timedOut && code && NEVER_REACHED.has(code)) {
    return new ChannelError('transient', `WeCom ${api} ${how}; nothing was sent. Chorus tries again later.`, opts);
  }
  if (sends) {
    return new ChannelError(
      'ambiguous',
      `WeCom ${api} ${how} after the request was sent, so it is unknown whether WeCom created the message. Check the mass-message list in WeCom before sending again.`,
      opts,
    );
  }
  return new ChannelError('transient', `WeCom ${api} ${how}. Chorus tries again later.`, opts);
}

/** An HTTP status other than 200 (a proxy or gateway in the way). Same ambiguity rule as above. */
export function httpError(status: number, api: string, sends: boolean): ChannelError {
  if (sends && status >= 500) {
    return new ChannelError(
      'ambiguous',
      `WeCom ${api} answered HTTP ${status} after the request was sent, so it is unknown whether WeCom created the message. Check the mass-message list in WeCom before sending again.`,
      { platformCode: `http_${status}` },
    );
  }
  const kind = status === 429 ? 'rate_limited' : status >= 500 ? 'transient' : 'permanent';
  return new ChannelError(kind, `WeCom ${api} answered HTTP ${status} instead of a result.`, {
    platformCode: `http_${status}`,
    ...(kind === 'rate_limited' ? { retryAfterMs: FREQUENCY_WAIT_MS } : {}),
  });
}
