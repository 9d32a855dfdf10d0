// The pacing an operator may set per channel (`channels.pacing`, merged over the platform's
// defaults by policies.ts): the least interval between sends, the random jitter added to it, a
// daily cap for the whole account and a daily cap per chat. Pure: reading a patch, its bounds,
// and what the channel's pacing is once applied.
//
// Bounds. The interval may not go below what the platform allows or what keeps an account safe:
// Telegram 34 ms (30 messages per second per bot, Bots FAQ); a personal WeChat account through
// Wechaty 1 s (WeChat restricts accounts that look automated; "the interval cannot be too
// short"); WeCom none of its own (each send is a task a staff member confirms). Nothing above an
// hour (a slower pace is a schedule, not pacing). A WeCom group receives at most one mass message
// a day under the strictest rule an admin can choose and about one a day on average under the
// others (创建企业群发, developer.work.weixin.qq.com/document/path/92135), so its per-chat daily
// cap may be raised only as far as 31, the monthly allowance of a 31-day month.

import type { ChannelKind } from '../channels/port.ts';
import { english, type Msg, msg, type Text } from '../i18n/index.ts';
import { mergePolicy, PLATFORM_DEFAULTS, type PacingOverrides, type PacingPolicy } from './pacing.ts';

/** The settings in plain words, as the API, the CLI and the console show them. */
export interface PacingSettings {
  intervalMs: number;
  jitterMs: number;
  /** Sends per day for the whole account; null = no cap. */
  dailyCap: number | null;
  /** Sends per day into one chat; null = no cap. */
  perChatDailyCap: number | null;
}

export type PacingField = keyof PacingSettings;
export const PACING_FIELDS: readonly PacingField[] = ['intervalMs', 'jitterMs', 'dailyCap', 'perChatDailyCap'];

/** A change: a value, `'default'` (back to the platform's default) or, for caps, `'none'` (no cap). */
export type PacingPatch = { [K in PacingField]?: number | 'default' | 'none' };

export interface PacingBounds {
  intervalMs: { min: number; max: number };
  jitterMs: { min: number; max: number };
  dailyCap: { min: number; max: number };
  perChatDailyCap: { min: number; max: number };
}

const HOUR = 3_600_000;
const MIN_INTERVAL: Record<ChannelKind, number> = { telegram: 34, wecom: 0, wechaty: 1_000, manual: 0, sandbox: 0 };

export function pacingBounds(kind: ChannelKind): PacingBounds {
  return {
    intervalMs: { min: MIN_INTERVAL[kind] ?? 0, max: HOUR },
    jitterMs: { min: 0, max: HOUR },
    dailyCap: { min: 1, max: 1_000_000 },
    perChatDailyCap: { min: 1, max: kind === 'wecom' ? 31 : 100_000 },
  };
}

export class PacingSettingError extends Error {
  /** The message as a catalogue text, rendered in the reader's language by the API. */
  readonly text: Text;
  constructor(
    readonly field: PacingField,
    message: Text,
  ) {
    super(english(message));
    this.text = message;
    this.name = 'PacingSettingError';
  }
}

const WORDS: Record<PacingField, Msg> = {
  intervalMs: msg('pacing.field.intervalMs'),
  jitterMs: msg('pacing.field.jitterMs'),
  dailyCap: msg('pacing.field.dailyCap'),
  perChatDailyCap: msg('pacing.field.perChatDailyCap'),
};

function settingsOf(p: PacingPolicy): PacingSettings {
  return { intervalMs: p.minIntervalMs, jitterMs: p.jitterMs, dailyCap: p.dailyCap ?? null, perChatDailyCap: p.perChatDailyCap ?? null };
}

const POLICY_KEY: Record<PacingField, keyof PacingOverrides> = {
  intervalMs: 'minIntervalMs',
  jitterMs: 'jitterMs',
  dailyCap: 'dailyCap',
  perChatDailyCap: 'perChatDailyCap',
};

export interface PacingView {
  kind: ChannelKind;
  /** What the channel sends with. */
  pacing: PacingSettings;
  /** The platform's defaults. */
  defaults: PacingSettings;
  /** Which settings the channel changed from the defaults. */
  changed: PacingField[];
  bounds: PacingBounds;
}

export function pacingView(kind: ChannelKind, overrides: PacingOverrides): PacingView {
  const defaults = PLATFORM_DEFAULTS[kind] ?? PLATFORM_DEFAULTS.sandbox;
  return {
    kind,
    pacing: settingsOf(mergePolicy(defaults, overrides)),
    defaults: settingsOf(defaults),
    changed: PACING_FIELDS.filter((f) => Object.hasOwn(overrides, POLICY_KEY[f])),
    bounds: pacingBounds(kind),
  };
}

/**
 * The channel's overrides after a change, checked against the bounds. Throws PacingSettingError
 * naming the field in a plain sentence.
 */
export function applyPacingPatch(kind: ChannelKind, overrides: PacingOverrides, patch: PacingPatch): PacingOverrides {
  const bounds = pacingBounds(kind);
  const next: PacingOverrides = { ...overrides };
  for (const field of PACING_FIELDS) {
    const value = patch[field];
    if (value === undefined) continue;
    const key = POLICY_KEY[field];
    if (value === 'default') {
      delete next[key];
      continue;
    }
    const cap = field === 'dailyCap' || field === 'perChatDailyCap';
    if (value === 'none') {
      if (!cap) throw new PacingSettingError(field, msg('pacing.noNone', { field: WORDS[field] }));
      if (kind === 'wecom' && field === 'perChatDailyCap') throw new PacingSettingError(field, msg('pacing.wecomPerChatCap'));
      (next as Record<string, unknown>)[key] = null;
      continue;
    }
    const { min, max } = bounds[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const unit = cap ? '' : ' ms';
      const why =
        field === 'intervalMs' && min > 0
          ? msg(kind === 'telegram' ? 'pacing.why.telegram' : 'pacing.why.wechat')
          : field === 'perChatDailyCap' && kind === 'wecom'
            ? msg('pacing.why.wecomPerChat')
            : undefined;
      const vars = { field: WORDS[field], min, max, unit, got: String(JSON.stringify(value)) };
      throw new PacingSettingError(field, why ? msg('pacing.rangeWhy', { ...vars, why }) : msg('pacing.range', vars));
    }
    (next as Record<string, unknown>)[key] = value;
  }
  // The merged policy must hold too (it checks the rest of the stored overrides).
  mergePolicy(PLATFORM_DEFAULTS[kind] ?? PLATFORM_DEFAULTS.sandbox, next);
  return next;
}

/** `3s`, `500ms`, `1.5s`, `2m`, `1h`, or a bare number of seconds → milliseconds; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const ms = n * (unit === 'ms' ? 1 : unit === 's' ? 1_000 : unit === 'm' ? 60_000 : HOUR);
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** `3 s`, `500 ms`, `2 min`, `1 h 30 min`: a duration as people read it. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(3))} s`;
  if (ms < HOUR) return `${Number((ms / 60_000).toFixed(2))} min`;
  return `${Number((ms / HOUR).toFixed(2))} h`;
}
