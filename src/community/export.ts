// Members as CSV for a spreadsheet: the list's fields, one row per member (the groups they are in
// now, and those they left, in two columns). UTF-8 with a byte-order
// mark, since Excel reads a CSV without one in the machine's legacy code page (Chinese names
// garbled); fields quoted where needed (RFC 4180), and a leading = + - @ defused so a name cannot
// run as a formula.

import type { MemberSummary } from './member-summary.ts';

export const CSV_HEADER = ['id', 'name', 'identities', 'groups', 'leftGroups', 'stage', 'level', 'points', 'tags', 'messages', 'checkins', 'lastActiveAt', 'blacklisted'];

/** One CSV field: quoted where needed, a leading formula character defused. */
export function csvCell(v: string | number | boolean | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function memberCsvRow(m: MemberSummary): string {
  return [
    m.id,
    m.name,
    m.identities.map((i) => `${i.channel}:${i.externalId}`).join(' '),
    m.groups.filter((g) => !g.leftAt).map((g) => g.groupName).join('; '),
    m.groups.filter((g) => g.leftAt).map((g) => g.groupName).join('; '),
    m.stage,
    m.level,
    m.points,
    m.tags.join(','),
    m.messages,
    m.checkins,
    m.lastActiveAt,
    m.blacklisted,
  ]
    .map(csvCell)
    .join(',');
}

export const CSV_BOM = '\uFEFF';

export function csvHead(): string {
  return `${CSV_BOM}${CSV_HEADER.join(',')}\r\n`;
}
