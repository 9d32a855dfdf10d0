// Table types for the typed query layer. Keep in step with src/store/migrations/.

import type { ColumnType } from 'kysely';

/** Optional on insert (the database fills it in), a Date when read. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface SheetsTable {
  id: string;
  title: string;
  community: string;
  latest_version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SheetVersionsTable {
  sheet_id: string;
  version: number;
  yaml: string;
  sha256: string;
  title: string;
  community: string;
  step_count: number;
  created_by: string | null;
  created_at: Timestamp;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_sha256: string;
  role: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
}

export interface Database {
  sheets: SheetsTable;
  sheet_versions: SheetVersionsTable;
  api_tokens: ApiTokensTable;
}
