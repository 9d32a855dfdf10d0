// Checking a new channel's credentials, in two steps an operator can act on. First their shape,
// before any call: a token cut short when copied is a typo to fix, not a refusal. Then the
// platform's answer, kept apart the way grammY keeps HttpError from GrammyError: "Chorus cannot
// reach the platform" (network, DNS, time-out, 5xx: nothing was checked; fix the network) is not
// "the platform said no" (401/403, an errcode: fix the credentials). Pure.

import type { ChannelErrorKind, ChannelKind } from './port.ts';

export interface ShapeProblem {
  field: string;
  message: string;
}

const PLATFORM: Record<ChannelKind, string> = { telegram: 'Telegram', wecom: 'WeCom', wechaty: 'WeChat (Wechaty)', manual: 'manual', sandbox: 'sandbox' };

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

/** The first credential that cannot be right, whatever the platform would say; undefined when all look right. */
export function credentialShapeProblem(kind: ChannelKind, config: Record<string, unknown>): ShapeProblem | undefined {
  if (kind === 'telegram') {
    const token = text(config, 'token');
    if (!TELEGRAM_TOKEN.test(token)) {
      return {
        field: 'token',
        message:
          'This is not a whole Telegram bot token: a token is the bot number, a colon and at least 30 letters, digits, - or _ (like 123456789:AAH…). Copy the whole token again from @BotFather (/mybots → the bot → API Token).',
      };
    }
  }
  if (kind === 'wecom') {
    if (!WECOM_CORP_ID.test(text(config, 'corpId'))) {
      return {
        field: 'corpId',
        message: 'This is not a WeCom CorpID: it starts with "ww" and is followed by letters and digits. Copy it from the WeCom admin console → My Company → Company Information (at the bottom).',
      };
    }
    if (!WECOM_SECRET.test(text(config, 'secret'))) {
      return {
        field: 'secret',
        message: `A WeCom Secret is 43 letters, digits, - or _; this one has ${text(config, 'secret').length} characters. In the admin console open the app (or Customer Contact → API), press "View" next to Secret, and copy the whole secret WeCom sends you.`,
      };
    }
    if (!WECOM_TOKEN.test(text(config, 'token'))) {
      return {
        field: 'token',
        message: 'The callback Token is up to 32 letters and digits. Copy it from the app → Receive Messages → Set API Receiving (or press "Random" there and copy the new one).',
      };
    }
    if (!WECOM_AES_KEY.test(text(config, 'aesKey'))) {
      return {
        field: 'aesKey',
        message: 'The EncodingAESKey is 43 letters and digits. Copy it from the app → Receive Messages → Set API Receiving (or press "Random" there and copy the new one).',
      };
    }
  }
  return undefined;
}

export type VerifyFailureCode = 'channel_unreachable' | 'channel_refused' | 'channel_busy' | 'invalid_channel';

export interface VerifyFailure {
  code: VerifyFailureCode;
  /** The HTTP status the API answers with. */
  status: number;
  field: string;
  message: string;
}

/**
 * What to tell the operator when the platform check failed. `errorKind` is the connector's
 * ChannelError kind (absent when the connector could not say, e.g. a WeChat account not logged in).
 */
export function verifyFailure(kind: ChannelKind, errorKind: ChannelErrorKind | undefined, reason: string, apiRoot?: string): VerifyFailure {
  const platform = PLATFORM[kind];
  switch (errorKind) {
    case 'transient':
    case 'ambiguous': {
      const where = apiRoot ? ` at ${apiRoot}` : '';
      const blocked = kind === 'telegram' ? ' Telegram is blocked on some networks (mainland China among them): use a proxy, or a Bot API server you run, with its address as the API root.' : '';
      return {
        code: 'channel_unreachable',
        status: 502,
        field: 'config',
        message: `Chorus cannot reach ${platform}${where}, so the credentials were not checked and nothing was saved. Check that this server can reach the platform — its internet connection, DNS, firewall or proxy — then add the channel again.${blocked} (What happened: ${reason})`,
      };
    }
    case 'rate_limited':
      return { code: 'channel_busy', status: 503, field: 'config', message: `${platform} asked Chorus to wait before calling again, so nothing was saved; add the channel again in a minute. (What happened: ${reason})` };
    case 'auth':
    case 'permanent':
      return { code: 'channel_refused', status: 422, field: 'config', message: `${platform} refused these credentials, so nothing was saved: ${reason}` };
    default:
      return { code: 'invalid_channel', status: 422, field: 'config', message: `The ${kind} channel could not be checked, so nothing was saved: ${reason}` };
  }
}
