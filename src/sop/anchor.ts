// Reading the `--anchor` of a run: the instant D0 / T0 refers to.
//   2026-12-01T20:00:00+08:00, 2026-12-01T12:00Z   an instant (offset or Z)
//   2026-12-01T20:00, 2026-12-01 20:00             a local date-time, read in the plan's zone
//   2026-12-01                                     a date: the sheet's `anchor_time` on that day

import { DateTime } from 'luxon';
import { PlanError } from './plan-error.ts';
import type { Sheet } from './types.ts';
import { formatClock } from './when.ts';
import { dayNumberOf, instantOf, isZone } from './zone.ts';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WITH_OFFSET = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}/;

export function readAnchor(text: string, sheet: Sheet, timezone?: string): Date {
  const zone = timezone ?? sheet.timezone;
  const t = text.trim();
  const fail = (message: string): never => {
    throw new PlanError([{ message }]);
  };
  if (!isZone(zone)) fail(`the time zone "${zone}" is not one I know; use an IANA name such as Asia/Shanghai`);
  const date = DATE_ONLY.exec(t);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    if (!DateTime.fromObject({ year: y, month: m, day: d }).isValid) {
      fail(`the anchor "${t}" is not a real date; write it as year-month-day, like 2026-12-01`);
    }
    if (sheet.anchorTime === undefined) {
      fail(
        `the anchor "${t}" is a date without a time, and the sheet ${sheet.sop} has no \`anchor_time\`; give the time too, like ${t}T20:00, or add anchor_time: "20:00" to the sheet`,
      );
    }
    return new Date(instantOf(dayNumberOf(y, m, d), sheet.anchorTime as number, zone));
  }
  if (!DATE_TIME.test(t)) {
    fail(
      `the anchor "${t}" is not a date or time I can read; write it like 2026-12-01 (with the sheet's anchor_time${sheet.anchorTime === undefined ? '' : ` ${formatClock(sheet.anchorTime)}`}), 2026-12-01T20:00 (local time in ${zone}) or 2026-12-01T12:00Z`,
    );
  }
  const iso = t.replace(' ', 'T');
  const read = WITH_OFFSET.test(iso)
    ? DateTime.fromISO(iso, { setZone: true })
    : // A local time inside a spring-forward gap moves forward, like every planned time (zone.ts).
      DateTime.fromISO(iso, { zone });
  if (!read.isValid) {
    fail(`the anchor "${t}" is not a real date and time; check the month, day, hours (00–23) and minutes (00–59)`);
  }
  return read.toJSDate();
}
