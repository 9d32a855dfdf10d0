// An instant shown in the operator's zone; the group's (or sheet's) own zone in the tooltip.

import { useLocale, useT } from '../i18n/index.ts';
import { formatDateTime, operatorZone, sameWallClock } from '../time.ts';

export function When({ iso, zone, className }: { iso: string | null | undefined; zone?: string | null; className?: string }) {
  const locale = useLocale();
  const t = useT();
  if (!iso) return <span className={className}>—</span>;
  const mine = operatorZone();
  const title =
    zone && zone !== mine && !sameWallClock(iso, zone, mine)
      ? t('common.inZone', { zone, time: formatDateTime(iso, locale, zone) })
      : t('common.yourZone', { zone: mine });
  return (
    <time className={className} dateTime={iso} title={title}>
      {formatDateTime(iso, locale)}
    </time>
  );
}
