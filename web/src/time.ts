// Times in the console: shown in the operator's own zone (the browser's), with the group's or
// sheet's zone offered in a tooltip. Pure functions over ISO strings and IANA zone names.

import type { Locale } from './i18n/format.ts';

export function operatorZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const intlLocale = (locale: Locale) => (locale === 'zh' ? 'zh-CN' : 'en-GB');

const formats = new Map<string, Intl.DateTimeFormat>();
function format(locale: Locale, zone: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${zone}|${JSON.stringify(opts)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale(locale), { timeZone: zone, ...opts });
    formats.set(key, f);
  }
  return f;
}

const DATE_TIME: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false };
const DATE: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', weekday: 'short' };
const CLOCK: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hour12: false };

/** "1 Dec 2026, 20:00" / "2026年12月1日 20:00" in a zone (the operator's by default). */
export function formatDateTime(iso: string | Date, locale: Locale, zone = operatorZone()): string {
  return format(locale, zone, DATE_TIME).format(new Date(iso));
}

export function formatDate(iso: string | Date, locale: Locale, zone = operatorZone()): string {
  return format(locale, zone, DATE).format(new Date(iso));
}

export function formatClock(iso: string | Date, locale: Locale, zone = operatorZone()): string {
  return format(locale, zone, CLOCK).format(new Date(iso));
}

/** The calendar date (YYYY-MM-DD) and clock (HH:mm) of an instant in a zone. */
export function localParts(iso: string | Date, zone: string): { date: string; time: string } {
  const parts = format('en', zone, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(
    new Date(iso),
  );
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

/** Whole calendar days from date `from` to date `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** "in 20 minutes" / "35 minutes ago" ("20分钟后" / "35分钟前"), in the largest sensible unit. */
export function formatRelative(iso: string | Date, locale: Locale, now: Date = new Date()): string {
  const diffS = (new Date(iso).getTime() - now.getTime()) / 1000;
  const abs = Math.abs(diffS);
  const rtf = new Intl.RelativeTimeFormat(intlLocale(locale), { numeric: 'auto' });
  if (abs < 60) return rtf.format(Math.round(diffS), 'second');
  if (abs < 3600) return rtf.format(Math.round(diffS / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(diffS / 3600), 'hour');
  return rtf.format(Math.round(diffS / 86_400), 'day');
}

/** True when two zones show the same wall-clock time for this instant (no tooltip needed). */
export function sameWallClock(iso: string | Date, a: string, b: string): boolean {
  const pa = localParts(iso, a);
  const pb = localParts(iso, b);
  return pa.date === pb.date && pa.time === pb.time;
}
