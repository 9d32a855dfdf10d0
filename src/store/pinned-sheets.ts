// A run's sheet version, parsed, kept for the process: a stored version never changes, so the
// check-in and survey paths (which look a step up per post or per form) parse each one once.

import { parseSheet } from '../sop/parse.ts';
import type { Sheet } from '../sop/types.ts';
import type { Db } from './db.ts';
import { getSheetVersion } from './sheets.ts';

const CACHE_SIZE = 64;
const cache = new Map<string, Sheet>();

/** The parsed sheet `id@version`; undefined when that version is not stored. */
export async function pinnedSheet(db: Db, id: string, version: number): Promise<Sheet | undefined> {
  const key = `${id}@${version}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const v = await getSheetVersion(db, id, version);
  if (!v) return undefined;
  const { sheet } = parseSheet(v.yaml, key);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, sheet);
  return sheet;
}
