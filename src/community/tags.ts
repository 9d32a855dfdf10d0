// Tagging members, one or many in one transaction: each member whose tags change gets a `tag`
// event with what was added and removed; members already as asked are left alone (not counted).

import { sql, type Db } from '../store/db.ts';
import { applyTags } from './tag-rules.ts';

const CHUNK = 1000;

export interface TagChange {
  add: readonly string[];
  remove: readonly string[];
  actor?: string;
  at: Date;
}

/** Changes the tags of `ids`; returns how many members changed. Call inside a transaction. */
export async function changeTags(db: Db, ids: readonly string[], change: TagChange): Promise<number> {
  let changed = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const rows = await db.selectFrom('members').select(['id', 'tags']).where('id', 'in', [...chunk]).where('forgotten_at', 'is', null).forUpdate().execute();
    const moves = rows.map((r) => ({ id: r.id, ...applyTags(r.tags, change.add, change.remove) })).filter((m) => m.added.length || m.removed.length);
    if (!moves.length) continue;
    // One statement per chunk: each member's new list, passed as a JSON array of arrays.
    const values = JSON.stringify(moves.map((m) => ({ id: m.id, tags: m.tags })));
    await sql`
      UPDATE members SET tags = ARRAY(SELECT jsonb_array_elements_text(v.tags))
      FROM jsonb_to_recordset(${values}::jsonb) AS v(id text, tags jsonb)
      WHERE members.id = v.id`.execute(db);
    await db
      .insertInto('member_events')
      .values(
        moves.map((m) => ({
          member_id: m.id,
          group_id: null,
          kind: 'tag',
          at: change.at,
          detail: JSON.stringify({ added: m.added, removed: m.removed, ...(change.actor ? { by: change.actor } : {}) }),
        })),
      )
      .execute();
    changed += moves.length;
  }
  return changed;
}
