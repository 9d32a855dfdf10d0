// `--groups groups.csv`: one row per group with an id and a name column; every other column is an
// attribute the sheet can use as {{ group.<column> }}.

import { parse } from 'csv-parse/sync';
import type { PlanGroup } from '../sop/plan.ts';

const ID_HEADERS = ['id', 'group_id', 'group id', 'chat_id', '群id', '群编号'];
const NAME_HEADERS = ['name', 'group_name', 'group name', 'title', '群名', '群名称'];

export class GroupsFileError extends Error {
  constructor(file: string, problems: string[]) {
    super(problems.map((p) => `${file}: ${p}`).join('\n'));
    this.name = 'GroupsFileError';
  }
}

export function readGroupsCsv(text: string, file: string): PlanGroup[] {
  let rows: string[][];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (e) {
    throw new GroupsFileError(file, [`the CSV cannot be read: ${(e as Error).message}`]);
  }
  if (!rows.length) throw new GroupsFileError(file, ['the file is empty; it needs a header row with id and name columns']);
  const header = rows[0].map((h) => h.trim());
  const lower = header.map((h) => h.toLowerCase());
  const idCol = lower.findIndex((h) => ID_HEADERS.includes(h));
  const nameCol = lower.findIndex((h) => NAME_HEADERS.includes(h));
  if (idCol < 0 || nameCol < 0) {
    const missing = [idCol < 0 ? 'id' : '', nameCol < 0 ? 'name' : ''].filter(Boolean).join(' and ');
    throw new GroupsFileError(file, [`row 1: no ${missing} column; the header row has: ${header.join(', ')}`]);
  }
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const groups: PlanGroup[] = [];
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i];
    const line = i + 1;
    const id = row[idCol]?.trim() ?? '';
    const name = row[nameCol]?.trim() ?? '';
    const dup = seen.get(id);
    if (!id) problems.push(`row ${line}: the id is empty`);
    else if (!name) problems.push(`row ${line}: group ${id} has no name`);
    else if (dup) problems.push(`row ${line}: the id ${id} is already used on row ${dup}`);
    else {
      seen.set(id, line);
      // Own entries (Object.fromEntries), so a column called `__proto__` is a column like any other.
      const attrs: Record<string, string> = Object.fromEntries(
        header.flatMap((h, c) => (c !== idCol && c !== nameCol && h ? [[h, row[c]?.trim() ?? '']] : [])),
      );
      groups.push({ id, name, attrs });
    }
  }
  if (problems.length) throw new GroupsFileError(file, problems);
  if (!groups.length) throw new GroupsFileError(file, ['there are no groups under the header row']);
  return groups;
}
