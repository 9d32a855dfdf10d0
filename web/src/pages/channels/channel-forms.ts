// What each kind of channel asks for: the fields of its form (matching the server's
// CHANNEL_CONFIG in src/channels/registry.ts), which of them are secrets, and the guide steps.

import type { ChannelKind } from '../../types.ts';

export interface ChannelField {
  /** The key in the channel's `config` (or `name`). */
  key: string;
  secret?: boolean;
  required?: boolean;
  /** Shown under "More settings". */
  advanced?: boolean;
  placeholder?: string;
}

export interface ChannelForm {
  fields: ChannelField[];
  /** Number of guide steps: i18n keys `channels.guide_<kind>_<n>`, 1-based. */
  guideSteps: number;
}

export const CHANNEL_FORMS: Record<ChannelKind, ChannelForm> = {
  telegram: {
    fields: [
      { key: 'token', secret: true, required: true, placeholder: '7012345678:AAH…' },
      { key: 'webhookSecret', secret: true, advanced: true },
      { key: 'apiRoot', advanced: true, placeholder: 'https://api.telegram.org' },
    ],
    guideSteps: 4,
  },
  wecom: {
    fields: [
      { key: 'corpId', required: true, placeholder: 'ww…' },
      { key: 'secret', secret: true, required: true },
      { key: 'token', secret: true, required: true },
      { key: 'aesKey', secret: true, required: true, placeholder: '43 characters' },
      { key: 'sender', advanced: true },
      { key: 'apiRoot', advanced: true, placeholder: 'https://qyapi.weixin.qq.com' },
    ],
    guideSteps: 5,
  },
  wechaty: {
    fields: [
      { key: 'puppet', required: true, placeholder: 'wechaty-puppet-service' },
      { key: 'puppetToken', secret: true },
    ],
    guideSteps: 3,
  },
  sandbox: { fields: [], guideSteps: 2 },
  manual: { fields: [], guideSteps: 2 },
};

/** The i18n keys of a kind's guide steps, in order. */
export function guideKeys(kind: ChannelKind): string[] {
  return Array.from({ length: CHANNEL_FORMS[kind].guideSteps }, (_, i) => `channels.guide_${kind}_${i + 1}`);
}

/** The request body for POST /api/channels: empty optional fields are left out. */
export function channelBody(kind: ChannelKind, name: string, values: Record<string, string>): { kind: ChannelKind; name?: string; config: Record<string, string> } {
  const config: Record<string, string> = {};
  for (const f of CHANNEL_FORMS[kind].fields) {
    const v = (values[f.key] ?? '').trim();
    if (v) config[f.key] = v;
  }
  return { kind, ...(name.trim() ? { name: name.trim() } : {}), config };
}

/** The form field a refusal names: `config.token` / `token` → `token`; "config" → none. */
export function refusedField(field: string | undefined): string | undefined {
  if (!field) return undefined;
  const key = field.replace(/^config\./, '');
  return key === 'config' ? undefined : key;
}

/**
 * How the connect form words a failed check: a field of the wrong shape, a platform that could not
 * be reached (the network, not the details), or the server's own sentence (a refusal says what to
 * do). Undefined: show the server's message as it is.
 */
export function failureWording(code: string | undefined, field: string | undefined): 'channels.fieldWrong' | 'channels.unreachable' | 'channels.refused' | undefined {
  if (code === 'channel_unreachable') return 'channels.unreachable';
  if (code === 'invalid_channel') return refusedField(field) ? 'channels.fieldWrong' : 'channels.refused';
  return undefined;
}
