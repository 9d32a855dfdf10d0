// Small pieces of plain English shared by the rule messages, and the same pieces as catalogue
// texts (`lint.unit.*`, `lint.day.*`) for the rules worded in the reader's language.

import { type Msg, msg } from '../../i18n/index.ts';

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `D1–D6`, `D1, D3, D5`, `D1–D3, D5`; long lists are cut: `D1, D3, D5 and 4 more days`. */
export function dayList(days: number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i + 1 ? `D${sorted[i]}–D${sorted[j]}` : j === i + 1 ? `D${sorted[i]}, D${sorted[j]}` : `D${sorted[i]}`);
    i = j + 1;
  }
  const flat = parts.join(', ').split(', ');
  if (flat.length <= 4) return flat.join(', ');
  return `${flat.slice(0, 3).join(', ')} and ${flat.length - 3} more days`;
}

/** `45 minutes`, `2 hours 30 minutes`, `36 hours`, `3 days 6 hours`. */
export function duration(minutes: number): string {
  const m = Math.abs(minutes);
  if (m < 120) return plural(m, 'minute');
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${plural(h, 'hour')} ${plural(m % 60, 'minute')}` : plural(h, 'hour');
  const d = Math.floor(h / 24);
  return h % 24 ? `${plural(d, 'day')} ${plural(h % 24, 'hour')}` : plural(d, 'day');
}

/** Where a D index sits relative to the anchor's day. */
export function relativeDay(day: number): string {
  if (day < 0) return `${plural(-day, 'day')} before the anchor`;
  if (day === 0) return "on the anchor's own day";
  return `${plural(day, 'day')} after the anchor`;
}

export function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

/** `3 days`, `1 hour`, `45 minutes` as a catalogue text (`lint.unit.<unit>`). */
export function countText(n: number, unit: 'day' | 'hour' | 'minute'): Msg {
  return msg(`lint.unit.${unit}s`, { count: n });
}

/** relativeDay as a catalogue text. */
export function relativeDayText(day: number): Msg {
  if (day < 0) return msg('lint.day.before', { days: countText(-day, 'day') });
  if (day === 0) return msg('lint.day.same');
  return msg('lint.day.after', { days: countText(day, 'day') });
}

/** dayList as a catalogue text: the days as written (`D1–D3, D5`), "and N more days" worded. */
export function dayListText(days: number[]): Msg | string {
  const all = dayList(days);
  const m = /^(.*) and (\d+) more days$/.exec(all);
  return m ? msg('lint.day.andMore', { list: m[1], count: Number(m[2]) }) : all;
}

/** duration as a catalogue text: `45 minutes`, `2 hours 30 minutes`, `3 days 6 hours`. */
export function durationText(minutes: number): Msg {
  const m = Math.abs(minutes);
  if (m < 120) return countText(m, 'minute');
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? msg('lint.unit.pair', { a: countText(h, 'hour'), b: countText(m % 60, 'minute') }) : countText(h, 'hour');
  const d = Math.floor(h / 24);
  return h % 24 ? msg('lint.unit.pair', { a: countText(d, 'day'), b: countText(h % 24, 'hour') }) : countText(d, 'day');
}

/** ordinal as a catalogue text: `2nd` / `第 2`. */
export function ordinalText(n: number): Msg {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return msg(`lint.ordinal.${s}`, { n });
}
