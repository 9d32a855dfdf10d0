// A date given to `--since` or `?since=`: a day (2026-03-01, its start in the workspace's zone) or
// an instant with its offset (2026-03-01T08:00:00+08:00). Pure.

import { DateTime } from 'luxon';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The instant a date names, or null when it is not a real date (2026-02-30, 'yesterday'). */
export function readDate(text: string, zone: string): Date | null {
  const t = text.trim();
  if (DAY.test(t)) {
    const d = DateTime.fromISO(`${t}T00:00:00`, { zone });
    return d.isValid && d.toFormat('yyyy-MM-dd') === t ? d.toJSDate() : null;
  }
  if (INSTANT.test(t)) {
    const d = DateTime.fromISO(t, { setZone: true });
    return d.isValid ? d.toJSDate() : null;
  }
  return null;
}
