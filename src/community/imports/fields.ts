// The values a people import reads, one function each, pure: a phone number, an e-mail address,
// a member reference, an attribute name, an amount of money and an order's time. Each returns
// the stored form, or undefined when the text is not one (the caller names the row and field).

import { DateTime } from 'luxon';

/**
 * Phones are stored in one form so that an import, a webhook and the members engineer's merge
 * suggestions compare equal: `+<country code><number>`. A bare 11-digit number starting with 1 is
 * a mainland China mobile (+86); other countries need their `+` or `00` prefix, since a bare
 * local number names no country.
 */
export function normalizePhone(text: string): string | undefined {
  const t = text.normalize('NFKC').trim();
  if (!/^[+\d][\d\s\-().]*$/.test(t)) return undefined;
  let digits = t.replace(/\D/g, '');
  if (t.startsWith('+')) return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : undefined;
  if (digits.startsWith('00')) {
    digits = digits.slice(2);
    return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : undefined;
  }
  if (/^1[3-9]\d{9}$/.test(digits)) return `+86${digits}`;
  if (/^861[3-9]\d{9}$/.test(digits)) return `+${digits}`;
  return undefined;
}

/** E-mail addresses compare case-insensitively (members_email indexes lower(email)). */
export function normalizeEmail(text: string): string | undefined {
  const t = text.normalize('NFKC').trim().toLowerCase();
  if (t.length > 254 || !/^[^\s@"<>(),;:]+@[^\s@"<>(),;:]+\.[^\s@"<>(),;:.]{2,}$/.test(t)) return undefined;
  return t;
}

/** `mem_…` (a Chorus member id) or `<channel id>:<platform user id>`. */
export type MemberRef = { kind: 'id'; id: string } | { kind: 'identity'; channel: string; externalId: string };

export function parseMemberRef(text: string): MemberRef | undefined {
  const t = text.trim();
  if (/^mem_[A-Za-z0-9_-]+$/.test(t)) return { kind: 'id', id: t };
  const colon = t.indexOf(':');
  if (colon <= 0 || colon === t.length - 1) return undefined;
  const channel = t.slice(0, colon).trim();
  const externalId = t.slice(colon + 1).trim();
  return channel && externalId ? { kind: 'identity', channel, externalId } : undefined;
}

/** Names that would reach into an object's prototype, or shadow `{{ member.name }}` / `.id`. */
export const RESERVED_ATTRIBUTES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype', 'name', 'id']);

/**
 * A column header as an attribute name usable in `{{ member.<attribute> }}` (the name grammar of
 * src/sop/render.ts: a letter or `_`, then letters, digits, `_` or `-`): width folded, lower
 * case, spaces and dots become `_`, anything else dropped. `城市` stays `城市`; `Sign-up Date`
 * becomes `sign-up_date`; `2024届` becomes `_2024届`. Undefined when nothing is left.
 */
export function attributeKey(label: string): string | undefined {
  let key = label
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s.·]+/g, '_')
    .replace(/[^\p{L}\p{N}_-]/gu, '');
  if (!key) return undefined;
  if (!/^[\p{L}_]/u.test(key)) key = `_${key}`;
  return key.slice(0, 64);
}

/**
 * An amount of money as numeric(14,2) text: `199`, `199.9`, `1,299.00`, `¥199`, `199元`,
 * `USD 19.99` are read; negative amounts (refunds) are not orders. Undefined otherwise.
 */
export function parseAmount(value: string | number): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || value >= 1e12) return undefined;
    const cents = Math.round(value * 100);
    if (Math.abs(cents - value * 100) > 1e-6 * Math.max(1, value)) return undefined;
    return (cents / 100).toFixed(2);
  }
  const t = value
    .normalize('NFKC')
    .trim()
    .replace(/^(?:[A-Za-z]{3}\s*|[¥$€£])/, '')
    .replace(/(?:\s*[A-Za-z]{3}|元|块)$/, '')
    .trim();
  if (!/^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$/.test(t)) return undefined;
  const plain = t.replace(/,/g, '');
  const [whole, frac = ''] = plain.split('.');
  if (whole.replace(/^0+(?=\d)/, '').length > 12) return undefined;
  return `${BigInt(whole).toString()}.${frac.padEnd(2, '0')}`;
}

/** ISO 8601 with an offset or `Z` is an instant; a local date-time is read in `zone`. */
const LOCAL_FORMATS = ['yyyy-M-d H:mm:ss', 'yyyy-M-d H:mm', 'yyyy/M/d H:mm:ss', 'yyyy/M/d H:mm', 'yyyy-M-d', 'yyyy/M/d', "yyyy年M月d日 H:mm", "yyyy年M月d日 H:mm:ss", "yyyy年M月d日"];

export function parseOrderTime(text: string, zone: string): Date | undefined {
  const t = text.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (!t) return undefined;
  if (/[Tt]/.test(t) || /(?:Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(t);
    const iso = DateTime.fromISO(t.replace(' ', 'T'), { zone: hasOffset ? 'utc' : zone, setZone: false });
    return iso.isValid ? iso.toJSDate() : undefined;
  }
  for (const f of LOCAL_FORMATS) {
    const d = DateTime.fromFormat(t, f, { zone });
    if (d.isValid) return d.toJSDate();
  }
  return undefined;
}
