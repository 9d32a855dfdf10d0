// Wechaty errors → ChannelError. A puppet is either in-process (its errors are plain `Error`s) or
// a puppet service reached over gRPC (its errors carry a numeric gRPC status `code` and a message
// like "14 UNAVAILABLE: …"). Node network errors carry a string `code` (ECONNREFUSED, …).

import { ChannelError } from '../port.ts';

/** gRPC status codes (grpc/grpc doc/statuscodes.md). */
const GRPC = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** The request never left this machine: safe to try again. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** The request may have reached WeChat: a send must not be repeated blindly. */
const NO_ANSWER = new Set(['ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ESOCKETTIMEDOUT']);

/** How long to wait when a puppet service says "slow down" without saying how long. */
const DEFAULT_RETRY_AFTER_MS = 60_000;

export interface ErrorContext {
  /** What Chorus was doing, in plain words: "posting in group Camp 7". */
  doing: string;
  /** True for actions whose repetition people would see twice (posts, notices, new groups). */
  sendType: boolean;
  /** Secrets that must never appear in a message (the puppet token). */
  secrets?: string[];
}

function codeOf(err: unknown): number | string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' || typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : String(err);
}

/** Removes secrets from text that may end up in logs or on screen. */
export function redact(text: string, secrets: string[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 300);
}

/** Turns anything a puppet threw into a ChannelError with a plain sentence. */
export function toChannelError(err: unknown, ctx: ErrorContext): ChannelError {
  if (err instanceof ChannelError) return err;
  const code = codeOf(err);
  const detail = redact(firstLine(messageOf(err)), ctx.secrets);
  const make = (kind: ChannelError['kind'], sentence: string, retryAfterMs?: number) =>
    new ChannelError(kind, `${sentence} (WeChat connector, while ${ctx.doing}: ${detail})`, {
      cause: err,
      ...(code !== undefined ? { platformCode: code } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  const lower = detail.toLowerCase();

  if (/not logged in|logged out|logout|need.*login|please login/.test(lower) || code === GRPC.UNAUTHENTICATED) {
    return make('auth', 'The WeChat account is not logged in: scan the login QR code again in the Chorus console.');
  }
  if (code === GRPC.PERMISSION_DENIED || /permission|not (the )?(owner|admin)|no right/.test(lower)) {
    return make('permanent', 'The WeChat account is not allowed to do this in that group (only the group owner or an admin can).');
  }
  if (typeof code === 'string' && NOT_SENT.has(code)) {
    return make('transient', 'Could not reach the WeChat puppet; nothing was sent. It will be tried again.');
  }
  if ((typeof code === 'string' && NO_ANSWER.has(code)) || code === GRPC.DEADLINE_EXCEEDED || /timed? ?out|timeout|socket hang up/.test(lower)) {
    return ctx.sendType
      ? make('ambiguous', 'The WeChat puppet did not answer in time: the message may or may not have been sent. Check the group before sending it again.')
      : make('transient', 'The WeChat puppet did not answer in time. It will be tried again.');
  }
  if (code === GRPC.UNAVAILABLE || code === GRPC.CANCELLED) {
    // gRPC UNAVAILABLE also covers a connection dropped mid-call, after the request went out
    // (grpc/grpc doc/statuscodes.md: "not always safe to retry non-idempotent operations").
    const neverSent = /no connection established|econnrefused|failed to connect|name resolution failed/.test(lower);
    return ctx.sendType && !neverSent
      ? make('ambiguous', 'The connection to the WeChat puppet service broke during the request: the message may or may not have been sent.')
      : make('transient', 'The WeChat puppet service is not reachable right now; nothing was sent. It will be tried again.');
  }
  if (code === GRPC.RESOURCE_EXHAUSTED || /too (many|frequent)|rate limit|频繁/.test(lower)) {
    return make('rate_limited', 'WeChat asked to slow down: too many actions in a short time.', DEFAULT_RETRY_AFTER_MS);
  }
  if (code === GRPC.NOT_FOUND || /not ?found|no payload|not exist/.test(lower)) {
    return make('permanent', 'The group or person was not found for this WeChat account (it may have left or been removed).');
  }
  if (code === GRPC.UNIMPLEMENTED || /not (implemented|support)|unsupported/.test(lower)) {
    return make('permanent', 'The WeChat puppet in use cannot do this; it becomes a task for a person.');
  }
  if (code === GRPC.INVALID_ARGUMENT || code === GRPC.FAILED_PRECONDITION) {
    return make('permanent', 'WeChat refused the request as asked.');
  }
  // Anything else: a send may have gone through, so it must not be repeated automatically.
  return ctx.sendType
    ? make('ambiguous', 'The WeChat puppet failed in an unexpected way: the message may or may not have been sent.')
    : make('transient', 'The WeChat puppet failed in an unexpected way. It will be tried again.');
}
