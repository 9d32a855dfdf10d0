// Where one ledger row counts in a progress summary: done, late, missed, still pending, or
// cancelled. Pure and without imports, so the console (web/) uses this same function and the
// command center and `chorus broadcast status` always agree.

export type Bucket = 'done' | 'late' | 'missed' | 'pending' | 'cancelled';

export function bucketOf(row: { state: string; onTime: boolean | null }): Bucket {
  switch (row.state) {
    case 'sent':
      return row.onTime === false ? 'late' : 'done';
    case 'done':
    // An audience row that became one row per member: the step itself was carried out.
    case 'expanded':
      return 'done';
    case 'done_late':
      return 'late';
    case 'missed':
    case 'failed':
      return 'missed';
    case 'cancelled':
    case 'skipped':
      return 'cancelled';
    default:
      return 'pending';
  }
}
