// A live code's groups as the tasks, the creation and the adoption read them (active groups, by
// position, with their channel), and the words of the "create the next group" task.

import { sql } from 'kysely';
import { translate } from '../i18n/index.ts';
import { languageOfText } from '../run/member-blank.ts';
import type { Db } from '../store/db.ts';

export interface SlotRow {
  slot: number;
  group_id: string;
  external_id: string;
  cap: number | null;
  channel_id: string;
  channel_kind: string;
  channel_status: string;
  leader: string | null;
  attrs: Record<string, string> | string;
  name: string;
  invite_link: string | null;
  invite_expires_at: Date | null;
  link_asked_at: Date | null;
  expiry_task_for: Date | null;
}

export async function slots(db: Db, livecodeId: string): Promise<SlotRow[]> {
  const r = await sql<SlotRow>`
    SELECT s.id AS slot, s.group_id, g.external_id, s.cap, g.channel_id, c.kind AS channel_kind, c.status AS channel_status, g.leader, g.attrs, g.name, g.invite_link,
      g.invite_expires_at, s.link_asked_at, s.expiry_task_for
    FROM livecode_groups s JOIN groups g ON g.id = s.group_id JOIN channels c ON c.id = g.channel_id
    WHERE s.livecode_id = ${livecodeId} AND g.status = 'active' ORDER BY s.position`.execute(db);
  return r.rows;
}

export const attrsOf = (a: SlotRow['attrs']) => (typeof a === 'string' ? JSON.parse(a) : (a ?? {})) as Record<string, string>;


/** The task text for staff: create the next group (also what a person reads when a bot creation is handed over). */
export const newGroupText = (livecode: string, group: string) => translate(languageOfText(`${livecode}${group}`), 'livecode.task.newGroup', { livecode, group });
