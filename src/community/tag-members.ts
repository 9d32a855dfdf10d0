// Tagging members: `members.tags` gains (or loses) a tag and each member whose tags changed gets
// a `tag` event on their timeline. One statement per change, so tagging 100,000 members from a
// sheet's `tag` step is as quick as tagging one. Tagging a member who has the tag already changes
// nothing and records nothing.

import { sql } from 'kysely';
import type { Db } from '../store/db.ts';

export interface TagChange {
  add?: readonly string[];
  remove?: readonly string[];
  /** The group the change was made for (a sheet's step), for the timeline. */
  groupId?: string | null;
  /** Who or what made it: a person's sign-in name, or `run:<id>`. */
  by?: string;
  at?: Date;
}

/** Applies the change; returns the ids of the members whose tags changed. */
export async function tagMembers(db: Db, memberIds: readonly string[], change: TagChange): Promise<string[]> {
  const add = [...new Set(change.add ?? [])];
  const remove = [...new Set(change.remove ?? [])].filter((t) => !add.includes(t));
  if (!memberIds.length || (!add.length && !remove.length)) return [];
  const at = (change.at ?? new Date()).toISOString();
  const detail = JSON.stringify({ ...(add.length ? { added: add } : {}), ...(remove.length ? { removed: remove } : {}), ...(change.by ? { by: change.by } : {}) });
  const r = await sql<{ id: string }>`
    WITH upd AS (
      UPDATE members m
         SET tags = (SELECT coalesce(array_agg(DISTINCT t ORDER BY t), '{}') FROM unnest(array_cat(m.tags, ${add}::text[])) AS t
                     WHERE NOT (t = ANY(${remove}::text[])))
       WHERE m.id = ANY(${[...memberIds]}::text[]) AND m.forgotten_at IS NULL
         AND (NOT (m.tags @> ${add}::text[]) OR m.tags && ${remove}::text[])
      RETURNING m.id),
    ev AS (
      INSERT INTO member_events (member_id, group_id, kind, at, detail)
      SELECT id, ${change.groupId ?? null}, 'tag', ${at}::timestamptz, ${detail}::jsonb FROM upd)
    SELECT id FROM upd`.execute(db);
  return r.rows.map((x) => x.id);
}
