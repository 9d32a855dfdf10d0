// Versioned sheets. Saving a changed sheet adds a version; saving the same text again returns the
// version that already has it. Old versions stay readable: runs pin the version they started with.

import { createHash } from 'node:crypto';
import { parseSheet } from '../sop/parse.ts';
import type { Db } from './db.ts';

export interface SavedSheet {
  id: string;
  version: number;
  /** False when the text was identical to the latest version (nothing new was stored). */
  created: boolean;
}

export interface SheetVersion {
  id: string;
  version: number;
  yaml: string;
  sha256: string;
  title: string;
  community: string;
  stepCount: number;
  createdBy: string | null;
  createdAt: Date;
}

export interface SheetSummary {
  id: string;
  title: string;
  community: string;
  latestVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What the store keeps about a sheet besides its text. */
export interface SheetSummaryFields {
  sop: string;
  title: string;
  community: string;
  stepCount: number;
}

/**
 * Parses (throwing SheetError on a broken sheet, so nothing half-valid is stored) and saves.
 * `checked` is the summary of this very text when the caller parsed it already (the API does, in
 * a worker thread), so a large sheet is not parsed a second time on the event loop.
 */
/** `onSaved` runs in the transaction that stores a new version (not when the text is unchanged): the audit entry. */
export async function saveSheet(
  db: Db,
  input: { yaml: string; file?: string; actor?: string; checked?: SheetSummaryFields; onSaved?: (trx: Db, saved: SavedSheet) => Promise<void> },
): Promise<SavedSheet> {
  const sheet = input.checked ?? summaryOf(parseSheet(input.yaml, input.file ?? 'sheet.yaml').sheet);
  const sha256 = createHash('sha256').update(input.yaml).digest('hex');
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sheets')
      .values({ id: sheet.sop, title: sheet.title, community: sheet.community, latest_version: 0 })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    // The row lock serializes concurrent saves of one sheet, so versions never collide.
    const head = await trx.selectFrom('sheets').select('latest_version').where('id', '=', sheet.sop).forUpdate().executeTakeFirstOrThrow();
    if (head.latest_version > 0) {
      const latest = await trx
        .selectFrom('sheet_versions')
        .select('sha256')
        .where('sheet_id', '=', sheet.sop)
        .where('version', '=', head.latest_version)
        .executeTakeFirstOrThrow();
      if (latest.sha256 === sha256) return { id: sheet.sop, version: head.latest_version, created: false };
    }
    const version = head.latest_version + 1;
    await trx
      .insertInto('sheet_versions')
      .values({
        sheet_id: sheet.sop,
        version,
        yaml: input.yaml,
        sha256,
        title: sheet.title,
        community: sheet.community,
        step_count: sheet.stepCount,
        created_by: input.actor ?? null,
      })
      .execute();
    await trx
      .updateTable('sheets')
      .set({ latest_version: version, title: sheet.title, community: sheet.community, updated_at: new Date() })
      .where('id', '=', sheet.sop)
      .execute();
    const saved = { id: sheet.sop, version, created: true };
    await input.onSaved?.(trx, saved);
    return saved;
  });
}

function summaryOf(sheet: { sop: string; title: string; community: string; steps: unknown[] }): SheetSummaryFields {
  return { sop: sheet.sop, title: sheet.title, community: sheet.community, stepCount: sheet.steps.length };
}

export async function listSheets(db: Db): Promise<SheetSummary[]> {
  const rows = await db.selectFrom('sheets').selectAll().where('latest_version', '>', 0).orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    community: r.community,
    latestVersion: r.latest_version,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  }));
}

export async function listVersions(db: Db, id: string): Promise<Omit<SheetVersion, 'yaml'>[]> {
  const rows = await db
    .selectFrom('sheet_versions')
    .select(['sheet_id', 'version', 'sha256', 'title', 'community', 'step_count', 'created_by', 'created_at'])
    .where('sheet_id', '=', id)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.sheet_id,
    version: r.version,
    sha256: r.sha256,
    title: r.title,
    community: r.community,
    stepCount: r.step_count,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
  }));
}

/** The given version, or the latest when `version` is omitted; undefined when there is none. */
export async function getSheetVersion(db: Db, id: string, version?: number): Promise<SheetVersion | undefined> {
  let q = db.selectFrom('sheet_versions').selectAll().where('sheet_id', '=', id);
  q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
  const r = await q.executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.sheet_id,
    version: r.version,
    yaml: r.yaml,
    sha256: r.sha256,
    title: r.title,
    community: r.community,
    stepCount: r.step_count,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
  };
}
