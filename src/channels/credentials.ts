// Checking a new channel's credentials, in two steps an operator can act on. First their shape,
// before any call: a token cut short when copied is a typo to fix, not a refusal. Then the
// platform's answer, kept apart the way grammY keeps HttpError from GrammyError: "Chorus cannot
// reach the platform" (network, DNS, time-out, 5xx: nothing was checked; fix the network) is not
// "the platform said no" (401/403, an errcode: fix the credentials). Pure.

import { english, type Msg, msg, type Value } from '../i18n/index.ts';
import type { ChannelErrorKind, ChannelKind } from './port.ts';

export interface ShapeProblem {
  field: string;
  /** In English (logs, the CLI); `text` is the same in the reader's language. */
  message: string;
  text: Msg;
}

// The platform's name in the operator's words (Telegram is Telegram in every language).
const PLATFORM: Record<ChannelKind, Value> = {
  telegram: 'Telegram',
  wecom: msg('channel.platform.wecom'),
  wechaty: msg('channel.platform.wechaty'),
  manual: msg('channel.platform.manual'),
  sandbox: msg('channel.platform.sandbox'),
};

// Telegram: "<bot id>:<35 characters>" as @BotFather gives it; 30 is the least we accept, so a
// token cut short is caught, a future longer one is not refused.
const TELEGRAM_TOKEN = /^\d+:[A-Za-z0-9_-]{30,}$/;
// WeCom (developer.work.weixin.qq.com/document/path/90665, 90930): the CorpID starts with "ww"
// (older companies: "wx"); an app Secret is 43 characters; the callback Token is up to 32 letters
// and digits; the EncodingAESKey is 43 letters and digits.
const WECOM_CORP_ID = /^w[wx][A-Za-z0-9]{14,32}$/;
const WECOM_SECRET = /^[A-Za-z0-9_-]{43}$/;
const WECOM_TOKEN = /^[A-Za-z0-9]{1,32}$/;
const WECOM_AES_KEY = /^[A-Za-z0-9]{43}$/;

function text(config: Record<string, unknown>, key: string): string {
  const v = config[key];
  return typeof v === 'string' ? v : '';
}

const problem = (field: string, words: Msg): ShapeProblem => ({ field, message: english(words), text: words });

/** The first credential that cannot be right, whatever the platform would say; undefined when all look right. */
export function credentialShapeProblem(kind: ChannelKind, config: Record<string, unknown>): ShapeProblem | undefined {
  if (kind === 'telegram') {
    if (!TELEGRAM_TOKEN.test(text(config, 'token'))) return problem('token', msg('channel.shape.telegramToken'));
  }
  if (kind === 'wecom') {
    if (!WECOM_CORP_ID.test(text(config, 'corpId'))) return problem('corpId', msg('channel.shape.wecomCorpId'));
    if (!WECOM_SECRET.test(text(config, 'secret'))) return problem('secret', msg('channel.shape.wecomSecret', { length: text(config, 'secret').length }));
    if (!WECOM_TOKEN.test(text(config, 'token'))) return problem('token', msg('channel.shape.wecomToken'));
    if (!WECOM_AES_KEY.test(text(config, 'aesKey'))) return problem('aesKey', msg('channel.shape.wecomAesKey'));
  }
  return undefined;
}

export type VerifyFailureCode = 'channel_unreachable' | 'channel_refused' | 'channel_busy' | 'invalid_channel';

export interface VerifyFailure {
  code: VerifyFailureCode;
  /** The HTTP status the API answers with. */
  status: number;
  field: string;
  /** In English (logs, the CLI); `text` is the same in the reader's language. */
  message: string;
  text: Msg;
}

/**
 * What to tell the operator when the platform check failed. `errorKind` is the connector's
 * ChannelError kind (absent when the connector could not say, e.g. a WeChat account not logged in).
 * The platform's own `reason` is quoted as it gave it.
 */
export function verifyFailure(kind: ChannelKind, errorKind: ChannelErrorKind | undefined, reason: string, apiRoot?: string): VerifyFailure {
  const platform = PLATFORM[kind];
  const failure = (code: VerifyFailureCode, status: number, words: Msg): VerifyFailure => ({ code, status, field: 'config', message: english(words), text: words });
  switch (errorKind) {
    case 'transient':
    case 'ambiguous': {
      const where = apiRoot ? msg('channel.platformAt', { platform, apiRoot }) : platform;
      // Telegram is blocked on some networks (mainland China among them): the text says what to do.
      return failure('channel_unreachable', 502, msg(kind === 'telegram' ? 'channel.unreachableTelegram' : 'channel.unreachable', { where, reason }));
    }
    case 'rate_limited':
      return failure('channel_busy', 503, msg('channel.busy', { platform, reason }));
    case 'auth':
    case 'permanent':
      return failure('channel_refused', 422, msg('channel.refused', { platform, reason }));
    default:
      return failure('invalid_channel', 422, msg('channel.uncheckable', { kind, reason }));
  }
}
