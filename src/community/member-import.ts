// `chorus member import` / POST /api/members/import: a members file (read by
// imports/people-csv.ts) stored in one go. All or nothing: every row is checked and every member
// it names looked up first; if any row has a problem nothing is written and every problem is
// reported, so a file is fixed once and imported again (as the sheet import does). Otherwise one
// transaction creates the new members (by phone or e-mail), updates the others (name, contacts,
// attributes merged: an empty cell keeps what is known) and records an `import` event for each.
// Writes go in batches through jsonb_to_recordset — one statement per 2,000 members — so a
// 100,000-row file takes seconds, not minutes.

import { randomBytes } from 'node:crypto';
import { type Db, sql } from '../store/db.ts';
import type { MemberImportRow, RowProblem } from './imports/people-csv.ts';
import { resolvePeople } from './imports/resolve.ts';

export interface ImportOutcome {
  created: number;
  updated: number;
  errors: RowProblem[];
}

export const BATCH = 2000;

export function newMemberId(): string {
  return `mem_${randomBytes(6).toString('hex')}`;
}

/** Runs `write` over `items` in batches of BATCH, each batch as one JSON parameter. */
export async function inBatches<T>(items: readonly T[], write: (json: string) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) await write(JSON.stringify(items.slice(i, i + BATCH)));
}

export const byRow = (a: RowProblem, b: RowProblem) => a.row - b.row;

interface Change {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  attrs: Record<string, string>;
  row: number;
}

export interface ImportOptions {
  at: Date;
  actor?: string;
  /** Runs in the import's transaction once everything is written (the audit entry). */
  inTransaction?: (trx: Db, outcome: ImportOutcome) => Promise<void>;
}

export async function importMembers(db: Db, read: { rows: MemberImportRow[]; problems: RowProblem[] }, opts: ImportOptions): Promise<ImportOutcome> {
  const { at, actor } = opts;
  const resolution = await resolvePeople(db, read.rows, newMemberId);
  const errors = [...read.problems, ...resolution.problems].sort(byRow);
  if (errors.length) return { created: 0, updated: 0, errors };
  const created = new Map(resolution.created.map((m) => [m.id, m]));
  // Rows about the same member fold into one change: later rows win, attributes merge.
  const changes = new Map<string, Change>();
  for (const r of read.rows) {
    const target = resolution.targets.get(r.row);
    if (!target) continue;
    const c = changes.get(target.memberId) ?? { id: target.memberId, name: null, phone: null, email: null, attrs: {}, row: r.row };
    if (r.name) c.name = r.name;
    if (r.phone) c.phone = r.phone;
    if (r.email) c.email = r.email;
    Object.assign(c.attrs, r.attrs);
    changes.set(target.memberId, c);
  }
  const fresh = [...changes.values()].filter((c) => created.has(c.id));
  const known = [...changes.values()].filter((c) => !created.has(c.id));
  const atIso = at.toISOString();
  await db.transaction().execute(async (trx) => {
    await inBatches(
      fresh.map((c) => ({ ...c, name: c.name ?? created.get(c.id)?.name ?? c.id })),
      (json) =>
        sql`INSERT INTO members (id, name, phone, email, attrs)
            SELECT v.id, v.name, v.phone, v.email, coalesce(v.attrs, '{}'::jsonb)
            FROM jsonb_to_recordset(${json}::jsonb) AS v(id text, name text, phone text, email text, attrs jsonb)`.execute(trx),
    );
    await inBatches(known, (json) =>
      sql`UPDATE members m SET
            name = coalesce(v.name, m.name),
            phone = coalesce(v.phone, m.phone),
            email = coalesce(v.email, m.email),
            attrs = m.attrs || coalesce(v.attrs, '{}'::jsonb)
          FROM jsonb_to_recordset(${json}::jsonb) AS v(id text, name text, phone text, email text, attrs jsonb)
          WHERE m.id = v.id`.execute(trx),
    );
    await inBatches(
      [...changes.values()].map((c) => ({ member_id: c.id, detail: { row: c.row, created: created.has(c.id), ...(actor ? { by: actor } : {}), attributes: Object.keys(c.attrs) } })),
      (json) =>
        sql`INSERT INTO member_events (member_id, kind, at, detail)
            SELECT v.member_id, 'import', ${atIso}::timestamptz, v.detail
            FROM jsonb_to_recordset(${json}::jsonb) AS v(member_id text, detail jsonb)`.execute(trx),
    );
    await opts.inTransaction?.(trx, { created: fresh.length, updated: known.length, errors: [] });
  });
  return { created: fresh.length, updated: known.length, errors: [] };
}
